#include "desk/submissions.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "export/cells.hpp"
#include "export/tables.hpp"
#include "merge/hlc.hpp"
#include "util/utc_text.hpp"

namespace canvass::cli::desk {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string> cells_of(const FormRecords& t, const coordinator::Record& r) {
    std::vector<std::string> out;
    out.reserve(t.columns.size());
    for (const auto& c : t.columns) {
        auto it = r.answers.is_object() ? r.answers.find(c.name) : r.answers.end();
        out.push_back(it == r.answers.end() || it->is_null() ? std::string()
                                                             : exporting::cell_text(*it));
    }
    return out;
}

void index_one(FormRecords& t, std::size_t i) {
    auto cells = cells_of(t, t.records[i]);
    std::string hay;
    for (const auto& c : cells) hay += lower(c) + "\n";
    if (i < t.cells.size()) {
        t.cells[i] = std::move(cells);
        t.haystack[i] = std::move(hay);
    } else {
        t.cells.push_back(std::move(cells));
        t.haystack.push_back(std::move(hay));
    }
    t.index[t.records[i].view.id] = i;
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

}  // namespace

const coordinator::Record* FormRecords::find(const merge::RecordId& id) const {
    auto it = index.find(id);
    return it == index.end() ? nullptr : &records[it->second];
}

std::size_t open_conflicts(const coordinator::Record& record) {
    return static_cast<std::size_t>(
        std::count_if(record.conflicts.begin(), record.conflicts.end(),
                      [](const coordinator::Conflict& c) { return !c.resolved; }));
}

std::string review_name(const coordinator::Record& record) {
    auto review = coordinator::review_of(record.view);
    return review ? std::string(coordinator::central_name(review->state)) : std::string();
}

FormRecords index_records(std::shared_ptr<const form::Form> form, coordinator::Dataset dataset) {
    FormRecords t;
    t.form = std::move(form);
    t.report = dataset.report;
    for (auto& r : dataset.records)
        if (!r.view.deleted()) t.records.push_back(std::move(r));
    auto layouts = exporting::table_layouts(*t.form);
    for (auto id : layouts.front().fields) t.columns.push_back(Column{id, t.form->row(id).name});
    for (std::size_t i = 0; i < t.records.size(); ++i) index_one(t, i);
    return t;
}

void replace_record(FormRecords& t, coordinator::Record record) {
    auto it = t.index.find(record.view.id);
    if (it == t.index.end()) {
        t.records.push_back(std::move(record));
        index_one(t, t.records.size() - 1);
        return;
    }
    t.records[it->second] = std::move(record);
    index_one(t, it->second);
}

TablePage query_table(const FormRecords& t, const TableQuery& q) {
    std::optional<std::size_t> filter_column;
    std::optional<std::size_t> sort_column;
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
        if (t.columns[c].name == q.field) filter_column = c;
        if (t.columns[c].name == q.sort) sort_column = c;
    }
    const std::string needle = lower(q.search);
    TablePage page;
    std::vector<std::size_t> rows;
    rows.reserve(t.records.size());
    for (std::size_t i = 0; i < t.records.size(); ++i) {
        if (!needle.empty() && t.haystack[i].find(needle) == std::string::npos) continue;
        if (filter_column && !holds_word(t.cells[i][*filter_column], q.value)) continue;
        rows.push_back(i);
    }
    page.matched = rows.size();
    auto less = [&](std::size_t a, std::size_t b) {
        int c = 0;
        const auto& ra = t.records[a];
        const auto& rb = t.records[b];
        if (sort_column) {
            c = compare_cells(t.cells[a][*sort_column], t.cells[b][*sort_column]);
        } else if (q.sort == "device") {
            c = ra.creator < rb.creator ? -1 : (rb.creator < ra.creator ? 1 : 0);
        } else if (q.sort == "review") {
            c = review_name(ra).compare(review_name(rb));
        } else if (q.sort == "conflicts") {
            auto ca = open_conflicts(ra), cb = open_conflicts(rb);
            c = ca < cb ? -1 : (cb < ca ? 1 : 0);
        }
        if (c == 0) {  // then by submission time, so every page has one order
            auto ta = ra.view.meta.created, tb = rb.view.meta.created;
            c = ta < tb ? -1 : (tb < ta ? 1 : (ra.view.id < rb.view.id ? -1 : 1));
            if (a == b) c = 0;
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

std::map<merge::DeviceId, std::size_t> count_by_device(const FormRecords& t) {
    std::map<merge::DeviceId, std::size_t> out;
    for (const auto& r : t.records) ++out[r.creator];
    return out;
}

std::map<std::string, std::size_t> count_by_day(const FormRecords& t) {
    std::map<std::string, std::size_t> out;
    for (const auto& r : t.records)
        ++out[util::utc_text(merge::hlc_ms(r.view.meta.created)).substr(0, 10)];
    return out;
}

}  // namespace canvass::cli::desk
