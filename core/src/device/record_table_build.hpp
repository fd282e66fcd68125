// A RecordTable (canvass/record_table.hpp) laid out from records already rebuilt, for the
// desk's tests and its bench, which make 100,000 records in memory without encrypting them.
#pragma once

#include <memory>

#include "canvass/record_table.hpp"
#include "coordinator/records.hpp"
#include "form/form.hpp"

namespace canvass {

struct RecordTableAccess {
    // The table of `dataset`'s records (deleted ones left out), columns from `form`.
    static RecordTable build(std::shared_ptr<const form::Form> form, coordinator::Dataset dataset);
    // One row of `record` for `table`'s columns.
    static TableRow row_of(const RecordTable& table, const coordinator::Record& record);
};

}  // namespace canvass
