// An enrollment token as typed, pasted or read from a QR code (sync/token.hpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sync/token.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto token = canvass::sync::decode_token(text)) {
        // What decodes re-encodes to a token that decodes the same.
        auto again = canvass::sync::decode_token(canvass::sync::encode_token(*token));
        if (!again || again->address != token->address) __builtin_trap();
        (void)canvass::sync::check_fingerprint(*token, text.substr(0, 32));
    }
    (void)canvass::sync::base32_decode(text);
    return 0;
}
