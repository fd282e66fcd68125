// Answers files name attachments by path (docs/media.md): at an image, audio, video or file
// question a string is the path of the file to attach, relative to the answers file's
// folder. `fill`, `edit --answers` and Device::attach_files copy these into the store and
// `form validate` reads them; either way they are replaced by their attachment references
// before the answers are checked.
#pragma once

#include <filesystem>
#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

#include "canvass/result.hpp"
#include "form/attachment_ref.hpp"
#include "form/form.hpp"
#include "form/problem.hpp"
#include "store/device_store.hpp"

namespace canvass::store {

// What a file named at a media question (of type `kind`: image, audio, video, file) becomes:
// its reference, or why it cannot be attached.
using AttachFile =
    std::function<Result<form::AttachmentRef>(const std::string& path, std::string_view kind)>;

// Replaces, in `answers` (a record keyed by field name, groups and repeats nested), each
// path at a media question by the reference `attach` gives for it. Returns the files that
// could not be attached, by field (missing, unreadable, too large, wrong kind); those
// answers are left as they were, so the record is refused by name.
std::vector<form::Problem> resolve_files(const form::Form& form, nlohmann::json& answers,
                                         const std::filesystem::path& base,
                                         const AttachFile& attach);

// resolve_files, copying each file into `store`.
std::vector<form::Problem> attach_files(DeviceStore& store, const form::Form& form,
                                        nlohmann::json& answers, const std::filesystem::path& base);

// A file's reference without keeping it anywhere (its hash, size, name and type); an error
// naming the path when it cannot be read or is not of the kind the question takes.
Result<form::AttachmentRef> describe_file(const std::string& path, std::string_view kind);

}  // namespace canvass::store
