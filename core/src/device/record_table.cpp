// canvass::RecordTable (canvass/record_table.hpp): a form's records decrypted once and laid
// out for the coordinator's tables, queried in memory.
#include "canvass/record_table.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "canvass/coordinator.hpp"
#include "coordinator/review.hpp"
#include "coordinator/source.hpp"
#include "coordinator/view_json.hpp"
#include "crypto/hash.hpp"
#include "device/access.hpp"
#include "device/record_table_build.hpp"
#include "merge/hlc.hpp"

namespace canvass {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool holds_word(const std::string& cell, const std::string& value) {
    if (cell == value) return true;
    // select_multiple cells are names joined by spaces
    std::size_t at = 0;
    while ((at = cell.find(value, at)) != std::string::npos) {
        bool start = at == 0 || cell[at - 1] == ' ';
        bool end = at + value.size() == cell.size() || cell[at + value.size()] == ' ';
        if (start && end) return true;
        ++at;
    }
    return false;
}

// A cell that is a whole finite number ("35", "-0.5"), as a number.
std::optional<double> number_in(const std::string& cell) {
    char* end = nullptr;
    double d = std::strtod(cell.c_str(), &end);
    if (end == cell.c_str() || *end != '\0' || !std::isfinite(d)) return std::nullopt;
    return d;
}

// One total order, so the sort is well defined on any mix: empty cells last, numbers (by
// value) before text, text by its bytes.
int compare_cells(const std::string& a, const std::string& b) {
    if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? 1 : -1);
    auto na = number_in(a);
    auto nb = number_in(b);
    if (na && nb) return *na < *nb ? -1 : (*nb < *na ? 1 : 0);
    if (na || nb) return na ? -1 : 1;
    int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int compare(const std::string& a, const std::string& b) {
    int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// A geopoint answer's place, when it is one on the globe.
std::optional<TablePoint> point_of(const nlohmann::json& value) {
    if (!value.is_object()) return std::nullopt;
    auto lat = value.find("lat"), lon = value.find("lon");
    if (lat == value.end() || lon == value.end() || !lat->is_number() || !lon->is_number())
        return std::nullopt;
    TablePoint p{lat->get<double>(), lon->get<double>()};
    if (!std::isfinite(p.latitude) || !std::isfinite(p.longitude) || std::abs(p.latitude) > 90 ||
        std::abs(p.longitude) > 180)
        return std::nullopt;
    return p;
}

}  // namespace

RecordTable::RecordTable(FormView form) : form_(std::move(form)) {
    for (const auto& q : form_.questions()) {
        if (!q.main_table) continue;
        if (!point_column_ && q.type == "geopoint") point_column_ = columns_.size();
        columns_.push_back(q);
    }
}

TableRow RecordTableAccess::row_of(const RecordTable& t, const coordinator::Record& r) {
    TableRow row;
    row.id = merge::format_uuid(r.view.id);
    row.device = crypto::to_hex(r.creator);
    row.submitted_ms = static_cast<std::int64_t>(merge::hlc_ms(r.view.meta.created));
    row.submitted = coordinator::iso_time(r.view.meta.created);
    auto review = coordinator::review_of(r.view);
    if (review) row.review = std::string(coordinator::central_name(review->state));
    row.open_conflicts = static_cast<std::size_t>(
        std::count_if(r.conflicts.begin(), r.conflicts.end(),
                      [](const coordinator::Conflict& c) { return !c.resolved; }));
    row.cells.reserve(t.columns_.size());
    for (std::size_t c = 0; c < t.columns_.size(); ++c) {
        const auto& name = t.columns_[c].name;
        auto it = r.answers.is_object() ? r.answers.find(name) : r.answers.end();
        bool answered = it != r.answers.end() && !it->is_null();
        row.cells.push_back(answered ? form::cell_text(*it) : std::string());
        if (answered && t.point_column_ == c) row.point = point_of(*it);
    }
    return row;
}

RecordTable RecordTableAccess::build(std::shared_ptr<const form::Form> form,
                                     coordinator::Dataset dataset) {
    RecordTable t{FormView(std::move(form))};
    t.unreadable_ = dataset.report.unreadable();
    for (const auto& r : dataset.records)
        if (!r.view.deleted()) t.put(row_of(t, r));
    return t;
}

Result<RecordTable> RecordTable::load(Coordinator& coordinator, std::string_view form_id) {
    auto& store = coordinator_store(coordinator);
    CANVASS_TRY(auto form, store.form(form_id));
    coordinator::DeviceStoreSource source(store);
    CANVASS_TRY(auto dataset,
                coordinator::load_dataset(source, coordinator_key(coordinator), form_id));
    return RecordTableAccess::build(std::move(form), std::move(dataset));
}

Result<void> RecordTable::reload(Coordinator& coordinator, std::string_view id) {
    CANVASS_TRY(auto rid, record_id_of(id));
    coordinator::DeviceStoreSource source(coordinator_store(coordinator));
    CANVASS_TRY(auto record, coordinator::load_record(source, coordinator_key(coordinator), rid,
                                                      coordinator::Keep{}));
    if (record.view.meta.form_id != form_.form_id())
        return unexpected(Domain::core, errc::invalid_argument,
                          "record " + std::string(id) + " is of form " + record.view.meta.form_id +
                              ", not " + form_.form_id());
    if (record.view.deleted()) {
        auto it = index_.find(merge::format_uuid(rid));
        if (it == index_.end()) return {};
        const std::size_t at = it->second;
        rows_.erase(rows_.begin() + static_cast<std::ptrdiff_t>(at));
        haystack_.erase(haystack_.begin() + static_cast<std::ptrdiff_t>(at));
        index_.erase(it);
        for (auto& [key, position] : index_)
            if (position > at) --position;
        return {};
    }
    put(RecordTableAccess::row_of(*this, record));
    return {};
}

void RecordTable::put(TableRow row) {
    std::string hay;
    for (const auto& c : row.cells) hay += lower(c) + "\n";
    auto it = index_.find(row.id);
    if (it != index_.end()) {
        rows_[it->second] = std::move(row);
        haystack_[it->second] = std::move(hay);
        return;
    }
    index_.emplace(row.id, rows_.size());
    rows_.push_back(std::move(row));
    haystack_.push_back(std::move(hay));
}

const TableRow* RecordTable::find(std::string_view id) const {
    auto it = index_.find(id);
    return it == index_.end() ? nullptr : &rows_[it->second];
}

TablePage RecordTable::query(const TableQuery& q) const {
    std::optional<std::size_t> filter_column;
    std::optional<std::size_t> sort_column;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
        if (columns_[c].name == q.field) filter_column = c;
        if (columns_[c].name == q.sort) sort_column = c;
    }
    const std::string needle = lower(q.search);
    TablePage page;
    std::vector<std::size_t> rows;
    rows.reserve(rows_.size());
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        if (!needle.empty() && haystack_[i].find(needle) == std::string::npos) continue;
        if (filter_column && !holds_word(rows_[i].cells[*filter_column], q.value)) continue;
        rows.push_back(i);
    }
    page.matched = rows.size();
    auto less = [&](std::size_t a, std::size_t b) {
        int c = 0;
        const auto& ra = rows_[a];
        const auto& rb = rows_[b];
        if (sort_column) {
            c = compare_cells(ra.cells[*sort_column], rb.cells[*sort_column]);
        } else if (q.sort == "device") {
            c = compare(ra.device, rb.device);
        } else if (q.sort == "review") {
            c = compare(ra.review, rb.review);
        } else if (q.sort == "conflicts") {
            c = ra.open_conflicts < rb.open_conflicts ? -1
                                                      : (rb.open_conflicts < ra.open_conflicts);
        }
        if (c == 0) {  // then by submission time, so every page has one order
            c = ra.submitted_ms < rb.submitted_ms ? -1 : (rb.submitted_ms < ra.submitted_ms);
            if (c == 0) c = compare(ra.id, rb.id);
        }
        return q.descending ? c > 0 : c < 0;
    };
    const std::size_t per = std::max<std::size_t>(q.per_page, 1);
    page.pages = std::max<std::size_t>(1, (rows.size() + per - 1) / per);
    const std::size_t number = std::clamp<std::size_t>(q.page, 1, page.pages);
    const std::size_t first = (number - 1) * per;
    const std::size_t last = std::min(rows.size(), first + per);
    // Only the page's rows need their final order: a partial sort up to its end.
    std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(last), rows.end(),
                      less);
    page.rows.assign(rows.begin() + static_cast<std::ptrdiff_t>(first),
                     rows.begin() + static_cast<std::ptrdiff_t>(last));
    return page;
}

std::map<std::string, std::size_t> RecordTable::count_by_device() const {
    std::map<std::string, std::size_t> out;
    for (const auto& r : rows_) ++out[r.device];
    return out;
}

std::map<std::string, std::size_t> RecordTable::count_by_day() const {
    std::map<std::string, std::size_t> out;
    for (const auto& r : rows_) ++out[r.submitted.substr(0, 10)];
    return out;
}

}  // namespace canvass
