// canvass::ServeOptions (the public face of `canvass-server run`'s flags) starts from the
// protocol's own limits: a server started with no flag tells devices what they assume.
#include <gtest/gtest.h>

#include "canvass/server.hpp"
#include "sync/messages.hpp"

namespace canvass {
namespace {

TEST(ServeOptions, DefaultsAreTheProtocolsOwnLimits) {
    const ServeOptions options;
    const sync::SyncLimits limits;
    const sync::MediaCaps caps;
    EXPECT_EQ(options.batch_changesets, limits.batch_changesets);
    EXPECT_EQ(options.batch_bytes, limits.batch_bytes);
    EXPECT_EQ(options.window, limits.window);
    EXPECT_EQ(options.max_attachment_bytes, caps.file_bytes);
    EXPECT_EQ(options.max_device_attachment_bytes, caps.device_bytes);
    EXPECT_EQ(options.max_db_bytes, 0u) << "no quota unless one is given";
}

}  // namespace
}  // namespace canvass
