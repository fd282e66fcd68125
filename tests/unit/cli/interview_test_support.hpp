// A small form and a scripted interviewer for the interview session tests.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../interview/market_form.hpp"
#include "interview/session.hpp"

namespace canvass::cli::interview::testing {

using canvass::interview::testing::kMarketForm;
using canvass::interview::testing::market_form;

// Records what the engine hands over, and can refuse to finish.
class RecordingSink : public canvass::interview::AnswerSink {
  public:
    std::vector<nlohmann::json> saves;
    std::vector<std::string> languages;
    std::vector<nlohmann::json> finishes;
    std::string refuse_finish;  // non-empty: finish() fails with this message

    Result<void> save(std::string_view answers, std::string_view language) override {
        saves.push_back(nlohmann::json::parse(answers));
        languages.emplace_back(language);
        return {};
    }
    Result<void> finish(std::string_view answers, std::string_view) override {
        if (!refuse_finish.empty())
            return unexpected(Domain::form, errc::invalid_argument, refuse_finish);
        finishes.push_back(nlohmann::json::parse(answers));
        return {};
    }
};

// The engine, its terminal face and everything it printed, driven line by line. The record
// is called "draft-1" once something is saved.
struct Interviewer {
    form::Form form = market_form();
    RecordingSink sink;
    FormSession engine;
    Session session;
    std::string screen;  // everything shown so far
    std::string last;    // what the last line typed produced

    explicit Interviewer(nlohmann::json answers = nlohmann::json::object(),
                         Purpose purpose = Purpose::interview, std::string lang = "en",
                         std::size_t width = 0)
        : engine(*FormSession::open(form, sink,
                                    {purpose,
                                     answers.dump(),
                                     std::move(lang),
                                     form::fixed_clock({1789000000000, 120}),
                                     {},
                                     {},
                                     {}})),
          session(engine, {false,
                           width,
                           [this] {
                               return sink.saves.empty() && sink.finishes.empty()
                                          ? std::string()
                                          : std::string("draft-1");
                           },
                           {}}) {
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
