// An interview as a state machine driven by the lines the interviewer types
// (docs/interview.md). It knows nothing of terminals or stores: it returns the text to
// show, and hands the answers to an AnswerSink after every change, so a killed program
// loses at most the question on screen.
//
//   Session s(form, {}, sink, {.language = "fr"});
//   out << s.start();
//   while (!s.done() && std::getline(in, line)) out << s.respond(line);
//   if (!s.done()) out << s.end_of_input();
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "canvass/result.hpp"
#include "form/form.hpp"
#include "form/record.hpp"
#include "interview/steps.hpp"
#include "interview/view.hpp"
#include "interview/words.hpp"

namespace canvass::cli::interview {

// Where a session's answers go. The command implements it over the device store.
class AnswerSink {
  public:
    virtual ~AnswerSink() = default;
    // After every change: every answer so far, a valid draft without calculations.
    // Success may carry a line for the interviewer (the id of a new draft).
    virtual Result<std::string> save(const nlohmann::json& answers) = 0;
    // The interviewer confirmed the end: finalize the interview, or save the edit.
    // Success: a line for the interviewer. Failure: the session shows why and asks again.
    virtual Result<std::string> finish(const nlohmann::json& answers) = 0;
};

enum class Purpose : std::uint8_t {
    interview,  // a new interview: from the first question
    resume,     // a draft: from the first unanswered question
    edit,       // a finalized record: every question, current answers as defaults
};

struct SessionOptions {
    Purpose purpose = Purpose::interview;
    std::string language;  // of labels and messages; "" or not in the form: its default
    form::Clock clock;     // today(), now() and calculations; empty: the system clock
    bool color = false;    // ANSI styles in the text
};

enum class Outcome : std::uint8_t {
    open,            // still going
    finalized,       // finish() succeeded on an interview
    draft_kept,      // stopped, or "no" to finalizing: the draft holds every answer
    edit_saved,      // finish() succeeded on an edit
    edit_discarded,  // "no" to saving the edit, or the input ended during an edit
    unchanged,       // an edit that changed nothing: nothing to save
};

class Session {
  public:
    // `answers`: where to start (empty for a new interview, the draft or the record's
    // answers otherwise). The form and the sink must outlive the session.
    Session(const form::Form& form, nlohmann::json answers, AnswerSink& sink,
            SessionOptions options);
    ~Session();

    // The opening lines and the first question.
    std::string start();
    // One line typed by the interviewer, without its newline: what to show next.
    std::string respond(std::string_view line);
    // The input ended (end of file): an interview stops with its draft kept, an edit is
    // discarded, since nobody can confirm it.
    std::string end_of_input();

    bool done() const { return outcome_ != Outcome::open; }
    Outcome outcome() const { return outcome_; }
    // The answers so far, without calculations.
    const nlohmann::json& answers() const { return answers_; }

  private:
    enum class State : std::uint8_t { asking, confirming_end, confirming_removal, finished };

    void refresh();
    void show_from(std::size_t index);
    void ask(std::size_t index);
    void ask_current_again();
    void go_back();
    void go_to_end();
    void quit();

    bool common_command(const std::string& in);
    void on_question(const std::string& in);
    void on_add(const std::string& in);
    void on_end(const std::string& in);
    void on_removal(const std::string& in);

    std::optional<Proposal> proposal() const;
    void take_answer(const form::Row& row, const nlohmann::json& value);
    std::optional<std::string> check(const form::Row& row, const nlohmann::json& value);
    void accept(nlohmann::json value);
    void leave_unanswered();
    void changed(const std::vector<std::string>& cleared);
    void move_on();
    void ask_removal();
    void finish(Outcome outcome, const std::string& message);

    bool required(const Step& step);
    std::size_t resume_point();
    std::optional<std::size_t> first_missing_required();
    std::string help() const;
    // The session's own words in the interview's language (interview/words.hpp).
    std::string say(Phrase phrase, std::initializer_list<std::string_view> args = {}) const {
        return interview::say(view_.language(), phrase, args);
    }
    bool means(Word word, const std::string& typed) const {
        return interview::means(view_.language(), word, typed);
    }
    std::string take();

    const form::Form& form_;
    AnswerSink& sink_;
    SessionOptions options_;
    View view_;
    nlohmann::json answers_;
    nlohmann::json initial_;
    std::unique_ptr<form::Record> record_;  // answers_ with calculations, for relevance & labels
    std::vector<Step> steps_;
    Step current_;
    StepKey cursor_;  // key of the current step; end_key() at the end
    form::InstancePath removal_;
    State state_ = State::asking;
    Outcome outcome_ = Outcome::open;
    std::ostringstream out_;
};

}  // namespace canvass::cli::interview
