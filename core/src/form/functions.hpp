// The functions of the expression language: their names and arities (checked when a form
// is loaded) and their implementations (used by the evaluator).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "form/expression.hpp"

namespace canvass::form {

// Which file implements a function.
enum class FunctionGroup : std::uint8_t { core, text, math, dates, paths };

struct FunctionInfo {
    std::string_view name;
    int min_args;
    int max_args;  // -1: any number
    FunctionGroup group = FunctionGroup::core;
};

// nullptr for a name that is not a function of the language.
const FunctionInfo* find_function(std::string_view name);

// "takes 1 or 2 arguments", "takes no arguments", "takes at least 1 argument".
std::string arity_text(const FunctionInfo& f);

// Evaluates one node (defined in expr_eval.cpp).
Value eval_node(const Node& n, const Scope& scope);

// Evaluates a call whose name and arity have been checked; an unknown name gives "".
Value call_function(const Node& call, const Scope& scope);

// regex() matches with RE2 (docs/decisions.md): linear in the text, so the limits are
// only there to bound memory. Longer text simply does not match.
inline constexpr std::size_t regex_max_subject = 64 * 1024;
inline constexpr std::size_t regex_max_pattern = 1000;
// Largest count in a brace quantifier (`a{n}`, `a{n,m}`): RE2's own limit.
inline constexpr unsigned long regex_max_repeat = 1000;
// Memory RE2 may use for one compiled pattern.
inline constexpr std::int64_t regex_max_memory = 8 << 20;

// regex(): true when `pattern` matches somewhere in `subject`; false for a pattern that
// does not compile or text past regex_max_subject.
bool regex_matches(const std::string& subject, const std::string& pattern);

// The groups of functions, each in its own file; `call` has been checked for its name and
// arity. Unknown names give "".
Value call_text_function(const std::string& name, const Node& call,
                         const Scope& scope);  // expr_text.cpp
Value call_math_function(const std::string& name, const Node& call,
                         const Scope& scope);  // expr_math.cpp
Value call_date_function(const std::string& name, const Node& call,
                         const Scope& scope);  // expr_dates.cpp
Value call_path_function(const std::string& name, const Node& call,
                         const Scope& scope);  // expr_paths.cpp
// A location path (Node::Kind::path): a list of the texts of the nodes it selects, or the
// field a path into the form's own instance names (expr_paths.cpp).
Value eval_path(const Node& path, const Scope& scope);

// Helpers the groups share.
Value eval_arg(const Node& call, std::size_t i, const Scope& scope);
// A select_multiple answer's choice names (separated by spaces, XLSForm).
std::vector<std::string> split_words(const std::string& s);
// The UTF-8 characters of `s`, each as its bytes.
std::vector<std::string> utf8_characters(const std::string& s);
// Every value of the arguments from `first` on, list items one by one.
std::vector<Value> flat_args(const Node& call, const Scope& scope, std::size_t first = 0);

// Checks a regex() pattern as RE2 compiles it (UTF-8, RE2 syntax: no look-around, no
// back-references); the error text when it does not compile.
std::optional<std::string> regex_problem(const std::string& pattern);

}  // namespace canvass::form
