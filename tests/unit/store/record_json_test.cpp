// The times `canvass list` and the C ABI print for records, conflicts and tokens.
#include "store/record_json.hpp"

#include <gtest/gtest.h>

namespace canvass::store {
namespace {

TEST(RecordJson, NoTimeIsADash) {
    EXPECT_EQ(time_text(0), "-");
}

// Through a 32-bit time_t (32-bit ARM) this was printed as 1901-12-13T20:45:52Z.
TEST(RecordJson, ATimeAfterJanuary2038IsWrittenWithItsYear) {
    EXPECT_EQ(time_text(2'147'483'648ull * 1000), "2038-01-19T03:14:08Z");
    EXPECT_EQ(time_text(4'102'444'800ull * 1000), "2100-01-01T00:00:00Z");
}

}  // namespace
}  // namespace canvass::store
