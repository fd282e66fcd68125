#include "export/survey.hpp"

#include <algorithm>

#include "export/cells.hpp"
#include "form/answer_types.hpp"

namespace canvass::exporting {

using form::RowType;
using nlohmann::json;

namespace {

std::string choice_name(const json& v) {
    return v.is_string() ? v.get<std::string>() : form::answer_text(v);
}

void note(std::vector<std::string>& seen, std::string name) {
    if (std::find(seen.begin(), seen.end(), name) == seen.end()) seen.push_back(std::move(name));
}

void widen(std::size_t& widest, std::size_t bytes) {
    widest = std::max(widest, bytes);
}

}  // namespace

bool may_be_text(RowType type) {
    switch (type) {
        case RowType::integer:
        case RowType::decimal:
        case RowType::range:
        case RowType::date:
        case RowType::today:
        case RowType::time:
        case RowType::datetime:
        case RowType::start:
        case RowType::end:
        case RowType::geopoint:
        case RowType::start_geopoint:
        case RowType::select_one:
        case RowType::select_multiple:
            return false;
        default:
            return true;
    }
}

Survey::Survey(const std::vector<TableLayout>& layouts)
    : layouts_(layouts),
      rows_(layouts.size()),
      fields_(layouts.size()),
      meta_bytes_(layouts.size()) {}

void Survey::add(const form::Form& form, const RecordRows& rows) {
    for (std::size_t t = 0; t < rows.size(); ++t) {
        rows_[t] += rows[t].size();
        auto& meta = meta_bytes_[t];
        for (const auto& r : rows[t]) {
            if (t == 0) {
                widen(meta[submission_date_column().name],
                      iso_time(r.record->view.meta.created).size());
                auto values = meta_values(*r.record);
                for (std::size_t i = 0; i < values.size(); ++i) {
                    if (const auto* text = std::get_if<std::string>(&values[i]))
                        widen(meta[meta_columns()[i].name], text->size());
                }
            } else {
                widen(meta["PARENT_KEY"], r.parent_key.size());
                widen(meta["KEY"], r.key.size());
            }
            for (form::RowId id : layouts_[t].fields) {
                const auto& row = form.row(id);
                const json* a = answer_of(r, row);
                if (!a) continue;
                auto& f = fields_[t][id];
                f.answered = true;
                f.numbers = f.numbers && a->is_number();
                if (row.type == RowType::select_one || row.type == RowType::select_multiple) {
                    if (!a->is_array()) {
                        note(f.values, choice_name(*a));
                        continue;
                    }
                    for (const auto& v : *a) {
                        auto name = choice_name(v);
                        note(f.values, name);
                        note(f.in_arrays, std::move(name));
                    }
                } else if (may_be_text(row.type)) {
                    widen(f.text_bytes, cell_text(*a).size());
                }
            }
        }
    }
}

const FieldSurvey& Survey::field(std::size_t table, form::RowId row) const {
    static const FieldSurvey none;
    auto it = fields_.at(table).find(row);
    return it == fields_[table].end() ? none : it->second;
}

std::size_t Survey::meta_bytes(std::size_t table, const std::string& name) const {
    auto it = meta_bytes_.at(table).find(name);
    return it == meta_bytes_[table].end() ? 0 : it->second;
}

}  // namespace canvass::exporting
