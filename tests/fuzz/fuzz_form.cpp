// A form file as a coordinator (or anyone sending one) writes it (form/loader.hpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "form/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto form = canvass::form::load_form({reinterpret_cast<const char*>(data), size});
    if (!form) (void)form.to_error();
    return 0;
}
