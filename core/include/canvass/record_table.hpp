// One form's records as a coordinator reads them in a table (the desk's submissions page,
// docs/desk.md): decrypted once by a Coordinator, held in memory only, laid out in the
// columns of the export's main table, then filtered, searched, sorted and paged without
// going back to the store, so 100,000 records stay fast. Deleted records are left out.
//
//   auto table = canvass::RecordTable::load(coordinator, "household");
//   canvass::TableQuery q;
//   q.field = "sex"; q.value = "f"; q.sort = "age";
//   for (auto i : table->query(q).rows) show(table->rows()[i]);
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "canvass/form_view.hpp"
#include "canvass/result.hpp"

namespace canvass {

class Coordinator;

// A place (a geopoint answer's latitude and longitude, in degrees).
struct TablePoint {
    double latitude = 0;
    double longitude = 0;
};

struct TableRow {
    std::string id;                 // the record id, 36 characters
    std::string device;             // the device that created it, 32 hex digits
    std::int64_t submitted_ms = 0;  // when it was first saved, ms since 1970 (UTC)
    std::string submitted;          // the same as ISO 8601 text ("2026-12-01T09:30:00.000Z")
    std::string review;             // the coordinators' review by ODK Central's name
                                    // (approved, hasIssues, rejected), "" when none
    std::size_t open_conflicts = 0;
    std::vector<std::string> cells;   // per column: the answer as the export's CSV cell, ""
                                      // when unanswered
    std::optional<TablePoint> point;  // the record's first geopoint column, when it holds a
                                      // place on the globe
};

// What a page of the table asks for.
struct TableQuery {
    std::string search;              // text in any cell, case-insensitive (ASCII letters)
    std::string field;               // a column's name, or "" for no filter
    std::string value;               // with `field`: cells equal to it, or holding it as a
                                     // word (a select_multiple's choice)
    std::string sort = "submitted";  // a column's name, "submitted", "device", "review" or
                                     // "conflicts"; ties by submission time, then id
    bool descending = true;
    std::size_t page = 1;  // from 1; past the last page gives the last
    std::size_t per_page = 50;
};

struct TablePage {
    std::vector<std::size_t> rows;  // positions in RecordTable::rows(), in display order
    std::size_t matched = 0;        // rows the search and filter keep, on every page
    std::size_t pages = 1;
};

class RecordTable {
  public:
    // Every record of `form_id` (its newest version's questions as columns) decrypted with
    // the coordinator's key. Error{form, not_found} when the form is not installed; the
    // errors of Coordinator::records otherwise (a key that is not the project's).
    static Result<RecordTable> load(Coordinator& coordinator, std::string_view form_id);
    // Record `id` decrypted again into the table (after a settlement or a review), added
    // when it is new, taken out when it is now deleted.
    Result<void> reload(Coordinator& coordinator, std::string_view id);

    const FormView& form() const { return form_; }
    // The main table's questions in form order (FormQuestion::main_table).
    const std::vector<FormQuestion>& columns() const { return columns_; }
    // Creation order.
    const std::vector<TableRow>& rows() const { return rows_; }
    const TableRow* find(std::string_view id) const;
    // Changesets of this form that did not decrypt with the key (Coordinator::records'
    // "unreadable"): their answers are missing from the rows.
    std::size_t unreadable() const { return unreadable_; }

    TablePage query(const TableQuery& query) const;
    // Records per creating device (32 hex digits), and per day (UTC, "2026-12-01") of
    // their first save.
    std::map<std::string, std::size_t> count_by_device() const;
    std::map<std::string, std::size_t> count_by_day() const;

  private:
    explicit RecordTable(FormView form);
    friend struct RecordTableAccess;  // core/src/device/record_table_build.hpp
    void put(TableRow row);           // indexes one row, replacing one with its id

    FormView form_;
    std::vector<FormQuestion> columns_;
    std::optional<std::size_t> point_column_;
    std::vector<TableRow> rows_;
    std::vector<std::string> haystack_;  // per row: every cell, lower case, for search
    std::map<std::string, std::size_t, std::less<>> index_;
    std::size_t unreadable_ = 0;
};

}  // namespace canvass
