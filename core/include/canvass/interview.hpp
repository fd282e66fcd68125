// The interview engine: one form filled in step by step, the role JavaRosa's
// FormEntryController plays for ODK Collect (docs/interview.md "engine"). It takes answers
// and returns steps; it knows nothing of terminals, screens or stores. Every change is
// handed to an AnswerSink at once, so a killed app loses at most the step on screen.
//
//   DeviceDraftSink sink(store, "market");           // interview/device_sink.hpp
//   auto s = FormSession::open(form, sink, {.language = "fr", .clock = clock});
//   Step step = s->current();                          // the first step
//   if (auto ok = s->answer("\"Ana\""); !ok) show(ok.error().message);  // in French
//   s->next();                                         // refused while a required one is empty
//   ...
//   s->finalize();                                     // names every missing required answer
//
// Answers cross this API as JSON text (DESIGN.md section 8: a repeat an array of objects,
// select_multiple an array of names, geopoint {"lat", "lon", "alt", "acc"}), so the header
// needs no JSON library and the C ABI can hand them on as they are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "canvass/clock.hpp"
#include "canvass/result.hpp"

namespace canvass::form {
class Form;
}

namespace canvass::interview {

enum class StepKind : std::uint8_t {
    question,       // takes an answer (unless read_only: then it is only shown)
    note,           // shown, with its computed text
    repeat_prompt,  // "add another?" after a repeat's last instance (no repeat_count)
    end,            // every step is behind: review and finalize
};
const char* kind_name(StepKind kind);

// A choice offered at a select question: those passing the choice_filter, in form order.
struct StepChoice {
    std::string name;
    std::string label;  // in the session's language, ${fields} filled in
};

// A group or repeat instance a step sits in, outermost first.
struct StepGroup {
    std::string name;
    std::string label;         // in the session's language
    std::size_t instance = 0;  // 1-based instance of a repeat; 0 for a group
};

struct Step {
    StepKind kind = StepKind::end;
    // Position among steps() (0-based); for `end`, steps().size(). An index is valid until
    // the next change of answers (relevance decides which rows are steps).
    std::size_t index = 0;
    // 1-based number among the questions that take an answer (what progress counts); 0 for
    // notes, read_only questions, repeat prompts and the end.
    std::size_t number = 0;
    std::string name;  // the row's name (the repeat's for a repeat prompt); "" at the end
    std::string type;  // XLSForm type without its list: "integer", "select_one", "note", "repeat"
    std::string appearance;  // the form's appearance column, as written
    std::string label;       // in the session's language, ${fields} filled in
    std::string hint;
    std::string format;            // what to type, in the session's language ("a whole number")
    bool required = false;         // required here and now (the required expression evaluated)
    std::string required_message;  // a required question's refusal when left empty
    bool read_only = false;
    std::vector<StepGroup> groups;
    std::vector<StepChoice> choices;
    // The current answer as JSON text, "" when there is none. `answer_is_default`: not given
    // yet but proposed by the form's default (Enter or next() does not take it; answer() does).
    std::string answer;
    std::string answer_text;  // the answer as a person reads it (choice labels, "lat lon")
    bool answer_is_default = false;
    std::size_t instances = 0;  // repeat_prompt: how many instances the repeat has so far
    // A range question's parameters (0 for other types): the answer is a number from start
    // to end, a whole number of steps from start.
    double range_start = 0, range_end = 0, range_step = 0;
    // An image question's max-pixels parameter: the longest side the app scales a photo down
    // to before answering with it; 0 for none.
    std::uint32_t max_pixels = 0;
};

// The step as one JSON object (docs/interview.md "engine" gives the shape).
std::string to_json(const Step& step);
std::string to_json(const std::vector<Step>& steps);

struct Progress {
    std::size_t position = 0;  // the current question's number; past the last: total + 1
    std::size_t total = 0;     // relevant questions that take an answer, for the answers now
};

// Where a session's answers go; interview/device_sink.hpp implements it over the device
// store. Both calls get every answer so far as JSON text (a valid draft, calculations left
// out) and the session's language, which is kept with the draft.
class AnswerSink {
  public:
    virtual ~AnswerSink() = default;
    // After every change of answers or language. Failure: the session reports it (the change
    // stays in the session, and the next save carries it).
    virtual Result<void> save(std::string_view answers_json, std::string_view language) = 0;
    // The end was confirmed: finalize the interview, or save the edit as one changeset.
    virtual Result<void> finish(std::string_view answers_json, std::string_view language) = 0;
};

// What the metadata questions record of the device (docs/forms.md "Metadata"), given by
// the host when the session opens. An empty value leaves its question unanswered.
struct DeviceMetadata {
    std::string deviceid;     // the canvass device id, "canvass:" and 32 hex digits
    std::string username;     // the enrolled device's label
    std::string phonenumber;  // a property of the device, when the host has it
    std::string email;
};

enum class Purpose : std::uint8_t {
    interview,  // a new record: from the first step
    resume,     // a draft: from the first step after its last answer
    edit,       // a finalized record: from the first step, nothing saved until finish
};

struct SessionOptions {
    Purpose purpose = Purpose::interview;
    std::string answers_json = "{}";  // where to start: the draft's or the record's answers
    std::string language;             // "" : the form's default
    InstantSource clock;              // today() and now(); empty: the system clock
    // deviceid, username, phonenumber, email questions. With `start` and `today` they are
    // filled in when an interview opens (a resumed draft keeps those it has); `end` at
    // every finalize() that saves something.
    DeviceMetadata metadata;
    // Where random() and uuid() draw from (64 bits a call); empty: they give NaN and "".
    RandomBits random;
    // The answers (a JSON object) of the last record of this form saved before this one,
    // which ${last-saved#name} in a default reads; "" for none (the first interview).
    std::string last_saved_json;
};

enum class Outcome : std::uint8_t {
    open,        // still going
    finalized,   // finalize() succeeded on an interview or resumed draft
    edit_saved,  // finalize() saved an edit that changed something
    unchanged,   // finalize() on an edit that changed nothing: nothing written
};

class FormSession {
  public:
    // Starts a session on `form` (which, like `sink`, must outlive it). The answers are
    // first brought in line with the form (interview/settle.hpp): a resumed draft that
    // changes so is saved at once. Failure: Error{form, invalid_argument} when
    // answers_json is not a JSON object or `language` is not one of the form's.
    static Result<FormSession> open(const form::Form& form, AnswerSink& sink,
                                    SessionOptions options);
    FormSession(FormSession&&) noexcept;
    FormSession& operator=(FormSession&&) noexcept;
    ~FormSession();

    Step current() const;
    // Every step for the answers now, in form order, with their answers (ODK's hierarchy,
    // "go to prompt"); the end is not among them.
    std::vector<Step> steps() const;
    Progress progress() const;
    // Required questions without an answer, in form order.
    std::vector<Step> missing() const;

    // Answers the current question with a JSON value ("null" clears it), checked as the store
    // checks a draft: the type, the size limit, the choice filter, the constraint. The cursor
    // stays; next() moves on. Failure: Error{form, invalid_argument} with the form's
    // constraint message, or the engine's words, in the session's language; nothing changes.
    Result<void> answer(std::string_view json_value);
    // The same from what a person typed (interview/typed_answer.hpp): "12", "today", a
    // choice's number, name or label, "y" for an acknowledge. "" clears.
    Result<void> answer_typed(std::string_view text);
    // Lines naming the earlier answers that the last change removed ("City? (Member 2)"):
    // a changed answer can make them irrelevant or not allowed any more.
    const std::vector<std::string>& removed() const;
    // Why the last save failed, "" when it did not.
    const std::string& save_problem() const;

    // To the next step. Refused with the form's required message (or the engine's) when the
    // current question is required and unanswered; at a repeat prompt it means "no more";
    // at the end it is refused.
    Result<void> next();
    // At a repeat prompt: adds an instance and moves to its first step.
    Result<void> add_instance();
    // Removes the repeat instance the current question or note is in (not of a
    // repeat_count), and moves to the step now in its place.
    Result<void> remove_instance();
    bool can_remove_instance() const;
    // To the previous step; refused at the first.
    Result<void> back();
    // To step `index` of steps() (steps().size(): the end); refused past it.
    Result<void> jump(std::size_t index);
    // To the first step of question, note or repeat `name`; refused for an unknown name or
    // one not relevant now.
    Result<void> jump(std::string_view name);

    // Labels, messages and typed words in `language` from now on; saved with the draft (a
    // new interview's first save carries it). Refused when the form has no such language.
    Result<void> set_language(std::string_view language);
    const std::string& language() const;
    std::vector<std::string> languages() const;
    // The form's title in the session's language.
    std::string title() const;

    // The device's position as the host learns it (a geopoint as JSON text, as answers
    // give it): the first one fills the form's start-geopoint questions; later ones change
    // nothing. Not for edits, which keep the record's. Refused when it is not a geopoint.
    Result<void> supply_location(std::string_view geopoint_json);

    // Saves the end (setting `end` questions to now): refused while a required question is
    // unanswered (every one named), or with what the sink refused. On success outcome() tells what
    // happened.
    Result<void> finalize();
    Outcome outcome() const;
    // Whether an edit's answers differ from the record's (always true for an interview with
    // answers).
    bool changed() const;
    std::string answers_json() const;
    Purpose purpose() const;
    const form::Form& form() const;

  private:
    struct Impl;
    explicit FormSession(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace canvass::interview
