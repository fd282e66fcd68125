// What a device can make canvass-server write into its log: text it chose (form ids, field
// names, error details quoting them) arrives escaped, inside its quotes, on its own line and
// cut short, so no device can forge a line or flood the log with one message.
#include <regex>

#include "load_fixture.hpp"
#include "raw_tcp_session.hpp"

namespace canvass::server_test {
namespace {

using json = nlohmann::json;

// A line a device would like the log to show, after a newline of its own.
const std::string kForged =
    "2026-01-01T00:00:00Z session=1 sync device=00 project=demo role=coordinator outcome=ok";

// Quotes in `line` not escaped by a backslash.
int bare_quotes(const std::string& line) {
    int n = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\\')
            ++i;  // skips what it escapes
        else if (line[i] == '"')
            ++n;
    }
    return n;
}

TEST_F(LoadTest, NewlinesControlsAndHugeStringsFromADeviceAreEscapedAndCutInTheLog) {
    RunningServer server(tmp, data);
    server.start();
    Device device;
    ASSERT_TRUE(device.enroll(token(server)));

    {  // A form request whose id ends the line and starts a forged one; controls in its version.
        auto s = testing::RawTcpSession::open(device.address, device.server_key, device.keys);
        ASSERT_TRUE(s) << s.error().describe();
        ASSERT_TRUE(s->send(sync::Hello{"agent\nwith\" role=coordinator"}));
        ASSERT_TRUE(s->receive());  // welcome
        ASSERT_TRUE(s->send(sync::Summary{}));
        ASSERT_TRUE(
            s->send(sync::FormMessage{"street\" outcome=ok\n" + kForged,
                                      std::string("1\r\x1b[2K\x07\x7f\0x", 10), std::nullopt}));
        auto refusal = s->refusal();
        ASSERT_TRUE(refusal);
        EXPECT_EQ(refusal->code, sync::ErrorCode::not_found);
    }
    {  // A message with a 1 MiB field name that also carries a forged line.
        auto s = testing::RawTcpSession::open(device.address, device.server_key, device.keys);
        ASSERT_TRUE(s) << s.error().describe();
        std::string name = "F\n" + kForged + "\n" + std::string(1u << 20, 'F');
        json hello{{"t", "hello"}, {"agent", "canvass"}, {name, 1}};
        ASSERT_TRUE(s->send_encoded(json::to_cbor(hello)));
        auto refusal = s->refusal();
        ASSERT_TRUE(refusal);
        EXPECT_EQ(refusal->code, sync::ErrorCode::protocol);
        EXPECT_LE(refusal->message.size(), 1024u)
            << "the refusal itself must fit the device's cap on text";
    }
    EXPECT_EQ(server.stop(), 0);

    const auto log = server.log();
    EXPECT_LT(log.size(), 64u << 10) << "one message must not make a megabyte of log";
    for (unsigned char c : log)
        ASSERT_TRUE(c == '\n' || (c >= 0x20 && c <= 0x7e)) << "byte " << int(c) << " in the log";
    const std::regex event(
        R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (server|session=\d+|handshakes|accept) .*)");
    std::istringstream lines(log);
    int count = 0;
    for (std::string line; std::getline(lines, line); ++count) {
        EXPECT_TRUE(std::regex_match(line, event)) << line;
        EXPECT_EQ(bare_quotes(line) % 2, 0) << line;
        EXPECT_LT(line.size(), 4096u);
    }
    EXPECT_GT(count, 3);
    for (auto at = log.find("2026-01-01T00:00:00Z"); at != std::string::npos;
         at = log.find("2026-01-01T00:00:00Z", at + 1))
        EXPECT_EQ(log.substr(at - 4, 4), "\\x0a")
            << "a forged timestamp not escaped: " << log.substr(at - 40, 120);
    EXPECT_NE(log.find("\\x0a2026-01-01T00:00:00Z"), std::string::npos)
        << log;                                                        // the form id, escaped
    EXPECT_NE(log.find("\\\" outcome=ok"), std::string::npos) << log;  // its quote, escaped
    EXPECT_NE(log.find("1\\x0d\\x1b[2K\\x07\\x7f\\x00x"), std::string::npos) << log;
    EXPECT_NE(log.find("more bytes)"), std::string::npos) << log;  // the field name, cut
}

}  // namespace
}  // namespace canvass::server_test
