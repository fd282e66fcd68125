#include "form/form.hpp"

#include <algorithm>

namespace canvass::form {
namespace {

struct TypeName {
    RowType type;
    std::string_view name;
};

constexpr TypeName type_names[] = {
    {RowType::text, "text"},
    {RowType::integer, "integer"},
    {RowType::decimal, "decimal"},
    {RowType::select_one, "select_one"},
    {RowType::select_multiple, "select_multiple"},
    {RowType::date, "date"},
    {RowType::time, "time"},
    {RowType::datetime, "datetime"},
    {RowType::geopoint, "geopoint"},
    {RowType::note, "note"},
    {RowType::acknowledge, "acknowledge"},
    {RowType::calculate, "calculate"},
    {RowType::group, "group"},
    {RowType::repeat, "repeat"},
    {RowType::start, "start"},
    {RowType::end, "end"},
    {RowType::today, "today"},
    {RowType::deviceid, "deviceid"},
    {RowType::username, "username"},
    {RowType::phonenumber, "phonenumber"},
    {RowType::email, "email"},
    {RowType::start_geopoint, "start-geopoint"},
    {RowType::range, "range"},
    {RowType::rank, "rank"},
    {RowType::geotrace, "geotrace"},
    {RowType::geoshape, "geoshape"},
    {RowType::barcode, "barcode"},
    {RowType::hidden, "hidden"},
    {RowType::image, "image"},
    {RowType::audio, "audio"},
    {RowType::video, "video"},
    {RowType::file, "file"},
};

}  // namespace

std::string_view type_name(RowType t) {
    for (const auto& tn : type_names)
        if (tn.type == t) return tn.name;
    return "";
}

std::optional<RowType> type_from_name(std::string_view word) {
    for (const auto& tn : type_names)
        if (tn.name == word) return tn.type;
    return std::nullopt;
}

bool is_question(RowType t) {
    return t != RowType::note && t != RowType::calculate && t != RowType::group &&
           t != RowType::repeat && !is_metadata(t);
}

bool uses_choices(RowType t) {
    return t == RowType::select_one || t == RowType::select_multiple || t == RowType::rank;
}

bool is_media(RowType t) {
    return t == RowType::image || t == RowType::audio || t == RowType::video || t == RowType::file;
}

bool is_geopoint(RowType t) {
    return t == RowType::geopoint || t == RowType::start_geopoint;
}

bool is_metadata(RowType t) {
    switch (t) {
        case RowType::start:
        case RowType::end:
        case RowType::today:
        case RowType::deviceid:
        case RowType::username:
        case RowType::phonenumber:
        case RowType::email:
        case RowType::start_geopoint:
            return true;
        default:
            return false;
    }
}

std::string text_in(const Label& label, const std::string& lang, const std::string& default_lang) {
    if (auto it = label.find(lang); it != label.end()) return it->second;
    if (auto it = label.find(default_lang); it != label.end()) return it->second;
    return {};
}

const Choice* ChoiceList::find(std::string_view choice_name) const {
    for (const auto& c : choices)
        if (c.name == choice_name) return &c;
    return nullptr;
}

bool Form::reads_last_saved() const {
    return std::any_of(rows_.begin(), rows_.end(), [](const Row& r) {
        return r.default_expression && r.default_expression->reads_last_saved();
    });
}

const Row* Form::find(std::string_view name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : &rows_[it->second];
}

const Row* Form::find_at(std::string_view name, std::optional<RowId> repeat) const {
    auto it = by_level_.find(std::make_pair(repeat ? *repeat + 1 : 0, std::string(name)));
    if (it != by_level_.end()) return &rows_[it->second];
    return find(name);  // answered elsewhere: the caller reports where it belongs
}

const ChoiceList* Form::choices(std::string_view name) const {
    auto it = lists_.find(name);
    return it == lists_.end() ? nullptr : &it->second;
}

const DataInstance* Form::instance(std::string_view id) const {
    auto it = instances_.find(id);
    return it == instances_.end() ? nullptr : &it->second;
}

std::vector<RowId> Form::rows_answered_at(std::optional<RowId> repeat) const {
    std::vector<RowId> out;
    for (const auto& r : rows_) {
        if (r.type == RowType::group) continue;
        std::optional<RowId> innermost;
        if (!r.repeats.empty()) innermost = r.repeats.back();
        if (innermost == repeat) out.push_back(r.id);
    }
    return out;
}

std::size_t Form::question_count() const {
    std::size_t n = 0;
    for (const auto& r : rows_)
        if (is_question(r.type) && r.type != RowType::hidden) ++n;
    return n;
}

Form FormBuilder::build() && {
    for (const auto& r : form_.rows_) {
        form_.by_name_.emplace(r.name, r.id);
        RowId level = r.repeats.empty() ? 0 : r.repeats.back() + 1;
        form_.by_level_.emplace(std::make_pair(level, r.name), r.id);
        if (!r.parent) form_.top_.push_back(r.id);
    }
    return std::move(form_);
}

}  // namespace canvass::form
