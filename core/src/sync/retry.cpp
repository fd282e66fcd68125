#include "sync/retry.hpp"

#include <algorithm>
#include <array>

namespace canvass::sync {

bool worth_retrying(const Error& e) {
    // A server that is busy, out of room or whose disk is full says so, and it reaches here
    // as Domain::net unavailable (peer_error); its internal failures as Domain::net io. A
    // name that cannot be looked up is a phone without a network as often as a typo.
    return e.domain == Domain::net && (e.code == errc::io || e.code == errc::timeout ||
                                       e.code == errc::unavailable || e.code == errc::not_found);
}

std::uint64_t retry_delay_ms(unsigned retry, merge::Random& random) {
    constexpr std::uint64_t first_ms = 2000, cap_ms = 60000;
    const unsigned doublings = std::min(retry == 0 ? 0u : retry - 1, 5u);
    const std::uint64_t base = std::min(cap_ms, first_ms << doublings);
    std::array<std::uint8_t, 2> bits{};
    random.fill(bits);
    const std::uint64_t spread =
        (static_cast<std::uint64_t>(bits[0]) << 8 | bits[1]) % 501;  // 0..500
    return base * (750 + spread) / 1000;
}

}  // namespace canvass::sync
