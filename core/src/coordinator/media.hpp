// Attachments as a coordinator reads them (docs/media.md): the keys to open them come from
// the changesets that reference them, decrypted with the project key; their sealed chunks
// from the coordinator's store (fetched at sync), or its own copy for its own attachments.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "canvass/result.hpp"
#include "crypto/hash.hpp"
#include "crypto/secret.hpp"
#include "form/attachment_ref.hpp"
#include "form/form.hpp"
#include "merge/ids.hpp"

namespace canvass::store {
class DeviceStore;
}

namespace canvass::coordinator {

// Where the sealed copy of one attachment may be: the device whose changeset referenced it
// (its author: the id is made with that device's epoch key), its server-visible id, and the
// key of its chunks, under one epoch that referenced it.
struct MediaKey {
    merge::DeviceId author{};
    crypto::Hash id{};
    crypto::SecretBytes key;
};
// By the attachment's content hash; one entry per epoch that referenced it.
using MediaKeys = std::map<crypto::Hash, std::vector<MediaKey>>;

// Notes the attachments referenced by a changeset of `author`, its decrypted `values`, under
// its `epoch_key`. Only that author's item of each id is ever opened for them: another
// device's item under the same id (a carrier's claim) is not.
void note_media(const std::vector<std::optional<std::string>>& values,
                const merge::DeviceId& author, const crypto::SecretBytes& epoch_key,
                MediaKeys& into);

// The bytes of the attachment `content`, checked against its hash: the store's own copy, or a
// fetched copy opened with one of `keys`; nullopt when none has arrived whole.
Result<std::optional<std::vector<std::uint8_t>>> open_attachment(store::DeviceStore& store,
                                                                 const MediaKeys& keys,
                                                                 const crypto::Hash& content);

// Every attachment reference in a record's answers, in form order (repeats included).
std::vector<form::AttachmentRef> attachments_in(const form::Form& form,
                                                const nlohmann::json& answers);

}  // namespace canvass::coordinator
