#include "store/values.hpp"

#include <nlohmann/json.hpp>

#include "crypto/aead.hpp"
#include "crypto/kdf.hpp"
#include "form/json_text.hpp"

namespace canvass::store {

using nlohmann::json;

namespace {
constexpr std::string_view kValueKeyContext = "cnvsval1";
// The array of values, an answer in it, and the arrays of a select_multiple or geopoint:
// an honest device never nests deeper. Values come from other devices, so this is checked
// here, the one door where they become plaintext, and every later reader sees shallow JSON.
constexpr int kMaxValueDepth = 8;
}  // namespace

std::vector<std::uint8_t> encrypt_values(const crypto::SecretBytes& epoch_key,
                                         const merge::ChangesetHeader& header,
                                         const std::vector<std::optional<std::string>>& values) {
    // The values are JSON texts already: join them into the array without reparsing.
    std::string text = "[";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) text += ',';
        text += values[i] ? *values[i] : "null";
    }
    text += ']';
    auto key = crypto::derive_subkey(epoch_key, header.seq, kValueKeyContext);
    auto ct = crypto::xchacha_encrypt(
        key, header.nonce, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()},
        merge::encode_header(header));
    crypto::wipe({reinterpret_cast<std::uint8_t*>(text.data()), text.size()});
    return ct;
}

Result<std::vector<std::optional<std::string>>> decrypt_values(const crypto::SecretBytes& epoch_key,
                                                               const merge::Changeset& cs) {
    const auto& h = cs.header;
    auto key = crypto::derive_subkey(epoch_key, h.seq, kValueKeyContext);
    CANVASS_TRY(auto plain,
                crypto::xchacha_decrypt(key, h.nonce, cs.ciphertext, merge::encode_header(h)));
    auto parsed = form::parse_json({reinterpret_cast<const char*>(plain.data()), plain.size()},
                                   form::JsonLimits{plain.size(), kMaxValueDepth});
    crypto::wipe(plain);
    if (!parsed) {
        return unexpected(Domain::crypto, errc::corrupt,
                          "a changeset's values are not shallow JSON: " + parsed.error().message);
    }
    json values = std::move(*parsed);
    if (!values.is_array() || values.size() != h.ops.size()) {
        return unexpected(Domain::crypto, errc::corrupt,
                          "a changeset's values do not match its ops");
    }
    std::vector<std::optional<std::string>> out;
    out.reserve(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (h.ops[i].kind == merge::OpKind::set)
            out.emplace_back(values[i].dump());
        else
            out.emplace_back();
    }
    return out;
}

}  // namespace canvass::store
