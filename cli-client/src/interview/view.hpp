// How an interview reads on a plain terminal: labels in the chosen language with their
// ${field} references filled in, section headings, question blocks, the summary. Pure
// text, so the session can be tested without a terminal; ANSI styles only when asked.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "form/form.hpp"
#include "form/record.hpp"
#include "interview/steps.hpp"

namespace canvass::cli::interview {

// The choices of a select step that pass its choice_filter, in form order.
std::vector<const form::Choice*> offered_choices(const form::Form& form, form::Record& record,
                                                 const Step& step);

// What Enter answers at a question: the answer it already has, or the form's default.
struct Proposal {
    nlohmann::json value;
    bool is_default = false;
};

class View {
  public:
    // `lang`: one of the form's languages, else the form's default is used.
    View(const form::Form& form, const std::string& lang, bool color);

    const std::string& language() const { return lang_; }

    // `label` in the view's language with each ${name} replaced by that field's value as
    // seen from instance `at` (XLSForm's output of a field in a label).
    std::string text(const form::Label& label, const form::InstancePath& at,
                     const form::Record& record) const;

    // Headings of the groups and repeat instances `step` enters that the last step shown
    // was not in ("── Child 2 ──"). Remembers `step` as the last shown.
    std::string headings(const Step& step, const form::Record& record);
    // The next step shown prints all its headings again (after a summary, for instance).
    void forget_headings() { shown_.clear(); }

    // A question: label (marked * when required), hint, numbered choices, what to type,
    // and what Enter answers. Ends with the prompt.
    std::string question(const Step& step, form::Record& record,
                         const std::optional<Proposal>& proposal, bool required) const;
    // A note or read_only question: its label, hint and (read_only) value.
    std::string display(const Step& step, const form::Record& record) const;
    // "Add a "Child"? (1 so far) [y/n]" and the prompt; in an edit Enter means no.
    std::string add_prompt(const Step& step, const form::Record& record, bool enter_means_no) const;
    // Every answered (or relevant but unanswered) question in form order, with headings.
    std::string summary(const std::vector<Step>& steps, const form::Record& record,
                        const nlohmann::json& answers) const;

    std::string prompt() const { return "> "; }
    std::string problem(const std::string& message) const {
        return style("31", "! " + message) + "\n";
    }
    std::string strong(const std::string& s) const { return style("1", s); }
    std::string faint(const std::string& s) const { return style("2", s); }

  private:
    std::string style(const char* code, const std::string& s) const;
    std::string heading(const std::pair<form::RowId, std::size_t>& level, const Step& step,
                        const form::Record& record) const;

    const form::Form& form_;
    std::string lang_;
    bool color_;
    StepContext shown_;
};

}  // namespace canvass::cli::interview
