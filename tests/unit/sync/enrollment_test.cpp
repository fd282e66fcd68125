// Enrollment over a memory link: tokens that work once, expire, and say why they are refused.
#include <gtest/gtest.h>

#include "sync_fixtures.hpp"

namespace canvass::sync::testing {
namespace {

struct EnrollmentTest : ::testing::Test {
    Harness h;
    std::uint64_t tomorrow = kNowMs / 1000 + 86400;

    Result<EnrollmentResult> enroll_with(const EnrollmentToken& token, TestDevice& device,
                                         MemorySink& sink) {
        return h.run(
            [&](Transport& t) { return enroll(t, token, device.keys, sink, h.client_options()); });
    }
};

TEST_F(EnrollmentTest, RegistersTheDeviceAndDeliversProjectAndForms) {
    h.directory.publish(kProject, "street_vendors", "1",
                        R"({"settings":{"form_id":"street_vendors"}})");
    h.directory.publish(kProject, "street_vendors", "2",
                        R"({"settings":{"form_id":"street_vendors","v":2}})");
    auto token = h.directory.add_token(h.server_key.public_key, Role::organizer, tomorrow);
    TestDevice device;
    MemorySink sink;
    auto r = enroll_with(token, device, sink);
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(r->welcome.device, device.keys.id);
    EXPECT_EQ(r->welcome.role, Role::organizer);
    EXPECT_EQ(r->welcome.recipients, h.directory.projects[kProject].info.recipients);
    EXPECT_EQ(r->forms_received.size(), 2u);
    EXPECT_EQ(sink.forms.size(), 2u);
    ASSERT_TRUE(h.directory.devices.contains(device.keys.id));
    EXPECT_EQ(h.directory.devices[device.keys.id].role, Role::organizer);
    EXPECT_EQ(h.directory.devices[device.keys.id].transport_key, device.keys.transport.public_key);
    EXPECT_TRUE(h.directory.tokens[token.id].used);
    // The enrolled device can sync right away.
    device.author(2);
    auto synced = h.sync(device);
    ASSERT_TRUE(synced) << synced.error().describe();
    EXPECT_EQ(synced->stats.sent, 2u);
}

TEST_F(EnrollmentTest, ATokenWorksOnlyOnce) {
    auto token = h.directory.add_token(h.server_key.public_key, Role::collector, tomorrow);
    TestDevice first, second;
    MemorySink sink;
    ASSERT_TRUE(enroll_with(token, first, sink));
    auto again = enroll_with(token, second, sink);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().domain, Domain::auth);
    EXPECT_NE(again.error().message.find("already used"), std::string::npos)
        << again.error().message;
    EXPECT_FALSE(h.directory.devices.contains(second.keys.id));
}

TEST_F(EnrollmentTest, ExpiredAndUnknownTokensAreRefused) {
    auto expired =
        h.directory.add_token(h.server_key.public_key, Role::collector, kNowMs / 1000 - 1);
    auto unknown = h.directory.add_token(h.server_key.public_key, Role::collector, tomorrow);
    h.directory.tokens.erase(unknown.id);
    TestDevice device;
    MemorySink sink;
    auto r1 = enroll_with(expired, device, sink);
    ASSERT_FALSE(r1);
    EXPECT_NE(r1.error().message.find("expired"), std::string::npos) << r1.error().message;
    auto r2 = enroll_with(unknown, device, sink);
    ASSERT_FALSE(r2);
    EXPECT_NE(r2.error().message.find("not known"), std::string::npos) << r2.error().message;
    EXPECT_TRUE(h.directory.devices.empty());
    EXPECT_FALSE(h.directory.tokens[expired.id].used);
}

TEST_F(EnrollmentTest, AWrongSecretFailsTheHandshakeAndEnrollsNothing) {
    auto token = h.directory.add_token(h.server_key.public_key, Role::collector, tomorrow);
    token.secret = crypto::SecretBytes::random(32);
    TestDevice device;
    MemorySink sink;
    auto r = enroll_with(token, device, sink);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("secret does not match"), std::string::npos)
        << r.error().message;
    EXPECT_TRUE(h.directory.devices.empty());
    EXPECT_FALSE(h.directory.tokens[token.id].used);
}

TEST_F(EnrollmentTest, ATokenForAnotherServerKeyIsRefusedByTheClient) {
    auto token =
        h.directory.add_token(crypto::generate_dh_key().public_key, Role::collector, tomorrow);
    TestDevice device;
    MemorySink sink;
    auto r = enroll_with(token, device, sink);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("server key"), std::string::npos) << r.error().message;
    EXPECT_TRUE(h.directory.devices.empty());
}

TEST_F(EnrollmentTest, ADeviceCannotEnrollTwice) {
    auto t1 = h.directory.add_token(h.server_key.public_key, Role::collector, tomorrow);
    auto t2 = h.directory.add_token(h.server_key.public_key, Role::coordinator, tomorrow);
    TestDevice device;
    MemorySink sink;
    ASSERT_TRUE(enroll_with(t1, device, sink));
    auto r = enroll_with(t2, device, sink);
    ASSERT_FALSE(r);
    EXPECT_EQ(h.directory.devices[device.keys.id].role, Role::collector);
    EXPECT_FALSE(h.directory.tokens[t2.id].used);
}

}  // namespace
}  // namespace canvass::sync::testing
