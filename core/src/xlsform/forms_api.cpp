// canvass::check_form_file, import_xlsform and write_xlsform (canvass/forms.hpp): form files read
// and written as spreadsheets, for the desktop build.
#include "canvass/forms.hpp"

#include "form/json_text.hpp"
#include "form/loader.hpp"
#include "xlsform/export.hpp"
#include "xlsform/import.hpp"

namespace canvass {

namespace {

std::vector<FormProblem> problems_of(const std::vector<xlsform::CellProblem>& cells) {
    std::vector<FormProblem> out;
    for (const auto& p : cells)
        out.push_back({p.sheet, p.row, p.column, p.path, p.message, xlsform::describe(p)});
    return out;
}

}  // namespace

CheckedForm check_form_file(const std::string& path) {
    auto read = xlsform::read_form_file(path);
    CheckedForm out;
    if (read.problems.empty()) {
        out = check_form(read.json_text);
    } else {
        out.json_text = std::move(read.json_text);
        out.problems = problems_of(read.problems);
    }
    out.warnings = problems_of(read.warnings);
    out.spreadsheet = read.spreadsheet;
    return out;
}

CheckedForm import_xlsform(const std::string& path) {
    auto imported = xlsform::import_file(path);
    CheckedForm out;
    if (imported.ok()) {
        out = check_form(imported.twin_text);
    } else {
        out.json_text = std::move(imported.twin_text);
        out.problems = problems_of(imported.problems);
    }
    out.warnings = problems_of(imported.warnings);
    out.spreadsheet = true;
    return out;
}

Result<void> write_xlsform(std::string_view form_json, const std::string& path) {
    auto checked = check_form(form_json);
    if (!checked.valid())
        return unexpected(Domain::form, errc::invalid_argument,
                          "the form is not valid: " + checked.problems.front().text);
    CANVASS_TRY(auto doc, form::parse_json(form_json, form::JsonLimits{form::max_form_bytes,
                                                                       form::max_form_depth}));
    return xlsform::export_xlsform(doc, path);
}

}  // namespace canvass
