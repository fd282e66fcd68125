#include "export/stat_model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "export/stat_names.hpp"
#include "form/answer_types.hpp"
#include "form/calendar.hpp"
#include "form/record.hpp"
#include "merge/hlc.hpp"

namespace canvass::exporting {

using form::RowType;
using nlohmann::json;

namespace {

const char* const kGeopointSuffix[4] = {"latitude", "longitude", "altitude", "accuracy"};

// An integer choice name that a code can be: digits with an optional minus, within 32 bits,
// and not one of SPSS's missing-value codes.
std::optional<int> integer_name(const std::string& name) {
    std::size_t start = !name.empty() && name[0] == '-' ? 1 : 0;
    if (name.size() == start || name.size() - start > 10) return std::nullopt;
    if (!std::all_of(name.begin() + static_cast<long>(start), name.end(),
                     [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    long long v = std::stoll(name);
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
        return std::nullopt;
    if (static_cast<double>(v) == kSpssNotRelevant || static_cast<double>(v) == kSpssNotAnswered)
        return std::nullopt;
    return static_cast<int>(v);
}

// The codes of a choice list: its choices in form order, then values found in the data
// that the newest form does not list. Where every name the form lists is an integer, each
// choice's code is its name (`if q == 99` selects the 99s); otherwise 1, 2, … in order.
struct ChoiceCodes {
    std::vector<std::string> names;
    std::vector<std::string> labels;
    std::vector<int> codes;
    bool choice_names = false;

    std::optional<int> code_of(const std::string& name) const {
        auto it = std::find(names.begin(), names.end(), name);
        if (it == names.end()) return std::nullopt;
        return codes[static_cast<std::size_t>(it - names.begin())];
    }
    // Adds a choice; `from_form` choices decide whether the names are the codes.
    void add(const std::string& name, const std::string& label) {
        int code = codes.empty() ? 1 : *std::max_element(codes.begin(), codes.end()) + 1;
        auto own = choice_names ? integer_name(name) : std::nullopt;
        if (own && std::find(codes.begin(), codes.end(), *own) == codes.end()) code = *own;
        names.push_back(name);
        labels.push_back(label);
        codes.push_back(code);
    }
};

std::string choice_name(const json& v) {
    return v.is_string() ? v.get<std::string>() : form::answer_text(v);
}

bool is_select(RowType t) {
    return t == RowType::select_one || t == RowType::select_multiple;
}

// Shared with the variables' value functions, which outlive stat_model().
using CodeTable = std::map<std::string, std::shared_ptr<ChoiceCodes>>;

CodeTable choice_codes(const ExportSpec& job) {
    const auto& settings = job.form.settings();
    CodeTable out;
    for (std::size_t t = 0; t < job.layouts.size(); ++t) {
        for (form::RowId id : job.layouts[t].fields) {
            const auto& row = job.form.row(id);
            if (!is_select(row.type)) continue;
            auto [it, fresh] = out.try_emplace(row.list_name);
            if (fresh) {
                it->second = std::make_shared<ChoiceCodes>();
                if (const auto* list = job.form.choices(row.list_name)) {
                    it->second->choice_names =
                        !list->choices.empty() &&
                        std::all_of(
                            list->choices.begin(), list->choices.end(),
                            [](const form::Choice& c) { return integer_name(c.name).has_value(); });
                    for (const auto& c : list->choices) {
                        it->second->add(c.name, plain_label(form::text_in(
                                                    c.label, job.lang, settings.default_language)));
                    }
                }
            }
            // A named reference, not the binding: clang 14 cannot capture structured bindings.
            ChoiceCodes& codes = *it->second;
            for (const auto& name : job.survey.field(t, id).values) {
                if (!codes.code_of(name)) codes.add(name, name);
            }
        }
    }
    return out;
}

// A calculation holds whatever its expression gives: numeric only if every value is.
bool all_numbers(const ExportSpec& job, std::size_t table, const form::Row& row) {
    const auto& f = job.survey.field(table, row.id);
    return f.answered && f.numbers;
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

// Days from 1970-01-01 to the packages' origins: Stata counts from 1960-01-01, SPSS from
// the start of the Gregorian calendar, 1582-10-14.
const std::int64_t kStataEpochDays = form::days_from_civil({1960, 1, 1});
const std::int64_t kSpssEpochDays = form::days_from_civil({1582, 10, 14});
constexpr double kDayMs = 86400000.0;

// A date, datetime or time answer as the format stores it: Stata %td days, %tc
// milliseconds (a time on 1960-01-01); SPSS seconds. A datetime counts in UTC, its offset
// applied. Text that does not parse stays text, so the writer reports it.
Cell date_cell(const json* a, VarKind kind, StatFormat format) {
    if (!a) return {};
    if (!a->is_string()) return cell_text(*a);
    const auto text = a->get<std::string>();
    const bool stata = format == StatFormat::dta;
    const double origin = static_cast<double>(stata ? kStataEpochDays : kSpssEpochDays);
    if (kind == VarKind::date) {
        auto d = form::parse_date(text);
        if (!d) return text;
        double days = static_cast<double>(form::days_from_civil(*d)) - origin;
        return stata ? days : days * 86400.0;
    }
    if (kind == VarKind::datetime) {
        auto t = form::parse_datetime(text);
        if (!t) return text;
        double ms = std::round((*t - origin) * kDayMs);
        return stata ? ms : ms / 1000.0;
    }
    auto secs = form::parse_time(text);
    if (!secs) return text;
    return stata ? *secs * 1000.0 : static_cast<double>(*secs);
}

// Relevance of questions in the rows of one export, each record seen by the form engine
// once (its answers at the time of its last change). Rows come a record at a time, so only
// the record of the last row asked about is kept.
class Relevance {
  public:
    explicit Relevance(const form::Form& form) : form_(form) {}

    MissingKind why_missing(const TableRow& r, const form::Row& row) {
        if (!record_ || id_ != r.record->view.id) {
            auto at = static_cast<std::int64_t>(merge::hlc_ms(r.record->view.meta.updated));
            record_ = std::make_unique<form::Record>(form_, r.record->answers,
                                                     form::fixed_clock({at, 0}));
            id_ = r.record->view.id;
        }
        return record_->relevant(row.id, r.at) ? MissingKind::not_answered
                                               : MissingKind::not_relevant;
    }

  private:
    const form::Form& form_;
    merge::RecordId id_{};
    std::unique_ptr<form::Record> record_;
};

VarKind date_kind(RowType t) {
    switch (t) {
        case RowType::date:
        case RowType::today:
            return VarKind::date;
        case RowType::time:
            return VarKind::time;
        case RowType::datetime:
        case RowType::start:
        case RowType::end:
            return VarKind::datetime;
        default:
            return VarKind::text;
    }
}

class TableBuilder {
  public:
    TableBuilder(const ExportSpec& job, StatFormat format, const CodeTable& codes,
                 std::map<std::string, ValueLabels>& sets, NameMaker& set_names,
                 std::shared_ptr<Relevance> relevance)
        : job_(job),
          format_(format),
          codes_(codes),
          sets_(sets),
          set_names_(set_names),
          names_(format),
          relevance_(std::move(relevance)) {}

    std::vector<StatVariable> build(std::size_t table) {
        reserve_own_names(table);
        if (table == 0)
            add_meta(submission_date_column(), [](const TableRow& r) -> Cell {
                return iso_time(r.record->view.meta.created);
            });
        for (form::RowId id : job_.layouts[table].fields) add_field(table, job_.form.row(id));
        if (table == 0) {
            const auto& meta = meta_columns();
            for (std::size_t i = 0; i < meta.size(); ++i) {
                add_meta(meta[i], [i](const TableRow& r) { return meta_values(*r.record)[i]; });
            }
        } else {
            add_meta(parent_key_column(), [](const TableRow& r) -> Cell { return r.parent_key; });
            add_meta(key_column(), [](const TableRow& r) -> Cell { return r.key; });
        }
        return std::move(vars_);
    }

  private:
    static MetaColumn parent_key_column() {
        return {"PARENT_KEY", "key of the enclosing row", false};
    }
    static MetaColumn key_column() { return {"KEY", "key of this row", false}; }

    // Variables that carry a question's or a metadata column's own name get it first, in
    // table order; derived variables (select_multiple choices, geopoint parts) take what is
    // left. So `goods_other`, a question, is `goods_other` in every file, and the indicator
    // of choice `other` of `goods` becomes `goods_other_2`.
    static bool has_own_variable(RowType t) {
        return t != RowType::select_multiple && t != RowType::geopoint &&
               t != RowType::start_geopoint;
    }
    void reserve_own_names(std::size_t table) {
        auto reserve = [&](const std::string& key, const std::string& wanted) {
            own_[key] = names_.make(wanted);
        };
        if (table == 0)
            reserve("m:" + submission_date_column().name, submission_date_column().name);
        for (form::RowId id : job_.layouts[table].fields) {
            const auto& row = job_.form.row(id);
            if (has_own_variable(row.type)) reserve("f:" + row.name, row.name);
        }
        if (table == 0) {
            for (const auto& m : meta_columns()) reserve("m:" + m.name, m.name);
        } else {
            reserve("m:PARENT_KEY", "PARENT_KEY");
            reserve("m:KEY", "KEY");
        }
    }

    std::string label_of(const form::Row& row) const {
        auto text = form::text_in(row.label, job_.lang, job_.form.settings().default_language);
        return text.empty() ? row.name : plain_label(text);
    }

    void add(std::string name, std::string label, VarKind kind, const form::Row* row,
             std::function<Cell(const TableRow&)> value, std::string set = {}) {
        std::string source = row ? row->name : name;
        std::function<MissingKind(const TableRow&)> why;
        if (row) {
            why = [rel = relevance_, row](const TableRow& r) { return rel->why_missing(r, *row); };
        }
        vars_.push_back({std::move(name), std::move(label), kind, row, std::move(source),
                         std::move(set), std::move(value), std::move(why)});
    }
    // The question's own variable, named as reserved.
    void add_own(const form::Row& row, std::string label, VarKind kind,
                 std::function<Cell(const TableRow&)> value, std::string set = {}) {
        add(own_.at("f:" + row.name), std::move(label), kind, &row, std::move(value),
            std::move(set));
    }

    void add_meta(const MetaColumn& m, std::function<Cell(const TableRow&)> value) {
        add(own_.at("m:" + m.name), m.description, m.numeric ? VarKind::number : VarKind::text,
            nullptr, std::move(value));
        vars_.back().source = m.name;
    }

    // The label set of `list`, made on first use.
    std::string label_set(const std::string& list) {
        auto it = sets_.find(list);
        if (it == sets_.end()) {
            const auto& c = *codes_.at(list);
            ValueLabels v{set_names_.make(list), {}, c.names, c.choice_names};
            for (std::size_t i = 0; i < c.names.size(); ++i)
                v.labels.emplace_back(c.codes[i], c.labels[i]);
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
                return add_own(row, label, VarKind::number,
                               [p](const TableRow& r) { return number_or_text(answer_of(r, *p)); });
            case RowType::calculate:
                if (all_numbers(job_, table, row)) {
                    return add_own(row, label, VarKind::number, [p](const TableRow& r) {
                        return number_or_text(answer_of(r, *p));
                    });
                }
                break;
            case RowType::date:
            case RowType::today:
            case RowType::time:
            case RowType::datetime:
            case RowType::start:
            case RowType::end: {
                VarKind kind = date_kind(row.type);
                return add_own(row, label, kind, [p, kind, f = format_](const TableRow& r) {
                    return date_cell(answer_of(r, *p), kind, f);
                });
            }
            case RowType::geopoint:
            case RowType::start_geopoint:
                for (int part = 0; part < 4; ++part) {
                    add(names_.make(row.name + "_" + kGeopointSuffix[part]),
                        label + " (" + kGeopointSuffix[part] + ")", VarKind::number, p,
                        [p, part](const TableRow& r) -> Cell {
                            const json* a = answer_of(r, *p);
                            auto v = a ? geopoint_part(*a, part) : std::nullopt;
                            if (v) return *v;
                            return {};
                        });
                }
                return;
            case RowType::select_one: {
                std::shared_ptr<const ChoiceCodes> c = codes_.at(row.list_name);
                return add_own(
                    row, label, VarKind::coded,
                    [p, c](const TableRow& r) -> Cell {
                        const json* a = answer_of(r, *p);
                        if (!a) return {};
                        return static_cast<double>(c->code_of(choice_name(*a)).value_or(0));
                    },
                    label_set(row.list_name));
            }
            case RowType::select_multiple: {
                const auto& c = codes_.at(row.list_name);
                for (std::size_t i = 0; i < c->names.size(); ++i) {
                    std::string choice = c->names[i];
                    // Answered: 1 when chosen, 0 when not; unanswered: missing, with its reason.
                    add(names_.make(row.name + "_" + choice), label + ": " + c->labels[i],
                        VarKind::dummy, p, [p, choice](const TableRow& r) -> Cell {
                            const json* a = answer_of(r, *p);
                            if (!a) return {};
                            bool chosen = false;
                            if (a->is_array()) {
                                for (const auto& v : *a)
                                    chosen = chosen || choice_name(v) == choice;
                            }
                            return chosen ? 1.0 : 0.0;
                        });
                }
                return;
            }
            default:
                break;
        }
        add_own(row, label, VarKind::text,
                [p](const TableRow& r) { return text_cell(answer_of(r, *p)); });
    }

    const ExportSpec& job_;
    StatFormat format_;
    const CodeTable& codes_;
    std::map<std::string, ValueLabels>& sets_;
    NameMaker& set_names_;
    NameMaker names_;
    std::shared_ptr<Relevance> relevance_;
    std::map<std::string, std::string> own_;  // "f:<field>" or "m:<metadata column>" -> its name
    std::vector<StatVariable> vars_;
};

}  // namespace

std::string plain_label(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 2, "${") == 0) {
            auto end = text.find('}', i + 2);
            if (end != std::string::npos) {
                out += "[" + text.substr(i + 2, end - i - 2) + "]";
                i = end;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

StatModel stat_model(const ExportSpec& job, StatFormat format) {
    StatModel model;
    auto codes = choice_codes(job);
    NameMaker set_names(format);
    auto relevance = std::make_shared<Relevance>(job.form);
    for (std::size_t t = 0; t < job.layouts.size(); ++t) {
        TableBuilder builder(job, format, codes, model.label_sets, set_names, relevance);
        model.tables.push_back(builder.build(t));
    }
    model.missing_set = set_names.make("missing");  // after the lists: theirs stay their names
    return model;
}

}  // namespace canvass::exporting
