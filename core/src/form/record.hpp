// One record's answers seen through a form: looking up ${fields} across repeat instances,
// deciding relevance, computing calculations. The validator is built on it; so can an
// interviewing app that keeps its answers in the same JSON shape.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "form/expression.hpp"
#include "form/form.hpp"

namespace canvass::form {

// Which instance of each enclosing repeat, outermost first (0-based indices).
struct InstanceStep {
    RowId repeat = 0;
    std::size_t index = 0;
    bool operator==(const InstanceStep&) const = default;
};
using InstancePath = std::vector<InstanceStep>;

class Record {
  public:
    // `answers`: an answers object in the shape of DESIGN.md section 8, already cleaned
    // of empty values (validate.cpp does that). Calculations are not computed until
    // compute_calculations(). The form must outlive the Record.
    Record(const Form& form, nlohmann::json answers, Clock clock);

    // Computes every calculate in every instance, in Form::calculation_order(). A
    // calculate that is not relevant is left empty; since relevance may depend on
    // calculations, this repeats until relevance stops changing (at most 4 rounds).
    void compute_calculations();

    // Whether `row` is relevant in the instance `at` (which may be longer than the row's
    // repeat depth: the extra steps are ignored): its own relevant and every enclosing
    // group's and repeat's. Remembered until the answers change.
    bool relevant(RowId row, const InstancePath& at);

    // Evaluates `e`, written on `row`, in instance `at`; `current` is `.` (a constraint's
    // answer, or nullptr), `choice` the choice a choice_filter is tested on.
    Value evaluate(const Expression& e, RowId row, const InstancePath& at,
                   const nlohmann::json* current = nullptr, const Choice* choice = nullptr) const;

    // The answers object of instance `at` (the record itself when empty), or nullptr when
    // the answers have no such instance.
    const nlohmann::json* instance(const InstancePath& at) const;

    const nlohmann::json& answers() const { return answers_; }
    const Form& form() const { return form_; }
    nlohmann::json take_answers() && { return std::move(answers_); }

    // ${name} seen from instance `at`: a string, or a list when it spans instances. `picks`
    // fixes the instance (0-based) of some enclosing repeats of `target`, as
    // indexed-repeat() does; an index past the instances gives "".
    Value field_value(const Row& target, const InstancePath& at,
                      const std::map<RowId, std::size_t>* picks = nullptr) const;

    // random() and uuid() draw from `random` (none: they give NaN and ""); jr:choice-name()
    // gives labels in `language` (default: the form's default language).
    void set_random(RandomBits random) { random_ = std::move(random); }
    void set_language(std::string language) { language_ = std::move(language); }
    const RandomBits& random() const { return random_; }
    const std::string& language() const { return language_; }
    // The answers of the last record of this form saved before this one, which
    // ${last-saved#name} reads (none: it gives ""). Shared, since every Record a session
    // makes reads the same one.
    void set_last_saved(std::shared_ptr<const nlohmann::json> answers) {
        last_saved_ = std::move(answers);
    }
    const nlohmann::json* last_saved() const { return last_saved_.get(); }

  private:
    using Key = std::pair<RowId, std::vector<std::size_t>>;
    static Key key_of(const Row& row, const InstancePath& at);
    std::set<Key> compute_round(const std::set<Key>& off);

    const Form& form_;
    nlohmann::json answers_;
    Clock clock_;
    RandomBits random_;
    std::string language_;
    std::shared_ptr<const nlohmann::json> last_saved_;
    std::map<Key, bool> relevance_;
};

}  // namespace canvass::form
