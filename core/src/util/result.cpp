#include "canvass/result.hpp"

namespace canvass {

const char* domain_name(Domain d) noexcept {
    switch (d) {
        case Domain::core:
            return "core";
        case Domain::form:
            return "form";
        case Domain::store:
            return "store";
        case Domain::crypto:
            return "crypto";
        case Domain::net:
            return "net";
        case Domain::protocol:
            return "protocol";
        case Domain::auth:
            return "auth";
        case Domain::sqlite:
            return "sqlite";
    }
    return "unknown";
}

std::string Error::describe() const {
    return std::string(domain_name(domain)) + ": " + message;
}

}  // namespace canvass
