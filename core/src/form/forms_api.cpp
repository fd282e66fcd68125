// canvass::check_form (canvass/forms.hpp): the loader's verdict on a JSON twin, in the
// public shape every face prints.
#include "canvass/forms.hpp"

#include "form/loader.hpp"
#include "form/problem.hpp"

namespace canvass {

CheckedForm check_form(std::string_view json_text) {
    CheckedForm out;
    out.json_text = std::string(json_text);
    auto loaded = form::load_form(json_text);
    if (!loaded) {
        for (const auto& p : loaded.error())
            out.problems.push_back({"", 0, "", p.path, p.message, form::describe(p)});
        return out;
    }
    const auto& s = loaded->settings();
    out.form = FormSummary{s.form_id, s.version, loaded->question_count(), s.languages};
    return out;
}

}  // namespace canvass
