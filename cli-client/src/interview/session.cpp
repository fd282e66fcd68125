#include "interview/session.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

#include "form/answer_types.hpp"
#include "merge/changeset.hpp"
#include "interview/answer_tree.hpp"
#include "interview/settle.hpp"
#include "interview/typed_answer.hpp"

namespace canvass::cli::interview {
namespace {

using form::RowType;
using nlohmann::json;

// The cursor's key once every question is behind: after any step's key.
StepKey end_key() {
    constexpr auto max = std::numeric_limits<std::size_t>::max();
    return {{max, max}};
}

std::string trim(std::string_view s) {
    auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    auto last = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(first, last - first + 1));
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

}  // namespace

Session::Session(const form::Form& form, json answers, AnswerSink& sink, SessionOptions options)
    : form_(form),
      sink_(sink),
      options_(std::move(options)),
      view_(form, options_.language, options_.color),
      answers_(answers.is_object() ? std::move(answers) : json::object()) {
    if (!options_.clock) options_.clock = form::system_clock();
}

Session::~Session() = default;

std::string Session::take() {
    std::string s = out_.str();
    out_.str("");
    return s;
}

// ---- moving through the steps ----------------------------------------------------------

void Session::refresh() {
    record_ = std::make_unique<form::Record>(form_, answers_, options_.clock);
    record_->compute_calculations();
    steps_ = list_steps(form_, *record_);
}

std::string Session::start() {
    json given = answers_;
    settle(form_, answers_, options_.clock, view_.language());
    // A draft saved by an older canvass, or a repeat_count instance still to create.
    if (options_.purpose == Purpose::resume && answers_ != given) changed({});
    initial_ = answers_;
    refresh();
    out_ << view_.strong(form::text_in(form_.settings().title, view_.language(),
                                       form_.settings().default_language))
         << "\n";
    switch (options_.purpose) {
        case Purpose::interview:
            out_ << say(Phrase::intro_interview) << "\n";
            break;
        case Purpose::resume:
            out_ << say(Phrase::intro_resume) << "\n";
            break;
        case Purpose::edit:
            out_ << say(Phrase::intro_edit) << "\n";
            break;
    }
    show_from(options_.purpose == Purpose::resume ? resume_point() : 0);
    return take();
}

// Shows the notes from `index` on, then asks the first step that takes an answer.
void Session::show_from(std::size_t index) {
    for (; index < steps_.size(); ++index) {
        if (steps_[index].interactive()) return ask(index);
        out_ << view_.headings(steps_[index], *record_) << view_.display(steps_[index], *record_);
    }
    go_to_end();
}

void Session::ask(std::size_t index) {
    current_ = steps_[index];
    cursor_ = key_of(current_);
    state_ = State::asking;
    out_ << view_.headings(current_, *record_);
    if (current_.kind == StepKind::add) {
        out_ << view_.add_prompt(current_, *record_, options_.purpose == Purpose::edit);
        return;
    }
    out_ << view_.question(current_, *record_, proposal(), required(current_));
}

// What Enter answers at the current question: its answer, else the form's default. An
// edit offers no default: a question left unanswered in a finished record stays so.
std::optional<Proposal> Session::proposal() const {
    const form::Row& row = form_.row(current_.row);
    if (const json* given = answer_at(form_, answers_, current_.at, row))
        return Proposal{*given, false};
    if (!row.default_value.is_null() && options_.purpose != Purpose::edit)
        return Proposal{row.default_value, true};
    return std::nullopt;
}

void Session::ask_current_again() {
    std::size_t index = first_after(steps_, cursor_, true);
    if (index < steps_.size() && key_of(steps_[index]) == cursor_) return ask(index);
    show_from(index);
}

void Session::move_on() {
    refresh();
    show_from(first_after(steps_, cursor_));
}

void Session::go_back() {
    for (std::size_t i = steps_.size(); i-- > 0;) {
        if (steps_[i].interactive() && key_of(steps_[i]) < cursor_) return ask(i);
    }
    out_ << view_.problem(say(Phrase::first_question)) << view_.prompt();
}

void Session::go_to_end() {
    state_ = State::confirming_end;
    cursor_ = end_key();
    // Resuming and editing can start past a required question left unanswered.
    if (auto missing = first_missing_required()) {
        out_ << view_.problem(say(Phrase::required_missing));
        return ask(*missing);
    }
    if (options_.purpose == Purpose::edit && answers_ == initial_)
        return finish(Outcome::unchanged, say(Phrase::nothing_changed));
    view_.forget_headings();
    out_ << view_.summary(steps_, *record_, answers_) << "\n"
         << say(options_.purpose == Purpose::edit ? Phrase::confirm_edit : Phrase::confirm_finalize)
         << "\n"
         << view_.prompt();
}

void Session::quit() {
    if (options_.purpose == Purpose::edit) return go_to_end();
    finish(Outcome::draft_kept, say(Phrase::stopped));
}

void Session::finish(Outcome outcome, const std::string& message) {
    state_ = State::finished;
    outcome_ = outcome;
    out_ << message << "\n";
}

// ---- input -------------------------------------------------------------------------------

std::string Session::respond(std::string_view line) {
    std::string in = trim(line);
    switch (state_) {
        case State::asking:
            if (common_command(lower(in))) break;
            if (current_.kind == StepKind::add)
                on_add(lower(in));
            else
                on_question(in);
            break;
        case State::confirming_end:
            if (!common_command(lower(in))) on_end(lower(in));
            break;
        case State::confirming_removal:
            on_removal(lower(in));
            break;
        case State::finished:
            break;
    }
    return take();
}

std::string Session::end_of_input() {
    if (state_ == State::finished) return {};
    out_ << "\n";
    if (options_.purpose == Purpose::edit)
        finish(Outcome::edit_discarded, say(Phrase::input_ended_edit));
    else
        finish(Outcome::draft_kept, say(Phrase::input_ended_draft));
    return take();
}

// Commands that mean the same at every prompt. True when `in` was one.
bool Session::common_command(const std::string& in) {
    if (means(Word::back, in)) {
        go_back();
    } else if (means(Word::help, in)) {
        out_ << help() << view_.prompt();
    } else if (means(Word::quit, in)) {
        quit();
    } else if (means(Word::remove, in) && state_ == State::asking) {
        ask_removal();
    } else {
        return false;
    }
    return true;
}

void Session::on_question(const std::string& in) {
    const form::Row& row = form_.row(current_.row);
    auto proposed = proposal();
    if (in.empty() && proposed && !proposed->is_default) return move_on();  // Enter keeps it
    if (in.empty() && proposed)
        return take_answer(row, proposed->value);  // Enter takes the default
    if (in.empty() || means(Word::skip, lower(in))) return leave_unanswered();
    std::string text = in[0] == '\\' ? in.substr(1) : in;  // \< answers "<"
    auto value = read_answer(row, offered_choices(form_, *record_, current_), text,
                             options_.clock(), view_.language());
    if (!value) {
        out_ << view_.problem(value.error().message) << view_.prompt();
        return;
    }
    if (form::is_unanswered(*value)) return leave_unanswered();  // "n" to an acknowledge
    take_answer(row, *value);
}

void Session::take_answer(const form::Row& row, const json& value) {
    if (auto refused = check(row, value)) {
        out_ << view_.problem(*refused) << view_.prompt();
        return;
    }
    accept(value);
}

void Session::leave_unanswered() {
    const form::Row& row = form_.row(current_.row);
    if (required(current_)) {
        std::string message = form::text_in(row.required_message, view_.language(),
                                            form_.settings().default_language);
        out_ << view_.problem(message.empty() ? say(Phrase::needs_answer) : message)
             << view_.prompt();
        return;
    }
    if (!answer_at(form_, answers_, current_.at, row)) return move_on();
    accept(json());
}

// Why `value` cannot answer `row` here, judged as the store will judge the draft: the type
// rules, then the choice filter and constraint with the value in place (a constraint may
// use a calculation that depends on it).
std::optional<std::string> Session::check(const form::Row& row, const json& value) {
    if (auto p = form::type_problem(row, form_.choices(row.list_name), value)) return p;
    if (auto bytes = value.dump().size(); bytes > merge::kMaxAnswerBytes)  // the store refuses it too
        return say(Phrase::too_long, {std::to_string(bytes), std::to_string(merge::kMaxAnswerBytes)});
    json trial = answers_;
    set_answer(form_, trial, current_.at, row, value);
    form::Record record(form_, std::move(trial), options_.clock);
    record.compute_calculations();
    if (row.constraint &&
        !record.evaluate(*row.constraint, row.id, current_.at, &value).as_boolean()) {
        std::string message = form::text_in(row.constraint_message, view_.language(),
                                            form_.settings().default_language);
        return message.empty() ? say(Phrase::not_allowed, {row.constraint->source()}) : message;
    }
    return std::nullopt;
}

void Session::accept(json value) {
    set_answer(form_, answers_, current_.at, form_.row(current_.row), std::move(value));
    changed(settle(form_, answers_, options_.clock, view_.language()));
    move_on();
}

// Saves the answers after a change, and says which earlier answers the change removed.
void Session::changed(const std::vector<std::string>& cleared) {
    if (!cleared.empty()) {
        out_ << say(Phrase::removed_answers);
        for (const auto& c : cleared) out_ << "\n  " << c;
        out_ << "\n";
    }
    auto saved = sink_.save(answers_);
    if (!saved)
        out_ << view_.problem(say(Phrase::not_saved, {saved.error().message}));
    else if (!saved->empty())
        out_ << *saved << "\n";
}

void Session::on_add(const std::string& in) {
    bool no = means(Word::no, in) || (in.empty() && options_.purpose == Purpose::edit);
    if (!means(Word::yes, in) && !no) {
        out_ << view_.problem(say(Phrase::add_yes_or_no)) << view_.prompt();
        return;
    }
    if (no) {
        cursor_ = key_after_repeat(current_.at, current_.row);
        return move_on();
    }
    json* holder = instance_at(form_, answers_, current_.at);
    if (!holder) return move_on();
    json& list = (*holder)[form_.row(current_.row).name];
    if (!list.is_array()) list = json::array();
    list.push_back(json::object());
    changed(settle(form_, answers_, options_.clock, view_.language()));
    move_on();  // the cursor is the add step, just before the new instance's questions
}

void Session::on_end(const std::string& in) {
    if (means(Word::yes, in)) {
        auto done = sink_.finish(answers_);
        if (!done) {
            out_ << view_.problem(done.error().message) << say(Phrase::go_back_or_stop) << "\n"
                 << view_.prompt();
            return;
        }
        return finish(options_.purpose == Purpose::edit ? Outcome::edit_saved : Outcome::finalized,
                      *done);
    }
    if (means(Word::no, in)) {
        if (options_.purpose == Purpose::edit)
            return finish(Outcome::edit_discarded, say(Phrase::edit_not_saved));
        return finish(Outcome::draft_kept, say(Phrase::kept_as_draft));
    }
    out_ << view_.problem(say(Phrase::yes_or_no)) << view_.prompt();
}

// ---- removing a repeat instance --------------------------------------------------------

void Session::ask_removal() {
    if (current_.kind != StepKind::question || current_.at.empty() ||
        form_.row(current_.at.back().repeat).repeat_count) {
        out_ << view_.problem(say(Phrase::remove_where)) << view_.prompt();
        return;
    }
    removal_ = current_.at;
    const form::Row& repeat = form_.row(removal_.back().repeat);
    state_ = State::confirming_removal;
    out_ << say(Phrase::remove_confirm, {view_.text(repeat.label, removal_, *record_),
                                         std::to_string(removal_.back().index + 1)})
         << "\n"
         << view_.prompt();
}

void Session::on_removal(const std::string& in) {
    if (!means(Word::yes, in)) {
        out_ << say(Phrase::nothing_removed) << "\n";
        return ask_current_again();
    }
    form::InstancePath holder_at(removal_.begin(), removal_.end() - 1);
    const form::Row& repeat = form_.row(removal_.back().repeat);
    json* holder = instance_at(form_, answers_, holder_at);
    if (holder && holder->contains(repeat.name)) {
        json& list = (*holder)[repeat.name];
        list.erase(removal_.back().index);
        if (list.empty()) holder->erase(repeat.name);
    }
    out_ << say(Phrase::removed) << "\n";
    changed(settle(form_, answers_, options_.clock, view_.language()));
    refresh();
    view_.forget_headings();  // the instance now in that place is another one: say which
    // The next instance moved into the removed one's place; else the add step follows.
    StepKey key;
    for (const auto& s : removal_) key.emplace_back(s.repeat, s.index);
    show_from(first_after(steps_, key, true));
}

// ---- questions about the steps ---------------------------------------------------------

bool Session::required(const Step& step) {
    const form::Row& row = form_.row(step.row);
    return row.required && record_->evaluate(*row.required, row.id, step.at).as_boolean();
}

// Where a resumed draft continues: the first step after the last answered question, which
// is the first unanswered question there, or the add step of a repeat the program was
// stopped in. Optional questions left empty before it are not asked again; a required one
// left empty is asked before finalizing (go_to_end).
std::size_t Session::resume_point() {
    std::size_t next = 0;
    for (std::size_t i = 0; i < steps_.size(); ++i) {
        const Step& s = steps_[i];
        if (s.kind == StepKind::question && answer_at(form_, answers_, s.at, form_.row(s.row)))
            next = i + 1;
    }
    return next;
}

std::optional<std::size_t> Session::first_missing_required() {
    for (std::size_t i = 0; i < steps_.size(); ++i) {
        const Step& s = steps_[i];
        if (s.kind == StepKind::question && required(s) &&
            !answer_at(form_, answers_, s.at, form_.row(s.row)))
            return i;
    }
    return std::nullopt;
}

std::string Session::help() const {
    std::string out = say(Phrase::help);
    out +=
        say(options_.purpose == Purpose::edit ? Phrase::help_quit_edit : Phrase::help_quit_draft);
    out += say(Phrase::help_answer_text);
    if (state_ == State::asking && current_.kind == StepKind::question) {
        std::string format = answer_format(form_.row(current_.row), view_.language());
        if (!format.empty()) out += say(Phrase::takes_format, {format}) + "\n";
    }
    return out;
}

}  // namespace canvass::cli::interview
