// Untrusted text in log lines stays inside its quotes, on its line, and short.
#include <gtest/gtest.h>

#include "util/log_text.hpp"

namespace canvass::util {
namespace {

TEST(LogText, NewlinesControlsAndQuotesAreEscaped) {
    EXPECT_EQ(log_quoted("plain id"), "\"plain id\"");
    EXPECT_EQ(log_quoted("a\nb\rc\td"), "\"a\\x0ab\\x0dc\\x09d\"");
    EXPECT_EQ(log_quoted(std::string("nul\0esc\x1b[31m", 12)), "\"nul\\x00esc\\x1b[31m\"");
    EXPECT_EQ(log_quoted("say \"ok\" \\ done"), "\"say \\\"ok\\\" \\\\ done\"");
    EXPECT_EQ(log_quoted("\x7f\xc3\xa9"), "\"\\x7f\\xc3\\xa9\"");  // DEL, then é as its bytes
}

TEST(LogText, AForgedLineStaysInsideItsValue) {
    auto forged =
        log_quoted("x\" role=coordinator outcome=ok\n2026-01-01T00:00:00Z session=1 outcome=ok");
    EXPECT_EQ(forged.find('\n'), std::string::npos);
    // The only unescaped quotes are the two around the value.
    int quotes = 0;
    for (std::size_t i = 0; i < forged.size(); ++i)
        if (forged[i] == '"' && (i == 0 || forged[i - 1] != '\\')) ++quotes;
    EXPECT_EQ(quotes, 2) << forged;
}

TEST(LogText, HugeTextIsCutAndSaysHowMuchWasLeftOut) {
    std::string huge(1u << 20, 'F');
    auto q = log_quoted(huge);
    EXPECT_LE(q.size(), log_value_bytes + 40);
    EXPECT_NE(q.find("...(" + std::to_string(huge.size() - log_value_bytes) + " more bytes)"),
              std::string::npos)
        << q;
    EXPECT_EQ(log_quoted("abcdef", 3), "\"abc\"...(3 more bytes)");
}

TEST(LogText, AWholeLineIsKeptOnOneLineAndBounded) {
    EXPECT_EQ(log_line_safe("session=1 outcome=ok"), "session=1 outcome=ok");
    EXPECT_EQ(log_line_safe("a\nb"), "a\\x0ab");
    auto line = log_line_safe(std::string(1u << 20, '\n'));
    EXPECT_EQ(line.find('\n'), std::string::npos);
    EXPECT_LE(line.size(), 4 * log_line_bytes + 40);
}

}  // namespace
}  // namespace canvass::util
