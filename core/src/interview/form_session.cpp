#include "canvass/interview.hpp"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "form/answer_types.hpp"
#include "form/calendar.hpp"
#include "form/form.hpp"
#include "form/record.hpp"
#include "interview/answer_tree.hpp"
#include "interview/labels.hpp"
#include "interview/settle.hpp"
#include "interview/steps.hpp"
#include "interview/typed_answer.hpp"
#include "canvass/interview_words.hpp"
#include "merge/changeset.hpp"
#include "form/json_text.hpp"

namespace canvass::interview {
namespace {

using form::RowType;
using nlohmann::json;

// The cursor's key once every step is behind: after any place's key.
StepKey end_key() {
    constexpr auto max = std::numeric_limits<std::size_t>::max();
    return {{max, max}};
}

bool takes_answer(const Place& p) {
    return p.kind == PlaceKind::question;
}

}  // namespace

const char* kind_name(StepKind kind) {
    switch (kind) {
        case StepKind::question:
            return "question";
        case StepKind::note:
            return "note";
        case StepKind::repeat_prompt:
            return "repeat_prompt";
        case StepKind::end:
            return "end";
    }
    return "end";
}

struct FormSession::Impl {
    const form::Form& form;
    AnswerSink& sink;
    Purpose purpose;
    std::string lang;
    form::Clock clock;
    form::RandomBits random;
    std::shared_ptr<const json> last_saved;  // ${last-saved#…}'s record, or null
    json answers;
    json initial;
    std::unique_ptr<form::Record> record;  // answers with calculations, for relevance & labels
    std::vector<Place> places;
    std::vector<std::size_t> numbers;  // per place: its question number, 0 if none
    std::size_t questions = 0;
    StepKey cursor;
    std::vector<std::string> removed;
    std::string save_problem;
    Outcome outcome = Outcome::open;
    bool draft_exists = false;

    Impl(const form::Form& f, AnswerSink& s, SessionOptions& o)
        : form(f),
          sink(s),
          purpose(o.purpose),
          lang(o.language),
          clock(std::move(o.clock)),
          random(std::move(o.random)) {
        if (lang.empty()) lang = form.settings().default_language;
        if (!clock) clock = form::system_clock();
        if (!o.last_saved_json.empty()) {
            // Another record's answers, from the store: capped, and ignored unless an object.
            json last = form::parse_value(o.last_saved_json);
            if (last.is_object()) last_saved = std::make_shared<const json>(std::move(last));
        }
        draft_exists = purpose == Purpose::resume;
    }

    // start, today and the device's metadata, where the answers have none yet.
    void fill_opening_metadata(const DeviceMetadata& device) {
        if (purpose == Purpose::edit) return;
        form::Instant now = clock();
        for (const auto& row : form.rows()) {
            if (!form::is_metadata(row.type) || answer_at(form, answers, {}, row)) continue;
            std::string value;
            switch (row.type) {
                case RowType::start:
                    value = form::format_local_datetime(now);
                    break;
                case RowType::today:
                    value = form::format_local_date(now);
                    break;
                case RowType::deviceid:
                    value = device.deviceid;
                    break;
                case RowType::username:
                    value = device.username;
                    break;
                case RowType::phonenumber:
                    value = device.phonenumber;
                    break;
                case RowType::email:
                    value = device.email;
                    break;
                default:
                    break;  // end at finalize, start-geopoint from the host
            }
            if (!value.empty()) set_answer(form, answers, {}, row, json(value));
        }
    }

    // Sets every metadata row of `type` to `value`; `only_empty` keeps those set already.
    bool set_metadata(RowType type, const json& value, bool only_empty) {
        bool any = false;
        for (const auto& row : form.rows()) {
            if (row.type != type || (only_empty && answer_at(form, answers, {}, row))) continue;
            set_answer(form, answers, {}, row, value);
            any = true;
        }
        return any;
    }

    std::string say(Phrase p, std::initializer_list<std::string_view> args = {}) const {
        return interview::say(lang, p, args);
    }

    // A Record over `a` with the session's randomness and language, calculations computed.
    std::unique_ptr<form::Record> computed(json a) const {
        auto r = std::make_unique<form::Record>(form, std::move(a), clock);
        r->set_random(random);
        r->set_language(lang);
        r->set_last_saved(last_saved);
        r->compute_calculations();
        return r;
    }

    void refresh() {
        record = computed(answers);
        keep_once_values(form, record->answers(), answers);
        places = list_places(form, *record);
        numbers.assign(places.size(), 0);
        questions = 0;
        for (std::size_t i = 0; i < places.size(); ++i)
            if (takes_answer(places[i])) numbers[i] = ++questions;
    }

    // The index of the current place, places.size() at the end; the cursor is moved onto
    // it (a place may have gone since the cursor was set).
    std::size_t index() {
        std::size_t i = first_after(places, cursor, true);
        cursor = i < places.size() ? key_of(places[i]) : end_key();
        return i;
    }
    void go(std::size_t i) { cursor = i < places.size() ? key_of(places[i]) : end_key(); }

    bool required(const Place& p) const {
        const form::Row& row = form.row(p.row);
        return p.kind == PlaceKind::question && row.required &&
               record->evaluate(*row.required, row.id, p.at).as_boolean();
    }
    const json* answer_of(const Place& p) const {
        return answer_at(form, answers, p.at, form.row(p.row));
    }

    std::vector<StepChoice> choices(const Place& p) const {
        const form::Row& row = form.row(p.row);
        std::vector<StepChoice> out;
        if (!form::uses_choices(row.type)) return out;
        for (const auto* c : offered_choices(form, *record, row, p.at))
            out.push_back({c->name, fill(form, c->label, lang, p.at, *record)});
        return out;
    }

    std::vector<StepGroup> groups(const Place& p) const {
        std::vector<StepGroup> out;
        for (const auto& [id, index] : context_of(form, p)) {
            const form::Row& row = form.row(id);
            bool repeat = row.type == RowType::repeat;
            out.push_back({row.name,
                           fill(form, row.label, lang, repeat ? up_to(p.at, id) : p.at, *record),
                           repeat ? index + 1 : 0});
        }
        return out;
    }

    Step step(std::size_t i) const {
        Step s;
        s.index = i;
        if (i >= places.size()) return s;  // the end
        const Place& p = places[i];
        const form::Row& row = form.row(p.row);
        s.name = row.name;
        s.appearance = row.appearance;
        s.label = fill(form, row.label, lang, p.at, *record);
        s.hint = fill(form, row.hint, lang, p.at, *record);
        s.groups = groups(p);
        if (p.kind == PlaceKind::add) {
            s.kind = StepKind::repeat_prompt;
            s.type = "repeat";
            s.instances = p.instance;
            return s;
        }
        s.kind = row.type == RowType::note ? StepKind::note : StepKind::question;
        s.type = std::string(form::type_name(row.type));
        s.number = numbers[i];
        s.read_only = row.read_only;
        s.required = required(p);
        if (s.required) s.required_message = required_message(p);
        if (s.kind == StepKind::question) {
            s.format = answer_format(row, lang);
            s.choices = choices(p);
        }
        if (row.type == RowType::range) {
            s.range_start = row.range_start;
            s.range_end = row.range_end;
            s.range_step = row.range_step;
        }
        s.max_pixels = row.max_pixels;
        const json* value = answer_of(p);
        std::optional<json> dynamic;
        if (!value && row.default_expression && purpose != Purpose::edit &&
            s.kind == StepKind::question) {
            dynamic = form::answer_from_value(
                row, record->evaluate(*row.default_expression, row.id, p.at));
            if (dynamic && form::type_problem(row, form.choices(row.list_name), *dynamic))
                dynamic.reset();
        }
        if (!value && dynamic) {
            value = &*dynamic;
            s.answer_is_default = true;
        } else if (!value && !row.default_value.is_null() && purpose != Purpose::edit &&
                   s.kind == StepKind::question) {
            value = &row.default_value;
            s.answer_is_default = true;
        }
        if (value) {
            s.answer = value->dump();
            s.answer_text = show_answer(form, row, *value, lang);
        }
        return s;
    }

    // Saves after a change of answers or language.
    void save() {
        auto saved = sink.save(answers.dump(), lang);
        if (saved) {
            save_problem.clear();
            draft_exists = true;
        } else {
            save_problem = say(Phrase::not_saved, {saved.error().message});
        }
    }
    void changed() {
        removed = settle(form, answers, clock, lang);
        refresh();
        save();
    }

    // Why `value` cannot answer the question at `p`, judged as the store will judge the
    // draft: the type rules, the size limit, the choice filter, then the constraint with
    // the value in place (a constraint may use a calculation that depends on it).
    std::optional<std::string> check(const Place& p, const json& value) {
        const form::Row& row = form.row(p.row);
        if (auto why = refusal(row, form.choices(row.list_name), value, lang)) return why;
        if (auto bytes = value.dump().size(); bytes > merge::kMaxAnswerBytes)
            return say(Phrase::too_long,
                       {std::to_string(bytes), std::to_string(merge::kMaxAnswerBytes)});
        if (row.choice_filter) {
            auto offered = choices(p);
            auto names = value.is_array() ? std::vector<json>(value.begin(), value.end())
                                          : std::vector<json>{value};
            for (const auto& name : names) {
                bool found = std::any_of(offered.begin(), offered.end(), [&](const StepChoice& c) {
                    return name.is_string() && c.name == name.get<std::string>();
                });
                if (!found) return say(Phrase::no_such_choice, {form::answer_text(name)});
            }
        }
        json trial = answers;
        set_answer(form, trial, p.at, row, value);
        auto with = computed(std::move(trial));
        if (row.constraint && !with->evaluate(*row.constraint, row.id, p.at, &value).as_boolean()) {
            std::string message =
                form::text_in(row.constraint_message, lang, form.settings().default_language);
            return message.empty() ? say(Phrase::not_allowed, {row.constraint->source()}) : message;
        }
        return std::nullopt;
    }

    Result<void> set(const json& value) {
        std::size_t i = index();
        if (i >= places.size() || !takes_answer(places[i]))
            return refuse(say(Phrase::not_an_answer));
        const Place p = places[i];
        const form::Row& row = form.row(p.row);
        if (!form::is_unanswered(value)) {
            if (auto why = check(p, value)) return refuse(*why);
        } else if (!answer_of(p)) {
            removed.clear();
            return {};  // already unanswered: nothing to save
        }
        json before = answers;
        set_answer(form, answers, p.at, row, value);
        derive(before);
        changed();
        return {};
    }

    // ODK Collect's computed answers after a change from `before`: a question with a
    // calculation takes its new value when that value changes (the interviewer may still
    // change it), and a row with a trigger is set to its calculation (or cleared) when a
    // trigger's value changes. Rows of the interviewer's own change are left as given.
    void derive(const json& before) {
        auto was = computed(before);
        auto now = computed(answers);
        for (const auto& row : form.rows()) {
            bool computed_answer = form::is_question(row.type) && row.calculation;
            if (!computed_answer && row.triggers.empty()) continue;
            for (const auto& at : instances_of(form, answers, row)) {
                if (!fires(row, at, *was, *now)) continue;
                std::optional<json> value;
                if (row.calculation)
                    value =
                        form::answer_from_value(row, now->evaluate(*row.calculation, row.id, at));
                const form::ChoiceList* list = form.choices(row.list_name);
                if (value && form::is_question(row.type) && form::type_problem(row, list, *value))
                    continue;
                set_answer(form, answers, at, row, value ? *value : json());
            }
        }
    }

    static bool fires(const form::Row& row, const form::InstancePath& at, const form::Record& was,
                      const form::Record& now) {
        if (row.triggers.empty())
            return was.evaluate(*row.calculation, row.id, at).as_string() !=
                   now.evaluate(*row.calculation, row.id, at).as_string();
        for (const auto& name : row.triggers) {
            const form::Row* t = now.form().find(name);
            if (t && was.field_value(*t, at).items() != now.field_value(*t, at).items())
                return true;
        }
        return false;
    }

    // New interviews start with every computed answer computed (Collect computes them when
    // the form opens); triggered rows wait for their trigger. A hidden row or a calculate is
    // never reached, so its default is its value from the start, as ODK sets defaults when the
    // form loads.
    void compute_initial_answers() {
        if (purpose == Purpose::edit) return;
        auto now = computed(answers);
        for (const auto& row : form.rows()) {
            if ((row.type == RowType::hidden || row.type == RowType::calculate) &&
                !row.calculation) {
                set_initial_default(row, *now, {});
                continue;
            }
            if (!form::is_question(row.type) || !row.calculation || !row.triggers.empty()) continue;
            for (const auto& at : instances_of(form, answers, row)) {
                if (answer_at(form, answers, at, row)) continue;
                auto value =
                    form::answer_from_value(row, now->evaluate(*row.calculation, row.id, at));
                if (value && !form::type_problem(row, form.choices(row.list_name), *value))
                    set_answer(form, answers, at, row, *value);
            }
        }
    }

    // Sets the default of `row` (hidden, or a calculate without a calculation) where it has no
    // value, in the instances inside `within` (every instance when it is empty).
    void set_initial_default(const form::Row& row, const form::Record& now,
                             const form::InstancePath& within) {
        if (row.default_value.is_null() && !row.default_expression) return;
        for (const auto& at : instances_of(form, answers, row)) {
            if (at.size() < within.size() || !std::equal(within.begin(), within.end(), at.begin()))
                continue;
            if (answer_at(form, answers, at, row)) continue;
            std::optional<json> value = row.default_value;
            if (row.default_expression)
                value =
                    form::answer_from_value(row, now.evaluate(*row.default_expression, row.id, at));
            if (value && !value->is_null()) set_answer(form, answers, at, row, *value);
        }
    }

    // Where a resumed draft continues: the first place after the last answered question,
    // which is the first unanswered question there, or the add prompt of a repeat the app
    // was stopped in.
    std::size_t resume_point() const {
        std::size_t next = 0;
        for (std::size_t i = 0; i < places.size(); ++i)
            if (places[i].kind == PlaceKind::question && answer_of(places[i])) next = i + 1;
        return next;
    }

    std::string required_message(const Place& p) const {
        std::string message =
            form::text_in(form.row(p.row).required_message, lang, form.settings().default_language);
        return message.empty() ? say(Phrase::needs_answer) : message;
    }
};

FormSession::FormSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FormSession::FormSession(FormSession&&) noexcept = default;
FormSession& FormSession::operator=(FormSession&&) noexcept = default;
FormSession::~FormSession() = default;

Result<FormSession> FormSession::open(const form::Form& form, AnswerSink& sink,
                                      SessionOptions options) {
    const auto& langs = form.languages();
    if (!options.language.empty() &&
        std::find(langs.begin(), langs.end(), options.language) == langs.end()) {
        std::string list;
        for (const auto& l : langs) list += (list.empty() ? "" : ", ") + l;
        return refuse(say(options.language, Phrase::no_language, {options.language, list}));
    }
    json answers = form::parse_value(options.answers_json.empty() ? "{}" : options.answers_json);
    if (answers.is_discarded() || !answers.is_object())
        return refuse("the answers to start from are not a JSON object of answers");
    auto impl = std::make_unique<Impl>(form, sink, options);
    impl->answers = std::move(answers);
    json given = impl->answers;
    impl->fill_opening_metadata(options.metadata);
    impl->compute_initial_answers();
    impl->removed = settle(form, impl->answers, impl->clock, impl->lang);
    // A draft saved by an older canvass, or a repeat_count instance still to create.
    if (impl->purpose == Purpose::resume && impl->answers != given) impl->save();
    // A new interview's metadata is not a change of the interviewer's: it is saved with the
    // first answer, so quitting before any answer still leaves nothing.
    impl->refresh();
    impl->initial = impl->answers;
    impl->go(impl->purpose == Purpose::resume ? impl->resume_point() : 0);
    return FormSession(std::move(impl));
}

Step FormSession::current() const {
    return impl_->step(impl_->index());
}

std::vector<Step> FormSession::steps() const {
    std::vector<Step> out;
    for (std::size_t i = 0; i < impl_->places.size(); ++i) out.push_back(impl_->step(i));
    return out;
}

Progress FormSession::progress() const {
    std::size_t i = impl_->index();
    std::size_t before = 0;
    for (std::size_t k = 0; k < i && k < impl_->places.size(); ++k)
        before += impl_->numbers[k] ? 1 : 0;
    return {before + 1, impl_->questions};
}

std::vector<Step> FormSession::missing() const {
    std::vector<Step> out;
    for (std::size_t i = 0; i < impl_->places.size(); ++i) {
        const Place& p = impl_->places[i];
        if (impl_->required(p) && !impl_->answer_of(p)) out.push_back(impl_->step(i));
    }
    return out;
}

Result<void> FormSession::answer(std::string_view json_value) {
    json value = form::parse_value(json_value);
    if (value.is_discarded())
        return refuse("the answer is not JSON (a string is written in quotes: \"Ana\")");
    return impl_->set(value);
}

Result<void> FormSession::answer_typed(std::string_view text) {
    std::size_t i = impl_->index();
    if (i >= impl_->places.size() || !takes_answer(impl_->places[i]))
        return refuse(impl_->say(Phrase::not_an_answer));
    if (text.empty()) return impl_->set(json());
    const Place& p = impl_->places[i];
    auto value =
        read_answer(impl_->form.row(p.row), impl_->choices(p), text, impl_->clock(), impl_->lang);
    if (!value) return unexpected(value.error());
    return impl_->set(*value);
}

const std::vector<std::string>& FormSession::removed() const {
    return impl_->removed;
}
const std::string& FormSession::save_problem() const {
    return impl_->save_problem;
}

Result<void> FormSession::next() {
    std::size_t i = impl_->index();
    if (i >= impl_->places.size()) return refuse(impl_->say(Phrase::at_end));
    const Place& p = impl_->places[i];
    if (impl_->required(p) && !impl_->answer_of(p)) return refuse(impl_->required_message(p));
    if (p.kind == PlaceKind::add) {
        impl_->cursor = key_after_repeat(p.at, p.row);
        impl_->index();
        return {};
    }
    impl_->go(first_after(impl_->places, impl_->cursor));
    return {};
}

Result<void> FormSession::add_instance() {
    std::size_t i = impl_->index();
    if (i >= impl_->places.size() || impl_->places[i].kind != PlaceKind::add)
        return refuse(impl_->say(Phrase::no_more_instances));
    const Place p = impl_->places[i];
    json* holder = instance_at(impl_->form, impl_->answers, p.at);
    if (!holder) return refuse(impl_->say(Phrase::no_more_instances));
    json& list = (*holder)[impl_->form.row(p.row).name];
    if (!list.is_array()) list = json::array();
    list.push_back(json::object());
    // The new instance's hidden rows start with their defaults, as its questions are offered
    // theirs.
    form::InstancePath added = p.at;
    added.push_back({p.row, list.size() - 1});
    auto now = impl_->computed(impl_->answers);
    for (const auto& row : impl_->form.rows())
        if ((row.type == RowType::hidden || row.type == RowType::calculate) && !row.calculation)
            impl_->set_initial_default(row, *now, added);
    impl_->changed();
    // The cursor is the add prompt, just before the new instance's places.
    impl_->go(first_after(impl_->places, impl_->cursor));
    return {};
}

bool FormSession::can_remove_instance() const {
    std::size_t i = impl_->index();
    if (i >= impl_->places.size()) return false;
    const Place& p = impl_->places[i];
    return p.kind != PlaceKind::add && !p.at.empty() &&
           !impl_->form.row(p.at.back().repeat).repeat_count;
}

Result<void> FormSession::remove_instance() {
    std::size_t i = impl_->index();
    const form::Form& form = impl_->form;
    if (!can_remove_instance()) return refuse(impl_->say(Phrase::remove_where));
    form::InstancePath removal = impl_->places[i].at;
    form::InstancePath holder_at(removal.begin(), removal.end() - 1);
    const form::Row& repeat = form.row(removal.back().repeat);
    json* holder = instance_at(form, impl_->answers, holder_at);
    if (holder && holder->contains(repeat.name)) {
        json& list = (*holder)[repeat.name];
        list.erase(removal.back().index);
        if (list.empty()) holder->erase(repeat.name);
    }
    impl_->changed();
    // The next instance moved into the removed one's place; else the add prompt follows.
    StepKey key;
    for (const auto& s : removal) key.emplace_back(s.repeat, s.index);
    impl_->go(first_after(impl_->places, key, true));
    return {};
}

Result<void> FormSession::back() {
    std::size_t i = impl_->index();
    if (i == 0) return refuse(impl_->say(Phrase::first_question));
    impl_->go(std::min(i, impl_->places.size()) - 1);
    return {};
}

Result<void> FormSession::jump(std::size_t index) {
    if (index > impl_->places.size())
        return refuse(impl_->say(Phrase::no_such_step, {std::to_string(index + 1),
                                                        std::to_string(impl_->places.size())}));
    impl_->go(index);
    return {};
}

Result<void> FormSession::jump(std::string_view name) {
    const form::Form& form = impl_->form;
    const form::Row* row = form.find(name);
    if (!row) return refuse(impl_->say(Phrase::no_such_question, {name}));
    // The first place of the row, or inside it (a group or a repeat).
    auto inside = [&](form::RowId id) {
        for (std::optional<form::RowId> r = id; r; r = form.row(*r).parent)
            if (*r == row->id) return true;
        return false;
    };
    for (std::size_t i = 0; i < impl_->places.size(); ++i) {
        if (inside(impl_->places[i].row)) {
            impl_->go(i);
            return {};
        }
    }
    return refuse(impl_->say(Phrase::not_relevant_now, {name}));
}

Result<void> FormSession::set_language(std::string_view language) {
    const auto& langs = impl_->form.languages();
    if (std::find(langs.begin(), langs.end(), language) == langs.end()) {
        std::string list;
        for (const auto& l : langs) list += (list.empty() ? "" : ", ") + l;
        return refuse(impl_->say(Phrase::no_language, {language, list}));
    }
    if (impl_->lang == language) return {};
    impl_->lang = std::string(language);
    impl_->refresh();  // jr:choice-name() labels are in the language
    // A new interview with no answer has no draft yet: its first save carries the language.
    if (impl_->draft_exists) impl_->save();
    return {};
}

const std::string& FormSession::language() const {
    return impl_->lang;
}
std::vector<std::string> FormSession::languages() const {
    return impl_->form.languages();
}
std::string FormSession::title() const {
    const auto& settings = impl_->form.settings();
    return form::text_in(settings.title, impl_->lang, settings.default_language);
}

Result<void> FormSession::finalize() {
    auto missing_now = missing();
    if (!missing_now.empty()) {
        std::string message =
            impl_->say(Phrase::missing_required, {std::to_string(missing_now.size())});
        for (const auto& s : missing_now) {
            message += "\n  " + (s.number ? std::to_string(s.number) + ". " : "") + s.label;
            for (const auto& g : s.groups)
                if (g.instance) message += " (" + g.label + " " + std::to_string(g.instance) + ")";
        }
        if (missing_now.size() == 1)  // "1 required questions" reads badly: say it plainly
            message = impl_->say(Phrase::required_missing) + message.substr(message.find('\n'));
        return refuse(message);
    }
    if (impl_->purpose == Purpose::edit && !changed()) {
        impl_->outcome = Outcome::unchanged;
        return {};
    }
    // As ODK Collect: `end` is when the record was last saved as finished.
    impl_->set_metadata(RowType::end, json(form::format_local_datetime(impl_->clock())), false);
    if (auto done = impl_->sink.finish(impl_->answers.dump(), impl_->lang); !done)
        return unexpected(done.error());
    impl_->outcome = impl_->purpose == Purpose::edit ? Outcome::edit_saved : Outcome::finalized;
    return {};
}

Result<void> FormSession::supply_location(std::string_view geopoint_json) {
    json value = form::parse_value(geopoint_json);
    form::Row probe;
    probe.type = RowType::start_geopoint;
    if (value.is_discarded() || form::is_unanswered(value) ||
        form::type_problem(probe, nullptr, value))
        return refuse(impl_->say(Phrase::type_geopoint));
    if (impl_->purpose == Purpose::edit) return {};
    if (!impl_->set_metadata(RowType::start_geopoint, value, true)) return {};
    if (impl_->draft_exists) impl_->save();
    impl_->refresh();
    return {};
}

Outcome FormSession::outcome() const {
    return impl_->outcome;
}
bool FormSession::changed() const {
    return impl_->answers != impl_->initial;
}
std::string FormSession::answers_json() const {
    return impl_->answers.dump();
}
Purpose FormSession::purpose() const {
    return impl_->purpose;
}
const form::Form& FormSession::form() const {
    return impl_->form;
}

}  // namespace canvass::interview
