// `canvass interview` and the interactive `canvass edit` (docs/interview.md): the terminal
// side of interview/session.hpp, on a canvass::Device.
#pragma once

#include <string>

#include "app.hpp"
#include "device_options.hpp"
#include "key_options.hpp"

namespace canvass::cli {

// `canvass edit RECORD` without --answers: walks the finalized record's questions with its
// answers as defaults, then saves what changed as one edit, which
// syncs and merges like any change. A coordinator gives `key` to edit a record holding
// answers other devices encrypted for the project's coordinators. Failures are printed on
// ctx.err with ctx.exit_code set.
void edit_interactively(const DeviceOptions& device, const std::string& record,
                        const std::string& lang, const KeyOptions& key, Context& ctx);

}  // namespace canvass::cli
