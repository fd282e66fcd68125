#include "merge/path.hpp"

namespace canvass::merge {

namespace {

constexpr std::size_t kUuidTextLength = 36;

bool is_name_start(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_name_char(char c) {
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

bool is_name(std::string_view s) {
    if (s.empty() || !is_name_start(s.front())) return false;
    for (char c : s)
        if (!is_name_char(c)) return false;
    return true;
}

// A segment is `name` (a field) or `name[uuid]` (an instance).
std::optional<PathKind> segment_kind(std::string_view seg) {
    const std::size_t open = seg.find('[');
    if (open == std::string_view::npos) {
        if (!is_name(seg)) return std::nullopt;
        return PathKind::field;
    }
    if (!is_name(seg.substr(0, open))) return std::nullopt;
    if (seg.size() != open + 1 + kUuidTextLength + 1 || seg.back() != ']') return std::nullopt;
    if (!parse_uuid(seg.substr(open + 1, kUuidTextLength))) return std::nullopt;
    return PathKind::instance;
}

}  // namespace

std::optional<PathKind> path_kind(std::string_view path) {
    if (path.empty()) return PathKind::record;
    if (path.size() > kMaxPathBytes) return std::nullopt;
    std::optional<PathKind> last;
    std::size_t start = 0;
    while (true) {
        const std::size_t slash = path.find('/', start);
        const bool final = slash == std::string_view::npos;
        const auto seg = path.substr(start, final ? std::string_view::npos : slash - start);
        last = segment_kind(seg);
        if (!last) return std::nullopt;
        if (final) return last;
        if (*last != PathKind::instance) return std::nullopt;  // fields have no children
        start = slash + 1;
    }
}

bool is_inside(std::string_view path, std::string_view prefix) {
    if (prefix.empty()) return !path.empty();
    return path.size() > prefix.size() + 1 && path.substr(0, prefix.size()) == prefix &&
           path[prefix.size()] == '/';
}

std::vector<std::string_view> enclosing_instances(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (true) {
        const std::size_t close = path.find(']', pos);
        if (close == std::string_view::npos) break;
        out.push_back(path.substr(0, close + 1));
        pos = close + 1;
    }
    return out;
}

std::optional<InstanceRef> split_instance(std::string_view instance_path) {
    if (path_kind(instance_path) != PathKind::instance) return std::nullopt;
    const std::size_t open = instance_path.rfind('[');
    auto id = parse_uuid(instance_path.substr(open + 1, kUuidTextLength));
    return InstanceRef{std::string(instance_path.substr(0, open)), *id};
}

std::string instance_path(std::string_view parent, std::string_view repeat, const InstanceId& id) {
    std::string out = field_path(parent, repeat);
    out += '[';
    out += format_uuid(id);
    out += ']';
    return out;
}

std::string field_path(std::string_view parent, std::string_view name) {
    std::string out(parent);
    if (!out.empty()) out += '/';
    out += name;
    return out;
}

std::string_view field_name(std::string_view path) {
    auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace canvass::merge
