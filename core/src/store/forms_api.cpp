// canvass::check_answers (canvass/forms.hpp): the checks every save makes, on answers and a
// form given as text, with the files they name read as an attachment would be.
#include "canvass/forms.hpp"

#include <algorithm>

#include "form/json_text.hpp"
#include "form/loader.hpp"
#include "form/validate.hpp"
#include "store/answer_files.hpp"

namespace canvass {

Result<std::vector<AnswerProblem>> check_answers(std::string_view form_json,
                                                 std::string_view answers_json,
                                                 const AnswersCheck& how) {
    auto loaded = form::load_form(form_json);
    if (!loaded) return unexpected(loaded.to_error());
    const form::Form& f = loaded.value();
    const auto& langs = f.languages();
    if (!how.language.empty() &&
        std::find(langs.begin(), langs.end(), how.language) == langs.end()) {
        std::string written;
        for (const auto& l : langs) written += (written.empty() ? "" : ", ") + l;
        return unexpected(Domain::form, errc::invalid_argument,
                          "form " + f.settings().form_id + " has no language " + how.language +
                              " (it is written in " + written + ")");
    }
    CANVASS_TRY(auto answers, form::parse_json(answers_json));
    auto problems = store::resolve_files(f, answers, how.files_dir, store::describe_file);
    if (problems.empty()) {
        form::ValidateOptions options{
            how.language, how.final ? form::Mode::final : form::Mode::draft, {}};
        problems = form::validate_answers(f, answers, options).violations;
    }
    std::vector<AnswerProblem> out;
    for (auto& p : problems) out.push_back({std::move(p.path), std::move(p.message)});
    return out;
}

}  // namespace canvass
