// How the engine's steps (canvass/interview.hpp) read on a plain terminal: section
// headings, question blocks, the summary, lines wrapped at word boundaries. Pure text, so
// it can be tested without a terminal; ANSI styles only when asked.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "canvass/interview.hpp"

namespace canvass::cli::interview {

using canvass::interview::Progress;
using canvass::interview::Step;
using canvass::interview::StepKind;

// `text` with every line longer than `width` columns broken at its spaces; a broken line's
// continuation keeps the line's indentation. 0: no wrapping. Columns count UTF-8 characters;
// ANSI styles take none.
std::string wrap(const std::string& text, std::size_t width);

class View {
  public:
    explicit View(bool color) : color_(color) {}

    // Headings of the groups and repeat instances `step` enters that the last step shown
    // was not in ("── Child 2 ──"). Remembers `step` as the last shown.
    std::string headings(const Step& step);
    // The next step shown prints all its headings again (after a summary, for instance).
    void forget_headings() { shown_.clear(); }

    // A question: where it is ("question 3 of 12"), its label (marked * when required),
    // hint, numbered choices, what to type and what Enter does, in `lang`. Ends with the
    // prompt.
    std::string question(const Step& step, const Progress& progress, const std::string& lang) const;
    // A note or read_only question: its label, hint and (read_only) value.
    std::string display(const Step& step) const;
    // "Add a "Child"? (1 so far) [y/N]" and the prompt: Enter goes on without adding.
    std::string add_prompt(const Step& step, const std::string& lang) const;
    // Every question with its number and answer, notes left out, under their headings.
    std::string summary(const std::vector<Step>& steps, const std::string& lang) const;

    std::string prompt() const { return "> "; }
    std::string problem(const std::string& message) const {
        return style("31", "! " + message) + "\n";
    }
    std::string strong(const std::string& s) const { return style("1", s); }
    std::string faint(const std::string& s) const { return style("2", s); }

  private:
    std::string style(const char* code, const std::string& s) const;

    bool color_;
    std::vector<std::pair<std::string, std::size_t>> shown_;  // groups of the last step shown
};

}  // namespace canvass::cli::interview
