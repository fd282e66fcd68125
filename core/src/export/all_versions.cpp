#include "export/all_versions.hpp"

#include <set>

#include <nlohmann/json.hpp>

#include "form/loader.hpp"

namespace canvass::exporting {
namespace {

using nlohmann::json;

void collect_names(const json& rows, std::set<std::string>& names) {
    for (const auto& row : rows) {
        if (row.contains("name") && row["name"].is_string())
            names.insert(row["name"].get<std::string>());
        if (row.contains("children")) collect_names(row["children"], names);
    }
}

// The row as it comes back: what the export reads of it, nothing it would evaluate.
json put_back(json row) {
    for (const char* key :
         {"relevant", "constraint", "constraint_message", "required", "required_message",
          "choice_filter", "default", "trigger", "read_only", "repeat_count"})
        row.erase(key);
    if (row.contains("children"))
        for (auto& child : row["children"]) child = put_back(std::move(child));
    return row;
}

// The rows of the merged form whose group is named `group` ("" for the survey itself).
json* container(json& rows, const std::string& group) {
    if (group.empty()) return &rows;
    for (auto& row : rows) {
        if (row.value("name", "") == group && row.contains("children")) return &row["children"];
        if (row.contains("children"))
            if (auto* found = container(row["children"], group)) return found;
    }
    return nullptr;
}

// Puts back the rows of `old_rows` (inside group `group`) that `merged` lacks.
void put_back_missing(json& merged, const json& old_rows, const std::string& group,
                      std::set<std::string>& names) {
    std::string previous;
    for (const auto& row : old_rows) {
        const std::string name = row.value("name", "");
        if (!name.empty() && !names.contains(name)) {
            json* into = container(merged, group);
            if (!into) into = &merged;  // its group is gone as well and was not put back
            auto at = into->end();
            for (auto it = into->begin(); it != into->end(); ++it)
                if (!previous.empty() && it->value("name", "") == previous) at = std::next(it);
            into->insert(at, put_back(row));
            std::set<std::string> added;
            collect_names(json::array({row}), added);
            names.insert(added.begin(), added.end());
        } else if (row.contains("children")) {
            put_back_missing(merged, row["children"], name, names);
        }
        if (!name.empty()) previous = name;
    }
}

// The files an older version carried (its `external`): a file the newer versions dropped is
// kept for the old records' answers, and rows of a file whose columns did not change are
// added when their first cell (the name, in a choice file) is new.
void merge_files(json& merged, const json& old) {
    if (!old.contains("external") || !old["external"].is_object()) return;
    for (const auto& [file, table] : old["external"].items()) {
        json& into = merged["external"][file];
        if (into.is_null()) {
            into = table;
            continue;
        }
        if (into.value("columns", json()) != table.value("columns", json()) ||
            !table.contains("rows"))
            continue;
        std::set<json> have;
        for (const auto& r : into["rows"])
            if (r.is_array() && !r.empty()) have.insert(r[0]);
        for (const auto& r : table["rows"])
            if (r.is_array() && !r.empty() && !have.contains(r[0])) into["rows"].push_back(r);
    }
}

}  // namespace

Result<form::Form> all_versions_form(const std::vector<std::string>& versions) {
    if (versions.empty())
        return unexpected(Domain::form, errc::not_found, "no version of the form");
    json merged = json::parse(versions.front(), nullptr, false);
    if (!merged.is_object())
        return unexpected(Domain::form, errc::corrupt, "a form version is not JSON");
    std::set<std::string> names;
    collect_names(merged["survey"], names);
    for (std::size_t v = 1; v < versions.size(); ++v) {
        json old = json::parse(versions[v], nullptr, false);
        if (!old.is_object() || !old.contains("survey")) continue;
        put_back_missing(merged["survey"], old["survey"], "", names);
        merge_files(merged, old);
        if (!old.contains("choices")) continue;
        for (const auto& [list, choices] : old["choices"].items()) {
            json& into = merged["choices"][list];
            if (into.is_null()) {
                into = choices;
                continue;
            }
            std::set<std::string> have;
            for (const auto& c : into) have.insert(c.value("name", ""));
            for (const auto& c : choices)
                if (!have.contains(c.value("name", ""))) into.push_back(c);
        }
    }
    auto loaded = form::load_form_json(merged);
    if (!loaded)
        return unexpected(Domain::form, errc::invalid_argument,
                          "the versions of form " +
                              merged["settings"].value("form_id", std::string()) +
                              " cannot be exported together: " + loaded.to_error().message +
                              "; export without --all-versions");
    return std::move(loaded).value();
}

}  // namespace canvass::exporting
