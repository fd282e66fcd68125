#include "merge/path.hpp"

#include <gtest/gtest.h>

namespace canvass::merge {
namespace {

const std::string u1 = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0";
const std::string u2 = "11111111-2222-4333-8444-555555555555";

TEST(Path, KindsOfWellFormedPaths) {
    EXPECT_EQ(path_kind(""), PathKind::record);
    EXPECT_EQ(path_kind("age"), PathKind::field);
    EXPECT_EQ(path_kind("_x.y-z9"), PathKind::field);
    EXPECT_EQ(path_kind("members[" + u1 + "]"), PathKind::instance);
    EXPECT_EQ(path_kind("members[" + u1 + "]/age"), PathKind::field);
    EXPECT_EQ(path_kind("members[" + u1 + "]/jobs[" + u2 + "]/title"), PathKind::field);
    EXPECT_EQ(path_kind("members[" + u1 + "]/jobs[" + u2 + "]"), PathKind::instance);
}

TEST(Path, RejectsEverythingElse) {
    for (const std::string& bad : std::vector<std::string>{
             "/", "age/", "/age", "1age", "a ge", "âge", "household/age", "members[]",
             "members[" + u1 + "", "members(" + u1 + ")", "members[" + u1 + "]x", "[" + u1 + "]",
             "members[0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F0]", "members[1]",
             "members[" + u1 + "]//age", "members[" + u1 + "]/", std::string("a\0b", 3)}) {
        EXPECT_FALSE(path_kind(bad)) << bad;
    }
    EXPECT_EQ(path_kind(std::string(kMaxPathBytes, 'a')), PathKind::field);
    EXPECT_FALSE(path_kind(std::string(kMaxPathBytes + 1, 'a')));
}

TEST(Path, InsideMeansStrictlyUnderAPrefix) {
    const std::string m = "members[" + u1 + "]";
    EXPECT_TRUE(is_inside("age", ""));
    EXPECT_TRUE(is_inside(m, ""));
    EXPECT_FALSE(is_inside("", ""));
    EXPECT_TRUE(is_inside(m + "/age", m));
    EXPECT_FALSE(is_inside(m, m));
    EXPECT_FALSE(is_inside("age", m));
    EXPECT_FALSE(is_inside("members[" + u2 + "]/age", m));
}

TEST(Path, EnclosingInstancesOutermostFirst) {
    const std::string m = "members[" + u1 + "]";
    const std::string j = m + "/jobs[" + u2 + "]";
    EXPECT_TRUE(enclosing_instances("age").empty());
    EXPECT_EQ(enclosing_instances(j + "/title"), (std::vector<std::string_view>{m, j}));
    EXPECT_EQ(enclosing_instances(j), (std::vector<std::string_view>{m, j}));
}

TEST(Path, SplitAndBuildInstances) {
    const auto id1 = *parse_uuid(u1);
    const auto id2 = *parse_uuid(u2);
    const std::string m = instance_path("", "members", id1);
    EXPECT_EQ(m, "members[" + u1 + "]");
    const std::string j = instance_path(m, "jobs", id2);
    EXPECT_EQ(field_path(j, "title"), m + "/jobs[" + u2 + "]/title");
    auto ref = split_instance(j);
    ASSERT_TRUE(ref);
    EXPECT_EQ(ref->repeat, m + "/jobs");
    EXPECT_EQ(ref->id, id2);
    EXPECT_FALSE(split_instance("age"));
    EXPECT_FALSE(split_instance(""));
}

}  // namespace
}  // namespace canvass::merge
