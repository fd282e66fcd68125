// What an enrolled device may do (DESIGN.md section 6).
#pragma once

#include <optional>
#include <string_view>

namespace canvass::sync {

enum class Role {
    collector,    // pushes its own chain; pulls forms and config; never receives others' answers
    organizer,    // also carries other devices' changesets to the server (cannot read them)
    coordinator,  // pushes like an organizer and pulls every changeset of the project
};

// "collector", "organizer", "coordinator".
std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view name);

}  // namespace canvass::sync
