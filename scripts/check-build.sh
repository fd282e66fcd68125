#!/usr/bin/env bash
# The builds CI runs after the README's test command, each in its own build directory:
#   scripts/check-build.sh sanitize   AddressSanitizer + UndefinedBehaviorSanitizer, warnings
#                                     as errors, the whole suite (build-sanitize/)
#   scripts/check-build.sh sanitize-core
#                                     the same, for the core parts and their unit tests only
#                                     (build-sanitize-core/), as phones build them
#   scripts/check-build.sh clang      clang, warnings as errors, the whole suite (build-clang/)
# A finding stops the run: UBSan does not recover, ASan aborts, and leaks fail the test.
set -euo pipefail
cd "$(dirname "$0")/.."

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

run_suite() {  # build directory, then cmake options
  local dir=$1
  shift
  [ -f "$dir/CMakeCache.txt" ] || cmake -S . -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCANVASS_WERROR=ON "$@"
  cmake --build "$dir" -j"$(nproc)"
  ctest --test-dir "$dir" --output-on-failure -j"$(nproc)" --timeout 1800
}

# -O1 -g1, as the sanitizers' own documentation suggests: a third less compile time than
# -O2 -g, and line numbers in every report.
sanitize_options=(-DCANVASS_SANITIZE=ON -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG"
                  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG")
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

case "${1:-}" in
  sanitize)
    scripts/setup.sh
    run_suite build-sanitize "${sanitize_options[@]}"
    ;;
  sanitize-core)
    scripts/setup.sh
    run_suite build-sanitize-core "${sanitize_options[@]}" -DCANVASS_CORE_ONLY=ON
    ;;
  clang)
    scripts/setup.sh clang
    run_suite build-clang -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++
    ;;
  *)
    echo "usage: scripts/check-build.sh sanitize|sanitize-core|clang" >&2
    exit 2
    ;;
esac
