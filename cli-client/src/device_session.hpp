// The device store itself, for the commands not yet moved onto canvass::Device
// (device_options.hpp; docs/decisions.md, "The public API").
#pragma once

#include <optional>

#include "device_options.hpp"
#include "store/device_store.hpp"

namespace canvass::cli {

// Opens the store, asking for the passphrase if needed. On failure prints the reason on
// ctx.err and sets ctx.exit_code.
std::optional<store::DeviceStore> open_store(const DeviceOptions& options, Context& ctx);

}  // namespace canvass::cli
