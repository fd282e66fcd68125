#!/usr/bin/env bash
# Checks that every C and C++ source follows .clang-format (clang-format 14, as Debian 12 ships).
#   scripts/check-format.sh          list the files that differ and exit non-zero if any does
#   scripts/check-format.sh --fix    reformat them in place
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh clang-format-14
mapfile -t files < <(git ls-files '*.c' '*.h' '*.cpp' '*.hpp')
if [ "${1:-}" = "--fix" ]; then
  clang-format-14 -i "${files[@]}"
  exit 0
fi
differ=()
for f in "${files[@]}"; do
  clang-format-14 --dry-run -Werror "$f" >/dev/null 2>&1 || differ+=("$f")
done
if [ ${#differ[@]} -gt 0 ]; then
  printf '%s\n' "${differ[@]}" | sed 's/^/not formatted: /' >&2
  echo "${#differ[@]} of ${#files[@]} files differ from .clang-format: run scripts/check-format.sh --fix" >&2
  exit 1
fi
echo "format: ${#files[@]} files follow .clang-format"
