// CSV as RFC 4180 writes it: fields holding a comma, a double quote, CR or LF are quoted,
// quotes inside are doubled, records end with CRLF. Python's csv module, R's read.csv,
// Stata's import delimited and Excel all read it.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace canvass::exporting {

// `field` as it appears in a record.
std::string csv_field(std::string_view field);

// Writes one record, ended by `line_end` (CRLF as RFC 4180; ODK Central writes LF).
void write_csv_record(std::ostream& out, const std::vector<std::string>& fields,
                      std::string_view line_end = "\r\n");

}  // namespace canvass::exporting
