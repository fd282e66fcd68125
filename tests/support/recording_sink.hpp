// An AnswerSink for tests: keeps every draft saved (with its language) and every record
// finished, as parsed JSON, in order.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "canvass/interview.hpp"

namespace canvass::testing {

class RecordingSink : public interview::AnswerSink {
  public:
    std::vector<nlohmann::json> saves;
    std::vector<std::string> languages;
    std::vector<nlohmann::json> finishes;

    Result<void> save(std::string_view answers, std::string_view language) override {
        saves.push_back(nlohmann::json::parse(answers));
        languages.emplace_back(language);
        return {};
    }
    Result<void> finish(std::string_view answers, std::string_view) override {
        finishes.push_back(nlohmann::json::parse(answers));
        return {};
    }
};

}  // namespace canvass::testing
