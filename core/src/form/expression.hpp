// The XLSForm expression language (DESIGN.md section 2, docs/forms.md "Expressions").
//
//   Expression e = Expression::parse("${age} >= 18 and selected(${work}, 'vending')").value();
//   Value v = evaluate(e, scope);   // scope answers ${age}, ${work}, `.`, position(..), now
//   bool relevant = v.as_boolean();
//
// Parsing checks syntax only; whether the fields and functions exist in a given form is
// checked by the loader (form/loader.hpp), which also compiles every expression of a form.
// Values follow XPath 1.0 as ODK uses it: an unanswered question is the empty string,
// `+` on it gives NaN, comparing it with a number is false.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "canvass/result.hpp"
#include "canvass/clock.hpp"

namespace canvass::form {

// ---- values --------------------------------------------------------------------------

// A value during evaluation: a string, a number, a boolean, or a list of answers (what a
// reference to a field inside a repeat gives from outside the repeat, and `${repeat}`).
class Value {
  public:
    enum class Kind : std::uint8_t { string, number, boolean, list };

    Value() = default;  // the empty string
    static Value string(std::string s);
    static Value number(double d);
    static Value boolean(bool b);
    static Value list(std::vector<std::string> items);

    Kind kind() const { return kind_; }
    // XPath string(): a number prints without a needless ".0" ("3", "2.5", "NaN"), a
    // boolean as "true"/"false", a list as its first item ("" when empty).
    std::string as_string() const;
    // XPath number(): "" and text are NaN; a date or datetime counts days since
    // 1970-01-01 (as in ODK), so dates compare and subtract; a list uses its first item.
    double as_number() const;
    // XPath boolean(): a non-empty string, a number other than 0 and NaN, a non-empty list.
    bool as_boolean() const;
    // The items of a list; a single value is a list of one.
    std::vector<std::string> items() const;

  private:
    Kind kind_ = Kind::string;
    std::string text_;
    double number_ = 0;
    bool boolean_ = false;
    std::vector<std::string> items_;
};

// XPath's rendering of a number: never an exponent, integers without a decimal point,
// others with the fewest digits that read back exactly; NaN as "NaN", infinities as
// "Infinity"/"-Infinity".
std::string format_number(double d);

// Reads digits with an optional fraction ("12", "3.5", ".5", "-2") independently of the
// C locale; NaN when `s` is not such a number, ±infinity when it overflows.
double parse_decimal(std::string_view s);

// ---- time ----------------------------------------------------------------------------

// A moment and the local offset from UTC where the interview happens: today() is the
// local date, now() the local time with its offset.
using Instant = canvass::Instant;
using Clock = canvass::InstantSource;

// What today() and now() see of `clock` (canvass/clock.hpp): its time and its time zone's
// offset at that time. `clock` must outlive the result.
Clock local_clock(canvass::Clock& clock);
// local_clock(canvass::system_clock()): the machine's clock and time zone.
Clock system_clock();
// Always `at`: for tests and for re-validating saved answers deterministically.
Clock fixed_clock(Instant at);

// ---- secondary instances -------------------------------------------------------------

// A secondary instance of the ODK XForms specification, as XLSForm fills them: a list of
// items under one root (`instance('id')/root/item`), each item a set of named text children.
// A form's choice lists are such instances (name, label, the extra columns), and so is each
// CSV file attached to a form (its header's columns).
struct DataInstance {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> items;  // items[i][j]: column j of item i

    // The index of `name` in columns, or nullopt.
    std::optional<std::size_t> column(std::string_view name) const;
};

// ---- syntax tree ---------------------------------------------------------------------

enum class BinaryOp : std::uint8_t { or_, and_, eq, ne, lt, le, gt, ge, add, sub, mul, div, mod };

// One node of a parsed expression. Trees are immutable once parsed and shared by copies
// of an Expression.
struct Node {
    enum class Kind : std::uint8_t {
        number,      // literal: `number`
        string,      // literal: `text`
        field,       // ${text}
        last_saved,  // ${last-saved#text}: the field's answer in the last record saved of the form
        current,     // .
        parent,      // .. (only meaningful as the argument of position)
        name,        // a bare name: a column of the choice list inside choice_filter
        negate,      // -args[0]
        binary,      // args[0] op args[1]
        call,        // text(args...)
        // An XPath location path (ODK XForms): `text` is "/" for an absolute path, "" for a
        // relative one, "(" when args[0] is the expression it starts from (instance('x'),
        // current()); the other args are its steps, in order.
        path,
        step,  // one step of a path: `text` a name, ".." or "."; args its predicates [..]
    };
    Kind kind = Kind::string;
    BinaryOp op = BinaryOp::add;
    double number = 0;
    std::string text;
    std::vector<std::unique_ptr<Node>> args;
    std::size_t column = 1;  // 1-based character column in the source, for messages
    int depth = 1;           // height of the subtree; parse() bounds it
};

// ---- expressions ---------------------------------------------------------------------

class Expression {
  public:
    // Maximum height of a syntax tree; deeper input is refused so that evaluation and
    // destruction (both recursive) stay within a small stack.
    static constexpr int max_depth = 200;

    // Parses `source`. Failure: Error{form, invalid_argument} with a message naming the
    // 1-based column: "syntax error at column 9: expected ')'".
    static Result<Expression> parse(std::string_view source);

    // An expression that is the constant true(): how `"required": true` is represented.
    static Expression constant_true();

    const std::string& source() const { return source_; }
    const Node& root() const { return *root_; }
    // Names referenced as ${name}, or by a path into the form's own instance (`../name`,
    // `/data/group/name`, `current()/../name`), each once, in order of first appearance.
    std::vector<std::string> field_references() const;
    // Whether it reads ${last-saved#name} anywhere.
    bool reads_last_saved() const;

  private:
    Expression() = default;
    std::string source_;
    std::shared_ptr<const Node> root_;
};

// What an expression can see while it is evaluated. The validator implements it over a
// record's answers; an interviewing app can implement it over its own state.
class Scope {
  public:
    virtual ~Scope() = default;
    // ${name}: a string, or a list when the field sits in repeat instances other than
    // the current one (see docs/forms.md). Unknown names give "".
    virtual Value field(std::string_view name) const = 0;
    // `.`: the answer being checked by a constraint.
    virtual Value current() const { return {}; }
    // ${last-saved#name}: the field's answer in the last record of this form saved before
    // this one (in its first instance, for a field inside repeats); "" when there is none.
    virtual Value last_saved(std::string_view name) const {
        (void)name;
        return {};
    }
    // position(..): 1-based index of the innermost repeat instance; NaN outside repeats.
    virtual double position() const;
    // A bare name inside choice_filter: that column of the choice being filtered.
    virtual Value choice_column(std::string_view column) const;
    // The moment used by today() and now().
    virtual Instant now() const = 0;
    // 64 random bits for random() and uuid(), from the source the host injected; nullopt
    // when there is none (random() is then NaN and uuid() "").
    virtual std::optional<std::uint64_t> random_bits() const { return std::nullopt; }
    // indexed-repeat(${field}, ${repeat1}, index1, …): ${field} seen with the instance of
    // each named repeat fixed at its 1-based index (other repeats as field() sees them).
    virtual Value indexed_field(std::string_view name,
                                const std::vector<std::pair<std::string, double>>& picks) const {
        (void)picks;
        return field(name);
    }
    // jr:choice-name(value, '${field}'): the label, in the active language, of choice
    // `choice` of select `field`'s list; "" when there is none.
    virtual std::string choice_label(std::string_view field, std::string_view choice) const {
        (void)field;
        (void)choice;
        return {};
    }
    // The language labels are shown in (a code of the form's), which gives format-date()'s
    // month and day names; "" for English.
    virtual std::string language() const { return {}; }
    // instance('id'): the form's secondary instance `id` (a choice list, an attached CSV
    // file's stem), or nullptr. It must outlive the evaluation.
    virtual const DataInstance* secondary_instance(std::string_view id) const {
        (void)id;
        return nullptr;
    }
};

// The field a path into the form's own instance names (its last step), or nullptr when `n`
// is not such a path (a path into a secondary instance, or one ending in `..` or `.`).
const std::string* primary_path_field(const Node& n);

// Where random() and uuid() draw from: 64 random bits per call.
using RandomBits = canvass::RandomBits;

// Evaluates `e` in `scope`. Never throws on any input: invalid regular expressions and
// arithmetic on text give false/NaN, as in XPath.
Value evaluate(const Expression& e, const Scope& scope);

}  // namespace canvass::form
