// A changeset and an epoch grant as a relay or the server hands them on (merge/changeset.hpp,
// store/grant.hpp). Every changeset format goes through decode(); the seeds hold both.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "merge/changeset.hpp"
#include "store/grant.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const std::uint8_t> bytes(data, size);
    if (auto cs = canvass::merge::decode(bytes)) {
        // Canonical: what decodes encodes back to the same bytes.
        auto again = canvass::merge::encode(*cs);
        if (again.size() != size || !std::equal(again.begin(), again.end(), data)) __builtin_trap();
        // The formats hold the same changesets: written in the other one, it decodes back.
        auto other = *cs;
        other.header.format = cs->header.format == canvass::merge::kChangesetFormatText
                                  ? canvass::merge::kChangesetFormatCompact
                                  : canvass::merge::kChangesetFormatText;
        auto back = canvass::merge::decode(canvass::merge::encode(other));
        if (!back || *back != other) __builtin_trap();
    }
    (void)canvass::store::decode_grant(bytes);
    return 0;
}
