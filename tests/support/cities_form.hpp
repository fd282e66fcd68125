// A form whose choices come from an attached CSV file, as the ODK XForms specification's
// examples of secondary instances have them (cities by country), for the tests of
// select_one_from_file, instance() lookups, current() and pulldata().
#pragma once

#include <nlohmann/json.hpp>

#include "feature_form.hpp"

namespace canvass::testing {

// cities.csv as its rows read: name, label, label::fr, country, population.
inline nlohmann::json cities_table() {
    return nlohmann::json::parse(R"({
      "columns": ["name", "label", "label::fr", "country", "population"],
      "rows": [["ams", "Amsterdam", "", "nl", "921402"],
               ["rtm", "Rotterdam", "", "nl", "655468"],
               ["dhg", "The Hague", "La Haye", "nl", "548320"],
               ["tor", "Toronto", "", "ca", "2794356"],
               ["mtl", "Montreal", "Montréal", "ca", "1762949"]]})");
}

// country (select_one of the form's list), city (select_one_from_file cities.csv filtered by
// country), lookups by instance() and pulldata(), and a repeat whose choice_filter reads its
// own instance's country with current()/../, as pyxform writes ${trip_country}.
inline nlohmann::json cities_form_json() {
    auto both = [](const char* en, const char* fr) {
        return nlohmann::json{{"en", en}, {"fr", fr}};
    };
    nlohmann::json survey = {
        {{"type", "select_one country"}, {"name", "country"}, {"label", both("Country", "Pays")}},
        {{"type", "select_one_from_file cities.csv"},
         {"name", "city"},
         {"label", both("City", "Ville")},
         {"choice_filter", "country = ${country}"}},
        {{"type", "calculate"},
         {"name", "country_label"},
         {"calculation", "instance('country')/root/item[name = ${country}]/label"}},
        {{"type", "calculate"},
         {"name", "population"},
         {"calculation", "pulldata('cities', 'population', 'name', ${city})"}},
        {{"type", "calculate"},
         {"name", "big_cities"},
         {"calculation", "count(instance('cities')/root/item[population > 1000000])"}},
        {{"type", "calculate"}, {"name", "country_again"}, {"calculation", "/data/country"}},
        {{"type", "repeat"},
         {"name", "trips"},
         {"label", both("Trips", "Voyages")},
         {"children",
          {
              {{"type", "select_one country"},
               {"name", "trip_country"},
               {"label", both("Country", "Pays")}},
              {{"type", "select_one_from_file cities.csv"},
               {"name", "trip_city"},
               {"label", both("City", "Ville")},
               {"choice_filter", "country = current()/../trip_country"}},
              {{"type", "calculate"},
               {"name", "trip_label"},
               {"calculation",
                "instance('cities')/root/item[name = current()/../trip_city]/label"}},
          }}},
    };
    nlohmann::json choices = {{"country",
                               {{{"name", "nl"}, {"label", both("Netherlands", "Pays-Bas")}},
                                {{"name", "ca"}, {"label", both("Canada", "Canada")}}}}};
    auto doc = feature_form_json(
        survey, choices, {{"title", both("Cities", "Villes")}, {"languages", {"en", "fr"}}});
    doc["external"] = {{"cities.csv", cities_table()}};
    return doc;
}

}  // namespace canvass::testing
