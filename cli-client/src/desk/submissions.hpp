// The records the desk shows, decrypted once when the desk starts (and again after a sync),
// held in memory only: nothing decrypted is written to disk. Per form: the coordinator
// view's records (coordinator/records.hpp), the main table's columns (the export's layout),
// each record's cells as text, and what the tables need to filter, search, sort and page on
// the server, so 100,000 records stay fast (bench/desk_table.cpp).
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "canvass/result.hpp"
#include "coordinator/records.hpp"
#include "coordinator/review.hpp"
#include "form/form.hpp"

namespace canvass::cli::desk {

struct Column {
    form::RowId row = 0;
    std::string name;  // the field name, as filters and sorts name it
};

struct FormRecords {
    std::shared_ptr<const form::Form> form;
    std::vector<coordinator::Record> records;  // creation order; deleted ones left out
    coordinator::DecryptionReport report;
    std::vector<Column> columns;                   // the main table's questions, form order
    std::vector<std::vector<std::string>> cells;   // per record, per column: the answer as text
    std::vector<std::string> haystack;             // per record: every cell, lower case, for search
    std::map<merge::RecordId, std::size_t> index;  // record id -> position

    const coordinator::Record* find(const merge::RecordId& id) const;
};

// What one table page asks for (the query string of /form).
struct TableQuery {
    std::string search;              // text in any cell, case-insensitive (ASCII)
    std::string field;               // a column name, or "" for no filter
    std::string value;               // with `field`: cells equal to it, or holding it as a word
    std::string sort = "submitted";  // a column name, "submitted", "device", "review", "conflicts"
    bool descending = true;
    std::size_t page = 1;  // from 1
    std::size_t per_page = 50;
};

struct TablePage {
    std::vector<std::size_t> rows;  // positions in FormRecords::records, in display order
    std::size_t matched = 0;
    std::size_t pages = 1;
};

// Lays out `records` (of `form`) for the tables.
FormRecords index_records(std::shared_ptr<const form::Form> form, coordinator::Dataset dataset);
// Replaces (or adds) one record, as after a settle or a review.
void replace_record(FormRecords& table, coordinator::Record record);

TablePage query_table(const FormRecords& table, const TableQuery& query);

// Counts by the creating device and by the day (UTC) a record was first saved.
std::map<merge::DeviceId, std::size_t> count_by_device(const FormRecords& table);
std::map<std::string, std::size_t> count_by_day(const FormRecords& table);  // "2026-12-01"

// The review state's name (ODK Central's) of a record, "" when none.
std::string review_name(const coordinator::Record& record);
std::size_t open_conflicts(const coordinator::Record& record);

}  // namespace canvass::cli::desk
