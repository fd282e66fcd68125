#include "sync/role.hpp"

namespace canvass::sync {

std::string_view role_name(Role role) {
    switch (role) {
        case Role::collector:
            return "collector";
        case Role::organizer:
            return "organizer";
        case Role::coordinator:
            return "coordinator";
    }
    return "unknown";
}

std::optional<Role> parse_role(std::string_view name) {
    for (Role r : {Role::collector, Role::organizer, Role::coordinator})
        if (role_name(r) == name) return r;
    return std::nullopt;
}

}  // namespace canvass::sync
