// What the export tests share: a coordinator key made through the CLI, device stores made
// with the store API (a collector and the coordinator's own device, enrolled in a project
// whose recipient is that key), shipping one store's chain to another as a sync would,
// running canvass in-process, and an RFC 4180 CSV reader written for the tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "app.hpp"
#include "store/answer_files.hpp"
#include "crypto/hash.hpp"
#include "run_captured.hpp"
#include "store/device_store.hpp"
#include "temp_dir.hpp"

namespace canvass::cli::export_test {

using nlohmann::json;

inline const std::string kPassphrase = "tamarind seeds at dusk";

inline Outcome canvass(const std::vector<std::string>& args) {
    return run_captured(args);
}

using canvass::testing::slurp;

inline std::string source_file(const std::string& relative) {
    return slurp(std::string(CANVASS_SOURCE_DIR) + "/" + relative);
}

inline std::vector<json> answer_sets(const std::string& form_id) {
    std::istringstream lines(source_file("schemas/forms/" + form_id + ".answers.jsonl"));
    std::vector<json> out;
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) out.push_back(json::parse(line));
    }
    return out;
}

// The example answers as `canvass fill` reads them: the photos they name (street vendors)
// copied into `store`, each path replaced by its reference.
inline std::vector<json> answer_sets(const std::string& form_id, store::DeviceStore& store) {
    auto sets = answer_sets(form_id);
    auto form = store.form(form_id);
    if (!form) throw std::runtime_error(form.error().message);
    for (auto& set : sets) {
        auto problems = store::attach_files(store, **form, set,
                                            std::string(CANVASS_SOURCE_DIR) + "/schemas/forms");
        if (!problems.empty())
            throw std::runtime_error(problems.front().path + ": " + problems.front().message);
    }
    return sets;
}

// Standard output of a shell command (the independent readstat tools), and its status.
inline std::pair<int, std::string> shell(const std::string& command) {
    std::string out;
    FILE* p = popen(command.c_str(), "r");
    if (!p) return {-1, out};
    char buf[4096];
    for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    return {pclose(p), out};
}

// RFC 4180: quoted fields may hold commas, CR, LF and doubled quotes; records end with
// CRLF or LF. Throws on a malformed quote so a broken file fails the test loudly.
inline std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, at_start = true;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c != '"') {
                field += c;
            } else if (i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else {
                quoted = false;
                if (i + 1 < text.size() &&
                    std::string(",\r\n").find(text[i + 1]) == std::string::npos) {
                    throw std::runtime_error("CSV: text after a closing quote");
                }
            }
            continue;
        }
        if (c == '"' && at_start) {
            quoted = true;
            at_start = false;
        } else if (c == '"') {
            throw std::runtime_error("CSV: a quote inside an unquoted field");
        } else if (c == ',') {
            row.push_back(field);
            field.clear();
            at_start = true;
        } else if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            row.push_back(field);
            rows.push_back(row);
            row.clear();
            field.clear();
            at_start = true;
        } else {
            field += c;
            at_start = false;
        }
    }
    if (quoted) throw std::runtime_error("CSV: unterminated quote");
    if (!field.empty() || !row.empty()) {
        row.push_back(field);
        rows.push_back(row);
    }
    return rows;
}

// A CSV file with its header: cells by column name.
struct CsvTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;

    static CsvTable read(const std::string& path) {
        auto all = parse_csv(slurp(path));
        CsvTable t;
        if (all.empty()) return t;
        t.header = all.front();
        t.rows.assign(all.begin() + 1, all.end());
        for (const auto& r : t.rows) {
            EXPECT_EQ(r.size(), t.header.size())
                << path << ": a row has another width than the header";
        }
        return t;
    }
    bool has(const std::string& column) const {
        return std::find(header.begin(), header.end(), column) != header.end();
    }
    std::size_t col(const std::string& column) const {
        auto it = std::find(header.begin(), header.end(), column);
        EXPECT_NE(it, header.end()) << "no column " << column;
        return static_cast<std::size_t>(it - header.begin());
    }
    const std::string& cell(std::size_t row, const std::string& column) const {
        return rows.at(row).at(col(column));
    }
    // Rows whose `column` equals `value`.
    std::vector<std::size_t> where(const std::string& column, const std::string& value) const {
        std::vector<std::size_t> out;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (rows[i].at(col(column)) == value) out.push_back(i);
        }
        return out;
    }
};

inline store::StoreOptions fast() {
    store::StoreOptions o;
    o.pwhash = crypto::PwhashParams::minimum();
    return o;
}

inline store::DeviceStore make_store(const std::string& home, const std::vector<std::string>& forms,
                                     const std::vector<crypto::DhPublicKey>& recipients,
                                     const std::string& role) {
    auto s = store::DeviceStore::create(home, store::Passphrase{kPassphrase}, fast());
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    for (const auto& f : forms) {
        auto added = s->add_form(f);
        EXPECT_TRUE(added) << (added ? "" : added.error().message);
    }
    store::ProjectConfig config;
    config.project = "worker-survey";
    config.role = role;
    config.server_address = "127.0.0.1:1";
    // The recipients as a coordinator would have signed them (the signer does not matter here).
    store::RecipientPlan plan;
    plan.adopted.project = config.project;
    plan.adopted.recipients = recipients;
    // A store that seals to no coordinator of the test still names someone.
    if (recipients.empty()) plan.adopted.recipients = {crypto::generate_dh_key().public_key};
    plan.adopted.signers = {crypto::generate_signing_key().public_key};
    plan.grant_past_to = plan.adopted.recipients;
    auto set = s->set_project(config, plan);
    EXPECT_TRUE(set) << (set ? "" : set.error().message);
    return std::move(s).value();
}

// What a sync does for one chain: `to` ingests every changeset of `from`'s own chain it
// lacks, with the signed head and the epoch grants.
inline void ship(store::DeviceStore& from, store::DeviceStore& to) {
    const auto& id = from.keys().id;
    std::uint64_t last = from.status()->own_changesets;
    auto have = to.summary()->get(id);
    std::uint64_t first = have ? have->seq + 1 : 1;
    if (first > last) return;
    std::vector<store::DeviceStore::IncomingRun> runs(1);
    auto head = **from.head_at(id, first, last);
    runs[0] = {id, head.second, *from.changesets(id, first, last), head.first, *from.grants(id)};
    auto r = to.ingest(runs);
    ASSERT_TRUE(r) << r.error().message;
}

// The coordinator's key, made through the CLI, and the passphrase file both use.
struct Coordinator {
    std::string key_file;
    std::string passphrase_file;
    crypto::DhPublicKey public_key{};

    static Coordinator create(const canvass::testing::TempDir& dir,
                              const std::string& name = "coordinator.key") {
        Coordinator c;
        c.key_file = dir / name;
        c.passphrase_file = dir / "passphrase.txt";
        std::ofstream(c.passphrase_file) << kPassphrase << "\n";
        auto r = canvass(
            {"keys", "create", "--out", c.key_file, "--key-passphrase-file", c.passphrase_file});
        EXPECT_EQ(r.code, 0) << r.err;
        std::string hex = r.out.substr(0, r.out.find('\n'));
        EXPECT_TRUE(crypto::from_hex(hex, c.public_key)) << r.out;
        return c;
    }
};

// The answer as ODK Central's CSV writes it (the test's own rendering, not the exporter's).
inline std::string odk_text(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_array()) {
        std::string out;
        for (const auto& e : v) out += (out.empty() ? "" : " ") + e.get<std::string>();
        return out;
    }
    // 5.0 and 5 are the same number; the export writes the shorter form.
    if (v.is_number_float() &&
        v.get<double>() == static_cast<double>(static_cast<long long>(v.get<double>()))) {
        return std::to_string(static_cast<long long>(v.get<double>()));
    }
    return v.dump();
}

// Field name -> ODK Central column name (groups joined by '-', relative to the enclosing
// repeat), read from a form file independently of the exporter.
inline std::map<std::string, std::string> odk_columns(const json& form) {
    std::map<std::string, std::string> out;
    auto walk = [&](auto& self, const json& rows, const std::string& prefix) -> void {
        for (const auto& row : rows) {
            std::string type = row.at("type");
            std::string name = row.at("name");
            if (type == "group") {
                self(self, row.at("children"), prefix + name + "-");
            } else if (type == "repeat") {
                self(self, row.at("children"), "");
            } else {
                out[name] = prefix + name;
            }
        }
    };
    walk(walk, form.at("survey"), "");
    return out;
}

}  // namespace canvass::cli::export_test
