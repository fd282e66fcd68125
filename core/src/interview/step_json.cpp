// Steps as JSON for apps (docs/interview.md "engine" gives the shape).
#include <nlohmann/json.hpp>

#include "canvass/interview.hpp"

namespace canvass::interview {
namespace {

using nlohmann::json;

json step_object(const Step& s) {
    json groups = json::array();
    for (const auto& g : s.groups)
        groups.push_back({{"name", g.name}, {"label", g.label}, {"instance", g.instance}});
    json choices = json::array();
    for (const auto& c : s.choices) choices.push_back({{"name", c.name}, {"label", c.label}});
    json answer = s.answer.empty() ? json() : json::parse(s.answer, nullptr, false);
    if (answer.is_discarded()) answer = json();
    json out = {{"kind", kind_name(s.kind)},
                {"index", s.index},
                {"number", s.number},
                {"name", s.name},
                {"type", s.type},
                {"appearance", s.appearance},
                {"label", s.label},
                {"hint", s.hint},
                {"format", s.format},
                {"required", s.required},
                {"required_message", s.required_message},
                {"read_only", s.read_only},
                {"groups", std::move(groups)},
                {"choices", std::move(choices)},
                {"answer", std::move(answer)},
                {"answer_text", s.answer_text},
                {"answer_is_default", s.answer_is_default},
                {"instances", s.instances}};
    if (s.type == "range")
        out["range"] = {{"start", s.range_start}, {"end", s.range_end}, {"step", s.range_step}};
    if (s.max_pixels) out["max_pixels"] = s.max_pixels;
    return out;
}

}  // namespace

std::string to_json(const Step& step) {
    return step_object(step).dump();
}

std::string to_json(const std::vector<Step>& steps) {
    json out = json::array();
    for (const auto& s : steps) out.push_back(step_object(s));
    return out.dump();
}

}  // namespace canvass::interview
