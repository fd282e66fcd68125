// Problems: what the form loader and the answer validator report instead of failing.
//
// A loader or validator never stops at the first problem: it collects every one, each
// naming where it is (a JSON path) and what is wrong (a plain sentence for the person who
// wrote the form or the answers).
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "canvass/result.hpp"

namespace canvass::form {

// One problem. `path` locates it:
//   in a form file, a JSON path with 0-based array indices: `survey[3].children[1].relevant`;
//   in answers, the field and its 1-based repeat instances: `members[2].age`;
//   empty when the problem is about the whole document (invalid JSON, not an object).
struct Problem {
    std::string path;
    std::string message;

    bool operator==(const Problem&) const = default;
};

// "path: message", or just the message when the path is empty.
std::string describe(const Problem& p);

// Either a T or the non-empty list of every problem that prevented it. The member names
// follow std::expected (and canvass::Result) so callers read the same way.
template <class T>
class [[nodiscard]] Checked {
  public:
    Checked(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    Checked(std::vector<Problem> problems) : v_(std::in_place_index<1>, std::move(problems)) {}

    bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    const T* operator->() const { return &value(); }
    const std::vector<Problem>& error() const& { return std::get<1>(v_); }

    // The problems as one canvass::Error (domain form): the first problem and how many more.
    Error to_error() const;

  private:
    std::variant<T, std::vector<Problem>> v_;
};

Error problems_to_error(const std::vector<Problem>& problems);

template <class T>
Error Checked<T>::to_error() const {
    return problems_to_error(error());
}

}  // namespace canvass::form
