#include "device_session.hpp"

namespace canvass::cli {

std::optional<store::DeviceStore> open_store(const DeviceOptions& options, Context& ctx) {
    auto u = unlock_home(options, ctx);
    if (!u) return std::nullopt;
    auto opened = store::DeviceStore::open(u->home, store::Passphrase{std::move(u->passphrase)});
    if (!opened) {
        fail(ctx, opened.error());
        return std::nullopt;
    }
    return std::move(opened).value();
}

}  // namespace canvass::cli
