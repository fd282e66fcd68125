// Forms shared by the form tests.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>

#include "form/problem.hpp"

namespace canvass::form {
// How GoogleTest prints a Problem in a failed assertion.
inline void PrintTo(const Problem& p, std::ostream* os) {
    *os << "{" << p.path << ": " << p.message << "}";
}
}  // namespace canvass::form

namespace canvass::form::testing {

// A small valid form in English and French using groups, a repeat, a nested repeat,
// choice filters, calculations, constraints and every question type.
inline nlohmann::json vendors_form() {
    return nlohmann::json::parse(R"json({
  "settings": {"form_id": "vendors", "version": "1", "title": {"en": "Vendors", "fr": "Vendeurs"},
               "default_language": "en", "languages": ["en", "fr"]},
  "survey": [
    {"type": "integer", "name": "age", "label": {"en": "Age", "fr": "Âge"}, "required": true,
     "constraint": ". >= 14 and . <= 110",
     "constraint_message": {"en": "Between 14 and 110", "fr": "Entre 14 et 110"},
     "required_message": {"en": "Age is needed", "fr": "L'âge est requis"}},
    {"type": "select_one country", "name": "country", "label": {"en": "Country", "fr": "Pays"}},
    {"type": "select_one city", "name": "city", "label": {"en": "City", "fr": "Ville"},
     "choice_filter": "country = ${country}"},
    {"type": "group", "name": "work", "label": {"en": "Work", "fr": "Travail"}, "relevant": "${age} >= 18",
     "children": [
       {"type": "text", "name": "job", "label": {"en": "Job", "fr": "Métier"}, "required": "${age} > 20"},
       {"type": "select_multiple goods", "name": "goods", "label": {"en": "Goods", "fr": "Biens"},
        "relevant": "${job} != 'none'"}
     ]},
    {"type": "repeat", "name": "members", "label": {"en": "Members", "fr": "Membres"}, "children": [
       {"type": "text", "name": "member_name", "label": {"en": "Name", "fr": "Nom"}},
       {"type": "integer", "name": "member_age", "label": {"en": "Age", "fr": "Âge"}},
       {"type": "calculate", "name": "member_pos", "calculation": "position(..)"},
       {"type": "repeat", "name": "jobs", "label": {"en": "Jobs", "fr": "Emplois"}, "children": [
          {"type": "decimal", "name": "wage", "label": {"en": "Wage", "fr": "Salaire"}},
          {"type": "calculate", "name": "job_tag", "calculation": "concat(${member_pos}, '.', position(..))"}
       ]}
    ]},
    {"type": "calculate", "name": "adults", "calculation": "count(${members})"},
    {"type": "date", "name": "visit", "label": {"en": "Visit", "fr": "Visite"}},
    {"type": "time", "name": "start", "label": {"en": "Start", "fr": "Début"}},
    {"type": "datetime", "name": "stamp", "label": {"en": "Stamp", "fr": "Horodatage"}},
    {"type": "geopoint", "name": "place", "label": {"en": "Place", "fr": "Lieu"}},
    {"type": "acknowledge", "name": "consent", "label": {"en": "Consent", "fr": "Accord"}},
    {"type": "note", "name": "bye", "label": {"en": "Thanks", "fr": "Merci"}}
  ],
  "choices": {
    "country": [{"name": "ke", "label": {"en": "Kenya", "fr": "Kenya"}},
                {"name": "sn", "label": {"en": "Senegal", "fr": "Sénégal"}}],
    "city": [{"name": "nairobi", "label": {"en": "Nairobi", "fr": "Nairobi"}, "country": "ke"},
             {"name": "dakar", "label": {"en": "Dakar", "fr": "Dakar"}, "country": "sn"}],
    "goods": [{"name": "fruit", "label": {"en": "Fruit", "fr": "Fruits"}},
              {"name": "cloth", "label": {"en": "Cloth", "fr": "Tissu"}}]
  }
})json");
}

// A label in both languages of vendors_form().
inline nlohmann::json label(const char* text) {
    return {{"en", text}, {"fr", text}};
}

}  // namespace canvass::form::testing
