// The store behind a Device (canvass/device.hpp) and a Coordinator (canvass/coordinator.hpp),
// for the code inside the core that works on the store itself (the C ABI's coordinator view,
// the export writers, the coordinator's table) and for tests and benches that build a store
// first (docs/decisions.md, "The public API").
#pragma once

#include <memory>
#include <string_view>

#include <nlohmann/json.hpp>

#include "canvass/coordinator.hpp"
#include "canvass/device.hpp"
#include "coordinator/conflicts.hpp"
#include "crypto/box.hpp"
#include "interview/device_sink.hpp"
#include "merge/ids.hpp"
#include "store/device_store.hpp"

namespace canvass {

// The store `device` owns (or views).
store::DeviceStore& device_store(Device& device);
// A Device over a store someone else owns and keeps open for as long as the Device lives.
Device device_over(store::DeviceStore& store);

// The store under a Coordinator (its Device's), and the key it opened.
store::DeviceStore& coordinator_store(Coordinator& coordinator);
const crypto::DhKeyPair& coordinator_key(const Coordinator& coordinator);

// An Interview (canvass/device.hpp) driving an interview or edit the engine opened.
Interview interview_over(std::unique_ptr<interview::DeviceInterview> opened);

// `text` as a record id (all 36 characters), or Error{core, invalid_argument} naming it.
Result<merge::RecordId> record_id_of(std::string_view text);

// What Device::conflicts and Coordinator::conflicts list for `query`: its record found by
// its first characters, and refused when it is a draft (nothing merged, nothing to list).
Result<coordinator::ConflictFilter> conflict_filter(store::DeviceStore& store,
                                                    const ConflictQuery& query);

// What Device::resolve and Coordinator::resolve wrote: `value` at record `id`, settling
// `settled` (nullopt: a correction).
Resolution resolution(const merge::RecordId& id, const nlohmann::json& value,
                      const std::optional<coordinator::Conflict>& settled);

}  // namespace canvass
