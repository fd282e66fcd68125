// Header parsing and the language table (columns.hpp).
#include "xlsform/columns.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "form/loader_detail.hpp"

namespace canvass::xlsform::detail {
namespace {

struct Alias {
    std::string_view from;  // snake_case, lowercase
    std::string_view key;
};

// Survey columns by every name pyxform accepts (aliases.py's survey_header, snake_cased),
// resolved to the twin's names. Whole headers are looked up first, so `bind::relevant`
// and `jr:constraintMsg` never reach the language split.
constexpr Alias survey_aliases[] = {
    {"type", "type"},
    {"command", "type"},
    {"name", "name"},
    {"tag", "name"},
    {"value", "name"},
    {"label", "label"},
    {"caption", "label"},
    {"hint", "hint"},
    {"required", "required"},
    {"bind::required", "required"},
    {"required_message", "required_message"},
    {"requiredmsg", "required_message"},
    {"jr:requiredmsg", "required_message"},
    {"bind::jr:requiredmsg", "required_message"},
    {"required-message", "required_message"},
    {"relevant", "relevant"},
    {"relevance", "relevant"},
    {"bind::relevant", "relevant"},
    {"constraint", "constraint"},
    {"bind::constraint", "constraint"},
    {"constraint_message", "constraint_message"},
    {"constraint-message", "constraint_message"},
    {"constraining_message", "constraint_message"},
    {"jr:constraintmsg", "constraint_message"},
    {"bind::jr:constraintmsg", "constraint_message"},
    {"calculation", "calculation"},
    {"calculate", "calculation"},
    {"bind::calculate", "calculation"},
    {"default", "default"},
    {"choice_filter", "choice_filter"},
    {"appearance", "appearance"},
    {"control::appearance", "appearance"},
    {"read_only", "read_only"},
    {"readonly", "read_only"},
    {"bind::readonly", "read_only"},
    {"repeat_count", "repeat_count"},
    {"count", "repeat_count"},
    {"jr:count", "repeat_count"},
    {"control::jr:count", "repeat_count"},
    {"image", "media::image"},
    {"big-image", "media::big-image"},
    {"audio", "media::audio"},
    {"video", "media::video"},
};

constexpr Alias choices_aliases[] = {
    {"list_name", "list_name"},
    {"name", "name"},
    {"value", "name"},
    {"label", "label"},
    {"caption", "label"},
    {"image", "media::image"},
    {"big-image", "media::big-image"},
    {"audio", "media::audio"},
    {"video", "media::video"},
};

constexpr Alias settings_aliases[] = {
    {"form_title", "title"},    {"set_form_title", "title"},
    {"title", "title"},         {"form_id", "form_id"},
    {"set_form_id", "form_id"}, {"id_string", "form_id"},
    {"version", "version"},     {"default_language", "default_language"},
};

bool is_translatable(std::string_view key, SheetKind sheet) {
    if (key.rfind("media::", 0) == 0) return sheet != SheetKind::settings;
    if (sheet == SheetKind::survey)
        return key == "label" || key == "hint" || key == "constraint_message" ||
               key == "required_message" || key == "guidance_hint";
    if (sheet == SheetKind::choices) return key == "label";
    return key == "title";
}

template <std::size_t N>
std::optional<std::string_view> lookup(const Alias (&table)[N], std::string_view name) {
    for (const auto& a : table)
        if (a.from == name) return a.key;
    return std::nullopt;
}

std::optional<std::string_view> alias(std::string_view name, SheetKind sheet) {
    switch (sheet) {
        case SheetKind::survey:
            return lookup(survey_aliases, name);
        case SheetKind::choices:
            return lookup(choices_aliases, name);
        case SheetKind::settings:
            return lookup(settings_aliases, name);
    }
    return std::nullopt;
}

// Survey columns pyxform reads that canvass does not yet (ODK Collect's display columns,
// entities, guidance): kept in the twin, so the loader names them as not supported rather
// than the reader dropping them. Namespaced columns (`body::`, `instance::`, `media::`,
// a language) are kept too.
constexpr std::string_view pyxform_columns[] = {
    "guidance_hint", "save_to", "rows", "autoplay", "buttontext", "noapperrorstring", "intent"};

bool read_by_pyxform(std::string_view name) {
    return std::find(std::begin(pyxform_columns), std::end(pyxform_columns), name) !=
           std::end(pyxform_columns);
}

// Levenshtein's distance, for telling a misspelt column from a designer's own.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// The survey column (or alias) closest to `name`, when at most two edits away and fewer than
// half its letters: `relevent` -> relevant, `lable` -> label; `notes` -> "".
std::string closest_column(std::string_view name) {
    std::string best;
    std::size_t best_distance = 3;
    auto consider = [&](std::string_view candidate) {
        std::size_t d = edit_distance(name, candidate);
        if (d < best_distance && 2 * d < candidate.size()) {
            best_distance = d;
            best = std::string(candidate);
        }
    };
    for (const auto& a : survey_aliases) consider(a.from);
    for (std::string_view column : {"trigger", "parameters"}) consider(column);
    return best;
}

std::string snake(std::string_view s) {
    std::string out;
    for (char c : collapse_spaces(s))
        out += c == ' ' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The white space pyxform strips from every cell (Python's str.strip): ASCII spaces and
// controls, and Unicode's spaces. Spreadsheets hold U+00A0 (no-break space) often, pasted
// from web pages and word processors, where it looks exactly like a space.
constexpr std::string_view unicode_spaces[] = {
    "\xC2\x85",     "\xC2\xA0",     "\xE1\x9A\x80", "\xE2\x80\x80", "\xE2\x80\x81",
    "\xE2\x80\x82", "\xE2\x80\x83", "\xE2\x80\x84", "\xE2\x80\x85", "\xE2\x80\x86",
    "\xE2\x80\x87", "\xE2\x80\x88", "\xE2\x80\x89", "\xE2\x80\x8A", "\xE2\x80\xA8",
    "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80"};

bool ascii_space(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1C' && c <= '\x1F');
}

// Bytes of the white-space character that `s` starts (or, with `at_end`, ends) with; 0 if none.
std::size_t space_length(std::string_view s, bool at_end) {
    if (s.empty()) return 0;
    if (ascii_space(at_end ? s.back() : s.front())) return 1;
    for (std::string_view sp : unicode_spaces)
        if (at_end ? s.ends_with(sp) : s.starts_with(sp)) return sp.size();
    return 0;
}

std::string trim(std::string_view s) {
    while (std::size_t n = space_length(s, false)) s.remove_prefix(n);
    while (std::size_t n = space_length(s, true)) s.remove_suffix(n);
    return std::string(s);
}

std::vector<std::string> split(std::string_view s, std::string_view delimiter) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        auto at = s.find(delimiter, start);
        parts.push_back(trim(
            s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start)));
        if (at == std::string_view::npos) return parts;
        start = at + delimiter.size();
    }
}

struct LanguageName {
    std::string_view code;
    std::string_view english;
    std::string_view own;  // the language's name for itself, where designers use it
};

// Languages of the places canvass's users work, by English name and own name.
constexpr LanguageName languages[] = {
    {"en", "English", "English"},
    {"fr", "French", "Français"},
    {"es", "Spanish", "Español"},
    {"pt", "Portuguese", "Português"},
    {"ar", "Arabic", "العربية"},
    {"sw", "Swahili", "Kiswahili"},
    {"hi", "Hindi", "हिन्दी"},
    {"bn", "Bengali", "বাংলা"},
    {"ur", "Urdu", "اردو"},
    {"ne", "Nepali", "नेपाली"},
    {"zh", "Chinese", "中文"},
    {"ru", "Russian", "Русский"},
    {"de", "German", "Deutsch"},
    {"it", "Italian", "Italiano"},
    {"nl", "Dutch", "Nederlands"},
    {"tr", "Turkish", "Türkçe"},
    {"id", "Indonesian", "Bahasa Indonesia"},
    {"vi", "Vietnamese", "Tiếng Việt"},
    {"th", "Thai", "ไทย"},
    {"km", "Khmer", "ខ្មែរ"},
    {"my", "Burmese", "မြန်မာ"},
    {"tl", "Tagalog", "Tagalog"},
    {"fil", "Filipino", "Filipino"},
    {"am", "Amharic", "አማርኛ"},
    {"ti", "Tigrinya", "ትግርኛ"},
    {"om", "Oromo", "Afaan Oromoo"},
    {"so", "Somali", "Soomaali"},
    {"ha", "Hausa", "Hausa"},
    {"yo", "Yoruba", "Yorùbá"},
    {"ig", "Igbo", "Igbo"},
    {"zu", "Zulu", "isiZulu"},
    {"xh", "Xhosa", "isiXhosa"},
    {"af", "Afrikaans", "Afrikaans"},
    {"st", "Sotho", "Sesotho"},
    {"tn", "Tswana", "Setswana"},
    {"sn", "Shona", "chiShona"},
    {"ny", "Chichewa", "Chichewa"},
    {"rw", "Kinyarwanda", "Ikinyarwanda"},
    {"lg", "Luganda", "Luganda"},
    {"mg", "Malagasy", "Malagasy"},
    {"wo", "Wolof", "Wolof"},
    {"ln", "Lingala", "Lingála"},
    {"ht", "Haitian Creole", "Kreyòl ayisyen"},
    {"fa", "Persian", "فارسی"},
    {"ps", "Pashto", "پښتو"},
    {"ta", "Tamil", "தமிழ்"},
    {"te", "Telugu", "తెలుగు"},
    {"mr", "Marathi", "मराठी"},
    {"gu", "Gujarati", "ગુજરાતી"},
    {"pa", "Punjabi", "ਪੰਜਾਬੀ"},
    {"si", "Sinhala", "සිංහල"},
    {"ms", "Malay", "Bahasa Melayu"},
    {"ko", "Korean", "한국어"},
    {"ja", "Japanese", "日本語"},
    {"uk", "Ukrainian", "Українська"},
    {"pl", "Polish", "Polski"},
    {"ro", "Romanian", "Română"},
    {"el", "Greek", "Ελληνικά"},
    {"he", "Hebrew", "עברית"},
    {"qu", "Quechua", "Runasimi"},
    {"ay", "Aymara", "Aymar aru"},
    {"gn", "Guarani", "Avañe'ẽ"},
};

}  // namespace

std::string collapse_spaces(std::string_view s) {
    std::string out;
    bool space = false;
    for (char c : s) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string clean_text(std::string_view s, bool expression) {
    std::string t = trim(s);
    if (!expression) return t;
    static const std::pair<std::string_view, char> quotes[] = {{"\xE2\x80\x98", '\''},
                                                               {"\xE2\x80\x99", '\''},
                                                               {"\xE2\x80\x9C", '"'},
                                                               {"\xE2\x80\x9D", '"'}};
    if (t.find("\xE2\x80") == std::string::npos) return t;
    std::string out;
    for (std::size_t i = 0; i < t.size(); ++i) {
        bool replaced = false;
        for (const auto& [from, to] : quotes) {
            if (t.compare(i, from.size(), from) == 0) {
                out += to;
                i += from.size() - 1;
                replaced = true;
                break;
            }
        }
        if (!replaced) out += t[i];
    }
    return out;
}

std::optional<bool> yes_no(std::string_view s) {
    std::string v = lower(trim(s));
    if (v == "yes" || v == "true" || v == "true()" || v == "1") return true;
    if (v == "no" || v == "false" || v == "false()" || v == "0") return false;
    return std::nullopt;
}

namespace {

// `code` with its primary subtag lowercased (`EN` and `Fr-CA` as `en`, `fr-CA`), when that
// is a language code: BCP 47 tags are case-insensitive, and designers write `label::EN`.
std::optional<std::string> code_in_any_case(const std::string& code) {
    auto dash = code.find('-');
    std::string tag =
        lower(code.substr(0, dash)) + (dash == std::string::npos ? "" : code.substr(dash));
    if (is_language_code(tag)) return tag;
    return std::nullopt;
}

}  // namespace

std::optional<std::string> language_code(std::string_view language) {
    std::string text = collapse_spaces(language);
    // `French (fr)`: the code in the last parentheses.
    if (!text.empty() && text.back() == ')') {
        auto open = text.rfind('(');
        if (open != std::string::npos) {
            auto code =
                code_in_any_case(collapse_spaces(text.substr(open + 1, text.size() - open - 2)));
            if (code) return code;
        }
    }
    if (auto code = code_in_any_case(text)) return code;
    std::string l = lower(text);
    for (const auto& n : languages) {
        if (l == lower(n.english) || text == n.own || l == lower(n.own)) return std::string(n.code);
    }
    return std::nullopt;
}

std::optional<std::string> language_name(std::string_view code) {
    for (const auto& n : languages)
        if (n.code == code) return std::string(n.english);
    return std::nullopt;
}

Column parse_header(std::string_view raw, SheetKind sheet, bool double_colon) {
    Column c;
    c.header = trim(raw);
    if (auto key = alias(snake(c.header), sheet)) {
        c.key = std::string(*key);
        c.known = true;
        c.translatable = is_translatable(c.key, sheet);
        return c;
    }
    bool has_double = c.header.find("::") != std::string::npos;
    std::vector<std::string> tokens = split(c.header, double_colon || has_double ? "::" : ":");
    if (!(double_colon || has_double)) {  // `jr:count` style names survive a single-colon split
        for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
            if (tokens[i] == "jr") {
                tokens[i] += ":" + tokens[i + 1];
                tokens.erase(tokens.begin() + static_cast<std::ptrdiff_t>(i) + 1);
            }
        }
    }
    if (tokens.size() >= 2) {
        std::string base = snake(tokens[0]);
        std::size_t lang_at = 1;
        if (base == "media" && tokens.size() >= 2) {  // media::image::English (en)
            base = "media::" + lower(tokens[1]);
            lang_at = 2;
        } else if (auto two =
                       alias(snake(tokens[0] + "::" + tokens[1]), sheet)) {  // bind::relevant::x
            base = std::string(*two);
            lang_at = 2;
        } else if (auto key = alias(base, sheet)) {
            base = std::string(*key);
        }
        if (is_translatable(base, sheet) && tokens.size() <= lang_at + 1) {
            c.key = base;
            c.known = true;
            c.translatable = true;
            c.language = tokens.size() > lang_at ? tokens[lang_at] : "";
            return c;
        }
        if (tokens.size() == lang_at && alias(base, sheet)) {
            c.key = base;
            c.known = true;
            return c;
        }
    }
    // An unknown column with a language written out (`guidance::French (fr)`, not a bare
    // code, which could be anything): a label the form engine may learn to read.
    auto delimiter = double_colon || has_double ? std::string_view("::") : std::string_view(":");
    auto parts = split(c.header, delimiter);
    if (parts.size() == 2 && !parts[0].empty() && !alias(snake(parts[0]), sheet) &&
        (parts[1].find('(') != std::string::npos ||
         (language_code(parts[1]) && !code_in_any_case(parts[1]))) &&
        language_code(parts[1])) {
        c.key = parts[0];
        c.translatable = true;
        c.language = parts[1];
        return c;
    }
    c.key = c.header;  // unknown: kept as written, so choice filters keep their names
    if (sheet == SheetKind::survey && c.header.find(':') == std::string::npos) {
        std::string name = snake(c.header);
        if (form::is_survey_column(name)) {
            c.key = name;  // `Trigger`, `parameters`: in any case, like the aliases
            c.known = true;
        } else if (!read_by_pyxform(name)) {
            c.ignored = true;
            c.suggestion = closest_column(name);
        }
    }
    // A choices column is a choice_filter's bare name; one that cannot be a name (a
    // designer's `tutorial notes`) is no filter column, and is ignored too.
    if (sheet == SheetKind::choices && c.header.find(':') == std::string::npos &&
        !form::detail::is_valid_name(c.header))
        c.ignored = true;
    return c;
}

}  // namespace canvass::xlsform::detail
