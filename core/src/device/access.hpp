// The store behind a Device (canvass/device.hpp), for the code inside the project that
// still works on the store itself: the C ABI's coordinator view and the command line's
// commands not yet moved over to Device (docs/decisions.md, "The public API").
#pragma once

#include <memory>
#include <string_view>

#include <nlohmann/json.hpp>

#include "canvass/device.hpp"
#include "coordinator/conflicts.hpp"
#include "interview/device_sink.hpp"
#include "merge/ids.hpp"
#include "store/device_store.hpp"

namespace canvass {

// The store `device` owns (or views).
store::DeviceStore& device_store(Device& device);
// A Device over a store someone else owns and keeps open for as long as the Device lives.
Device device_over(store::DeviceStore& store);

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
