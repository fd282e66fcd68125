#include "form/problem.hpp"

namespace canvass::form {

std::string describe(const Problem& p) {
    return p.path.empty() ? p.message : p.path + ": " + p.message;
}

Error problems_to_error(const std::vector<Problem>& problems) {
    if (problems.empty()) return Error{Domain::form, errc::invalid_argument, "invalid form"};
    std::string message = describe(problems.front());
    if (std::size_t more = problems.size() - 1; more > 0)
        message +=
            " (and " + std::to_string(more) + (more == 1 ? " more problem)" : " more problems)");
    return Error{Domain::form, errc::invalid_argument, std::move(message)};
}

}  // namespace canvass::form
