// The functions of the expression language: their names and arities (checked when a form
// is loaded) and their implementations (used by the evaluator).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "form/expression.hpp"

namespace canvass::form {

struct FunctionInfo {
    std::string_view name;
    int min_args;
    int max_args;  // -1: any number
};

// nullptr for a name that is not a function of the language.
const FunctionInfo* find_function(std::string_view name);

// "takes 1 or 2 arguments", "takes no arguments", "takes at least 1 argument".
std::string arity_text(const FunctionInfo& f);

// Evaluates one node (defined in expr_eval.cpp).
Value eval_node(const Node& n, const Scope& scope);

// Evaluates a call whose name and arity have been checked; an unknown name gives "".
Value call_function(const Node& call, const Scope& scope);

// Longest text and pattern regex() looks at: matching time grows with both (quadratically
// for patterns like (a*)*b). Longer input simply does not match.
inline constexpr std::size_t regex_max_subject = 2000;
inline constexpr std::size_t regex_max_pattern = 500;
// Largest count in a brace quantifier (`a{n}`, `a{n,m}`). libstdc++ reads the count
// into an int without an overflow check, and repeats the sub-pattern that many times,
// so larger counts are refused before std::regex sees them.
inline constexpr unsigned long regex_max_repeat = 1000;

// Checks a regex() pattern as std::regex (ECMAScript) would compile it; the error text
// when it does not compile.
std::optional<std::string> regex_problem(const std::string& pattern);

}  // namespace canvass::form
