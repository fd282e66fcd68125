// Answers as an app, `canvass fill` or an import file hands them in, checked against a
// published form with repeats, choices, constraints and calculations.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "form/json_text.hpp"
#include "form/loader.hpp"
#include "form/validate.hpp"

namespace {

const canvass::form::Form& the_form() {
    static const canvass::form::Form form = [] {
        std::ifstream in(CANVASS_SOURCE_DIR "/schemas/forms/street_vendors.json");
        std::stringstream text;
        text << in.rdbuf();
        auto loaded = canvass::form::load_form(text.str());
        if (!loaded) __builtin_trap();
        return std::move(loaded).value();
    }();
    return form;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto answers = canvass::form::parse_json({reinterpret_cast<const char*>(data), size});
    if (!answers) return 0;
    canvass::form::ValidateOptions options;
    options.clock = canvass::form::fixed_clock({1709249400000, 60});
    (void)canvass::form::validate_answers(the_form(), *answers, options);
    (void)canvass::form::complete_answers(the_form(), *answers, options.clock);
    return 0;
}
