#include "export/tables.hpp"

#include <algorithm>
#include <iterator>

#include "export/cells.hpp"
#include "merge/path.hpp"
#include "store/answers.hpp"

namespace canvass::exporting {

using nlohmann::json;

bool is_exported(form::RowType type) {
    using form::RowType;
    return type != RowType::note && type != RowType::group && type != RowType::repeat;
}

std::vector<TableLayout> table_layouts(const form::Form& form) {
    std::vector<TableLayout> out;
    // Depth first: a table's index is taken before the tables nested in it are added.
    auto add = [&](auto& self, std::optional<form::RowId> repeat,
                   std::optional<std::size_t> parent) -> std::size_t {
        std::size_t index = out.size();
        out.push_back({repeat, repeat ? form.row(*repeat).name : std::string(), {}, {}, parent});
        for (form::RowId id : form.rows_answered_at(repeat)) {
            const auto& row = form.row(id);
            if (row.type == form::RowType::repeat) {
                std::size_t child = self(self, id, index);
                out[index].children.push_back(child);
            } else if (is_exported(row.type)) {
                out[index].fields.push_back(id);
            }
        }
        return index;
    };
    add(add, std::nullopt, std::nullopt);
    return out;
}

std::vector<std::string> groups_between(const form::Form& form, form::RowId row,
                                        std::optional<form::RowId> table_repeat) {
    std::vector<std::string> groups;
    for (auto p = form.row(row).parent; p && p != table_repeat; p = form.row(*p).parent) {
        if (form.row(*p).type == form::RowType::group) groups.push_back(form.row(*p).name);
    }
    std::reverse(groups.begin(), groups.end());
    return groups;
}

std::string odk_column(const form::Form& form, const form::Row& row,
                       std::optional<form::RowId> table_repeat) {
    std::string out;
    for (const auto& g : groups_between(form, row.id, table_repeat)) out += g + "-";
    return out + row.name;
}

const json* answer_of(const TableRow& r, const form::Row& row) {
    if (!r.answers || !r.answers->is_object()) return nullptr;
    auto it = r.answers->find(row.name);
    if (it == r.answers->end() || it->is_null()) return nullptr;
    return &*it;
}

namespace {

// Adds the instances of table `index` found in `parent` (a row of the enclosing table),
// then, under each, the instances of the tables nested in it.
void add_instances(const form::Form& form, const std::vector<TableLayout>& layouts,
                   RecordRows& rows, std::size_t index, const TableRow& parent) {
    const auto& layout = layouts[index];
    auto it = parent.answers->find(layout.name);
    if (it == parent.answers->end() || !it->is_array()) return;
    std::string via;  // groups between the enclosing table and this repeat, as ODK keys name them
    for (const auto& g : groups_between(form, *layout.repeat, layouts[*layout.parent].repeat)) {
        via += "/" + g;
    }
    std::size_t position = 0, element = 0;
    for (const auto& instance : *it) {
        std::size_t at = element++;
        if (!instance.is_object()) continue;
        ++position;
        TableRow row;
        row.record = parent.record;
        row.answers = &instance;
        row.key = parent.key + via + "/" + layout.name + "[" + std::to_string(position) + "]";
        row.parent_key = parent.key;
        row.at = parent.at;
        row.at.push_back({*layout.repeat, at});
        if (auto id = merge::parse_uuid(instance.value(store::kInstanceIdKey, ""))) {
            row.instance_path = merge::instance_path(parent.instance_path, layout.name, *id);
        }
        rows[index].push_back(row);
        for (std::size_t child : layout.children) add_instances(form, layouts, rows, child, row);
    }
}

}  // namespace

RecordRows record_rows(const form::Form& form, const std::vector<TableLayout>& layouts,
                       const ExportRecord& record) {
    RecordRows rows(layouts.size());
    if (record.view.deleted()) return rows;
    TableRow main;
    main.record = &record;
    main.answers = &record.answers;
    main.key = record_key(record.view.id);
    rows[0].push_back(main);
    for (std::size_t child : layouts[0].children) add_instances(form, layouts, rows, child, main);
    return rows;
}

}  // namespace canvass::exporting
