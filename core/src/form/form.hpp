// The form model: a questionnaire as loaded and checked by form/loader.hpp.
//
// A Form is immutable and self-consistent: every name is unique, every reference and
// choice list exists, every expression is compiled. Rows are stored flat in document
// order (a parent before its children), so a RowId is also the row's order in the form;
// the tree is given by Row::parent and Row::children. The store, the exporter and the
// interviewer all read forms through this header.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "form/expression.hpp"

namespace canvass::form {

// Index of a row in Form::rows(): also its position in document order.
using RowId = std::size_t;

enum class RowType : std::uint8_t {
    text,
    integer,
    decimal,
    select_one,
    select_multiple,
    date,
    time,
    datetime,
    geopoint,
    note,
    acknowledge,
    calculate,
    group,
    repeat,
    // Metadata: filled in by the interview, never asked (docs/forms.md "metadata").
    start,
    end,
    today,
    deviceid,
    username,
    phonenumber,
    email,
    start_geopoint,
    range,
    rank,
    geotrace,
    geoshape,
    barcode,
    // Media: the answer references an attachment held beside the record (docs/media.md).
    image,
    audio,
    video,
    file,
    // XLSForm's hidden: a text value kept with the record and never shown (its default, its
    // calculation, or what the app puts there).
    hidden,
};

// "select_one", "group", … (the type's word in a form, without the list name).
std::string_view type_name(RowType t);
std::optional<RowType> type_from_name(std::string_view word);
// True for rows whose answer an interviewer gives: every type but note, calculate, group,
// repeat and the metadata types.
bool is_question(RowType t);
// The metadata types (start, end, today, deviceid, username, phonenumber, email,
// start-geopoint): their values are set by the interview engine at a fixed moment and are
// saved and exported like answers.
bool is_metadata(RowType t);
// The types answered from a choice list: select_one, select_multiple and rank.
bool uses_choices(RowType t);
// The media types (image, audio, video, file): the answer is an attachment reference
// (form/attachment_ref.hpp), the file's bytes are kept apart from the answers.
bool is_media(RowType t);
// The types answered by a place: geopoint and start-geopoint ("lat lon [alt [acc]]").
bool is_geopoint(RowType t);

// Text in every language of the form, keyed by language code.
using Label = std::map<std::string, std::string>;

// `lang`'s text, else the default language's, else "" (a form checked by the loader has
// every language, so the fallbacks matter only for a language the form does not have).
std::string text_in(const Label& label, const std::string& lang, const std::string& default_lang);

struct Settings {
    std::string form_id;
    std::string version;
    Label title;
    std::string default_language;
    std::vector<std::string> languages;  // never empty; holds default_language
    // XLSForm's instance_name: an expression over the record's answers giving its display
    // name (form/validate.hpp record_name()); absent when the form has none.
    std::optional<Expression> instance_name;
    // XLSForm's allow_choice_duplicates: a choice list may hold the same name twice.
    bool allow_choice_duplicates = false;
};

struct Choice {
    std::string name;
    Label label;
    std::map<std::string, std::string> columns;  // extra columns, for choice_filter
};

struct ChoiceList {
    std::string name;
    std::vector<Choice> choices;  // in form order
    // The attached file it is read from (`select_one_from_file villages.csv`, named by the
    // file), "" for a list of the form's choices.
    std::string file;
    const Choice* find(std::string_view choice_name) const;
};

struct Row {
    RowId id = 0;  // index in Form::rows(), i.e. order in the form
    RowType type = RowType::text;
    std::string name;
    std::string list_name;    // select_one, select_multiple and rank only
    std::string source_path;  // where it is in the form file: `survey[3].children[1]`

    Label label, hint, constraint_message, required_message;
    std::string appearance;
    bool read_only = false;
    // range rows: XLSForm's parameters start, end and step (pyxform's defaults 1, 10, 1).
    double range_start = 1, range_end = 10, range_step = 1;
    // image rows: XLSForm's max-pixels parameter, the longest side an app scales a photo
    // down to before keeping it; 0 for none. Kept for apps: a terminal copies files as given.
    std::uint32_t max_pixels = 0;
    nlohmann::json default_value;  // null when absent; else a valid answer of this type

    // Compiled expressions, absent when the column is. `required: true` is the constant
    // expression true(); `required: false` is absent.
    std::optional<Expression> required, relevant, constraint, calculation, choice_filter,
        repeat_count;

    // The calculation uses once(): its value, once set, is kept with the answers instead of
    // being recomputed (docs/forms.md "once()").
    bool calculated_once = false;
    // `select_one L or_other`: the list has an "other" choice and the row NAME_other after
    // this one asks to specify it, as pyxform writes them.
    bool or_other = false;
    // XLSForm's trigger column: the fields whose change sets this row's value to its
    // calculation (or clears it when there is none), as ODK Collect does.
    std::vector<std::string> triggers;
    // A default written as an expression (`${other}`, `today()`): evaluated when the
    // question is reached without an answer; default_value stays null then.
    std::optional<Expression> default_expression;

    // A calculate whose value is kept with the answers, not recomputed at every change: one
    // using once(), one set only by its trigger, or one with only a default (its first value).
    bool kept_calculation() const {
        return type == RowType::calculate && (calculated_once || !triggers.empty() || !calculation);
    }

    std::optional<RowId> parent;  // the enclosing group or repeat
    std::vector<RowId> children;  // groups and repeats
    std::vector<RowId> repeats;   // enclosing repeats, outermost first (not the row itself)
};

class Form {
  public:
    const Settings& settings() const { return settings_; }
    const std::vector<std::string>& languages() const { return settings_.languages; }

    // Every row in document order; rows()[id].id == id.
    const std::vector<Row>& rows() const { return rows_; }
    const Row& row(RowId id) const { return rows_.at(id); }
    // The rows of the survey array itself (no parent), in order.
    const std::vector<RowId>& top_rows() const { return top_; }
    // The row named `name` anywhere in the form, or nullptr. A name that questions at
    // several levels share (the top level and a repeat) gives the first in form order.
    const Row* find(std::string_view name) const;
    // Whether a default reads ${last-saved#name}: an interview then needs the answers of
    // the record saved last (SessionOptions::last_saved_json).
    bool reads_last_saved() const;
    // The row named `name` answered in the instances of `repeat` (the top level when
    // nullopt), through any groups, or nullptr. Names are unique at each level.
    const Row* find_at(std::string_view name, std::optional<RowId> repeat) const;

    // The choice list `name`, or nullptr.
    const ChoiceList* choices(std::string_view name) const;
    const std::map<std::string, ChoiceList, std::less<>>& choice_lists() const { return lists_; }
    // instance('id') of expressions: the choice list `id`, or the attached file whose stem
    // is `id` (`villages` for villages.csv); nullptr when there is none.
    const DataInstance* instance(std::string_view id) const;

    // The calculate rows ordered so that each comes after every calculate it references.
    const std::vector<RowId>& calculation_order() const { return calc_order_; }

    // Rows answered in the same JSON object as the instances of `repeat` (or the top
    // level when nullopt): questions, notes and calculates whose innermost enclosing
    // repeat it is, plus the repeats nested directly in it, through any groups.
    std::vector<RowId> rows_answered_at(std::optional<RowId> repeat) const;

    // Number of questions an interviewer is asked: rows for which is_question() holds, hidden
    // rows excepted (they take a value but are never shown).
    std::size_t question_count() const;

  private:
    friend class FormBuilder;
    Settings settings_;
    std::vector<Row> rows_;
    std::vector<RowId> top_;
    std::map<std::string, RowId, std::less<>> by_name_;
    std::map<std::pair<RowId, std::string>, RowId, std::less<>>
        by_level_;  // (repeat + 1 or 0, name)
    std::map<std::string, ChoiceList, std::less<>> lists_;
    std::map<std::string, DataInstance, std::less<>> instances_;
    std::vector<RowId> calc_order_;
};

// Assembles a Form; used by the loader once every check has passed. Callers outside the
// loader normally never need it.
class FormBuilder {
  public:
    Settings& settings() { return form_.settings_; }
    std::vector<Row>& rows() { return form_.rows_; }
    std::map<std::string, ChoiceList, std::less<>>& choice_lists() { return form_.lists_; }
    std::map<std::string, DataInstance, std::less<>>& instances() { return form_.instances_; }
    void set_calculation_order(std::vector<RowId> order) { form_.calc_order_ = std::move(order); }
    // Indexes names and top rows. Precondition: rows are in document order with ids set.
    Form build() &&;

  private:
    Form form_;
};

}  // namespace canvass::form
