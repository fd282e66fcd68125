// Paths address what an op touches inside one record (schemas/protocol/changeset.md):
//   ""                                 the record itself (record delete and keep ops)
//   age                                a field
//   members[<uuid>]                    a repeat instance (instance delete and keep ops)
//   members[<uuid>]/jobs[<uuid>]/title a field inside nested repeat instances
// Groups are not part of paths: field names are unique in a form, and moving a question
// between groups in a new form version must not change its path.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "merge/ids.hpp"

namespace canvass::merge {

inline constexpr std::size_t kMaxPathBytes = 1024;

enum class PathKind { record, instance, field };

// The kind of a well-formed path, or nullopt if it breaks the grammar: every segment but
// the last is `name[uuid]`, names match ^[A-Za-z_][A-Za-z0-9_.-]*$ (docs/forms.md), uuids
// are canonical lowercase text, at most kMaxPathBytes bytes.
std::optional<PathKind> path_kind(std::string_view path);

// True if `path` lies strictly inside `prefix`: every non-empty path is inside the record
// (""), and `members[u]/age` is inside `members[u]` but `members[u]` is not inside itself.
bool is_inside(std::string_view path, std::string_view prefix);

// The instance paths enclosing `path`, outermost first, including `path` itself when it
// is an instance path: for `a[u]/b[v]/c` that is `a[u]`, `a[u]/b[v]`. `path` must be valid.
std::vector<std::string_view> enclosing_instances(std::string_view path);

// An instance path split into the repeat it belongs to and its id:
// `a[u]/b[v]` -> {"a[u]/b", v}. nullopt if `instance_path` is not an instance path.
struct InstanceRef {
    std::string repeat;
    InstanceId id;
};
std::optional<InstanceRef> split_instance(std::string_view instance_path);

// Builders: `parent` is "" or an instance path; `name` a field or repeat name.
std::string instance_path(std::string_view parent, std::string_view repeat, const InstanceId& id);
std::string field_path(std::string_view parent, std::string_view name);
// The field's name in a field path: its last segment ("members/<id>/age" -> "age").
std::string_view field_name(std::string_view path);

}  // namespace canvass::merge
