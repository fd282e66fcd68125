// A QR code for a terminal, two modules per character cell with Unicode half blocks, so an
// enrollment token can be scanned off the administrator's screen.
#pragma once

#include <string>
#include <string_view>

#include "canvass/result.hpp"

namespace canvass::server {

// The QR code of `text` (error correction level M) as lines of half-block characters with a
// 4-module quiet zone. By default light modules are drawn as blocks, which reads correctly on
// the usual light-on-dark terminal; `dark_on_light` draws the dark modules instead.
// Error{core, invalid_argument} if the text does not fit in a QR code.
Result<std::string> render_qr(std::string_view text, bool dark_on_light = false);

}  // namespace canvass::server
