// The server's message limits and the device's save limits are one: a batch holding the
// largest changeset a device saves, with its grants, decodes under the default limits, and
// one byte more is refused (tests/integration/limits_test.cpp drives a real server).
#include <gtest/gtest.h>

#include "merge/changeset.hpp"
#include "sync/messages.hpp"

namespace canvass::sync {
namespace {

ChainRun run_of(std::size_t changeset_bytes) {
    ChainRun run;
    run.device.fill(7);
    run.changesets.push_back(Bytes(changeset_bytes, 0xab));
    run.head.seq = 1;
    for (int i = 0; i < 8; ++i) run.grants.push_back(Bytes(200, static_cast<std::uint8_t>(i)));
    return run;
}

TEST(LimitsAgree, TheServersChangesetLimitIsTheDevicesSaveLimit) {
    EXPECT_EQ(MessageLimits{}.max_changeset_bytes, merge::kMaxChangesetBytes);
    EXPECT_LT(merge::kMaxAnswerBytes, merge::kMaxChangesetBytes);
}

TEST(LimitsAgree, ABatchOfTheLargestChangesetADeviceSavesDecodesAndOneByteMoreDoesNot) {
    auto fits =
        decode_message(encode_message(Message{Changesets{1, {run_of(merge::kMaxChangesetBytes)}}}));
    ASSERT_TRUE(fits) << fits.error().message;
    auto over = decode_message(
        encode_message(Message{Changesets{1, {run_of(merge::kMaxChangesetBytes + 1)}}}));
    ASSERT_FALSE(over);
    EXPECT_NE(over.error().message.find("changesets"), std::string::npos) << over.error().message;
}

}  // namespace
}  // namespace canvass::sync
