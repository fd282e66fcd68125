#include "export/csv.hpp"

namespace canvass::exporting {

std::string csv_field(std::string_view field) {
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
    std::string out = "\"";
    for (char c : field) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

void write_csv_record(std::ostream& out, const std::vector<std::string>& fields,
                      std::string_view line_end) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) out << ',';
        out << csv_field(fields[i]);
    }
    out << line_end;
}

}  // namespace canvass::exporting
