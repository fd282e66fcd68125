// The small form the interview engine's and the terminal interview's tests share.
#pragma once

#include <gtest/gtest.h>

#include "form/loader.hpp"

namespace canvass::interview::testing {

// Notes, a constraint with messages in two languages, a choice filter, a group shown
// only to adults (with a default answer), a repeat holding a nested repeat, a calculation shown in
// a note, a repeat whose count is an answer, and an acknowledge.
inline constexpr const char* kMarketForm = R"json({
  "settings": {"form_id": "market", "version": "1",
               "title": {"en": "Market survey", "fr": "Enquête marché"},
               "default_language": "en", "languages": ["en", "fr"]},
  "survey": [
    {"type": "note", "name": "intro", "label": {"en": "Hello", "fr": "Bonjour"}},
    {"type": "text", "name": "name", "label": {"en": "Name?", "fr": "Nom ?"}, "required": true},
    {"type": "integer", "name": "age", "label": {"en": "Age?", "fr": "Âge ?"}, "required": true,
     "hint": {"en": "In years", "fr": "En années"},
     "constraint": ". >= 14 and . <= 100",
     "constraint_message": {"en": "Between 14 and 100", "fr": "Entre 14 et 100"}},
    {"type": "select_one country", "name": "country", "label": {"en": "Country?", "fr": "Pays ?"},
     "required": true},
    {"type": "select_one city", "name": "city", "label": {"en": "City?", "fr": "Ville ?"},
     "choice_filter": "country = ${country}"},
    {"type": "group", "name": "work", "label": {"en": "Work", "fr": "Travail"},
     "relevant": "${age} >= 18", "children": [
       {"type": "decimal", "name": "income", "label": {"en": "Income?", "fr": "Revenu ?"}},
       {"type": "select_multiple goods", "name": "goods", "label": {"en": "Goods?", "fr": "Biens ?"},
        "default": ["cloth"]}
     ]},
    {"type": "repeat", "name": "members", "label": {"en": "Member", "fr": "Membre"}, "children": [
       {"type": "text", "name": "member_name", "label": {"en": "Member name?", "fr": "Nom du membre ?"},
        "required": true},
       {"type": "repeat", "name": "jobs", "label": {"en": "Job of ${member_name}", "fr": "Emploi de ${member_name}"},
        "children": [
          {"type": "decimal", "name": "wage", "label": {"en": "Wage of job ${job_no}?", "fr": "Salaire ${job_no} ?"},
           "required": true},
          {"type": "calculate", "name": "job_no", "calculation": "position(..)"}
        ]}
     ]},
    {"type": "calculate", "name": "household", "calculation": "count(${members}) + 1"},
    {"type": "note", "name": "size_note", "label": {"en": "Household of ${household}", "fr": "Ménage de ${household}"}},
    {"type": "integer", "name": "visits", "label": {"en": "Visits?", "fr": "Visites ?"},
     "constraint": ". >= 0 and . <= 3"},
    {"type": "repeat", "name": "visit", "label": {"en": "Visit", "fr": "Visite"}, "repeat_count": "${visits}",
     "children": [
       {"type": "date", "name": "visit_date", "label": {"en": "Date of visit ${visit_no}?", "fr": "Date ${visit_no} ?"},
        "required": true},
       {"type": "calculate", "name": "visit_no", "calculation": "position(..)"}
     ]},
    {"type": "acknowledge", "name": "consent", "label": {"en": "Confirm", "fr": "Confirmez"}, "required": true}
  ],
  "choices": {
    "country": [{"name": "ke", "label": {"en": "Kenya", "fr": "Kenya"}},
                {"name": "sn", "label": {"en": "Senegal", "fr": "Sénégal"}}],
    "city": [{"name": "nairobi", "label": {"en": "Nairobi", "fr": "Nairobi"}, "country": "ke"},
             {"name": "mombasa", "label": {"en": "Mombasa", "fr": "Mombasa"}, "country": "ke"},
             {"name": "dakar", "label": {"en": "Dakar", "fr": "Dakar"}, "country": "sn"}],
    "goods": [{"name": "fruit", "label": {"en": "Fruit", "fr": "Fruits"}},
              {"name": "cloth", "label": {"en": "Cloth", "fr": "Tissu"}},
              {"name": "tools", "label": {"en": "Tools", "fr": "Outils"}}]
  }
})json";

inline form::Form market_form() {
    auto loaded = form::load_form(kMarketForm);
    if (!loaded) ADD_FAILURE() << form::describe(loaded.error().front());
    return std::move(loaded).value();
}

}  // namespace canvass::interview::testing
