// Bytes appended to an encoding being built (grants, recipient statements).
#pragma once

#include <cstdint>
#include <iterator>
#include <vector>

namespace canvass::util {

template <class Range>
void append(std::vector<std::uint8_t>& out, const Range& r) {
    out.insert(out.end(), std::begin(r), std::end(r));
}

}  // namespace canvass::util
