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
    std::vector<Row> rows;                            // document order, ids set
    std::map<std::string, RowId, std::less<>> names;  // first row of each name
    // Names given to questions at more than one level (the top level and a repeat, or two
    // repeats): each answered in its own JSON object, so allowed, but a ${name} reference
    // to one would be ambiguous.
    std::set<std::string, std::less<>> shared_names;
    // The files attached to the form (its `external` tables), by file name.
    std::map<std::string, DataInstance, std::less<>> files;
    // The secondary instances expressions read: each choice list by its name, each file by
    // its stem.
    std::map<std::string, DataInstance, std::less<>> instances;
    // Files select_*_from_file rows name that are not attached, so that an instance() of one
    // says which file it misses.
    std::set<std::string, std::less<>> missing_files;

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

// `villages` of `villages.csv`: the id instance() gives an attached file.
std::string file_stem(const std::string& file);
// Whether `file` names a kind of file choices and instance() read: .csv, .geojson or .xml.
bool is_choice_file(const std::string& file);

// Which columns of a file give a choice's name and label: XLSForm's parameters `value=`
// and `label=` of a select_one_from_file row (pyxform's), name and label by default.
struct FileColumns {
    std::string value = "name";
    std::string label = "label";
    // A GeoJSON file's choices are its features' id and title (pyxform's, ODK Collect's).
    static FileColumns defaults_for(const std::string& file);
};

// The choice list a `select_one_from_file FILE` row answers from, made from the attached
// table FILE (its `columns.value` column, its `columns.label` and `columns.label`::LANG
// columns, its other columns for choice_filter) and kept in L.lists under the file's name
// (with the columns after it when they are not the default ones); nullptr, with the
// problem added at `type_path`, when the file is not attached or is no choice list.
const ChoiceList* file_choice_list(const std::string& file, const FileColumns& columns,
                                   const std::string& type_path, Loading& L);

// The passes, in the order load_form runs them.
void load_settings(const json& doc, Loading& L);
void load_choices(const json& doc, Loading& L);
void load_external(const json& doc, Loading& L);  // the attached files
void load_survey(const json& doc, Loading& L);
void add_list_instances(Loading& L);  // each choice list as instance('list')
void check_expressions(Loading& L);
std::vector<RowId> check_calculation_cycles(Loading& L);  // the calculation order

}  // namespace canvass::form::detail
