// Tokenizer and recursive-descent parser of the expression language.
//
// Precedence, loosest first (XPath 1.0): or, and, = !=, < <= > >=, + -, * div mod,
// unary -. Names may contain '-' and '.' as in XPath (count-selected), so a bare name
// followed by a minus needs a space: `x - 1`.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "form/expression.hpp"

namespace canvass::form {
namespace {

enum class Tok : std::uint8_t {
    end,
    number,
    string,
    field,
    last_saved,
    dot,
    dotdot,
    name,
    lparen,
    rparen,
    comma,
    plus,
    minus,
    star,
    eq,
    ne,
    lt,
    le,
    gt,
    ge,
    slash,
    lbracket,
    rbracket
};

struct Token {
    Tok kind = Tok::end;
    std::string text;
    double number = 0;
    std::size_t offset = 0;  // byte offset in the source
};

struct SyntaxError {
    std::size_t offset;
    std::string message;
};

bool is_name_start(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_name_char(char c) {
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

class Lexer {
  public:
    explicit Lexer(std::string_view s) : s_(s) {}

    // Next token, or a SyntaxError describing the first character that cannot start one.
    std::optional<SyntaxError> next(Token& t) {
        while (i_ < s_.size() &&
               (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
            ++i_;
        t = Token{};
        t.offset = i_;
        if (i_ >= s_.size()) return std::nullopt;
        char c = s_[i_];
        if (is_digit(c) || (c == '.' && i_ + 1 < s_.size() && is_digit(s_[i_ + 1])))
            return number(t);
        if (c == '\'' || c == '"') return string(t);
        if (c == '$') return field(t);
        if (is_name_start(c)) {
            std::size_t start = i_;
            while (i_ < s_.size() && is_name_char(s_[i_])) ++i_;
            // A prefixed name, as XForms writes jr:choice-name().
            if (i_ + 1 < s_.size() && s_[i_] == ':' && is_name_start(s_[i_ + 1])) {
                ++i_;
                while (i_ < s_.size() && is_name_char(s_[i_])) ++i_;
            }
            t.kind = Tok::name;
            t.text = std::string(s_.substr(start, i_ - start));
            return std::nullopt;
        }
        return punctuation(t);
    }

  private:
    std::optional<SyntaxError> number(Token& t) {
        std::size_t start = i_;
        while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
        if (i_ < s_.size() && s_[i_] == '.') {
            ++i_;
            while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
        }
        t.kind = Tok::number;
        t.number = parse_decimal(s_.substr(start, i_ - start));
        return std::nullopt;
    }

    std::optional<SyntaxError> string(Token& t) {
        char quote = s_[i_];
        auto close = s_.find(quote, i_ + 1);
        if (close == std::string_view::npos) return SyntaxError{i_, "unterminated string"};
        t.kind = Tok::string;
        t.text = std::string(s_.substr(i_ + 1, close - i_ - 1));
        i_ = close + 1;
        return std::nullopt;
    }

    std::optional<SyntaxError> field(Token& t) {
        if (i_ + 1 >= s_.size() || s_[i_ + 1] != '{')
            return SyntaxError{i_, "'$' must start a field reference ${name}"};
        auto close = s_.find('}', i_ + 2);
        if (close == std::string_view::npos) return SyntaxError{i_, "unterminated ${"};
        auto name = s_.substr(i_ + 2, close - i_ - 2);
        // ${last-saved#name}: the field's answer in the last record saved of this form.
        constexpr std::string_view last_saved = "last-saved#";
        const bool last = name.substr(0, last_saved.size()) == last_saved;
        if (last) name.remove_prefix(last_saved.size());
        bool ok = !name.empty() && is_name_start(name[0]);
        for (char c : name) ok = ok && is_name_char(c);
        if (!ok) return SyntaxError{i_ + 2, "invalid field name in ${" + std::string(name) + "}"};
        t.kind = last ? Tok::last_saved : Tok::field;
        t.text = std::string(name);
        i_ = close + 1;
        return std::nullopt;
    }

    std::optional<SyntaxError> punctuation(Token& t) {
        auto two = s_.substr(i_, 2);
        struct Sym {
            std::string_view text;
            Tok kind;
        };
        static constexpr Sym symbols[] = {
            {"!=", Tok::ne},     {"<=", Tok::le},    {">=", Tok::ge},   {"..", Tok::dotdot},
            {"(", Tok::lparen},  {")", Tok::rparen}, {",", Tok::comma}, {"+", Tok::plus},
            {"-", Tok::minus},   {"*", Tok::star},   {"=", Tok::eq},    {"<", Tok::lt},
            {">", Tok::gt},      {".", Tok::dot},    {"/", Tok::slash}, {"[", Tok::lbracket},
            {"]", Tok::rbracket}};
        for (const auto& sym : symbols) {
            if (two.substr(0, sym.text.size()) == sym.text) {
                t.kind = sym.kind;
                t.text = std::string(sym.text);
                i_ += sym.text.size();
                return std::nullopt;
            }
        }
        std::size_t len = 1;  // show the whole UTF-8 character
        while (i_ + len < s_.size() && (static_cast<unsigned char>(s_[i_ + len]) & 0xC0) == 0x80)
            ++len;
        return SyntaxError{i_, "unexpected character '" + std::string(s_.substr(i_, len)) + "'"};
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

using NodePtr = std::unique_ptr<Node>;

class Parser {
  public:
    explicit Parser(std::string_view s) : lexer_(s) {}

    // The whole source as one expression; throws SyntaxError (caught by Expression::parse).
    NodePtr parse_all() {
        advance();
        if (tok_.kind == Tok::end) throw SyntaxError{tok_.offset, "empty expression"};
        NodePtr n = parse_or();
        if (tok_.kind != Tok::end) throw SyntaxError{tok_.offset, "unexpected " + describe(tok_)};
        return n;
    }

  private:
    static std::string describe(const Token& t) {
        switch (t.kind) {
            case Tok::end:
                return "end of expression";
            case Tok::string:
                return "string '" + t.text + "'";
            case Tok::field:
                return "${" + t.text + "}";
            case Tok::last_saved:
                return "${last-saved#" + t.text + "}";
            case Tok::number:
                return "number " + format_number(t.number);
            default:
                return "'" + t.text + "'";
        }
    }

    void advance() {
        if (auto err = lexer_.next(tok_)) throw *err;
    }

    // Bounds the parser's own recursion (parentheses, calls, unary minus), which builds no
    // node for a parenthesis and so escapes the height check of finish().
    struct Nesting {
        Nesting(Parser& p, std::size_t offset) : p_(p) {
            if (++p_.nesting_ > Expression::max_depth)
                throw SyntaxError{offset, "expression nested too deeply (more than " +
                                              std::to_string(Expression::max_depth) + " levels)"};
        }
        ~Nesting() { --p_.nesting_; }
        Parser& p_;
    };

    NodePtr make(Node::Kind kind, std::size_t offset) {
        auto n = std::make_unique<Node>();
        n->kind = kind;
        n->column = offset;  // converted to a column by Expression::parse
        return n;
    }

    // Sets the height of `n` from its children and refuses trees too deep to walk safely.
    NodePtr finish(NodePtr n) {
        int h = 0;
        for (const auto& a : n->args) h = std::max(h, a->depth);
        n->depth = h + 1;
        if (n->depth > Expression::max_depth)
            throw SyntaxError{n->column, "expression nested too deeply (more than " +
                                             std::to_string(Expression::max_depth) + " levels)"};
        return n;
    }

    NodePtr binary(BinaryOp op, NodePtr lhs, NodePtr rhs, std::size_t offset) {
        auto n = make(Node::Kind::binary, offset);
        n->op = op;
        n->args.push_back(std::move(lhs));
        n->args.push_back(std::move(rhs));
        return finish(std::move(n));
    }

    // In operator position, the names and/or/div/mod are operators (XPath's rule).
    bool at_word(std::string_view w) const { return tok_.kind == Tok::name && tok_.text == w; }

    NodePtr parse_or() {
        NodePtr lhs = parse_and();
        while (at_word("or")) {
            std::size_t at = tok_.offset;
            advance();
            lhs = binary(BinaryOp::or_, std::move(lhs), parse_and(), at);
        }
        return lhs;
    }

    NodePtr parse_and() {
        NodePtr lhs = parse_equality();
        while (at_word("and")) {
            std::size_t at = tok_.offset;
            advance();
            lhs = binary(BinaryOp::and_, std::move(lhs), parse_equality(), at);
        }
        return lhs;
    }

    NodePtr parse_equality() {
        NodePtr lhs = parse_relational();
        while (tok_.kind == Tok::eq || tok_.kind == Tok::ne) {
            BinaryOp op = tok_.kind == Tok::eq ? BinaryOp::eq : BinaryOp::ne;
            std::size_t at = tok_.offset;
            advance();
            lhs = binary(op, std::move(lhs), parse_relational(), at);
        }
        return lhs;
    }

    NodePtr parse_relational() {
        NodePtr lhs = parse_additive();
        for (;;) {
            BinaryOp op;
            switch (tok_.kind) {
                case Tok::lt:
                    op = BinaryOp::lt;
                    break;
                case Tok::le:
                    op = BinaryOp::le;
                    break;
                case Tok::gt:
                    op = BinaryOp::gt;
                    break;
                case Tok::ge:
                    op = BinaryOp::ge;
                    break;
                default:
                    return lhs;
            }
            std::size_t at = tok_.offset;
            advance();
            lhs = binary(op, std::move(lhs), parse_additive(), at);
        }
    }

    NodePtr parse_additive() {
        NodePtr lhs = parse_multiplicative();
        while (tok_.kind == Tok::plus || tok_.kind == Tok::minus) {
            BinaryOp op = tok_.kind == Tok::plus ? BinaryOp::add : BinaryOp::sub;
            std::size_t at = tok_.offset;
            advance();
            lhs = binary(op, std::move(lhs), parse_multiplicative(), at);
        }
        return lhs;
    }

    NodePtr parse_multiplicative() {
        NodePtr lhs = parse_unary();
        for (;;) {
            BinaryOp op;
            if (tok_.kind == Tok::star)
                op = BinaryOp::mul;
            else if (at_word("div"))
                op = BinaryOp::div;
            else if (at_word("mod"))
                op = BinaryOp::mod;
            else
                return lhs;
            std::size_t at = tok_.offset;
            advance();
            lhs = binary(op, std::move(lhs), parse_unary(), at);
        }
    }

    NodePtr parse_unary() {
        if (tok_.kind != Tok::minus) return parse_primary();
        std::size_t at = tok_.offset;
        Nesting guard(*this, at);
        advance();
        auto n = make(Node::Kind::negate, at);
        n->args.push_back(parse_unary());
        return finish(std::move(n));
    }

    NodePtr parse_primary() {
        Token t = tok_;
        switch (t.kind) {
            case Tok::number: {
                advance();
                auto n = make(Node::Kind::number, t.offset);
                n->number = t.number;
                return n;
            }
            case Tok::string:
                return leaf(Node::Kind::string, t);
            case Tok::field:
                return leaf(Node::Kind::field, t);
            case Tok::last_saved:
                return leaf(Node::Kind::last_saved, t);
            case Tok::slash: {
                advance();
                auto n = make(Node::Kind::path, t.offset);
                n->text = "/";
                n->args.push_back(parse_step());
                return parse_steps(std::move(n));
            }
            case Tok::dot:
            case Tok::dotdot: {
                NodePtr n = leaf(t.kind == Tok::dot ? Node::Kind::current : Node::Kind::parent, t);
                if (tok_.kind != Tok::slash) return n;  // `.` alone, or position(..)'s `..`
                return relative_path(t);
            }
            case Tok::lparen: {
                Nesting guard(*this, t.offset);
                advance();
                NodePtr inner = parse_or();
                expect_close(t.offset);
                return inner;
            }
            case Tok::name: {
                advance();
                if (tok_.kind == Tok::lparen) {
                    NodePtr call = parse_call(t);
                    if (tok_.kind != Tok::slash && tok_.kind != Tok::lbracket) return call;
                    // A filter expression: instance('list')/root/item, current()/../x.
                    auto n = make(Node::Kind::path, t.offset);
                    n->text = "(";
                    n->args.push_back(std::move(call));
                    if (tok_.kind == Tok::lbracket) {
                        auto self = make(Node::Kind::step, tok_.offset);
                        self->text = ".";
                        n->args.push_back(parse_predicates(std::move(self)));
                    }
                    return parse_steps(std::move(n));
                }
                if (tok_.kind == Tok::slash || tok_.kind == Tok::lbracket) return relative_path(t);
                auto n = make(Node::Kind::name, t.offset);
                n->text = t.text;
                return n;
            }
            case Tok::end:
                throw SyntaxError{t.offset, "unexpected end of expression"};
            default:
                throw SyntaxError{t.offset, "unexpected " + describe(t)};
        }
    }

    // A relative path whose first step `first` (a name, `.` or `..`) has just been read.
    NodePtr relative_path(const Token& first) {
        auto n = make(Node::Kind::path, first.offset);
        auto step = make(Node::Kind::step, first.offset);
        step->text = first.text;
        n->args.push_back(first.kind == Tok::name ? parse_predicates(std::move(step))
                                                  : finish(std::move(step)));
        return parse_steps(std::move(n));
    }

    // `/step` as long as they follow; `path` holds its origin and first steps.
    NodePtr parse_steps(NodePtr path) {
        Nesting guard(*this, path->column);
        while (tok_.kind == Tok::slash) {
            advance();
            path->args.push_back(parse_step());
        }
        return finish(std::move(path));
    }

    // One step after a '/': a name with its predicates, `..` or `.`.
    NodePtr parse_step() {
        Token t = tok_;
        if (t.kind == Tok::slash)
            throw SyntaxError{
                t.offset, "'//' (any descendant) is not supported: write each step of the path"};
        if (t.kind != Tok::name && t.kind != Tok::dot && t.kind != Tok::dotdot)
            throw SyntaxError{t.offset,
                              "expected a name, '..' or '.' after '/' but found " + describe(t)};
        advance();
        auto step = make(Node::Kind::step, t.offset);
        step->text = t.text;
        return parse_predicates(std::move(step));
    }

    NodePtr parse_predicates(NodePtr step) {
        while (tok_.kind == Tok::lbracket) {
            Nesting guard(*this, tok_.offset);
            advance();
            step->args.push_back(parse_or());
            if (tok_.kind != Tok::rbracket)
                throw SyntaxError{tok_.offset, "expected ']' but found " + describe(tok_)};
            advance();
        }
        return finish(std::move(step));
    }

    NodePtr leaf(Node::Kind kind, const Token& t) {
        advance();
        auto n = make(kind, t.offset);
        n->text = t.text;
        return n;
    }

    NodePtr parse_call(const Token& name) {
        Nesting guard(*this, name.offset);
        auto n = make(Node::Kind::call, name.offset);
        n->text = name.text;
        advance();  // '('
        if (tok_.kind != Tok::rparen) {
            n->args.push_back(parse_or());
            while (tok_.kind == Tok::comma) {
                advance();
                n->args.push_back(parse_or());
            }
        }
        expect_close(name.offset);
        return finish(std::move(n));
    }

    void expect_close(std::size_t) {
        if (tok_.kind != Tok::rparen)
            throw SyntaxError{tok_.offset, "expected ')' but found " + describe(tok_)};
        advance();
    }

    Lexer lexer_;
    Token tok_;
    int nesting_ = 0;
};

// Node columns hold byte offsets while parsing; turn them into 1-based character columns.
// One pass over the source gives every offset's column, so fixing every node is linear
// (a column counted from the start for each node made long expressions quadratic).
class Columns {
  public:
    explicit Columns(std::string_view s) : at_(s.size() + 1) {
        std::size_t col = 1;
        for (std::size_t i = 0; i < s.size(); ++i) {
            at_[i] = col;
            if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++col;
        }
        at_[s.size()] = col;
    }
    std::size_t of(std::size_t offset) const { return at_[std::min(offset, at_.size() - 1)]; }

  private:
    std::vector<std::size_t> at_;
};

void fix_columns(Node& n, const Columns& columns) {
    n.column = columns.of(n.column);
    for (auto& a : n.args) fix_columns(*a, columns);
}

void collect_fields(const Node& n, std::unordered_set<std::string_view>& seen,
                    std::vector<std::string>& out) {
    if (n.kind == Node::Kind::field && seen.insert(n.text).second) out.push_back(n.text);
    if (const std::string* name = primary_path_field(n); name && seen.insert(*name).second)
        out.push_back(*name);
    for (const auto& a : n.args) collect_fields(*a, seen, out);
}

}  // namespace

const std::string* primary_path_field(const Node& n) {
    if (n.kind != Node::Kind::path || n.args.empty()) return nullptr;
    if (n.text == "(" && !(n.args[0]->kind == Node::Kind::call && n.args[0]->text == "current"))
        return nullptr;
    const Node& last = *n.args.back();
    if (last.kind != Node::Kind::step || last.text == ".." || last.text == ".") return nullptr;
    return &last.text;
}

Result<Expression> Expression::parse(std::string_view source) {
    Expression e;
    e.source_ = std::string(source);
    try {
        Parser p(e.source_);
        NodePtr root = p.parse_all();
        fix_columns(*root, Columns(e.source_));
        e.root_ = std::move(root);
    } catch (const SyntaxError& err) {
        return unexpected(Domain::form, errc::invalid_argument,
                          "syntax error at column " +
                              std::to_string(Columns(e.source_).of(err.offset)) + ": " +
                              err.message);
    }
    return e;
}

Expression Expression::constant_true() {
    return parse("true()").value();
}

namespace {
bool has_last_saved(const Node& n) {
    if (n.kind == Node::Kind::last_saved) return true;
    return std::any_of(n.args.begin(), n.args.end(),
                       [](const auto& a) { return has_last_saved(*a); });
}
}  // namespace

bool Expression::reads_last_saved() const {
    return root_ && has_last_saved(*root_);
}

std::vector<std::string> Expression::field_references() const {
    std::vector<std::string> out;
    std::unordered_set<std::string_view> seen;
    if (root_) collect_fields(*root_, seen, out);
    return out;
}

}  // namespace canvass::form
