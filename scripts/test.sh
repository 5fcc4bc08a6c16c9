#!/usr/bin/env bash
# Builds everything and runs every test suite: the native build (Linux, g++, hcsim built in)
# and the Windows build (mingw-w64, tests under Wine with hcsim as System32\computecore.dll);
# the bench preset (Release) builds only the benchmarks and runs their smoke tests.
# Exits non-zero if any step fails. Used by .ci/run.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=${ZLHCS_JOBS:-2}

bash scripts/bootstrap.sh || exit 1

declare -a summary
failed=0
now() { date +%s; }
step() {  # step <label> <command...>: runs it, records the time and the outcome
  local label=$1; shift
  local t0; t0=$(now)
  echo
  echo "=== $label: $*"
  if "$@"; then
    summary+=("$(printf '%-26s ok      %4ss' "$label" $(( $(now) - t0 )))")
    return 0
  fi
  summary+=("$(printf '%-26s FAILED  %4ss' "$label" $(( $(now) - t0 )))")
  failed=1
  return 1
}

declare -a ctest_summaries=() failure_lines=()
run_ctest() {  # run_ctest <preset>: runs the suite, keeps its summary lines
  local preset=$1 log="$root/build/ctest-$1.log" rc
  ctest --preset "$preset" --output-on-failure -j "$jobs" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  ctest_summaries+=("[$preset] $(grep -E 'tests passed|No tests were found' "$log" | tail -1)")
  while IFS= read -r line; do ctest_summaries+=("[$preset]   $line"); done \
    < <(sed -n '/^The following tests FAILED:/,$p' "$log" | sed '1d' | grep -E '^\s+[0-9]+ - ' || true)
  # What failed, repeated at the end, where a truncated CI log still shows it: each gtest
  # failure's location and first lines, a crash under Wine (its first backtrace lines), and
  # the failed tests' names (at most 60 lines).
  if [ "$rc" -ne 0 ]; then
    while IFS= read -r line; do failure_lines+=("[$preset] $line"); done \
      < <(grep -E -A3 ': Failure$|\[  FAILED  \]|Segmentation|terminate called|ERROR: (Address|Thread)Sanitizer|wine: Unhandled|Backtrace:' "$log" \
            | head -60 || true)
  fi
  return "$rc"
}

mkdir -p build
for preset in native bench windows asan tsan; do
  targets=()  # empty: the whole tree
  # Release benchmarks: only their executables and what their smoke runs load (libzlhcs.so
  # and libhcsim.so beside it, zlhcs's default backend).
  [ "$preset" = bench ] && targets=(--target zlhcs_bench zlhcs_schema_bench zlhcs hcsim)
  step "configure $preset" cmake --preset "$preset" || continue
  step "build $preset" cmake --build --preset "$preset" -j "$jobs" "${targets[@]}" || continue
  step "ctest $preset" run_ctest "$preset"
  # The Rust crates (facade/rust, scripts/rust.sh) against the native build: cargo test with
  # the cargo on PATH and with Debian's rustc 1.63, and clippy.
  if [ "$preset" = native ]; then
    step "rust" bash scripts/rust.sh --build build/native
  fi
  # The fuzz smoke (docs/fuzzing.md): the asan build also made the libFuzzer executables
  # (ZLHCS_FUZZ); each runs 25 s from the committed corpus (copied under build/asan), two at a
  # time (under a minute in all). A crash, leak or timeout fails CI and prints its reproducer.
  if [ "$preset" = asan ]; then
    step "fuzz smoke asan" bash scripts/fuzz.sh --build-dir build/asan --no-build --parallel 2 25
  fi
  # The installed package as users consume it (scripts/consumer.sh, tests/consumer/): once
  # the native and the windows builds exist, both are installed into temporary prefixes and a
  # small C / pkg-config / C++ project is built against each and run (natively; under Wine).
  if [ "$preset" = windows ]; then
    step "consumer" bash scripts/consumer.sh --native-build build/native --windows-build build/windows
    # The .NET binding (facade/dotnet, scripts/dotnet.sh): xunit on the native build, the NuGet
    # package with both builds' libraries, and a consumer of that package. Without the .NET SDK
    # (a plain Debian machine) it is said and skipped, except under CI (CI=true), where it fails.
    if command -v dotnet >/dev/null 2>&1; then
      step "dotnet" bash scripts/dotnet.sh --native-build build/native --windows-build build/windows
    elif [ "${CI:-}" = true ]; then
      echo "dotnet: no .NET SDK on PATH, and CI=true: the .NET suite must run in CI"
      step "dotnet" false
    else
      echo "dotnet: the .NET suite was not run: no .NET SDK on PATH (a plain Debian machine has none)"
      summary+=("$(printf '%-26s skipped (no .NET SDK)' dotnet)")
    fi
  fi
done

# A Wine server must not outlive the run (the ctest fixture stops it; this covers aborts).
if [ -d build/windows/wineprefix ]; then
  WINEPREFIX="$root/build/windows/wineprefix" wineserver -k >/dev/null 2>&1 || true
fi

echo
echo "=== summary"
printf '%s\n' "${summary[@]}"
printf '%s\n' "${ctest_summaries[@]}"
if [ "${#failure_lines[@]}" -ne 0 ]; then
  echo "=== failures (first lines of each)"
  printf '%s\n' "${failure_lines[@]}"
fi
if [ "$failed" -ne 0 ]; then
  echo "FAILED"
  exit 1
fi
echo "all builds and test suites passed"
