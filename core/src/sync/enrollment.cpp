#include "sync/enrollment.hpp"

#include "sync/cbor.hpp"
#include "sync/cbor_fields.hpp"

namespace canvass::sync {

std::vector<std::uint8_t> enroll_binding(const crypto::Sha256& h,
                                         const crypto::DhPublicKey& transport_key,
                                         const TokenId& token) {
    constexpr std::string_view tag{"canvass enroll v1\0", 18};
    std::vector<std::uint8_t> out(tag.begin(), tag.end());
    out.insert(out.end(), h.begin(), h.end());
    out.insert(out.end(), transport_key.begin(), transport_key.end());
    out.insert(out.end(), token.begin(), token.end());
    return out;
}

Bytes encode_enroll_request(const EnrollRequest& r) {
    nlohmann::json j = {{"t", "enroll"},
                        {"key", detail::binary(r.signing_key)},
                        {"sig", detail::binary(r.signature)},
                        {"agent", r.agent}};
    return nlohmann::json::to_cbor(j);
}

Result<EnrollRequest> decode_enroll_request(std::span<const std::uint8_t> bytes) {
    CANVASS_TRY(auto j, parse_cbor(bytes, CborLimits{2, 16}));
    detail::Fields f(j, "enroll");
    CANVASS_TRY(auto type, f.text("t", 16));
    if (type != "enroll") return f.bad("t", "expected \"enroll\"");
    EnrollRequest r;
    CANVASS_TRY(r.signing_key, f.fixed<32>("key"));
    CANVASS_TRY(r.signature, f.fixed<64>("sig"));
    CANVASS_TRY(r.agent, f.text("agent", 256));
    CANVASS_TRY_VOID(f.done());
    return r;
}

}  // namespace canvass::sync
