// A form with a photo question, for tests of attachments.
#pragma once

namespace canvass::testing {

inline constexpr const char* kPhotoForm = R"({
  "settings": {"form_id": "stalls", "version": "1", "title": {"en": "Stalls"}, "default_language": "en"},
  "survey": [
    {"type": "text", "name": "market", "label": {"en": "Market"}},
    {"type": "image", "name": "stall", "label": {"en": "Photo of the stall"}}
  ]
})";

}  // namespace canvass::testing
