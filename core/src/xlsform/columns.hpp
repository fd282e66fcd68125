// XLSForm's column headers as pyxform reads them: aliases, any case, `::` (or, in old
// forms, `:`) between a column and its language, and language names or codes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "form/loader.hpp"

namespace canvass::xlsform::detail {

enum class SheetKind { survey, choices, settings };

// What one header means. `key` is the twin's name for the column (`label`, `relevant`,
// `list_name`), or the header itself for a column the reader does not know, so that it
// reaches the twin unchanged. Translatable columns carry the language as written
// (`French (fr)`) or nothing for a column with no language.
struct Column {
    std::string header;  // as the designer wrote it, trimmed
    std::string key;
    bool translatable = false;
    bool known = false;    // a column canvass knows by name (aliases resolved)
    std::string language;  // translatable columns: the language part, "" when none
    // A survey column neither canvass nor pyxform reads (a designer's `notes`): pyxform
    // ignores it, and so does the reader, with a warning naming `suggestion`, the known
    // column its header is closest to ("" when none is close: `relevent` gives relevant).
    bool ignored = false;
    std::string suggestion;
};

Column parse_header(std::string_view header, SheetKind sheet, bool double_colon);

// `French (fr)` -> fr, `fr` -> fr, `Français` -> fr, `English` -> en; nullopt when the
// text neither carries a code nor names a language canvass knows.
std::optional<std::string> language_code(std::string_view language);

// A code's English name for headers (`fr` -> `French`), or nullopt for codes not listed.
std::optional<std::string> language_name(std::string_view code);

// BCP 47 as forms use it (`en`, `pt-BR`, `es-419`): the form loader's rule.
using form::is_language_code;

// "  a   b " -> "a b"; and a lowercase copy.
std::string collapse_spaces(std::string_view s);
std::string lower(std::string_view s);

// A cell's text trimmed; in an expression, typographic quotes (‘ ’ “ ”) made plain
// (' "), as pyxform does, since spreadsheet programs put them into expressions.
std::string clean_text(std::string_view s, bool expression);

// XLSForm's yes/no words (yes, true, TRUE, 1, true(), no, ...); nullopt for anything else.
std::optional<bool> yes_no(std::string_view s);

}  // namespace canvass::xlsform::detail
