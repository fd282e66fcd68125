#include "interview/labels.hpp"

#include <algorithm>

namespace canvass::interview {

std::string fill(const form::Form& form, const form::Label& label, const std::string& lang,
                 const form::InstancePath& at, const form::Record& record) {
    std::string in = form::text_in(label, lang, form.settings().default_language);
    std::string out;
    std::size_t pos = 0;
    while (pos < in.size()) {
        std::size_t open = in.find("${", pos);
        std::size_t close = open == std::string::npos ? open : in.find('}', open);
        if (close == std::string::npos) break;
        out.append(in, pos, open - pos);
        std::string name = in.substr(open + 2, close - open - 2);
        const form::Row* row = form.find(name);
        if (row && row->type != form::RowType::group)
            out += record.field_value(*row, at).as_string();
        else
            out.append(in, open, close + 1 - open);  // not a field: leave it as written
        pos = close + 1;
    }
    out.append(in, std::min(pos, in.size()), std::string::npos);
    return out;
}

std::vector<const form::Choice*> offered_choices(const form::Form& form, form::Record& record,
                                                 const form::Row& row,
                                                 const form::InstancePath& at) {
    std::vector<const form::Choice*> out;
    const form::ChoiceList* list = form.choices(row.list_name);
    if (!list) return out;
    for (const auto& choice : list->choices) {
        if (!row.choice_filter ||
            record.evaluate(*row.choice_filter, row.id, at, nullptr, &choice).as_boolean())
            out.push_back(&choice);
    }
    return out;
}

form::InstancePath up_to(const form::InstancePath& at, form::RowId repeat) {
    auto it = std::find_if(at.begin(), at.end(), [&](const auto& s) { return s.repeat == repeat; });
    return it == at.end() ? at : form::InstancePath(at.begin(), it + 1);
}

}  // namespace canvass::interview
