// The evaluator: XPath 1.0 operators over Values.
#include <cmath>
#include <limits>

#include "form/functions.hpp"

namespace canvass::form {
namespace {

bool compare_numbers(BinaryOp op, double a, double b) {
    switch (op) {
        case BinaryOp::eq:
            return a == b;
        case BinaryOp::ne:
            return a != b;
        case BinaryOp::lt:
            return a < b;
        case BinaryOp::le:
            return a <= b;
        case BinaryOp::gt:
            return a > b;
        case BinaryOp::ge:
            return a >= b;
        default:
            return false;
    }
}

// Two single values. `=` and `!=` compare booleans when either side is one, numbers when
// either side is a number, strings otherwise; the order operators always compare numbers.
bool compare_single(BinaryOp op, const Value& a, const Value& b) {
    using K = Value::Kind;
    bool equality = op == BinaryOp::eq || op == BinaryOp::ne;
    if (!equality) return compare_numbers(op, a.as_number(), b.as_number());
    if (a.kind() == K::boolean || b.kind() == K::boolean) {
        bool same = a.as_boolean() == b.as_boolean();
        return op == BinaryOp::eq ? same : !same;
    }
    if (a.kind() == K::number || b.kind() == K::number)
        return compare_numbers(op, a.as_number(), b.as_number());
    bool same = a.as_string() == b.as_string();
    return op == BinaryOp::eq ? same : !same;
}

// A list compares true when one of its items does (XPath's rule for node-sets); a list
// against a boolean compares the list's truth.
bool compare(BinaryOp op, const Value& a, const Value& b) {
    using K = Value::Kind;
    bool equality = op == BinaryOp::eq || op == BinaryOp::ne;
    bool a_list = a.kind() == K::list;
    bool b_list = b.kind() == K::list;
    if (!a_list && !b_list) return compare_single(op, a, b);
    if (equality && (a.kind() == K::boolean || b.kind() == K::boolean))
        return compare_single(op, Value::boolean(a.as_boolean()), Value::boolean(b.as_boolean()));
    for (const auto& x : a.items()) {
        Value left = a_list ? Value::string(x) : a;
        for (const auto& y : b.items()) {
            Value right = b_list ? Value::string(y) : b;
            if (compare_single(op, left, right)) return true;
        }
    }
    return false;
}

double arithmetic(BinaryOp op, double a, double b) {
    switch (op) {
        case BinaryOp::add:
            return a + b;
        case BinaryOp::sub:
            return a - b;
        case BinaryOp::mul:
            return a * b;
        case BinaryOp::div:
            return a / b;  // IEEE: x div 0 is ±Infinity, 0 div 0 NaN
        case BinaryOp::mod:
            return std::fmod(a, b);  // XPath mod truncates, like fmod
        default:
            return std::numeric_limits<double>::quiet_NaN();
    }
}

Value eval_binary(const Node& n, const Scope& scope) {
    const Node& lhs = *n.args[0];
    const Node& rhs = *n.args[1];
    switch (n.op) {
        case BinaryOp::or_:
            return Value::boolean(eval_node(lhs, scope).as_boolean() ||
                                  eval_node(rhs, scope).as_boolean());
        case BinaryOp::and_:
            return Value::boolean(eval_node(lhs, scope).as_boolean() &&
                                  eval_node(rhs, scope).as_boolean());
        case BinaryOp::eq:
        case BinaryOp::ne:
        case BinaryOp::lt:
        case BinaryOp::le:
        case BinaryOp::gt:
        case BinaryOp::ge:
            return Value::boolean(compare(n.op, eval_node(lhs, scope), eval_node(rhs, scope)));
        default:
            return Value::number(arithmetic(n.op, eval_node(lhs, scope).as_number(),
                                            eval_node(rhs, scope).as_number()));
    }
}

}  // namespace

Value eval_node(const Node& n, const Scope& scope) {
    switch (n.kind) {
        case Node::Kind::number:
            return Value::number(n.number);
        case Node::Kind::string:
            return Value::string(n.text);
        case Node::Kind::field:
            return scope.field(n.text);
        case Node::Kind::last_saved:
            return scope.last_saved(n.text);
        case Node::Kind::current:
            return scope.current();
        case Node::Kind::parent:
            return {};  // only position(..) gives '..' a meaning
        case Node::Kind::name:
            return scope.choice_column(n.text);
        case Node::Kind::negate:
            return Value::number(-eval_node(*n.args[0], scope).as_number());
        case Node::Kind::binary:
            return eval_binary(n, scope);
        case Node::Kind::call:
            return call_function(n, scope);
        case Node::Kind::path:
            return eval_path(n, scope);
        case Node::Kind::step:
            return {};  // only inside a path
    }
    return {};
}

Value evaluate(const Expression& e, const Scope& scope) {
    return eval_node(e.root(), scope);
}

}  // namespace canvass::form
