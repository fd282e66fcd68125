// The loader's last passes: expressions checked against the form (fields, functions,
// `.`, position(..), choice columns) and calculations checked for cycles.
#include <algorithm>
#include <set>

#include "form/functions.hpp"
#include "form/loader_detail.hpp"

namespace canvass::form::detail {
namespace {

// Where an expression sits, which decides what it may refer to.
struct Site {
    const Loading& L;
    const Row& row;
    std::string column;
    const ChoiceList* filter_list;  // the row's list, for choice_filter only
    const DataInstance* item;       // inside a predicate on an instance's items: that instance
    bool predicate;                 // inside a predicate, where `.` is the node tested
};

bool list_has_column(const ChoiceList& list, const std::string& column) {
    if (column == "name") return true;
    return std::any_of(list.choices.begin(), list.choices.end(),
                       [&](const Choice& c) { return c.columns.count(column) > 0; });
}

void check_node(const Node& n, const Site& site, std::vector<std::string>& out);
void check_path(const Node& n, const Site& site, std::vector<std::string>& out);
std::string columns_text(const DataInstance& data);

const Row* row_named(const Site& site, const std::string& name) {
    auto it = site.L.names.find(name);
    return it == site.L.names.end() ? nullptr : &site.L.rows[it->second];
}

// jr:choice-name(value, '${select}'): the select is named in a string, as XLSForm writes it.
void check_choice_name(const Node& n, const Site& site, std::vector<std::string>& out) {
    const Node& which = *n.args[1];
    const std::string& t = which.text;
    bool named = which.kind == Node::Kind::string && t.size() > 3 && t.compare(0, 2, "${") == 0 &&
                 t.back() == '}';
    if (!named) {
        out.push_back(
            "jr:choice-name() names its select question in quotes: jr:choice-name(${q}, '${q}')");
        return;
    }
    std::string name = t.substr(2, t.size() - 3);
    const Row* row = row_named(site, name);
    if (!row)
        out.push_back("unknown field ${" + name + "} in jr:choice-name()");
    else if (!uses_choices(row->type))
        out.push_back("jr:choice-name() needs a select question, and ${" + name + "} is a " +
                      std::string(type_name(row->type)));
}

// indexed-repeat(${field}, ${repeat1}, index1[, ${repeat2}, index2[, ${repeat3}, index3]]).
void check_indexed_repeat(const Node& n, const Site& site, std::vector<std::string>& out) {
    if (n.args.size() % 2 != 1) {
        out.push_back("indexed-repeat() takes a field, then pairs of repeat and index");
        return;
    }
    const Row* field =
        n.args[0]->kind == Node::Kind::field ? row_named(site, n.args[0]->text) : nullptr;
    if (n.args[0]->kind != Node::Kind::field) {
        out.push_back("indexed-repeat() takes a field ${name} as its first argument");
        return;
    }
    for (std::size_t i = 1; i < n.args.size(); i += 2) {
        const Node& r = *n.args[i];
        const Row* repeat = r.kind == Node::Kind::field ? row_named(site, r.text) : nullptr;
        if (r.kind != Node::Kind::field || (repeat && repeat->type != RowType::repeat)) {
            out.push_back("indexed-repeat() argument " + std::to_string(i + 1) +
                          " must be a repeat ${name}");
        } else if (repeat && field &&
                   std::find(field->repeats.begin(), field->repeats.end(), repeat->id) ==
                       field->repeats.end()) {
            out.push_back("${" + field->name + "} is not inside repeat ${" + repeat->name + "}");
        }
    }
}

std::string columns_text(const DataInstance& data) {
    std::string text;
    for (const auto& c : data.columns) text += (text.empty() ? "" : ", ") + c;
    return text;
}

void check_field(const std::string& name, const Site& site, std::vector<std::string>& out) {
    auto it = site.L.names.find(name);
    if (it == site.L.names.end())
        out.push_back("unknown field ${" + name + "}");
    else if (site.L.shared_names.count(name))
        out.push_back("${" + name +
                      "} is ambiguous: questions at different levels (the top "
                      "level, repeats) are named " +
                      name + "; rename one to refer to it");
    else if (site.L.rows[it->second].type == RowType::group)
        out.push_back("${" + name + "} is a group, which has no value");
}

// instance('id') with the id in quotes, naming a choice list or an attached file.
const DataInstance* named_instance(const Node& id, const Site& site,
                                   std::vector<std::string>& out) {
    if (id.kind != Node::Kind::string) {
        out.push_back(
            "instance() and pulldata() name the list or file in quotes: instance('villages')");
        return nullptr;
    }
    auto it = site.L.instances.find(id.text);
    if (it != site.L.instances.end()) return &it->second;
    for (const auto& file : site.L.missing_files)
        if (file_stem(file) == id.text) {
            out.push_back("instance('" + id.text + "') reads " + file +
                          ", which is not attached to the form: put " + file +
                          " beside the form's spreadsheet (or under external in its JSON)");
            return nullptr;
        }
    out.push_back("unknown instance '" + id.text + "': the form has no choice list " + id.text +
                  " and no file " + id.text + ".csv attached (put " + id.text +
                  ".csv beside the form's spreadsheet)");
    return nullptr;
}

// instance('id')/root/item[predicate]/column: the steps ODK XForms' secondary instances have.
void check_instance_path(const Node& n, const Site& site, std::vector<std::string>& out) {
    const Node& call = *n.args[0];
    if (call.args.size() != 1) {
        out.push_back("instance() takes 1 argument, got " + std::to_string(call.args.size()));
        return;
    }
    const DataInstance* data = named_instance(*call.args[0], site, out);
    if (!data) return;
    const std::string& id = call.args[0]->text;
    int level = 0;  // the document, root, an item, an item's column
    for (std::size_t i = 1; i < n.args.size(); ++i) {
        const Node& step = *n.args[i];
        if (step.text == "..")
            level = std::max(level - 1, 0);
        else if (level == 0 && step.text == "root")
            level = 1;
        else if (level == 1 && step.text == "item")
            level = 2;
        else if (level == 2 && data->column(step.text))
            level = 3;
        else if (step.text != ".") {
            out.push_back(level == 2 ? "instance('" + id + "') has no column " + step.text +
                                           " (its columns: " + columns_text(*data) + ")"
                                     : "instance('" + id + "') is read as instance('" + id +
                                           "')/root/item[…]/column, not with " + step.text);
            return;
        }
        Site inside{site.L, site.row, site.column, site.filter_list, level == 2 ? data : nullptr,
                    true};
        for (const auto& predicate : step.args) check_node(*predicate, inside, out);
    }
}

// A path into the form's own instance (`../x`, `/data/group/x`, `current()/../x`) names
// its last step's field; the steps before it are groups and repeats.
void check_path(const Node& n, const Site& site, std::vector<std::string>& out) {
    bool from_call = n.text == "(";
    if (from_call && n.args[0]->kind == Node::Kind::call && n.args[0]->text == "instance")
        return check_instance_path(n, site, out);
    if (from_call && !(n.args[0]->kind == Node::Kind::call && n.args[0]->text == "current")) {
        out.push_back(
            "a path starts from instance('name'), current(), '/', '..' or a name, not from " +
            n.args[0]->text + "()");
        return;
    }
    if (from_call && !n.args[0]->args.empty()) out.push_back("current() takes no arguments");
    const std::string* field = primary_path_field(n);
    if (!field) {
        out.push_back("a path into the form's fields must end at a field, like ../name");
        return;
    }
    std::size_t first = from_call ? 1 : (n.text == "/" ? 1 : 0);  // skip the form's root element
    for (std::size_t i = first; i < n.args.size(); ++i) {
        const Node& step = *n.args[i];
        if (!step.args.empty()) {
            out.push_back(
                "a predicate [..] on the form's own fields is not supported: use "
                "indexed-repeat() to read one instance of a repeat");
            return;
        }
        if (i + 1 == n.args.size() || step.text == ".." || step.text == ".") continue;
        auto it = site.L.names.find(step.text);
        if (it == site.L.names.end() || (site.L.rows[it->second].type != RowType::group &&
                                         site.L.rows[it->second].type != RowType::repeat)) {
            out.push_back("the path to ${" + *field + "} goes through " + step.text +
                          ", which is not a group or repeat of the form");
            return;
        }
    }
    check_field(*field, site, out);
}

void check_pulldata(const Node& n, const Site& site, std::vector<std::string>& out) {
    const DataInstance* data = named_instance(*n.args[0], site, out);
    if (!data) return;
    for (std::size_t i : {std::size_t{1}, std::size_t{2}}) {
        const Node& c = *n.args[i];
        if (c.kind == Node::Kind::string && !data->column(c.text))
            out.push_back("pulldata(): '" + n.args[0]->text + "' has no column " + c.text +
                          " (its columns: " + columns_text(*data) + ")");
    }
}

void check_call(const Node& n, const Site& site, std::vector<std::string>& out) {
    const FunctionInfo* f = find_function(n.text);
    if (!f) {
        out.push_back("unknown function " + n.text + "()");
        return;
    }
    int count = static_cast<int>(n.args.size());
    if (count < f->min_args || (f->max_args >= 0 && count > f->max_args))
        out.push_back(n.text + "() " + arity_text(*f) + ", got " + std::to_string(count));
    if (n.text == "position") {
        if (count != 1 || n.args[0]->kind != Node::Kind::parent)
            out.push_back("position() takes '..' as its argument: position(..)");
        else if (site.row.repeats.empty())
            out.push_back("position(..) is only allowed inside a repeat");
        return;  // its '..' is not checked as a stray '..'
    }
    if (n.text == "instance")
        out.push_back("instance('name') starts a path: instance('name')/root/item[…]/column");
    if (n.text == "current") out.push_back("current() starts a path: current()/../field");
    if (n.text == "pulldata" && count == 4) check_pulldata(n, site, out);
    if (n.text == "once" && site.column != "calculation")
        out.push_back("once() is only allowed in a calculation (it keeps the calculated value)");
    if (n.text == "jr:choice-name" && count == 2) check_choice_name(n, site, out);
    if (n.text == "indexed-repeat") check_indexed_repeat(n, site, out);
    if (n.text == "weighted-checklist" && count % 2 != 0)
        out.push_back("weighted-checklist() takes min, max and then pairs of value and weight");
    if (n.text == "regex" && count == 2 && n.args[1]->kind == Node::Kind::string) {
        if (auto problem = regex_problem(n.args[1]->text))
            out.push_back("invalid regular expression '" + n.args[1]->text + "': " + *problem);
    }
    for (const auto& a : n.args) check_node(*a, site, out);
}

void check_node(const Node& n, const Site& site, std::vector<std::string>& out) {
    switch (n.kind) {
        case Node::Kind::field:
            check_field(n.text, site, out);
            return;
        case Node::Kind::last_saved:
            if (site.column != "default")
                out.push_back("${last-saved#" + n.text +
                              "} is only allowed in default: it proposes the answer "
                              "given in the last record saved");
            else if (!site.L.names.count(n.text))
                out.push_back("unknown field ${last-saved#" + n.text + "}");
            return;
        case Node::Kind::current:
            if (site.column != "constraint" && !site.predicate)
                out.push_back("'.' (the current answer) is only allowed in constraint");
            return;
        case Node::Kind::parent:
            out.push_back("'..' is only allowed in position(..)");
            return;
        case Node::Kind::path:
            check_path(n, site, out);
            return;
        case Node::Kind::step:
            return;  // checked with its path
        case Node::Kind::name:
            if (site.item) {
                if (!site.item->column(n.text))
                    out.push_back("unknown name " + n.text +
                                  " in a predicate: the items have the columns " +
                                  columns_text(*site.item));
            } else if (!site.filter_list)
                out.push_back("unknown name " + n.text + " (a field is written ${" + n.text + "})");
            else if (!list_has_column(*site.filter_list, n.text))
                out.push_back("choice list " + site.filter_list->name + " has no column " + n.text);
            return;
        case Node::Kind::call:
            check_call(n, site, out);
            return;
        default:
            for (const auto& a : n.args) check_node(*a, site, out);
    }
}

void check_expression(const std::optional<Expression>& e, const char* column, const Row& row,
                      Loading& L) {
    if (!e) return;
    const ChoiceList* list = nullptr;
    if (std::string_view(column) == "choice_filter") {
        auto it = L.lists.find(row.list_name);
        if (it == L.lists.end()) return;  // reported with the type
        list = &it->second;
    }
    std::vector<std::string> messages;
    check_node(e->root(), Site{L, row, column, list, nullptr, false}, messages);
    std::set<std::string> seen;
    for (auto& m : messages)
        if (seen.insert(m).second) L.add(child_path(row.source_path, column), std::move(m));
}

// Depth-first search over calculate -> calculate references. Finds cycles and, when
// there is none, the order in which calculations can run (dependencies first).
class CycleFinder {
  public:
    explicit CycleFinder(Loading& L) : L_(L), state_(L.rows.size(), State::fresh) {}

    std::vector<RowId> run() {
        for (const auto& row : L_.rows)
            if (row.type == RowType::calculate) visit(row.id);
        return order_;
    }

  private:
    enum class State { fresh, active, done };

    std::vector<RowId> dependencies(RowId id) const {
        std::vector<RowId> out;
        const auto& calc = L_.rows[id].calculation;
        if (!calc) return out;
        for (const auto& name : calc->field_references()) {
            auto it = L_.names.find(name);
            if (it != L_.names.end() && L_.rows[it->second].type == RowType::calculate)
                out.push_back(it->second);
        }
        return out;
    }

    // Iterative, since a form may chain thousands of calculations.
    void visit(RowId root) {
        if (state_[root] != State::fresh) return;
        struct Frame {
            RowId id;
            std::vector<RowId> deps;
            std::size_t next = 0;
        };
        std::vector<Frame> frames;
        auto enter = [&](RowId id) {
            state_[id] = State::active;
            stack_.push_back(id);
            frames.push_back({id, dependencies(id)});
        };
        enter(root);
        while (!frames.empty()) {
            Frame& f = frames.back();
            if (f.next < f.deps.size()) {
                RowId dep = f.deps[f.next++];
                if (state_[dep] == State::active)
                    report(dep);
                else if (state_[dep] == State::fresh)
                    enter(dep);
                continue;
            }
            state_[f.id] = State::done;
            order_.push_back(f.id);
            stack_.pop_back();
            frames.pop_back();
        }
    }

    // The cycle is the stack from `start` to its top, closed back to `start`; it is
    // reported once, at the calculate of the cycle that comes first in the form.
    void report(RowId start) {
        auto from = std::find(stack_.begin(), stack_.end(), start);
        std::vector<RowId> cycle(from, stack_.end());
        auto first = std::min_element(cycle.begin(), cycle.end());
        std::rotate(cycle.begin(), first, cycle.end());
        if (!reported_.insert(cycle).second) return;
        std::string text;
        for (RowId r : cycle) text += L_.rows[r].name + " -> ";
        text += L_.rows[cycle.front()].name;
        L_.add(child_path(L_.rows[cycle.front()].source_path, "calculation"),
               "calculation cycle: " + text);
    }

    Loading& L_;
    std::vector<State> state_;
    std::vector<RowId> stack_;
    std::vector<RowId> order_;
    std::set<std::vector<RowId>> reported_;
};

}  // namespace

void check_expressions(Loading& L) {
    if (L.settings.instance_name) {
        Row record;  // the record as a whole: outside every repeat
        record.source_path = "settings";
        check_expression(L.settings.instance_name, "instance_name", record, L);
    }
    for (const auto& row : L.rows) {
        check_expression(row.required, "required", row, L);
        check_expression(row.relevant, "relevant", row, L);
        check_expression(row.constraint, "constraint", row, L);
        check_expression(row.calculation, "calculation", row, L);
        check_expression(row.choice_filter, "choice_filter", row, L);
        check_expression(row.repeat_count, "repeat_count", row, L);
        check_expression(row.default_expression, "default", row, L);
        for (const auto& name : row.triggers) {
            auto it = L.names.find(name);
            std::string path = child_path(row.source_path, "trigger");
            if (it == L.names.end())
                L.add(path, "unknown field ${" + name + "}");
            else if (L.shared_names.count(name))
                L.add(path, "${" + name +
                                "} is ambiguous: questions at different levels are named " + name);
            else if (L.rows[it->second].type == RowType::group ||
                     L.rows[it->second].type == RowType::repeat)
                L.add(path, "${" + name + "} is a " +
                                std::string(type_name(L.rows[it->second].type)) +
                                ": a trigger is a question or calculate");
            else if (it->second == row.id)
                L.add(path, "a row cannot trigger itself");
        }
    }
}

std::vector<RowId> check_calculation_cycles(Loading& L) {
    return CycleFinder(L).run();
}

}  // namespace canvass::form::detail
