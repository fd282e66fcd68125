// The answer to a media question (image, audio, video, file): a reference to an attachment,
// never the file's bytes (docs/media.md). In an answers object it is
//
//   {"attachment": "<64 hex digits>", "size": 123456, "name": "stall.jpg", "type": "image/jpeg"}
//
// `attachment` is BLAKE2b-256 of the file's bytes (the device store's content address),
// `size` their number, `name` the file's original name (no folders) and `type` its media
// type. The reference travels inside the encrypted values of a changeset like any answer;
// the bytes travel apart, encrypted (store/attachments.hpp, sync/media_exchange.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace canvass::form {

struct AttachmentRef {
    std::array<std::uint8_t, 32> hash{};
    std::uint64_t size = 0;
    std::string name;
    std::string type;

    nlohmann::json to_json() const;
    std::string hash_hex() const;
};

// Why `v` is not a well-formed attachment reference, or nullopt. `kind` is the question's
// type: an image question takes image/* media types, audio audio/*, video video/*; a file
// question takes any.
std::optional<std::string> attachment_problem(const nlohmann::json& v, std::string_view kind);

// The reference in `v`, or nullopt when attachment_problem(v, "file") would refuse it.
std::optional<AttachmentRef> attachment_from_json(const nlohmann::json& v);

// The media type canvass gives a file from its name's extension ("photo.JPG" -> image/jpeg),
// "application/octet-stream" for an extension it does not know.
std::string media_type_for_name(std::string_view name);

// The last component of a path, the way an attachment's `name` keeps it ("a/b/c.jpg" -> "c.jpg").
std::string file_name_of(std::string_view path);

}  // namespace canvass::form
