// Devices for the coordinator view's tests: a collector and a coordinator store sealed to one
// coordinator key, and the chain shipping a sync does, without a network or the CLI.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/box.hpp"
#include "crypto/sign.hpp"
#include "store/device_store.hpp"
#include "temp_dir.hpp"

namespace canvass::coordinator::test {

using nlohmann::json;

inline const std::string kPassphrase = "mango leaves in the rain";
inline const std::string kForm = "home_based_workers";

using canvass::testing::slurp;

inline std::string form_text(const std::string& form_id) {
    return slurp(std::string(CANVASS_SOURCE_DIR) + "/schemas/forms/" + form_id + ".json");
}

inline std::vector<json> answer_sets(const std::string& form_id) {
    std::istringstream lines(
        slurp(std::string(CANVASS_SOURCE_DIR) + "/schemas/forms/" + form_id + ".answers.jsonl"));
    std::vector<json> out;
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) out.push_back(json::parse(line));
    return out;
}

inline store::DeviceStore make_store(const std::string& home, const std::vector<std::string>& forms,
                                     const crypto::DhPublicKey& recipient,
                                     const std::string& role) {
    store::StoreOptions o;
    o.pwhash = crypto::PwhashParams::minimum();
    auto s = store::DeviceStore::create(home, store::Passphrase{kPassphrase}, o);
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    for (const auto& f : forms) {
        auto added = s->add_form(f);
        EXPECT_TRUE(added) << (added ? "" : added.error().message);
    }
    store::ProjectConfig config;
    config.project = "worker-survey";
    config.role = role;
    config.server_address = "127.0.0.1:1";
    store::RecipientPlan plan;
    plan.adopted.project = config.project;
    plan.adopted.recipients = {recipient};
    plan.adopted.signers = {crypto::generate_signing_key().public_key};
    plan.grant_past_to = plan.adopted.recipients;
    auto set = s->set_project(config, plan);
    EXPECT_TRUE(set) << (set ? "" : set.error().message);
    return std::move(s).value();
}

// What a sync does for one chain: `to` ingests every changeset of `from`'s own chain it lacks.
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

// A collector and a coordinator of one project, both sealing to `key`, with the form
// installed and three records the collector made and shipped to the coordinator.
struct Project {
    testing::TempDir dir;
    crypto::DhKeyPair key = crypto::generate_dh_key();
    store::DeviceStore collector =
        make_store(dir / "collector", {form_text(kForm)}, key.public_key, "collector");
    store::DeviceStore coordinator =
        make_store(dir / "coordinator", {form_text(kForm)}, key.public_key, "coordinator");
    std::vector<json> answers = answer_sets(kForm);
    std::vector<merge::RecordId> ids;

    Project() {
        answers.resize(3);
        auto imported = collector.import_records(kForm, answers, true);
        EXPECT_TRUE(imported) << imported.error().message;
        if (imported) ids = *imported;
        ship(collector, coordinator);
    }
};

}  // namespace canvass::coordinator::test
