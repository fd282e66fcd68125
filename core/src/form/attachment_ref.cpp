#include "form/attachment_ref.hpp"

#include <algorithm>
#include <cctype>

namespace canvass::form {
namespace {

using nlohmann::json;

constexpr char hex_digits[] = "0123456789abcdef";

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// A file name as it may appear in an export's media/ folder: no folders, no control
// characters, not "." or "..", at most 255 bytes.
std::optional<std::string> name_problem(const std::string& name) {
    if (name.empty()) return "an attachment's name must not be empty";
    if (name.size() > 255) return "an attachment's name must be at most 255 bytes";
    if (name == "." || name == "..") return "an attachment's name must be a file name, not " + name;
    for (unsigned char c : name) {
        if (c == '/' || c == '\\')
            return "an attachment's name must not hold a folder (/ or \\): " + name;
        if (c < 0x20 || c == 0x7f) return "an attachment's name must not hold control characters";
    }
    return std::nullopt;
}

// type/subtype, as in RFC 6838: letters, digits and !#$&-^_.+ on each side.
bool is_media_type(const std::string& t) {
    auto slash = t.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == t.size() || t.size() > 127)
        return false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (i == slash) continue;
        unsigned char c = static_cast<unsigned char>(t[i]);
        if (!std::isalnum(c) &&
            std::string_view("!#$&-^_.+").find(static_cast<char>(c)) == std::string_view::npos)
            return false;
    }
    return true;
}

}  // namespace

json AttachmentRef::to_json() const {
    return json{{"attachment", hash_hex()}, {"size", size}, {"name", name}, {"type", type}};
}

std::string AttachmentRef::hash_hex() const {
    std::string out;
    out.reserve(64);
    for (auto b : hash) {
        out += hex_digits[b >> 4];
        out += hex_digits[b & 15];
    }
    return out;
}

std::optional<std::string> attachment_problem(const json& v, std::string_view kind) {
    const std::string expected =
        "expected an attachment {\"attachment\": HASH, \"size\": N, \"name\": \"file.jpg\", "
        "\"type\": \"image/jpeg\"}";
    if (!v.is_object()) return expected;
    for (const auto& [key, _] : v.items())
        if (key != "attachment" && key != "size" && key != "name" && key != "type")
            return "unknown attachment key " + key + " (use attachment, size, name, type)";
    auto hash = v.find("attachment");
    if (hash == v.end() || !hash->is_string() || hash->get_ref<const std::string&>().size() != 64 ||
        !std::all_of(hash->get_ref<const std::string&>().begin(),
                     hash->get_ref<const std::string&>().end(),
                     [](char c) { return hex_value(c) >= 0; }))
        return "an attachment needs \"attachment\": its BLAKE2b-256 as 64 lower-case hex digits";
    auto size = v.find("size");
    if (size == v.end() || !size->is_number_integer() ||
        (!size->is_number_unsigned() && size->get<std::int64_t>() < 0))
        return "an attachment needs \"size\": its length in bytes, a whole number";
    auto name = v.find("name");
    if (name == v.end() || !name->is_string())
        return "an attachment needs \"name\": the file's name";
    if (auto p = name_problem(name->get<std::string>())) return p;
    auto type = v.find("type");
    if (type == v.end() || !type->is_string() || !is_media_type(type->get<std::string>()))
        return "an attachment needs \"type\": a media type such as image/jpeg";
    const std::string& t = type->get_ref<const std::string&>();
    if (kind != "file" && t.compare(0, kind.size() + 1, std::string(kind) + "/") != 0)
        return "an " + std::string(kind) + " question takes a " + std::string(kind) +
               "/… file, got " + t + " (use a file question for other files)";
    return std::nullopt;
}

std::optional<AttachmentRef> attachment_from_json(const json& v) {
    if (attachment_problem(v, "file")) return std::nullopt;
    AttachmentRef ref;
    const auto& hex = v["attachment"].get_ref<const std::string&>();
    for (std::size_t i = 0; i < 32; ++i)
        ref.hash[i] =
            static_cast<std::uint8_t>(hex_value(hex[2 * i]) * 16 + hex_value(hex[2 * i + 1]));
    ref.size = v["size"].get<std::uint64_t>();
    ref.name = v["name"].get<std::string>();
    ref.type = v["type"].get<std::string>();
    return ref;
}

std::string media_type_for_name(std::string_view name) {
    static const std::pair<std::string_view, std::string_view> types[] = {
        {"jpg", "image/jpeg"},       {"jpeg", "image/jpeg"},     {"png", "image/png"},
        {"gif", "image/gif"},        {"webp", "image/webp"},     {"heic", "image/heic"},
        {"bmp", "image/bmp"},        {"svg", "image/svg+xml"},   {"mp3", "audio/mpeg"},
        {"m4a", "audio/mp4"},        {"aac", "audio/aac"},       {"ogg", "audio/ogg"},
        {"oga", "audio/ogg"},        {"opus", "audio/opus"},     {"wav", "audio/wav"},
        {"amr", "audio/amr"},        {"3gpp", "audio/3gpp"},     {"mp4", "video/mp4"},
        {"3gp", "video/3gpp"},       {"webm", "video/webm"},     {"mov", "video/quicktime"},
        {"mkv", "video/x-matroska"}, {"pdf", "application/pdf"}, {"txt", "text/plain"},
        {"csv", "text/csv"},         {"zip", "application/zip"},
    };
    auto dot = name.rfind('.');
    if (dot == std::string_view::npos) return "application/octet-stream";
    std::string ext(name.substr(dot + 1));
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& [e, t] : types)
        if (e == ext) return std::string(t);
    return "application/octet-stream";
}

std::string file_name_of(std::string_view path) {
    auto slash = path.find_last_of("/\\");
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace canvass::form
