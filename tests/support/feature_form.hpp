// Small one-language forms for the tests of single XLSForm features: a survey, its choices
// and extra settings, loaded or kept as JSON.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "form/loader.hpp"
#include "form/validate.hpp"

namespace canvass::testing {

// The form document with `survey`, `choices` and the settings form_id "f", version "1",
// English only, plus `settings`.
inline nlohmann::json feature_form_json(nlohmann::json survey,
                                        nlohmann::json choices = nlohmann::json::object(),
                                        nlohmann::json settings = nlohmann::json::object()) {
    nlohmann::json s = {
        {"form_id", "f"}, {"version", "1"}, {"title", {{"en", "F"}}}, {"default_language", "en"}};
    s.update(settings);
    nlohmann::json doc = {{"settings", s}, {"survey", std::move(survey)}};
    if (!choices.empty()) doc["choices"] = std::move(choices);
    return doc;
}

// A label in the one language of feature_form_json().
inline nlohmann::json en(const std::string& text) {
    return {{"en", text}};
}

// Loads the form; fails the test (and returns an empty optional) when it has problems.
inline std::optional<form::Form> load_feature_form(const nlohmann::json& doc) {
    auto loaded = form::load_form_json(doc);
    if (!loaded) {
        std::string all;
        for (const auto& p : loaded.error()) all += form::describe(p) + "\n";
        ADD_FAILURE() << "form has problems:\n" << all;
        return std::nullopt;
    }
    return std::move(loaded).value();
}

// Every problem the loader reports, as "path: message" lines.
inline std::vector<std::string> feature_form_problems(const nlohmann::json& doc) {
    std::vector<std::string> out;
    auto loaded = form::load_form_json(doc);
    if (!loaded)
        for (const auto& p : loaded.error()) out.push_back(form::describe(p));
    return out;
}

// Every violation validate_answers() finds in `answers`, as "path: message" lines.
inline std::vector<std::string> feature_form_violations(const form::Form& form,
                                                        const nlohmann::json& answers) {
    std::vector<std::string> out;
    for (const auto& p : form::validate_answers(form, answers).violations)
        out.push_back(form::describe(p));
    return out;
}

}  // namespace canvass::testing
