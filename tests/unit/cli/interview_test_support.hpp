// A small form and a scripted interviewer for the interview session tests.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "form/loader.hpp"
#include "interview/session.hpp"

namespace canvass::cli::interview::testing {

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

// Records what a session hands over, and can refuse to finish.
class RecordingSink : public AnswerSink {
  public:
    std::vector<nlohmann::json> saves;
    std::vector<nlohmann::json> finishes;
    std::string refuse_finish;  // non-empty: finish() fails with this message

    Result<std::string> save(const nlohmann::json& answers) override {
        saves.push_back(answers);
        return std::string(saves.size() == 1 ? "(saved as draft)" : "");
    }
    Result<std::string> finish(const nlohmann::json& answers) override {
        if (!refuse_finish.empty())
            return unexpected(Domain::form, errc::invalid_argument, refuse_finish);
        finishes.push_back(answers);
        return std::string("Finalized.");
    }
};

// A session and everything it printed, driven line by line.
struct Interviewer {
    form::Form form = market_form();
    RecordingSink sink;
    Session session;
    std::string screen;  // everything shown so far
    std::string last;    // what the last line typed produced

    explicit Interviewer(nlohmann::json answers = nlohmann::json::object(),
                         Purpose purpose = Purpose::interview, std::string lang = "en")
        : session(form, std::move(answers), sink,
                  {purpose, std::move(lang), form::fixed_clock({1789000000000, 120}), false}) {
        last = session.start();
        screen = last;
    }

    // Types each line in turn; returns what the last one produced.
    const std::string& type(std::initializer_list<std::string> lines) {
        for (const auto& line : lines) {
            last = session.respond(line);
            screen += last;
        }
        return last;
    }
};

}  // namespace canvass::cli::interview::testing
