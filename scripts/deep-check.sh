#!/usr/bin/env bash
# The checks too slow for every change, run before every stop (docs/testing.md). One line per
# check; exits non-zero on any finding. Logs and fuzz findings are kept in build-deep/.
#   FUZZ_SECONDS=60 per fuzz target, PROPERTY_SEEDS=100000, KILL_CYCLES=200, CROSS=1 (0: skip)
set -uo pipefail
cd "$(dirname "$0")/.."
fuzz_seconds=${FUZZ_SECONDS:-60}
property_seeds=${PROPERTY_SEEDS:-100000}
kill_cycles=${KILL_CYCLES:-200}
logs=build-deep
mkdir -p "$logs"
failed=0

check() {  # name, command...
  local name=$1 start=$SECONDS
  shift
  if "$@" >"$logs/$name.log" 2>&1; then
    printf 'ok    %-28s %4ds\n' "$name" $((SECONDS - start))
  else
    printf 'FAIL  %-28s %4ds  (%s)\n' "$name" $((SECONDS - start)) "$logs/$name.log"
    failed=1
  fi
}

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
configure_build() {  # directory, cmake options...
  local dir=$1
  shift
  [ -f "$dir/CMakeCache.txt" ] || cmake -S . -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
  cmake --build "$dir" -j"$(nproc)"
}

scripts/setup.sh clang libclang-rt-14-dev >"$logs/setup.log" 2>&1 || { echo "FAIL  setup ($logs/setup.log)"; exit 1; }

check build configure_build build
check property-"$property_seeds"-seeds env CANVASS_PROPERTY_SEEDS="$property_seeds" \
  build/tests/property_tests --gtest_filter='MergeConvergence.*'
check kill-9-"$kill_cycles"-cycles env CANVASS_KILL_CYCLES="$kill_cycles" \
  build/tests/integration_tests --gtest_filter='ServerKillLoop.*:ServerDurability.*'

tsan_suite() {
  configure_build build-tsan -DCANVASS_SANITIZE_THREAD=ON &&
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
      ctest --test-dir build-tsan --output-on-failure -j"$(nproc)" --timeout 1800 -L 'integration_tests|unit_sync'
}
check tsan-server-and-integration tsan_suite

# Each fuzz target for a fixed time, from the seeds kept in tests/fuzz/corpus/<target>/ and
# inputs made by the programs themselves (forms, answers, a token, a bundle); a crash leaves
# its input in build-deep/ and fails the check.
fuzz_seeds() {
  local seeds=$logs/seeds
  rm -rf "$seeds" && mkdir -p "$seeds"/{fuzz_form,fuzz_answers,fuzz_token,fuzz_bundle}
  cp schemas/forms/*.json "$seeds/fuzz_form/"
  local i=0
  while IFS= read -r line; do
    i=$((i + 1))
    printf '%s' "$line" >"$seeds/fuzz_answers/$i.json"
  done <schemas/forms/street_vendors.answers.jsonl
  scripts/story.sh build >/dev/null 2>&1 || return 1
  build/sync-server/canvass-server --data build/story/server token create --project vendors \
    --role collector --address 127.0.0.1:9 >"$seeds/fuzz_token/token.txt" 2>/dev/null
  CANVASS_HOME=build/story/amina CANVASS_PASSPHRASE="story passphrase, not for real data" \
    build/cli-client/canvass bundle export --out "$seeds/fuzz_bundle/amina.bundle" >/dev/null
}
fuzz_all() {
  configure_build build-fuzz -DCANVASS_FUZZ=ON -DCANVASS_BUILD_TESTS=OFF \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ || return 1
  fuzz_seeds || return 1
}
check fuzz-build-and-seeds fuzz_all
for src in tests/fuzz/fuzz_*.cpp; do
  target=$(basename "$src" .cpp)
  work=$logs/corpus/$target
  mkdir -p "$work" "$logs/findings/$target"
  dict=()
  [ -f "tests/fuzz/$target.dict" ] && dict=(-dict="tests/fuzz/$target.dict")
  dirs=("$work")
  for d in "tests/fuzz/corpus/$target" "$logs/seeds/$target"; do [ -d "$d" ] && dirs+=("$d"); done
  check "fuzz-$target-${fuzz_seconds}s" "build-fuzz/tests/fuzz/$target" -max_total_time="$fuzz_seconds" \
    -max_len=65536 -timeout=10 -rss_limit_mb=1024 -artifact_prefix="$logs/findings/$target/" \
    "${dict[@]}" "${dirs[@]}"
done

if [ "${CROSS:-1}" != 0 ]; then
  check cross-aarch64 scripts/cross-test.sh aarch64
  check cross-armhf scripts/cross-test.sh armhf
fi

exit $failed
