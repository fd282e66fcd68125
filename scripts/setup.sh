#!/usr/bin/env bash
# Installs the Debian packages canvass needs, only those that are missing.
# Extra package names given as arguments are installed too (scripts/check-build.sh: clang).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost-dev nlohmann-json3-dev libsodium-dev libsqlite3-dev libcli11-dev libre2-dev
  libreadstat-dev libqrencode-dev libgtest-dev libgmock-dev libbenchmark-dev
  libzip-dev libexpat1-dev libfreexl-dev libxlsxwriter-dev
  readstat sqlite3 python3 python3-jsonschema python3-pandas r-cran-haven tmux
  openjdk-17-jdk-headless junit4
  libpq-dev postgresql
  chromium chromium-driver python3-selenium
)
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
