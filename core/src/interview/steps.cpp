#include "interview/steps.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "interview/answer_tree.hpp"

namespace canvass::interview {
namespace {

using form::RowType;

StepKey instance_pairs(const form::InstancePath& at) {
    StepKey key;
    for (const auto& step : at) key.emplace_back(step.repeat, step.index);
    return key;
}

void walk(const form::Form& form, form::Record& record, const std::vector<form::RowId>& rows,
          form::InstancePath& at, std::vector<Place>& out) {
    for (form::RowId id : rows) {
        const form::Row& row = form.row(id);
        if (!record.relevant(id, at)) continue;
        if (form::is_metadata(row.type)) continue;  // filled in by the session, never a step
        switch (row.type) {
            case RowType::group:
                walk(form, record, row.children, at, out);
                break;
            case RowType::repeat: {
                std::size_t n = instance_count(form, record.answers(), at, row);
                for (std::size_t i = 0; i < n; ++i) {
                    at.push_back({id, i});
                    walk(form, record, row.children, at, out);
                    at.pop_back();
                }
                // With repeat_count the number of instances is fixed: nothing to ask.
                if (!row.repeat_count) out.push_back({PlaceKind::add, id, at, n});
                break;
            }
            case RowType::calculate:
            case RowType::hidden:  // kept with the record, never shown
                break;
            case RowType::note:
                out.push_back({PlaceKind::display, id, at, 0});
                break;
            default:
                out.push_back(
                    {row.read_only ? PlaceKind::display : PlaceKind::question, id, at, 0});
        }
    }
}

}  // namespace

StepKey key_of(const Place& step) {
    StepKey key = instance_pairs(step.at);
    key.emplace_back(step.row, step.kind == PlaceKind::add ? step.instance : 0);
    return key;
}

StepKey key_after_repeat(const form::InstancePath& at, form::RowId repeat) {
    StepKey key = instance_pairs(at);
    key.emplace_back(repeat, std::numeric_limits<std::size_t>::max());
    return key;
}

std::vector<Place> list_places(const form::Form& form, form::Record& record) {
    std::vector<Place> out;
    form::InstancePath at;
    walk(form, record, form.top_rows(), at, out);
    return out;
}

std::size_t first_after(const std::vector<Place>& places, const StepKey& key, bool or_equal) {
    for (std::size_t i = 0; i < places.size(); ++i) {
        StepKey k = key_of(places[i]);
        if (k > key || (or_equal && k == key)) return i;
    }
    return places.size();
}

StepContext context_of(const form::Form& form, const Place& step) {
    StepContext out;
    std::optional<form::RowId> parent = form.row(step.row).parent;
    for (; parent; parent = form.row(*parent).parent) {
        const form::Row& container = form.row(*parent);
        std::size_t index = std::string::npos;
        if (container.type == RowType::repeat) {
            auto it =
                std::find_if(step.at.begin(), step.at.end(),
                             [&](const form::InstanceStep& s) { return s.repeat == container.id; });
            if (it != step.at.end()) index = it->index;
        }
        out.emplace_back(container.id, index);
    }
    std::reverse(out.begin(), out.end());
    return out;
}

}  // namespace canvass::interview
