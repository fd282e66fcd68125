#include "coordinator_session.hpp"

#include "coordinator/key_file.hpp"
#include "coordinator/resolve.hpp"
#include "coordinator/source.hpp"
#include "crypto/hash.hpp"

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

std::optional<exporting::ExportRecord> open_record_with_key(store::DeviceStore& store,
                                                            const merge::RecordId& id,
                                                            const KeyOptions& key,
                                                            const DeviceOptions& device,
                                                            Context& ctx) {
    auto pair = open_coordinator_key(key, device, ctx);
    if (!pair) return std::nullopt;
    coordinator::DeviceStoreSource source(store);
    auto record = coordinator::load_whole_record(source, *pair, id, key.file);
    if (!record) {
        fail(ctx, record.error());
        return std::nullopt;
    }
    return std::move(record).value();
}

}  // namespace canvass::cli
