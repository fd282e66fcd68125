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
packages=("crossbuild-essential-$debian_arch" qemu-user-static cmake ninja-build ccache pkg-config
          nlohmann-json3-dev "libsodium-dev:$debian_arch" "libsqlite3-dev:$debian_arch"
          "libgtest-dev:$debian_arch" "libgmock-dev:$debian_arch")
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
    -DCMAKE_LIBRARY_ARCHITECTURE="$triplet" \
    -DCMAKE_CROSSCOMPILING_EMULATOR="$qemu;-L;/usr/$triplet"
fi
cmake --build "$dir" -j"$(nproc)"
QEMU_LD_PREFIX=/usr/$triplet ctest --test-dir "$dir" --output-on-failure -j"$(nproc)" --timeout 1800
