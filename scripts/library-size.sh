#!/usr/bin/env bash
# Builds libcanvass.so (release settings, in build-size/ unless a build directory is given),
# strips a copy of it and prints its size: what an app carries for canvass on one ABI.
#
#   scripts/library-size.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-size}"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=MinSizeRel \
    -DCANVASS_BUILD_TESTS=OFF -DCANVASS_BUILD_JAVA=OFF >/dev/null
fi
cmake --build "$build" -j"$(nproc)" --target canvass >/dev/null
library="$build/core/libcanvass.so"
stripped="$(mktemp -d)/libcanvass.so"
trap 'rm -rf "$(dirname "$stripped")"' EXIT
strip --strip-all -o "$stripped" "$library"
bytes=$(stat -c %s "$stripped")
kib=$(( (bytes + 1023) / 1024 ))
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")
echo "libcanvass.so stripped: $bytes bytes ($kib KiB), ${build_type:-default} build, $(uname -m)"
echo "links dynamically: $(readelf -d "$stripped" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' ')"
