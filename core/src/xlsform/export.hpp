// XLSForm files out: a form's JSON twin written back as an .xlsx a designer keeps
// editing in Excel or LibreOffice, which import_file reads back to the same twin.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "canvass/result.hpp"

namespace canvass::xlsform {

// Writes `twin` (a form document form::load_form_json accepts) to `path` as an XLSForm:
// a survey sheet (groups and repeats as begin_group/end_group rows), a choices sheet
// (list_name, name, then columns), a settings sheet; languages as `label::English (en)`
// columns. Columns the twin has but canvass's XLSForm reading does not name are written
// under their own key, so they come back. Fails on an unwritable path or a cell Excel
// cannot hold (text longer than 32,767 characters). The files the form carries (its
// `external` tables) are written as CSV files beside `path`, as the form names them.
Result<void> export_xlsform(const nlohmann::json& twin, const std::string& path);

}  // namespace canvass::xlsform
