#include "coordinator_session.hpp"

#include "coordinator/key_file.hpp"

namespace canvass::cli {

std::optional<crypto::DhKeyPair> open_coordinator_key(const KeyOptions& key,
                                                      const DeviceOptions& device, Context& ctx) {
    auto pass = opening_passphrase(key, device);
    if (!pass) {
        fail(ctx, pass.error());
        return std::nullopt;
    }
    auto pair = coordinator::open_key_file(key.file, *pass);
    if (!pair) {
        fail(ctx, with_passphrase_hint(pair.error(), key));
        return std::nullopt;
    }
    return std::move(pair).value();
}

}  // namespace canvass::cli
