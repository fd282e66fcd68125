#include "coordinator/media.hpp"

#include "crypto/attachment_crypto.hpp"
#include "form/json_text.hpp"
#include "store/device_store.hpp"

namespace canvass::coordinator {

void note_media(const std::vector<std::optional<std::string>>& values,
                const merge::DeviceId& author, const crypto::SecretBytes& epoch_key,
                MediaKeys& into) {
    for (const auto& v : values) {
        if (!v || v->empty() || (*v)[0] != '{') continue;
        auto ref = form::attachment_from_json(form::parse_value(*v));
        if (!ref) continue;
        auto id = crypto::attachment_sync_id(epoch_key, ref->hash);
        auto& list = into[ref->hash];
        bool known = false;
        for (const auto& k : list) known = known || (k.author == author && k.id == id);
        if (!known)
            list.push_back({.author = author,
                            .id = id,
                            .key = crypto::attachment_sync_key(epoch_key, ref->hash)});
    }
}

Result<std::optional<std::vector<std::uint8_t>>> open_attachment(store::DeviceStore& store,
                                                                 const MediaKeys& keys,
                                                                 const crypto::Hash& content) {
    using Bytes = std::vector<std::uint8_t>;
    CANVASS_TRY(auto own, store.attachment(content));
    if (own) return own;
    auto it = keys.find(content);
    if (it == keys.end()) return std::optional<Bytes>();
    for (const auto& k : it->second) {
        CANVASS_TRY(auto chunks, store.received_attachment(k.author, k.id));
        if (!chunks) continue;
        Bytes out;
        bool ok = true;
        for (std::size_t i = 0; i < chunks->size() && ok; ++i) {
            auto plain = crypto::open_sync_chunk(k.key, k.id, i, chunks->size(), (*chunks)[i]);
            if (!plain)
                ok = false;
            else
                out.insert(out.end(), plain->begin(), plain->end());
        }
        if (ok && crypto::blake2b_256(out) == content) return std::optional<Bytes>(std::move(out));
    }
    return std::optional<Bytes>();
}

namespace {

void walk(const form::Form& form, const nlohmann::json& obj,
          std::vector<form::AttachmentRef>& out) {
    if (!obj.is_object()) return;
    for (const auto& [key, value] : obj.items()) {
        const form::Row* row = form.find(key);
        if (!row) continue;
        if (row->type == form::RowType::group)
            walk(form, value, out);
        else if (row->type == form::RowType::repeat && value.is_array())
            for (const auto& inst : value) walk(form, inst, out);
        else if (form::is_media(row->type))
            if (auto ref = form::attachment_from_json(value)) out.push_back(*ref);
    }
}

}  // namespace

std::vector<form::AttachmentRef> attachments_in(const form::Form& form,
                                                const nlohmann::json& answers) {
    std::vector<form::AttachmentRef> out;
    walk(form, answers, out);
    return out;
}

}  // namespace canvass::coordinator
