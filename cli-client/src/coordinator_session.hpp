// What the coordinator commands (keys, export, conflicts, resolve, history) share: the device
// options of the root command, the coordinator key file and its passphrase, and the words
// for what the coordinator view (coordinator/records.hpp) could not decrypt.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app.hpp"
#include "crypto/box.hpp"
#include "device_session.hpp"
#include "export/dataset.hpp"
#include "key_options.hpp"

namespace canvass::cli {

// Opens the coordinator key file. On failure prints the reason on ctx.err and sets the
// failure exit code.
std::optional<crypto::DhKeyPair> open_coordinator_key(const KeyOptions& key,
                                                      const DeviceOptions& device, Context& ctx);

// Record `id` rebuilt with the answers the coordinator key in `key` decrypts, for show and
// edit. Every changeset of it must open: a record read in part would look as if answers
// had been cleared. On failure prints the reason on ctx.err, sets the exit code and returns
// nullopt.
std::optional<exporting::ExportRecord> open_record_with_key(store::DeviceStore& store,
                                                            const merge::RecordId& id,
                                                            const KeyOptions& key,
                                                            const DeviceOptions& device,
                                                            Context& ctx);

}  // namespace canvass::cli
