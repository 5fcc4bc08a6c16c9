#!/usr/bin/env bash
# Runs every libFuzzer harness of tests/fuzz for SECONDS each (docs/fuzzing.md).
#
#   scripts/fuzz.sh SECONDS                  builds build/fuzz (clang-14, libFuzzer + ASan + UBSan,
#                                            coverage on zlhcs and hcsim too) and fuzzes there
#   scripts/fuzz.sh --build-dir DIR --no-build [--parallel N] SECONDS
#                                            runs the fuzzers an existing build made (the CI
#                                            smoke in scripts/test.sh: build/asan, ZLHCS_FUZZ)
#   --only NAME[,NAME]                       just those harnesses (utf, schema_validate,
#                                            schema_roundtrip, dll_calls)
#
# Each run starts from the committed inputs (the replay executable writes them into a scratch
# corpus under the build directory; the checkout is never written to), with the dictionary
# tests/fuzz/hcs_json.dict, inputs up to 64 KiB, -rss_limit_mb and -timeout. A crash, leak or
# timeout input is kept in <build>/fuzz-runs/<harness>/crashes/ and its path printed with the
# command that replays it; the script then exits 1. Copy a fixed bug's input into
# tests/fuzz/regressions/<harness>/ so that every build replays it.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

build_dir="$root/build/fuzz"
build=1
parallel=1
only=""
harnesses=(utf schema_validate schema_roundtrip dll_calls)
while [ $# -gt 1 ]; do
  case $1 in
    --build-dir) build_dir=$(realpath -m "$2"); shift 2 ;;
    --no-build) build=0; shift ;;
    --parallel) parallel=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
seconds=${1:-}
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: scripts/fuzz.sh [--build-dir DIR] [--no-build] [--parallel N] [--only NAMES] SECONDS" >&2
  exit 2
fi
if [ -n "$only" ]; then IFS=, read -r -a harnesses <<< "$only"; fi

if [ "$build" -eq 1 ]; then
  # Coverage instrumentation on everything this build compiles (zlhcs and hcsim included:
  # the dll_calls harness is guided by their code); the CI's asan build instruments only the
  # harnesses and the code compiled into them.
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DZLHCS_SANITIZER=address \
    -DZLHCS_FUZZ=ON -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link \
    >/dev/null || exit 1
  targets=(hcsim)
  for h in "${harnesses[@]}"; do targets+=("zlhcs_fuzz_$h" "zlhcs_fuzz_${h}_replay"); done
  cmake --build "$build_dir" -j "${ZLHCS_JOBS:-2}" --target "${targets[@]}" || exit 1
fi

# The asan preset's sanitizer options (CMakePresets.json; intercept_tls_get_addr: README.md).
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1:intercept_tls_get_addr=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$root/tests/sanitizers/ubsan.supp"

runs="$build_dir/fuzz-runs"
run_one() {  # run_one <harness>: fuzzes it; its log is <runs>/<harness>/log
  local h=$1 dir="$runs/$1"
  rm -rf "$dir/crashes" "$dir/log"
  mkdir -p "$dir/corpus" "$dir/crashes"
  "$build_dir/bin/zlhcs_fuzz_${h}_replay" --write-corpus "$dir/corpus" >/dev/null 2>"$dir/log" || return 1
  "$build_dir/bin/zlhcs_fuzz_$h" "$dir/corpus" -dict="$root/tests/fuzz/hcs_json.dict" \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=20 \
    -artifact_prefix="$dir/crashes/" -print_final_stats=1 >>"$dir/log" 2>&1
}

declare -A pids=()
failed=0
report() {  # report <harness> <exit status>
  local h=$1 rc=$2 dir="$runs/$1" runs_done secs
  runs_done=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$dir/log" | tail -1)
  local rate="?"
  if [ -n "$runs_done" ] && [ -n "$secs" ] && [ "$secs" -gt 0 ]; then rate=$(( runs_done / secs )); fi
  if [ "$rc" -eq 0 ]; then
    printf '%-18s ok      %8s runs  %6s exec/s\n' "$h" "${runs_done:-?}" "$rate"
    return
  fi
  failed=1
  printf '%-18s FAILED  (exit %s; log %s)\n' "$h" "$rc" "$dir/log"
  grep -E 'ERROR: |FUZZ_CHECK|SUMMARY: ' "$dir/log" | head -5 | sed 's/^/    /'
  for f in "$dir"/crashes/*; do
    [ -e "$f" ] || continue
    echo "    reproducer: $f"
    echo "    replay:     $build_dir/bin/zlhcs_fuzz_${h}_replay $f"
  done
}

echo "fuzzing ${harnesses[*]} for ${seconds}s each (${parallel} at a time) in $build_dir"
queue=("${harnesses[@]}")
while [ ${#queue[@]} -gt 0 ] || [ ${#pids[@]} -gt 0 ]; do
  while [ ${#queue[@]} -gt 0 ] && [ ${#pids[@]} -lt "$parallel" ]; do
    run_one "${queue[0]}" &
    pids[${queue[0]}]=$!
    queue=("${queue[@]:1}")
  done
  wait -n
  for h in "${!pids[@]}"; do
    if ! kill -0 "${pids[$h]}" 2>/dev/null; then
      wait "${pids[$h]}"
      report "$h" $?
      unset "pids[$h]"
    fi
  done
done
[ "$failed" -eq 0 ] || { echo "fuzzing found a failure: see the reproducers above (docs/fuzzing.md)"; exit 1; }
echo "no failure found"
