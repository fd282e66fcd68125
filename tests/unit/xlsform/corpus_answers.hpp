// Answer sets made from a form, for the corpus test: each question, in form order, gets the
// first of a few plausible values of its type (a choice of its list, a number, a date) that
// keeps the whole set valid, so the set respects relevance, constraints and choice filters
// as far as those values allow. A repeat gets one instance, filled the same way.
#pragma once

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "form/form.hpp"
#include "form/validate.hpp"

namespace canvass::xlsform::testing {

struct AnsweredQuestion {
    form::RowId row = 0;
    nlohmann::json::json_pointer at;  // where its answer is in the set
    std::string path;                 // as validation names it: `members[1].age`
};

struct MadeAnswers {
    nlohmann::json answers = nlohmann::json::object();
    std::size_t tried = 0;  // relevant questions reached (read-only ones are not answered)
    std::vector<AnsweredQuestion> answered;
};

class AnswerMaker {
  public:
    explicit AnswerMaker(const form::Form& form) : form_(form) {}

    MadeAnswers make() {
        made_ = {};
        fill(std::nullopt, nlohmann::json::json_pointer(), "");
        return std::move(made_);
    }

  private:
    using json = nlohmann::json;

    bool valid() const { return form::validate_answers(form_, made_.answers).ok(); }

    void fill(std::optional<form::RowId> level, const json::json_pointer& at,
              const std::string& prefix) {
        for (form::RowId id : form_.rows_answered_at(level)) {
            const form::Row& row = form_.row(id);
            json::json_pointer here = at / row.name;
            if (row.type == form::RowType::repeat) {
                made_.answers[here] = json::array({json::object()});
                if (!valid()) {
                    made_.answers[at].erase(row.name);
                    continue;
                }
                fill(id, here / 0, prefix + row.name + "[1].");
                continue;
            }
            if (!form::is_question(row.type) || row.read_only) continue;
            std::string path = prefix + row.name;
            bool kept = false;
            bool relevant = true;
            for (const json& value : candidates(row)) {
                made_.answers[here] = value;
                auto v = form::validate_answers(form_, made_.answers);
                if (v.ok()) {
                    made_.answered.push_back({id, here, path});
                    kept = true;
                    break;
                }
                relevant =
                    std::none_of(v.violations.begin(), v.violations.end(), [&](const auto& p) {
                        return p.path == path &&
                               p.message.find("not relevant") != std::string::npos;
                    });
                if (!relevant) break;
            }
            if (relevant) ++made_.tried;
            if (!kept) made_.answers[at].erase(row.name);
        }
    }

    // Plausible answers to `row`, most ordinary first.
    std::vector<json> candidates(const form::Row& row) const {
        using T = form::RowType;
        std::vector<json> names;
        if (const form::ChoiceList* list = form_.choices(row.list_name)) {
            for (const auto& c : list->choices) {
                if (names.size() == 12) break;
                names.push_back(c.name);
            }
        }
        switch (row.type) {
            case T::text:
                return {"Amina Wanjiru", "42", "A"};
            case T::barcode:
                return {"4006381333931"};
            case T::integer:
                return {1, 2, 18, 30, 5, 10, 0, 100, 2024};
            case T::decimal:
                return {1.5, 2, 25, 0.5, 100};
            case T::range:
                return {row.range_start, row.range_start + row.range_step, row.range_end};
            case T::date:
                return {"2025-06-15", "2000-01-01", "2026-11-01"};
            case T::time:
                return {"09:30", "14:00:00"};
            case T::datetime:
                return {"2025-06-15T09:30:00Z"};
            case T::geopoint:
                return {json{{"lat", -1.2921}, {"lon", 36.8219}, {"alt", 1661}, {"acc", 4}}};
            case T::geotrace:
                return {"-1.2921 36.8219 0 4;-1.2930 36.8230 0 4"};
            case T::geoshape:
                return {"-1.2921 36.8219;-1.2930 36.8230;-1.2940 36.8219;-1.2921 36.8219"};
            case T::acknowledge:
                return {"OK"};
            case T::select_one:
                return names;
            case T::select_multiple: {
                std::vector<json> sets;
                for (const auto& n : names) sets.push_back(json::array({n}));
                return sets;
            }
            case T::rank: {
                json all = json::array();
                if (const form::ChoiceList* list = form_.choices(row.list_name))
                    for (const auto& c : list->choices) all.push_back(c.name);
                return {all};
            }
            default:
                return {};
        }
    }

    const form::Form& form_;
    MadeAnswers made_;
};

}  // namespace canvass::xlsform::testing
