// Answers files name attachments by path (docs/media.md): at an image, audio, video or file
// question a string is the path of the file to attach, relative to the answers file's
// folder. These are copied into the store and replaced by their attachment references
// before the answers are checked and saved.
#pragma once

#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "form/form.hpp"
#include "form/problem.hpp"
#include "store/device_store.hpp"

namespace canvass::cli {

// Replaces, in `answers` (a record keyed by field name, groups and repeats nested), each
// path at a media question by the reference of the file copied into `store`. Returns the
// files that could not be attached, by field (missing, unreadable, too large, wrong kind);
// those answers are left as they were, so the record is refused by name.
std::vector<form::Problem> attach_files(store::DeviceStore& store, const form::Form& form, nlohmann::json& answers,
                                        const std::filesystem::path& base);

}  // namespace canvass::cli
