#!/usr/bin/env bash
# The main job, on already-built binaries in the build directory given as $1.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}
canvass="$bin/cli-client/canvass"

echo "== Checking the example forms"
"$canvass" form check schemas/forms/*.json
