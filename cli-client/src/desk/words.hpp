// The desk's own words in English, French and Spanish (the form's labels come from the form).
// A page's language: `?lang=` when it is one of these, else the first of Accept-Language
// that is, else English.
#pragma once

#include <string>
#include <string_view>

namespace canvass::cli::desk {

// The page language for a `?lang=` value and an Accept-Language header: "en", "fr" or "es".
std::string page_language(std::string_view asked, std::string_view accept_language);

// `key`'s text in `lang`; the English text when a translation is missing, the key itself
// when the key is unknown (a slip shows, it never crashes).
std::string_view say(std::string_view lang, std::string_view key);

}  // namespace canvass::cli::desk
