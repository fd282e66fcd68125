#include "qr.hpp"

#include <qrencode.h>

#include <memory>
#include <vector>

namespace canvass::server {

Result<std::string> render_qr(std::string_view text, bool dark_on_light) {
    std::string input(text);
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString(input.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
    if (!code)
        return unexpected(Domain::core, errc::invalid_argument,
                          "the text is too long for a QR code");
    const int quiet = 4;
    const int size = code->width + 2 * quiet;
    // Whether the module at (x, y) of the padded grid is drawn (a block) or left blank.
    auto drawn = [&](int x, int y) {
        bool dark = false;
        if (x >= quiet && y >= quiet && x < quiet + code->width && y < quiet + code->width)
            dark = code->data[(y - quiet) * code->width + (x - quiet)] & 1;
        return dark == dark_on_light;
    };
    std::string out;
    for (int y = 0; y < size; y += 2) {
        for (int x = 0; x < size; ++x) {
            bool top = drawn(x, y);
            bool bottom = y + 1 < size ? drawn(x, y + 1) : !dark_on_light;
            out += top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
        }
        out += "\n";
    }
    return out;
}

}  // namespace canvass::server
