// A sync message as the server receives it after decryption (sync/messages.hpp), and the CBOR
// beneath it.
#include <cstddef>
#include <cstdint>

#include "sync/cbor.hpp"
#include "sync/enrollment.hpp"
#include "sync/messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const std::uint8_t> bytes(data, size);
    if (auto m = canvass::sync::decode_message(bytes)) {
        // What decodes re-encodes to something that decodes.
        if (!canvass::sync::decode_message(canvass::sync::encode_message(*m))) __builtin_trap();
    }
    (void)canvass::sync::decode_enroll_request(bytes);
    (void)canvass::sync::parse_cbor(bytes);
    return 0;
}
