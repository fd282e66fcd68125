// The C ABI's interview session over the core's engine (canvass/interview.hpp), opened by
// canvass::Device: steps as JSON, answers as JSON values, every answer saved to the
// encrypted draft as it is given, so an app renders steps and never re-implements skip
// logic, constraints or repeats.
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "canvass/canvass.h"
#include "canvass/interview.hpp"
#include "capi/capi_support.hpp"

struct canvass_interview {
    canvass::Interview opened;
    canvass::interview::FormSession& session() { return opened.session(); }
};

namespace {

using canvass::Domain;
using canvass::Error;
using canvass::Result;
using canvass::capi::copy_out;
using canvass::capi::guarded;
using canvass::capi::invalid;
using canvass::capi::report;
using canvass::capi::text;
using nlohmann::json;
namespace errc = canvass::errc;
namespace interview = canvass::interview;

int opened(Result<canvass::Interview> r, canvass_interview** out, canvass_error* error) {
    if (!r) return report(error, r.error());
    *out = new canvass_interview{std::move(r).value()};
    return CANVASS_OK;
}

const char* outcome_name(interview::Outcome o) {
    switch (o) {
        case interview::Outcome::open:
            return "open";
        case interview::Outcome::finalized:
            return "finalized";
        case interview::Outcome::edit_saved:
            return "edit_saved";
        case interview::Outcome::unchanged:
            return "unchanged";
    }
    return "open";
}

// The current step with where the interview stands: progress, language, what the last
// change removed, and a save that failed (the change stays in the session meanwhile).
std::string step_json(canvass_interview& iv) {
    auto& s = iv.session();
    json j = json::parse(interview::to_json(s.current()));
    auto p = s.progress();
    j["progress"] = {{"position", p.position}, {"total", p.total}};
    j["language"] = s.language();
    j["removed"] = s.removed();
    j["save_problem"] = s.save_problem().empty() ? json() : json(s.save_problem());
    return j.dump();
}

// Runs one move of the session and hands back the step it leads to.
template <class F>
int move(canvass_interview* iv, char** step_out, canvass_error* error, F&& step) {
    if (!iv) return invalid(error, "interview is required");
    if (step_out) *step_out = nullptr;
    Result<void> r = step(iv->session());
    if (!r) return report(error, r.error());
    if (step_out) *step_out = copy_out(step_json(*iv));
    return CANVASS_OK;
}

}  // namespace

extern "C" {

int canvass_interview_start(canvass_store* store, const char* form_id, const char* language,
                            canvass_interview** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !form_id || !*form_id || !out)
            return invalid(error, "store, form_id and interview are required");
        *out = nullptr;
        return opened(store->device.start_interview(form_id, text(language)), out, error);
    });
}

int canvass_interview_resume(canvass_store* store, const char* record_id, const char* language,
                             canvass_interview** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !record_id || !*record_id || !out)
            return invalid(error, "store, record_id and interview are required");
        *out = nullptr;
        return opened(store->device.resume_interview(record_id, text(language)), out, error);
    });
}

int canvass_interview_edit(canvass_store* store, const char* record_id, const char* language,
                           canvass_interview** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !record_id || !*record_id || !out)
            return invalid(error, "store, record_id and interview are required");
        *out = nullptr;
        return opened(store->device.edit_interview(record_id, text(language)), out, error);
    });
}

int canvass_coordinator_edit(canvass_coordinator* coordinator, const char* record_id,
                             const char* language, canvass_interview** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!coordinator || !record_id || !*record_id || !out)
            return invalid(error, "coordinator, record_id and interview are required");
        *out = nullptr;
        return opened(coordinator->view.edit_interview(record_id, text(language)), out, error);
    });
}

int canvass_interview_record_id(canvass_interview* iv, char record_id[37], canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!iv || !record_id) return invalid(error, "interview and record_id are required");
        auto id = iv->opened.record_id();
        if (!id) {
            return report(error,
                          Error{Domain::core, errc::not_found,
                                "nothing is saved yet: the record is created at the first answer"});
        }
        std::snprintf(record_id, 37, "%s", id->c_str());
        return CANVASS_OK;
    });
}

int canvass_interview_step(canvass_interview* iv, char** step, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!iv || !step) return invalid(error, "interview and step_json are required");
        *step = copy_out(step_json(*iv));
        return CANVASS_OK;
    });
}

int canvass_interview_answer(canvass_interview* iv, const char* value_json, char** step,
                             canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!value_json)
            return invalid(error, "value_json is required (\"null\" clears the answer)");
        return move(iv, step, error,
                    [&](interview::FormSession& s) { return s.answer(value_json); });
    });
}

int canvass_interview_next(canvass_interview* iv, char** step, canvass_error* error) {
    return guarded(error, [&] {
        return move(iv, step, error, [](interview::FormSession& s) { return s.next(); });
    });
}

int canvass_interview_back(canvass_interview* iv, char** step, canvass_error* error) {
    return guarded(error, [&] {
        return move(iv, step, error, [](interview::FormSession& s) { return s.back(); });
    });
}

int canvass_interview_add_instance(canvass_interview* iv, char** step, canvass_error* error) {
    return guarded(error, [&] {
        return move(iv, step, error, [](interview::FormSession& s) { return s.add_instance(); });
    });
}

int canvass_interview_remove_instance(canvass_interview* iv, char** step, canvass_error* error) {
    return guarded(error, [&] {
        return move(iv, step, error, [](interview::FormSession& s) { return s.remove_instance(); });
    });
}

int canvass_interview_jump(canvass_interview* iv, size_t index, char** step, canvass_error* error) {
    return guarded(error, [&] {
        return move(iv, step, error,
                    [index](interview::FormSession& s) { return s.jump(std::size_t{index}); });
    });
}

int canvass_interview_jump_to(canvass_interview* iv, const char* name, char** step,
                              canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!name || !*name) return invalid(error, "name is required");
        return move(iv, step, error,
                    [name](interview::FormSession& s) { return s.jump(std::string_view(name)); });
    });
}

int canvass_interview_language(canvass_interview* iv, const char* language, char** step,
                               canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!language || !*language) return invalid(error, "language is required");
        return move(iv, step, error,
                    [language](interview::FormSession& s) { return s.set_language(language); });
    });
}

int canvass_interview_hierarchy(canvass_interview* iv, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!iv || !out) return invalid(error, "interview and json are required");
        *out = copy_out(interview::to_json(iv->session().steps()));
        return CANVASS_OK;
    });
}

int canvass_interview_finalize(canvass_interview* iv, char** result, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!iv) return invalid(error, "interview is required");
        if (result) *result = nullptr;
        auto& s = iv->session();
        if (auto r = s.finalize(); !r) return report(error, r.error());
        auto id = iv->opened.record_id();
        json out{{"outcome", outcome_name(s.outcome())}, {"record_id", id ? json(*id) : json()}};
        if (result) *result = copy_out(out.dump());
        return CANVASS_OK;
    });
}

void canvass_interview_close(canvass_interview* iv) {
    delete iv;
}

}  // extern "C"
