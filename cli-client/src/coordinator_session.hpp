// The coordinator key pair itself, for the commands still on the core's private headers
// (keys, export, the desk); the others open a canvass::Coordinator (key_options.hpp).
#pragma once

#include <optional>

#include "app.hpp"
#include "crypto/box.hpp"
#include "device_session.hpp"
#include "key_options.hpp"

namespace canvass::cli {

// Opens the coordinator key file. On failure prints the reason on ctx.err and sets the
// failure exit code.
std::optional<crypto::DhKeyPair> open_coordinator_key(const KeyOptions& key,
                                                      const DeviceOptions& device, Context& ctx);

}  // namespace canvass::cli
