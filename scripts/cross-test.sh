#!/usr/bin/env bash
# Builds the core and its unit tests for a phone's ARM processor with Debian's cross
# toolchain and runs them under qemu-user (docs/testing.md):
#   scripts/cross-test.sh aarch64     64-bit ARM (most phones since 2015)
#   scripts/cross-test.sh armhf       32-bit ARM (older and low-cost phones: 32-bit time_t,
#                                     size_t and pointers)
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  aarch64) debian_arch=arm64 triplet=aarch64-linux-gnu qemu=qemu-aarch64-static ;;
  armhf) debian_arch=armhf triplet=arm-linux-gnueabihf qemu=qemu-arm-static ;;
  *) echo "usage: scripts/cross-test.sh aarch64|armhf" >&2; exit 2 ;;
esac

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
# The tests run on Debian's own ARM libraries (multiarch, in /lib/$triplet), C++ runtime
# included, never on the cross toolchain's copies in /usr/$triplet: those are a different
# build of glibc (libc6-$debian_arch-cross lags libc6:$debian_arch), and a loader of one build
# with the libc of the other disagree on their private data. The first std::thread then walks
# a list that never ends: a test that starts a thread spins at full CPU until its timeout.
packages=("crossbuild-essential-$debian_arch" qemu-user-static cmake ninja-build ccache pkg-config
          nlohmann-json3-dev "libsodium-dev:$debian_arch" "libsqlite3-dev:$debian_arch"
          "libgtest-dev:$debian_arch" "libgmock-dev:$debian_arch" "libstdc++6:$debian_arch")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  dpkg --print-foreign-architectures | grep -qx "$debian_arch" || $sudo dpkg --add-architecture "$debian_arch"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

dir=build-$1
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
export PKG_CONFIG_LIBDIR=/usr/lib/$triplet/pkgconfig:/usr/share/pkgconfig
if [ ! -f "$dir/CMakeCache.txt" ]; then
  cmake -S . -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCANVASS_CORE_ONLY=ON \
    -DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR="$1" \
    -DCMAKE_C_COMPILER="$triplet-gcc" -DCMAKE_CXX_COMPILER="$triplet-g++" \
    -DCMAKE_LIBRARY_ARCHITECTURE="$triplet" -DCMAKE_CXX_FLAGS=-Wno-psabi
fi
# -Wno-psabi: armhf g++ notes every std::map iterator passed by value ("parameter passing
# changed in GCC 7.1"), which concerns only code built by g++ before 7.1.
# No -L/QEMU_LD_PREFIX: the loader is Debian's /lib/ld-linux-*.so, the same build as its libc.
cmake -B "$dir" -DCMAKE_CROSSCOMPILING_EMULATOR="$qemu" >/dev/null
cmake --build "$dir" -j"$(nproc)"
unset QEMU_LD_PREFIX
# The slowest unit test takes 20 s under emulation: a hang fails in minutes, not half an hour.
ctest --test-dir "$dir" --output-on-failure -j"$(nproc)" --timeout 300
