// Form files as survey designers write them, checked before anything is installed: a JSON
// twin (docs/forms.md) or an XLSForm spreadsheet (.xlsx, .xls; docs/xlsform.md), and
// answers checked against a form without a store. `canvass form check`, `form validate`,
// `form import` and `form export` are faces of these.
//
//   auto checked = canvass::check_form_file("household.xlsx");
//   if (!checked.valid()) for (auto& p : checked.problems) show(p.text);
//   device->add_form(checked.json_text);
//
// check_form_file, import_xlsform and write_xlsform read and write spreadsheets: they are in the
// desktop build, not in the core-only build a phone embeds (CANVASS_CORE_ONLY).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "canvass/result.hpp"

namespace canvass {

// A problem with one answer: where it is (a JSON path, "" for the whole record) and what is
// wrong, in the words the checks give.
struct AnswerProblem {
    std::string path;
    std::string message;
};

// A problem of a form: where in a spreadsheet (sheet, row, column; empty for a JSON twin),
// the twin's JSON path, the message, and all of it as one line for a person ("survey row
// 12, column relevant: unknown field ${agee} (survey[3].relevant)").
struct FormProblem {
    std::string sheet;
    std::uint32_t row = 0;
    std::string column;
    std::string path;
    std::string message;
    std::string text;
};

// What a valid form is.
struct FormSummary {
    std::string form_id;
    std::string version;
    std::uint64_t questions = 0;
    std::vector<std::string> languages;
};

struct CheckedForm {
    std::string json_text;              // the twin (a spreadsheet converted); "" if unread
    std::optional<FormSummary> form;    // set when the form is valid
    std::vector<FormProblem> problems;  // every problem when it is not
    std::vector<FormProblem> warnings;  // what a spreadsheet's reading ignored
    bool spreadsheet = false;
    bool valid() const { return form.has_value(); }
};

// A JSON twin checked as a device installs it.
CheckedForm check_form(std::string_view json_text);
// A form file, JSON or spreadsheet (decided by content), read and checked: a file that
// cannot be read is a problem too. Files a spreadsheet's choices or lookups name are read
// from its folder.
CheckedForm check_form_file(const std::string& path);

// An XLSForm spreadsheet converted to its JSON twin and checked (`canvass form import`): any
// other file, a JSON form too, is a problem.
CheckedForm import_xlsform(const std::string& path);

// How check_answers checks.
struct AnswersCheck {
    bool final = false;     // as a finished interview: required answers must be there
    std::string language;   // of the messages; "" the form's default
    std::string files_dir;  // where files named at media questions are ("" the working one)
};

// `answers_json` (one record keyed by field name) against the valid form `form_json`: every
// problem, none when the record would be saved. A file named at a media question is read as
// Device::attach_files would attach it, without keeping it. Error{form, invalid_argument}
// when the form is not valid, the answers are not JSON, or `language` is not one of the
// form's.
Result<std::vector<AnswerProblem>> check_answers(std::string_view form_json,
                                                 std::string_view answers_json,
                                                 const AnswersCheck& how = {});

// The valid form `form_json` written as an XLSForm at `path` (survey, choices and settings
// sheets; the files it carries as CSV beside it), to go on editing in a spreadsheet.
Result<void> write_xlsform(std::string_view form_json, const std::string& path);

}  // namespace canvass
