// An export of any form: a collector's records of one form, shipped to the coordinator's
// device, exported with the coordinator key and extra options. The tests of the export's
// options and of the Stata/SPSS files build on it.
#pragma once

#include "export_test_support.hpp"
#include "merge/ids.hpp"

namespace canvass::cli::export_test {

class FormExport {
  public:
    canvass::testing::TempDir dir;
    Coordinator coord = Coordinator::create(dir);
    std::string form_id;
    std::string coordinator_home = dir / "coordinator";
    std::string out = dir / "out";
    std::vector<merge::RecordId> ids;

    // Saves `answers` as finalized records of `form_text` on a collector and ships them to
    // the coordinator's device.
    void load(const std::string& form_text, const std::vector<json>& answers) {
        form_id = json::parse(form_text).at("settings").at("form_id");
        auto collector =
            make_store(dir / "collector", {form_text}, {coord.public_key}, "collector");
        auto imported = collector.import_records(form_id, answers, true);
        ASSERT_TRUE(imported) << imported.error().message;
        ids = *imported;
        auto c = make_store(coordinator_home, {form_text}, {coord.public_key}, "coordinator");
        ship(collector, c);
    }

    // `canvass export` of the form into `out`, with `extra` options after the usual ones.
    Outcome run(const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args{"--home",
                                      coordinator_home,
                                      "--passphrase-file",
                                      coord.passphrase_file,
                                      "export",
                                      "--key",
                                      coord.key_file,
                                      "--form",
                                      form_id,
                                      "--out",
                                      out};
        args.insert(args.end(), extra.begin(), extra.end());
        return canvass(args);
    }

    std::string key_of(std::size_t i) const { return "uuid:" + merge::format_uuid(ids[i]); }
    CsvTable table(const std::string& name) const { return CsvTable::read(out + "/" + name); }
};

}  // namespace canvass::cli::export_test
