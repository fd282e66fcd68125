// Shared state of the loader's passes (loader.cpp, loader_rows.cpp, loader_check.cpp).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "form/form.hpp"
#include "form/problem.hpp"

namespace canvass::form::detail {

using nlohmann::json;

struct Loading {
    std::vector<Problem> problems;
    // The valid entries of settings.languages (or the default language alone); empty
    // when settings are too broken to know, and then label languages are not checked.
    std::vector<std::string> languages;
    Settings settings;
    std::map<std::string, ChoiceList, std::less<>> lists;
    std::vector<Row> rows;                    // document order, ids set
    std::map<std::string, RowId, std::less<>> names;  // first row of each name
    // Names given to questions at more than one level (the top level and a repeat, or two
    // repeats): each answered in its own JSON object, so allowed, but a ${name} reference
    // to one would be ambiguous.
    std::set<std::string, std::less<>> shared_names;

    void add(std::string path, std::string message) {
        problems.push_back({std::move(path), std::move(message)});
    }
};

// `parent.key`, or `parent["key"]` when key is not a plain name; `key` at the root.
std::string child_path(const std::string& parent, const std::string& key);
std::string index_path(const std::string& parent, std::size_t i);

// Names of fields and choice lists: ^[A-Za-z_][A-Za-z0-9_.-]*$
bool is_valid_name(std::string_view s);
// A choice list's name: a field name that may also hold `:` after its first character.
bool is_valid_list_name(std::string_view s);

// Reads a label (an object keyed by language) at `path`; `v` may be nullptr when the key
// is absent, which is a problem only when `required`.
Label load_label(const json* v, const std::string& path, bool required, Loading& L);

// The passes, in the order load_form runs them.
void load_settings(const json& doc, Loading& L);
void load_choices(const json& doc, Loading& L);
void load_survey(const json& doc, Loading& L);
void check_expressions(Loading& L);
std::vector<RowId> check_calculation_cycles(Loading& L);  // the calculation order

}  // namespace canvass::form::detail
