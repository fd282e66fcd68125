#include "merge/chain.hpp"

#include <string_view>

namespace canvass::merge {

namespace {

constexpr std::string_view kHeadTag{"canvass head v1\0", 16};

Unexpected<Error> chain_error(int code, const DeviceId& device, const std::string& problem) {
    return unexpected(Domain::protocol, code,
                      "chain of device " + crypto::to_hex(device) + ": " + problem);
}

std::optional<Equivocation> compare(const DeviceId& da, std::uint64_t sa, const Hash& ha,
                                    const DeviceId& db, std::uint64_t sb, const Hash& hb) {
    if (da != db || sa != sb || ha == hb) return std::nullopt;
    return Equivocation{da, sa, ha, hb};
}

}  // namespace

std::vector<std::uint8_t> head_signing_bytes(const DeviceId& device, std::uint64_t seq,
                                             const Hash& hash) {
    std::vector<std::uint8_t> out(kHeadTag.begin(), kHeadTag.end());
    out.insert(out.end(), device.begin(), device.end());
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(seq >> (8 * i)));
    out.insert(out.end(), hash.begin(), hash.end());
    return out;
}

SignedHead sign_head(const DeviceId& device, std::uint64_t seq, const Hash& hash,
                     const crypto::SecretBytes& secret_key) {
    return SignedHead{device, seq, hash,
                      crypto::sign(head_signing_bytes(device, seq, hash), secret_key)};
}

bool verify_head(const SignedHead& head, const crypto::SigningPublicKey& public_key) {
    return crypto::verify(head.signature, head_signing_bytes(head.device, head.seq, head.hash),
                          public_key);
}

Result<ChainPoint> verify_chain(const DeviceId& device, const std::optional<ChainPoint>& known,
                                std::span<const Changeset> batch, const SignedHead& head,
                                const crypto::SigningPublicKey& public_key) {
    ChainPoint point = known.value_or(ChainPoint{});
    for (const Changeset& cs : batch) {
        const ChangesetHeader& h = cs.header;
        if (h.device != device)
            return chain_error(errc::invalid_argument, device, "holds another device's changeset");
        if (h.seq != point.seq + 1)
            return chain_error(errc::invalid_argument, device,
                               "seq " + std::to_string(h.seq) + " where " +
                                   std::to_string(point.seq + 1) + " was expected (a gap)");
        if (h.prev != point.hash)
            return chain_error(errc::corrupt, device,
                               "changeset " + std::to_string(h.seq) +
                                   " does not link to the previous one (a fork)");
        point = ChainPoint{h.seq, changeset_hash(cs)};
    }
    if (point.seq == 0) return chain_error(errc::invalid_argument, device, "nothing to verify");
    if (head.device != device || head.seq != point.seq || head.hash != point.hash)
        return chain_error(errc::corrupt, device,
                           "signed head does not name changeset " + std::to_string(point.seq));
    if (!verify_head(head, public_key))
        return chain_error(errc::wrong_key, device,
                           "bad signature on head " + std::to_string(head.seq));
    return point;
}

std::optional<Equivocation> find_equivocation(const Changeset& a, const Changeset& b) {
    if (a.header.device != b.header.device || a.header.seq != b.header.seq) return std::nullopt;
    return compare(a.header.device, a.header.seq, changeset_hash(a), b.header.device, b.header.seq,
                   changeset_hash(b));
}

std::optional<Equivocation> find_equivocation(const SignedHead& a, const SignedHead& b) {
    return compare(a.device, a.seq, a.hash, b.device, b.seq, b.hash);
}

}  // namespace canvass::merge
