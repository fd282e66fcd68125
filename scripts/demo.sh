#!/usr/bin/env bash
# Installs what is missing, builds, and runs canvass's main job on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec scripts/story.sh build
