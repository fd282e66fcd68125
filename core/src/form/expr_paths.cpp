// XPath location paths (ODK XForms "Secondary instances"): lookups in a secondary instance,
// `instance('list')/root/item[name = ${x}]/label`, and pulldata(), which is one such lookup.
// A path into the form's own instance (`../x`, `/data/x`, `current()/../x`) names a field,
// and reads as ${x} does: names are unique at each level of a form.
#include <algorithm>

#include "form/functions.hpp"

namespace canvass::form {

std::optional<std::size_t> DataInstance::column(std::string_view name) const {
    auto it = std::find(columns.begin(), columns.end(), name);
    if (it == columns.end()) return std::nullopt;
    return static_cast<std::size_t>(it - columns.begin());
}

namespace {

// A node of a secondary instance: the document (level 0), its root element (1), an item
// (2), or one item's child (3).
struct Place {
    int level = 0;
    std::size_t item = 0;
    std::size_t column = 0;
    bool operator==(const Place&) const = default;
};

// XPath's string-value: an element's is the text of everything inside it.
std::string text_of(const DataInstance& data, const Place& p) {
    if (p.level == 3) return data.items[p.item][p.column];
    std::string text;
    for (std::size_t i = 0; i < data.items.size(); ++i) {
        if (p.level == 2 && i != p.item) continue;
        for (const auto& cell : data.items[i]) text += cell;
    }
    return text;
}

// What a predicate sees: the node it tests as its context (`.`, and bare names are an item's
// children), its position in the node-set, and everything else of the enclosing scope.
class PredicateScope : public Scope {
  public:
    PredicateScope(const Scope& outer, const DataInstance& data, const Place& at, double position)
        : outer_(outer), data_(data), at_(at), position_(position) {}

    Value field(std::string_view name) const override { return outer_.field(name); }
    Value current() const override { return Value::string(text_of(data_, at_)); }  // `.`
    double position() const override { return position_; }
    Value choice_column(std::string_view column) const override {
        auto j = data_.column(column);
        if (at_.level != 2 || !j) return {};
        return Value::string(data_.items[at_.item][*j]);
    }
    Instant now() const override { return outer_.now(); }
    std::optional<std::uint64_t> random_bits() const override { return outer_.random_bits(); }
    Value indexed_field(std::string_view name,
                        const std::vector<std::pair<std::string, double>>& picks) const override {
        return outer_.indexed_field(name, picks);
    }
    std::string choice_label(std::string_view field, std::string_view choice) const override {
        return outer_.choice_label(field, choice);
    }
    const DataInstance* secondary_instance(std::string_view id) const override {
        return outer_.secondary_instance(id);
    }
    std::string language() const override { return outer_.language(); }

  private:
    const Scope& outer_;
    const DataInstance& data_;
    Place at_;
    double position_;
};

std::vector<Place> children(const DataInstance& data, const Place& p, const std::string& name) {
    std::vector<Place> out;
    if (p.level == 0 && name == "root") out.push_back({1, 0, 0});
    if (p.level == 1 && name == "item")
        for (std::size_t i = 0; i < data.items.size(); ++i) out.push_back({2, i, 0});
    if (p.level == 2)
        if (auto j = data.column(name)) out.push_back({3, p.item, *j});
    return out;
}

Place parent(const Place& p) {
    if (p.level == 3) return {2, p.item, 0};
    return {std::max(p.level - 1, 0), 0, 0};
}

// A predicate keeps a node when it is true there; a number keeps the node at that position.
std::vector<Place> filter(const DataInstance& data, std::vector<Place> set, const Node& predicate,
                          const Scope& scope) {
    std::vector<Place> kept;
    for (std::size_t i = 0; i < set.size(); ++i) {
        double position = static_cast<double>(i + 1);
        Value v = eval_node(predicate, PredicateScope(scope, data, set[i], position));
        bool keep = v.kind() == Value::Kind::number ? v.as_number() == position : v.as_boolean();
        if (keep) kept.push_back(set[i]);
    }
    return kept;
}

std::vector<Place> step(const DataInstance& data, const std::vector<Place>& from, const Node& s,
                        const Scope& scope) {
    std::vector<Place> next;
    for (const auto& p : from) {
        std::vector<Place> reached;
        if (s.text == ".")
            reached = {p};
        else if (s.text == "..")
            reached = {parent(p)};
        else
            reached = children(data, p, s.text);
        for (const auto& r : reached)
            if (std::find(next.begin(), next.end(), r) == next.end()) next.push_back(r);
    }
    for (const auto& predicate : s.args) next = filter(data, std::move(next), *predicate, scope);
    return next;
}

}  // namespace

Value eval_path(const Node& n, const Scope& scope) {
    if (const std::string* name = primary_path_field(n)) return scope.field(*name);
    if (n.text != "(" || n.args[0]->text != "instance" || n.args[0]->args.size() != 1) return {};
    const DataInstance* data = scope.secondary_instance(eval_arg(*n.args[0], 0, scope).as_string());
    if (!data) return Value::list({});
    std::vector<Place> set{{0, 0, 0}};
    for (std::size_t i = 1; i < n.args.size(); ++i) set = step(*data, set, *n.args[i], scope);
    std::vector<std::string> items;
    items.reserve(set.size());
    for (const auto& p : set) items.push_back(text_of(*data, p));
    return Value::list(std::move(items));
}

Value call_path_function(const std::string& name, const Node& call, const Scope& scope) {
    if (name != "pulldata") return {};  // instance() and current() only start paths
    // pulldata('file', 'column', 'key column', key): the column of the first item whose key
    // column is the key, as ODK Collect reads an attached CSV file.
    const DataInstance* data = scope.secondary_instance(eval_arg(call, 0, scope).as_string());
    if (!data) return {};
    auto column = data->column(eval_arg(call, 1, scope).as_string());
    auto key_column = data->column(eval_arg(call, 2, scope).as_string());
    if (!column || !key_column) return {};
    std::string key = eval_arg(call, 3, scope).as_string();
    for (const auto& item : data->items)
        if (item[*key_column] == key) return Value::string(item[*column]);
    return {};
}

}  // namespace canvass::form
