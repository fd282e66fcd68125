// Interviews over the device store, so that every app saves them alike: a new interview's
// draft is created at its first answer (quitting before any answer leaves nothing),
// replaced at every answer with the session's language, and finalized at the end; an edit
// of a finalized record writes nothing until the end, then what changed as one changeset.
//
//   auto opened = open_interview(store, {.form_id = "market", .language = "fr"});
//   FormSession& session = opened->session;  // drive it; opened->record() after a save
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "canvass/result.hpp"
#include "canvass/interview.hpp"
#include "merge/ids.hpp"
#include "store/device_store.hpp"

namespace canvass::interview {

// A new interview's or a resumed draft's answers into the store.
class DeviceDraftSink final : public AnswerSink {
  public:
    // `id`: the draft resumed, or nullopt for a new interview of `form_id`.
    DeviceDraftSink(store::DeviceStore& store, std::string form_id,
                    std::optional<merge::RecordId> id = std::nullopt);
    Result<void> save(std::string_view answers_json, std::string_view language) override;
    Result<void> finish(std::string_view answers_json, std::string_view language) override;
    // The draft's id once one is saved.
    const std::optional<merge::RecordId>& record() const { return id_; }

  private:
    store::DeviceStore& store_;
    std::string form_id_;
    std::optional<merge::RecordId> id_;
};

// An edit of a finalized record: finish() saves the difference from `before` (the record's
// answers without calculations, repeat instances with their "_id") as one edit.
class DeviceEditSink final : public AnswerSink {
  public:
    // `readable`: a coordinator's decryption of the record (DeviceStore::edit), or null. It
    // must outlive the sink.
    DeviceEditSink(store::DeviceStore& store, const form::Form& form, merge::RecordId id,
                   nlohmann::json before, const merge::RecordState* readable = nullptr);
    Result<void> save(std::string_view answers_json, std::string_view language) override;
    Result<void> finish(std::string_view answers_json, std::string_view language) override;
    const merge::RecordId& record() const { return id_; }

  private:
    store::DeviceStore& store_;
    const form::Form& form_;
    merge::RecordId id_;
    nlohmann::json before_;
    const merge::RecordState* readable_;
};

// A session with its form and its sink, as opened from the store.
struct DeviceInterview {
    std::shared_ptr<const form::Form> form;
    std::unique_ptr<AnswerSink> sink;
    std::optional<FormSession> session;
    std::optional<merge::RecordState> readable;  // an edit's decrypted record (EditStart)

    // The record being filled in: the draft (once saved) or the record edited.
    std::optional<merge::RecordId> record() const;
};

struct InterviewStart {
    std::string form_id;   // a new interview of this form (its newest version) ...
    std::string resume;    // ... or the draft with this id (or a unique prefix of it)
    std::string language;  // "" : the draft's language when resuming, else the form's default
    form::Clock clock;     // today() and now(); empty: the store's clock
};

// What the store knows of this device for metadata questions: its id, prefixed as the
// ODK XForms specification asks of deviceID ("canvass:" and 32 hex digits), and as
// username the label it was enrolled under (`token create --label`; "" before enrollment).
Result<DeviceMetadata> device_metadata(store::DeviceStore& store);

// The store's random source as random() and uuid() draw from it.
form::RandomBits random_bits(store::DeviceStore& store);

// Opens a new interview or resumes a draft. Failure says what was wrong and what to do: no
// such form or record, a finalized or deleted record, a language the form does not have.
Result<std::unique_ptr<DeviceInterview>> open_interview(store::DeviceStore& store,
                                                        const InterviewStart& start);

struct EditStart {
    std::string record;    // the finalized record's id or a unique prefix of it
    std::string language;  // "" : the form's default
    form::Clock clock;     // today() and now(); empty: the store's clock
    // A coordinator's decryption of the record (answers and state, DeviceStore::edit), kept
    // by the interview. Without it, a record holding answers this device cannot read is
    // refused.
    std::optional<nlohmann::json> readable_answers;
    std::optional<merge::RecordState> readable_state;
};

// Opens an edit session on a finalized record this device may change.
Result<std::unique_ptr<DeviceInterview>> open_edit(store::DeviceStore& store, EditStart start);

// What a person types to find a record again (find_record takes a unique prefix).
std::string short_id(const merge::RecordId& id);

}  // namespace canvass::interview
