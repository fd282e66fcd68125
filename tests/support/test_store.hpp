// A device store for unit tests: created with the cheapest passphrase hashing, holding the
// household form, and given a project configuration for `role` when one is named.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "household_form.hpp"
#include "store/device_store.hpp"

namespace canvass::testing {

inline store::StoreOptions fast_store_options() {
    store::StoreOptions o;
    o.pwhash = crypto::PwhashParams::minimum();
    return o;
}

inline store::DeviceStore make_test_store(const std::string& home, const std::string& role = "") {
    auto s =
        store::DeviceStore::create(home, store::Passphrase{"correct horse"}, fast_store_options());
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    EXPECT_TRUE(s->add_form(kHouseholdForm));
    if (!role.empty()) {
        store::ProjectConfig config;
        config.project = "p";
        config.role = role;
        config.server_address = "127.0.0.1:1";
        store::RecipientPlan plan;
        plan.adopted = store::first_statement("p", crypto::generate_dh_key());
        EXPECT_TRUE(s->set_project(config, plan));
    }
    return std::move(s).value();
}

}  // namespace canvass::testing
