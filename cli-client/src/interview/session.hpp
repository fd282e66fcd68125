// The terminal face of an interview: reads the lines the interviewer types, drives the
// engine (canvass/interview.hpp) and returns the text to show (docs/interview.md).
// Every rule of the interview is the engine's; this only renders steps and parses
// commands, so it can be tested without a terminal or a store.
//
//   Session s(engine, {.color = false, .width = 80});
//   out << s.start();
//   while (!s.done() && std::getline(in, line)) out << s.respond(line);
//   if (!s.done()) out << s.end_of_input();
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

#include "canvass/interview.hpp"
#include "interview/view.hpp"
#include "canvass/interview_words.hpp"

namespace canvass::cli::interview {

using canvass::interview::FormSession;
using canvass::interview::Purpose;

struct SessionOptions {
    bool color = false;     // ANSI styles in the text
    std::size_t width = 0;  // wrap lines at this many columns; 0: never
    // The record's id as the interviewer reads it, "" while nothing is saved: named when the
    // first save creates the draft, and at the end.
    std::function<std::string()> record_name = [] { return std::string(); };
    // At an image, audio, video or file question the interviewer types a file's path: this
    // copies the file into the store and gives the answer (the attachment reference as JSON
    // text), or an error naming the path. Empty: such questions cannot be answered here.
    std::function<Result<std::string>(const std::string& path, const std::string& type)> attach;
};

enum class Outcome : std::uint8_t {
    open,            // still going
    finalized,       // the interview was finalized
    draft_kept,      // stopped, or "no" to finalizing: the draft holds every answer
    edit_saved,      // the edit was saved as one change
    edit_discarded,  // "no" to saving the edit, or the input ended during an edit
    unchanged,       // an edit that changed nothing: nothing to save
};

class Session {
  public:
    // The engine must outlive the session.
    Session(FormSession& engine, SessionOptions options);

    // The opening lines and the first question.
    std::string start();
    // One line typed by the interviewer, without its newline: what to show next.
    std::string respond(std::string_view line);
    // The input ended (end of file): an interview stops with its draft kept, an edit is
    // discarded, since nobody can confirm it.
    std::string end_of_input();

    bool done() const { return outcome_ != Outcome::open; }
    Outcome outcome() const { return outcome_; }

  private:
    enum class State : std::uint8_t {
        asking,
        browsing,
        confirming_end,
        confirming_removal,
        finished
    };

    void show();
    void ask(const Step& step);
    void ask_again();
    void go_back();
    void go_to_end();
    void go_to(const std::string& target);
    void show_summary();
    void switch_language(const std::string& lang);
    void quit();
    void finish(Outcome outcome, const std::string& message);

    bool common_command(const std::string& in);
    bool answers_text(const std::string& argument) const;
    void on_question(const std::string& in);
    void on_add(const std::string& in);
    void on_browse(const std::string& in);
    void on_end(const std::string& in);
    void on_removal(const std::string& in);
    void moved_on();
    void after_change();

    std::string help() const;
    std::string say(canvass::interview::Phrase phrase,
                    std::initializer_list<std::string_view> args = {}) const {
        return canvass::interview::say(engine_.language(), phrase, args);
    }
    bool means(canvass::interview::Word word, const std::string& typed) const {
        return canvass::interview::means(engine_.language(), word, typed);
    }
    bool is_edit() const { return engine_.purpose() == Purpose::edit; }
    std::string take();

    FormSession& engine_;
    SessionOptions options_;
    View view_;
    State state_ = State::asking;
    Outcome outcome_ = Outcome::open;
    bool back_to_end_ = false;  // a question chosen from the end's summary: return there
    std::string saved_as_;      // the record name when the draft was first saved
    std::string out_;
};

}  // namespace canvass::cli::interview
