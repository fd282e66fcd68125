#include "interview/session.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

namespace canvass::cli::interview {
namespace {

using canvass::interview::Phrase;
using canvass::interview::Word;
using Engine = canvass::interview::Outcome;

std::string trim(std::string_view s) {
    auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    auto last = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(first, last - first + 1));
}

bool interactive(const Step& step) {
    return step.kind == StepKind::repeat_prompt ||
           (step.kind == StepKind::question && !step.read_only);
}

// "go 12" -> "12": what follows `word` when `in` starts with one of its spellings.
std::string argument_of(const std::string& in) {
    auto space = in.find(' ');
    return space == std::string::npos ? std::string() : trim(in.substr(space + 1));
}
std::string command_of(const std::string& in) {
    return in.substr(0, in.find(' '));
}

}  // namespace

Session::Session(FormSession& engine, SessionOptions options)
    : engine_(engine), options_(std::move(options)), view_(options_.color) {}

std::string Session::take() {
    std::string s = wrap(out_, options_.width);
    out_.clear();
    return s;
}

std::string Session::start() {
    out_ += view_.strong(engine_.title()) + "\n";
    switch (engine_.purpose()) {
        case Purpose::interview:
            out_ += say(Phrase::intro_interview) + "\n";
            break;
        case Purpose::resume:
            out_ += say(Phrase::intro_resume) + "\n";
            break;
        case Purpose::edit:
            out_ += say(Phrase::intro_edit) + "\n";
            break;
    }
    // A resumed draft may have been brought in line with a newer form and saved.
    if (!engine_.removed().empty()) after_change();
    show();
    return take();
}

// ---- moving through the steps ----------------------------------------------------------

// Shows the notes and read_only questions from the current step on, then asks the first
// step that takes an answer, or goes to the end.
void Session::show() {
    for (;;) {
        Step step = engine_.current();
        if (step.kind == StepKind::end) return go_to_end();
        if (interactive(step)) return ask(step);
        out_ += view_.headings(step) + view_.display(step);
        if (!engine_.next()) return go_to_end();
    }
}

void Session::ask(const Step& step) {
    state_ = State::asking;
    out_ += view_.headings(step);
    if (step.kind == StepKind::repeat_prompt)
        out_ += view_.add_prompt(step, engine_.language());
    else
        out_ += view_.question(step, engine_.progress(), engine_.language());
}

void Session::ask_again() {
    Step step = engine_.current();
    if (interactive(step)) return ask(step);
    show();
}

// After an answer or "no more": on to the next step, or back to the end's summary when the
// question was chosen there.
void Session::moved_on() {
    if (back_to_end_) return go_to_end();
    show();
}

void Session::go_back() {
    std::size_t here = engine_.current().index;
    for (;;) {
        if (!engine_.back()) {
            (void)engine_.jump(here);
            out_ += view_.problem(say(Phrase::first_question)) + view_.prompt();
            return;
        }
        Step step = engine_.current();
        if (interactive(step)) {
            back_to_end_ = false;
            return ask(step);
        }
    }
}

void Session::go_to_end() {
    back_to_end_ = false;
    (void)engine_.jump(engine_.steps().size());
    // Resuming and editing can start past a required question left unanswered.
    if (auto missing = engine_.missing(); !missing.empty()) {
        out_ += view_.problem(say(Phrase::required_missing));
        (void)engine_.jump(missing.front().index);
        return ask(engine_.current());
    }
    if (is_edit() && !engine_.changed())
        return finish(Outcome::unchanged, say(Phrase::nothing_changed));
    state_ = State::confirming_end;
    view_.forget_headings();
    out_ += view_.summary(engine_.steps(), engine_.language()) +
            view_.faint(say(Phrase::review_at_end)) + "\n" +
            say(is_edit() ? Phrase::confirm_edit : Phrase::confirm_finalize) + "\n" +
            view_.prompt();
}

// `target`: a question's number as the summary shows it, or its name.
void Session::go_to(const std::string& target) {
    bool from_end = state_ == State::confirming_end || (state_ == State::browsing && back_to_end_);
    auto steps = engine_.steps();
    std::size_t number = 0;
    auto [end, ec] = std::from_chars(target.data(), target.data() + target.size(), number);
    Result<void> went;
    if (!target.empty() && ec == std::errc() && end == target.data() + target.size()) {
        auto it = std::find_if(steps.begin(), steps.end(),
                               [&](const Step& s) { return s.number == number && number != 0; });
        std::size_t total = engine_.progress().total;
        went = it == steps.end() ? Result<void>(unexpected(
                                       Domain::form, errc::invalid_argument,
                                       say(Phrase::no_such_step, {target, std::to_string(total)})))
                                 : engine_.jump(it->index);
    } else {
        went = engine_.jump(std::string_view(target));
    }
    if (!went) {
        out_ += view_.problem(went.error().message) + view_.prompt();
        return;
    }
    back_to_end_ = from_end;
    view_.forget_headings();
    ask_again();
}

void Session::show_summary() {
    back_to_end_ = false;
    state_ = State::browsing;
    view_.forget_headings();
    out_ += view_.summary(engine_.steps(), engine_.language()) + say(Phrase::summary_choose) +
            "\n" + view_.prompt();
}

void Session::switch_language(const std::string& lang) {
    if (auto switched = engine_.set_language(lang); !switched) {
        out_ += view_.problem(switched.error().message) + view_.prompt();
        return;
    }
    out_ += say(Phrase::language_now, {engine_.language()}) + "\n";
    if (!engine_.save_problem().empty()) out_ += view_.problem(engine_.save_problem());
    view_.forget_headings();
    if (state_ == State::confirming_end || state_ == State::browsing) return go_to_end();
    ask_again();
}

void Session::quit() {
    if (is_edit()) return go_to_end();
    finish(Outcome::draft_kept, say(Phrase::stopped));
}

void Session::finish(Outcome outcome, const std::string& message) {
    state_ = State::finished;
    outcome_ = outcome;
    out_ += message + "\n";
}

// What the engine's last change did beside the answer: answers it removed, a failed save,
// the draft created.
void Session::after_change() {
    const auto& removed = engine_.removed();
    if (!removed.empty()) {
        out_ += say(Phrase::removed_answers);
        for (const auto& r : removed) out_ += "\n  " + r;
        out_ += "\n";
    }
    if (!engine_.save_problem().empty()) out_ += view_.problem(engine_.save_problem());
    std::string name = options_.record_name();
    if (saved_as_.empty() && !name.empty() && engine_.purpose() == Purpose::interview) {
        saved_as_ = name;
        out_ += say(Phrase::draft_saved, {name, name.substr(0, 8)}) + "\n";
    }
}

// ---- input -------------------------------------------------------------------------------

std::string Session::respond(std::string_view line) {
    std::string in = trim(line);
    switch (state_) {
        case State::asking:
            if (common_command(in)) break;
            if (engine_.current().kind == StepKind::repeat_prompt)
                on_add(in);
            else
                on_question(in);
            break;
        case State::browsing:
            if (!common_command(in)) on_browse(in);
            break;
        case State::confirming_end:
            if (!common_command(in)) on_end(in);
            break;
        case State::confirming_removal:
            on_removal(in);
            break;
        case State::finished:
            break;
    }
    return take();
}

std::string Session::end_of_input() {
    if (state_ == State::finished) return {};
    out_ += "\n";
    if (is_edit())
        finish(Outcome::edit_discarded, say(Phrase::input_ended_edit));
    else
        finish(Outcome::draft_kept, say(Phrase::input_ended_draft));
    return take();
}

// At a text question, "go to the market" is an answer, not a jump: names of questions and
// languages have no spaces, so a `go` or `lang` followed by several words is taken as the text
// it is. One word after it stays a command, so a mistyped name is told, not saved.
bool Session::answers_text(const std::string& argument) const {
    if (state_ != State::asking || argument.find(' ') == std::string::npos) return false;
    const Step step = engine_.current();
    return step.kind == StepKind::question && step.type == "text";
}

// Commands that mean the same at every prompt. True when `in` was one.
bool Session::common_command(const std::string& in) {
    std::string command = command_of(in);
    std::string argument = argument_of(in);
    if (means(Word::back, in)) {
        go_back();
    } else if (means(Word::help, in)) {
        out_ += help() + view_.prompt();
    } else if (means(Word::quit, in)) {
        quit();
    } else if (means(Word::remove, in) && state_ == State::asking) {
        if (!engine_.can_remove_instance()) {
            out_ += view_.problem(say(Phrase::remove_where)) + view_.prompt();
            return true;
        }
        Step step = engine_.current();
        state_ = State::confirming_removal;
        out_ += say(Phrase::remove_confirm,
                    {step.groups.back().label, std::to_string(step.groups.back().instance)}) +
                "\n" + view_.prompt();
    } else if (means(Word::summary, in)) {
        show_summary();
    } else if (!argument.empty() && means(Word::go, command) && !answers_text(argument)) {
        go_to(argument);
    } else if (!argument.empty() && means(Word::lang, command) && !answers_text(argument)) {
        switch_language(argument);
    } else {
        return false;
    }
    return true;
}

void Session::on_question(const std::string& in) {
    Step step = engine_.current();
    Result<void> given;
    bool kept = false;
    if (in.empty() && !step.answer.empty() && step.answer_is_default) {
        given = engine_.answer(step.answer);  // Enter takes the default
    } else if (in.empty() && !step.answer.empty()) {
        kept = true;  // Enter keeps the answer
    } else if (means(Word::skip, in) || in.empty()) {
        if (step.required) {
            out_ += view_.problem(step.required_message) + view_.prompt();
            return;
        }
        given = engine_.answer_typed("");
    } else if (step.type == "image" || step.type == "audio" || step.type == "video" ||
               step.type == "file") {
        // A media question takes a file's path; the file is copied into the store at once, so
        // a missing or too large file is refused now and the interview goes on.
        std::string path = in[0] == '\\' ? in.substr(1) : in;
        if (!options_.attach) {
            out_ += view_.problem("this interview cannot take files; skip the question") +
                    view_.prompt();
            return;
        }
        auto ref = options_.attach(path, step.type);
        if (!ref) {
            out_ += view_.problem(ref.error().message) + view_.prompt();
            return;
        }
        given = engine_.answer(*ref);
    } else {
        given = engine_.answer_typed(in[0] == '\\' ? in.substr(1) : in);  // \< answers "<"
    }
    if (!given) {
        out_ += view_.problem(given.error().message) + view_.prompt();
        return;
    }
    if (!kept) after_change();
    if (auto next = engine_.next(); !next) {  // "n" to a required acknowledge
        out_ += view_.problem(next.error().message) + view_.prompt();
        return;
    }
    moved_on();
}

void Session::on_add(const std::string& in) {
    // Enter goes on without adding ("[y/N]"): the repeat keeps the instances it has.
    bool no = means(Word::no, in) || in.empty();
    if (!means(Word::yes, in) && !no) {
        out_ += view_.problem(say(Phrase::add_yes_or_no)) + view_.prompt();
        return;
    }
    if (no) {
        (void)engine_.next();
        return moved_on();
    }
    if (auto added = engine_.add_instance(); !added) {
        out_ += view_.problem(added.error().message) + view_.prompt();
        return;
    }
    after_change();
    back_to_end_ = false;  // a new instance's questions follow
    show();
}

void Session::on_browse(const std::string& in) {
    if (in.empty()) return ask_again();
    go_to(in);
}

void Session::on_end(const std::string& in) {
    if (means(Word::yes, in)) {
        auto done = engine_.finalize();
        if (!done) {
            out_ += view_.problem(done.error().message) + say(Phrase::go_back_or_stop) + "\n" +
                    view_.prompt();
            return;
        }
        std::string name = options_.record_name();
        switch (engine_.outcome()) {
            case Engine::finalized:
                return finish(Outcome::finalized, say(Phrase::finalized, {name}));
            case Engine::edit_saved:
                return finish(Outcome::edit_saved, say(Phrase::saved_edit, {name}));
            default:
                return finish(Outcome::unchanged, say(Phrase::unchanged_record, {name}));
        }
    }
    if (means(Word::no, in)) {
        if (is_edit()) return finish(Outcome::edit_discarded, say(Phrase::edit_not_saved));
        return finish(Outcome::draft_kept, say(Phrase::kept_as_draft));
    }
    // A number or a name from the summary: change that answer, then come back here.
    if (!in.empty() && in != "?") {
        auto steps = engine_.steps();
        bool known = std::any_of(steps.begin(), steps.end(), [&](const Step& s) {
            return s.name == in || (s.number && std::to_string(s.number) == in);
        });
        if (known) return go_to(in);
    }
    out_ += view_.problem(say(Phrase::yes_or_no)) + view_.prompt();
}

void Session::on_removal(const std::string& in) {
    if (!means(Word::yes, in)) {
        out_ += say(Phrase::nothing_removed) + "\n";
        return ask_again();
    }
    if (auto removed = engine_.remove_instance(); !removed) {
        out_ += view_.problem(removed.error().message);
        return ask_again();
    }
    out_ += say(Phrase::removed) + "\n";
    after_change();
    view_.forget_headings();  // the instance now in that place is another one: say which
    show();
}

std::string Session::help() const {
    std::string out = say(Phrase::help);
    out += say(is_edit() ? Phrase::help_quit_edit : Phrase::help_quit_draft);
    out += say(Phrase::help_navigation);
    out += say(Phrase::help_answer_text);
    Step step = engine_.current();
    if (state_ == State::asking && step.kind == StepKind::question && !step.format.empty())
        out += say(Phrase::takes_format, {step.format}) + "\n";
    return out;
}

}  // namespace canvass::cli::interview
