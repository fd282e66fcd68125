// The media question types image, audio, video and file: their answer is an attachment
// reference (form/attachment_ref.hpp), checked like any other answer.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "feature_form.hpp"
#include "form/answer_types.hpp"
#include "form/attachment_ref.hpp"
#include "form/validate.hpp"

namespace canvass::form {
namespace {

using canvass::testing::en;
using canvass::testing::feature_form_json;
using canvass::testing::feature_form_violations;
using canvass::testing::load_feature_form;
using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const std::string hash64(64, 'a');

json photo(std::string type = "image/jpeg", std::string name = "stall.jpg") {
    return {{"attachment", hash64}, {"size", 1234}, {"name", name}, {"type", type}};
}

std::optional<Form> media_form() {
    auto form = load_feature_form(feature_form_json(
        {{{"type", "image"}, {"name", "stall"}, {"label", en("Photo of the stall")}},
         {{"type", "image"},
          {"name", "consent"},
          {"label", en("Signature")},
          {"appearance", "signature"}},
         {{"type", "audio"}, {"name", "voice"}, {"label", en("Voice note")}},
         {{"type", "video"}, {"name", "clip"}, {"label", en("Clip")}},
         {{"type", "file"}, {"name", "doc"}, {"label", en("Document")}}}));
    EXPECT_TRUE(form);
    return form;
}

TEST(MediaTypes, LoadWithTheirAppearanceKeptForApps) {
    auto form = media_form();
    ASSERT_TRUE(form);
    EXPECT_EQ(form->find("stall")->type, RowType::image);
    EXPECT_EQ(form->find("voice")->type, RowType::audio);
    EXPECT_EQ(form->find("clip")->type, RowType::video);
    EXPECT_EQ(form->find("doc")->type, RowType::file);
    EXPECT_EQ(form->find("consent")->appearance, "signature");
    EXPECT_TRUE(is_media(RowType::file));
    EXPECT_FALSE(is_media(RowType::text));
}

TEST(MediaTypes, AcceptAnAttachmentReferenceOfTheirKind) {
    auto form = media_form();
    ASSERT_TRUE(form);
    EXPECT_THAT(feature_form_violations(*form, {{"stall", photo()},
                                                {"consent", photo("image/png", "consent.png")},
                                                {"voice", photo("audio/ogg", "note.ogg")},
                                                {"clip", photo("video/mp4", "clip.mp4")},
                                                {"doc", photo("application/pdf", "permit.pdf")}}),
                IsEmpty());
}

TEST(MediaTypes, RefuseWhatIsNotAReferenceSayingWhatIsExpected) {
    auto form = media_form();
    ASSERT_TRUE(form);
    json short_hash = photo();
    short_hash["attachment"] = "abc";
    json no_size = photo();
    no_size.erase("size");
    EXPECT_THAT(
        feature_form_violations(*form, {{"stall", "photo.jpg"},
                                        {"consent", short_hash},
                                        {"voice", photo("image/png", "x.png")},
                                        {"clip", no_size},
                                        {"doc", photo("text/plain", "../../etc/passwd")}}),
        ElementsAre(HasSubstr("stall: expected an attachment"),
                    HasSubstr("consent: an attachment needs \"attachment\": its BLAKE2b-256"),
                    "voice: an audio question takes a audio/… file, got image/png (use a file "
                    "question for other files)",
                    HasSubstr("clip: an attachment needs \"size\""),
                    HasSubstr("doc: an attachment's name must not hold a folder")));
}

TEST(MediaTypes, ReadInExpressionsAsTheFileName) {
    EXPECT_EQ(answer_text(photo()), "stall.jpg");
}

TEST(AttachmentRef, RoundTripsThroughItsJson) {
    auto ref = attachment_from_json(photo());
    ASSERT_TRUE(ref);
    EXPECT_EQ(ref->hash_hex(), hash64);
    EXPECT_EQ(ref->size, 1234u);
    EXPECT_EQ(ref->to_json(), photo());
    EXPECT_FALSE(attachment_from_json(json("stall.jpg")));
}

TEST(AttachmentRef, NamesAndTypesFromPaths) {
    EXPECT_EQ(file_name_of("a/b/Stall 1.JPG"), "Stall 1.JPG");
    EXPECT_EQ(media_type_for_name("Stall 1.JPG"), "image/jpeg");
    EXPECT_EQ(media_type_for_name("note.ogg"), "audio/ogg");
    EXPECT_EQ(media_type_for_name("README"), "application/octet-stream");
}

}  // namespace
}  // namespace canvass::form

namespace canvass::form {
namespace {

// ODK's image parameter: max-pixels=N, the longest side an app scales a photo down to.
TEST(ImageParameters, MaxPixelsIsKeptAndBadValuesAreLoadTimeErrors) {
    auto form = canvass::testing::load_feature_form(
        canvass::testing::feature_form_json({{{"type", "image"},
                                              {"name", "stall"},
                                              {"label", canvass::testing::en("Stall")},
                                              {"parameters", "max-pixels=1024"}}}));
    ASSERT_TRUE(form);
    EXPECT_EQ(form->find("stall")->max_pixels, 1024u);
    EXPECT_THAT(
        canvass::testing::feature_form_problems(
            canvass::testing::feature_form_json({{{"type", "image"},
                                                  {"name", "a"},
                                                  {"label", canvass::testing::en("A")},
                                                  {"parameters", "max-pixels=big"}},
                                                 {{"type", "image"},
                                                  {"name", "b"},
                                                  {"label", canvass::testing::en("B")},
                                                  {"parameters", "quality=high"}},
                                                 {{"type", "audio"},
                                                  {"name", "c"},
                                                  {"label", canvass::testing::en("C")},
                                                  {"parameters", "max-pixels=10"}}})),
        ::testing::ElementsAre(
            "survey[0].parameters: max-pixels must be a whole number of pixels, got max-pixels=big",
            "survey[1].parameters: unknown parameter quality (an image takes max-pixels)",
            ::testing::HasSubstr(
                "survey[2].parameters: parameters is only allowed on range rows")));
}

}  // namespace
}  // namespace canvass::form
