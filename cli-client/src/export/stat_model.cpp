#include "export/stat_model.hpp"

#include <algorithm>
#include <memory>

#include "export/stat_names.hpp"
#include "form/answer_types.hpp"

namespace canvass::cli::exporting {

using nlohmann::json;
using form::RowType;

namespace {

const char* const kGeopointSuffix[4] = {"latitude", "longitude", "altitude", "accuracy"};

// The codes of a choice list: its choices in form order, then values found in the data
// that the newest form does not list.
struct ChoiceCodes {
    std::vector<std::string> names;
    std::vector<std::string> labels;

    int code_of(const std::string& name) const {
        auto it = std::find(names.begin(), names.end(), name);
        return it == names.end() ? 0 : static_cast<int>(it - names.begin()) + 1;
    }
};

std::string choice_name(const json& v) { return v.is_string() ? v.get<std::string>() : form::answer_text(v); }

bool is_select(RowType t) { return t == RowType::select_one || t == RowType::select_multiple; }

// Shared with the variables' value functions, which outlive stat_model().
using CodeTable = std::map<std::string, std::shared_ptr<ChoiceCodes>>;

CodeTable choice_codes(const ExportJob& job) {
    const auto& settings = job.form.settings();
    CodeTable out;
    for (std::size_t t = 0; t < job.tables.layouts.size(); ++t) {
        for (form::RowId id : job.tables.layouts[t].fields) {
            const auto& row = job.form.row(id);
            if (!is_select(row.type)) continue;
            auto [it, fresh] = out.try_emplace(row.list_name);
            if (fresh) {
                it->second = std::make_shared<ChoiceCodes>();
                if (const auto* list = job.form.choices(row.list_name)) {
                    for (const auto& c : list->choices) {
                        it->second->names.push_back(c.name);
                        it->second->labels.push_back(
                            form::text_in(c.label, job.lang, settings.default_language));
                    }
                }
            }
            // A named reference, not the binding: clang 14 cannot capture structured bindings.
            ChoiceCodes& codes = *it->second;
            auto note = [&](const json& v) {
                auto name = choice_name(v);
                if (codes.code_of(name) == 0) {
                    codes.names.push_back(name);
                    codes.labels.push_back(name);
                }
            };
            for (const auto& r : job.tables.rows[t]) {
                const json* a = answer_of(r, row);
                if (!a) continue;
                if (a->is_array()) {
                    for (const auto& v : *a) note(v);
                } else {
                    note(*a);
                }
            }
        }
    }
    return out;
}

// A calculation holds whatever its expression gives: numeric only if every value is.
bool all_numbers(const ExportJob& job, std::size_t table, const form::Row& row) {
    bool any = false;
    for (const auto& r : job.tables.rows[table]) {
        const json* a = answer_of(r, row);
        if (!a) continue;
        if (!a->is_number()) return false;
        any = true;
    }
    return any;
}

Cell number_or_text(const json* a) {
    if (!a) return {};
    if (a->is_number()) return a->get<double>();
    return cell_text(*a);
}

Cell text_cell(const json* a) {
    if (!a) return {};
    return cell_text(*a);
}

class TableBuilder {
public:
    TableBuilder(const ExportJob& job, StatFormat format, const CodeTable& codes,
                 std::map<std::string, ValueLabels>& sets, NameMaker& set_names)
        : job_(job), codes_(codes), sets_(sets), set_names_(set_names), names_(format) {}

    std::vector<StatVariable> build(std::size_t table) {
        if (table == 0) add_meta(submission_date_column(), [](const TableRow& r) -> Cell {
            return iso_time(r.record->view.meta.created);
        });
        for (form::RowId id : job_.tables.layouts[table].fields) add_field(table, job_.form.row(id));
        if (table == 0) {
            const auto& meta = meta_columns();
            for (std::size_t i = 0; i < meta.size(); ++i) {
                add_meta(meta[i], [i](const TableRow& r) { return meta_values(*r.record)[i]; });
            }
        } else {
            add_meta({"PARENT_KEY", "key of the enclosing row", false},
                     [](const TableRow& r) -> Cell { return r.parent_key; });
            add_meta({"KEY", "key of this row", false}, [](const TableRow& r) -> Cell { return r.key; });
        }
        return std::move(vars_);
    }

private:
    std::string label_of(const form::Row& row) const {
        auto text = form::text_in(row.label, job_.lang, job_.form.settings().default_language);
        return text.empty() ? row.name : text;
    }

    void add(std::string wanted, std::string label, VarKind kind, const form::Row* row,
             std::function<Cell(const TableRow&)> value, std::string set = {}) {
        std::string source = row ? row->name : wanted;
        vars_.push_back({names_.make(wanted), std::move(label), kind, row, std::move(source),
                         std::move(set), std::move(value)});
    }

    void add_meta(const MetaColumn& m, std::function<Cell(const TableRow&)> value) {
        add(m.name, m.description, m.numeric ? VarKind::number : VarKind::text, nullptr, std::move(value));
    }

    // The label set of `list`, made on first use.
    std::string label_set(const std::string& list) {
        auto it = sets_.find(list);
        if (it == sets_.end()) {
            ValueLabels v{set_names_.make(list), {}};
            const auto& c = *codes_.at(list);
            for (std::size_t i = 0; i < c.names.size(); ++i) {
                v.labels.emplace_back(static_cast<int>(i) + 1, c.labels[i]);
            }
            it = sets_.emplace(list, std::move(v)).first;
        }
        return it->second.name;
    }

    void add_field(std::size_t table, const form::Row& row) {
        const form::Row* p = &row;
        std::string label = label_of(row);
        switch (row.type) {
            case RowType::integer:
            case RowType::decimal:
            case RowType::range:
                return add(row.name, label, VarKind::number, p,
                           [p](const TableRow& r) { return number_or_text(answer_of(r, *p)); });
            case RowType::calculate:
                if (all_numbers(job_, table, row)) {
                    return add(row.name, label, VarKind::number, p,
                               [p](const TableRow& r) { return number_or_text(answer_of(r, *p)); });
                }
                break;
            case RowType::geopoint:
            case RowType::start_geopoint:
                for (int part = 0; part < 4; ++part) {
                    add(row.name + "_" + kGeopointSuffix[part], label + " (" + kGeopointSuffix[part] + ")",
                        VarKind::number, p, [p, part](const TableRow& r) -> Cell {
                            const json* a = answer_of(r, *p);
                            auto v = a ? geopoint_part(*a, part) : std::nullopt;
                            if (v) return *v;
                            return {};
                        });
                }
                return;
            case RowType::select_one: {
                std::shared_ptr<const ChoiceCodes> c = codes_.at(row.list_name);
                return add(row.name, label, VarKind::coded, p, [p, c](const TableRow& r) -> Cell {
                    const json* a = answer_of(r, *p);
                    if (!a) return {};
                    return static_cast<double>(c->code_of(choice_name(*a)));
                }, label_set(row.list_name));
            }
            case RowType::select_multiple: {
                const auto& c = codes_.at(row.list_name);
                for (std::size_t i = 0; i < c->names.size(); ++i) {
                    std::string choice = c->names[i];
                    add(row.name + "_" + choice, label + ": " + c->labels[i], VarKind::dummy, p,
                        [p, choice](const TableRow& r) -> Cell {
                            const json* a = answer_of(r, *p);
                            if (!a) return {};
                            bool chosen = false;
                            if (a->is_array()) {
                                for (const auto& v : *a) chosen = chosen || choice_name(v) == choice;
                            }
                            return chosen ? 1.0 : 0.0;
                        });
                }
                return;
            }
            default:
                break;
        }
        add(row.name, label, VarKind::text, p, [p](const TableRow& r) { return text_cell(answer_of(r, *p)); });
    }

    const ExportJob& job_;
    const CodeTable& codes_;
    std::map<std::string, ValueLabels>& sets_;
    NameMaker& set_names_;
    NameMaker names_;
    std::vector<StatVariable> vars_;
};

}  // namespace

StatModel stat_model(const ExportJob& job, StatFormat format) {
    StatModel model;
    auto codes = choice_codes(job);
    NameMaker set_names(format);
    for (std::size_t t = 0; t < job.tables.layouts.size(); ++t) {
        TableBuilder builder(job, format, codes, model.label_sets, set_names);
        model.tables.push_back(builder.build(t));
    }
    return model;
}

}  // namespace canvass::cli::exporting
