#!/usr/bin/env bash
# The consumer test: builds tests/consumer/ (a user's project: C through find_package, the
# same C through pkg-config, C++ with the typed API) against the *installed* package and runs
# it, once per toolchain.
#
#   scripts/consumer.sh [--native-build DIR] [--windows-build DIR] [--no-native] [--no-windows]
#
#   native:  cmake --install <native build> into a temporary prefix; the consumer is
#            configured with CMAKE_PREFIX_PATH / PKG_CONFIG_PATH pointing there, built with the
#            host's gcc/g++ and run on the default backend (the installed libhcsim.so beside
#            libzlhcs.so).
#   windows: cmake --install <windows build> into another prefix; the consumer is configured
#            with the mingw-w64 toolchain file, zlhcs_DIR and PKG_CONFIG_LIBDIR pointing there;
#            its build copies zlhcs.dll and hcsim.dll beside the executables (what an
#            application ships), and each runs under Wine (the build's own wrapper and prefix)
#            with hcsim.dll's absolute path as its backend.
# The two run side by side (one build job each), each into its own log, printed when both
# are done. The builds must exist (scripts/test.sh runs this after the windows suite; by
# hand: cmake --build --preset native && cmake --build --preset windows). Exits non-zero if
# anything is missing from an install tree or any program fails or does not say "ok".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
native_build=build/native
windows_build=build/windows
run_native=1
run_windows=1
while [ $# -gt 0 ]; do
  case "$1" in
    --native-build) native_build=$2; shift 2 ;;
    --windows-build) windows_build=$2; shift 2 ;;
    --no-native) run_native=0; shift ;;
    --no-windows) run_windows=0; shift ;;
    *) echo "usage: $0 [--native-build DIR] [--windows-build DIR] [--no-native] [--no-windows]" >&2; exit 2 ;;
  esac
done
jobs=${ZLHCS_JOBS:-2}
work=$(mktemp -d "${TMPDIR:-/tmp}/zlhcs-consumer.XXXXXX")
wine_prefix=""
cleanup() {
  if [ -n "$wine_prefix" ]; then WINEPREFIX="$wine_prefix" wineserver -k >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# expect_files <prefix> <relative paths...>: each must exist in the install tree.
expect_files() {
  local prefix=$1 missing=0; shift
  for f in "$@"; do
    if [ ! -e "$prefix/$f" ]; then echo "install tree $prefix lacks $f" >&2; missing=1; fi
  done
  return "$missing"
}

# run_program <label> <command...>: runs it, shows its output, requires exit 0 and "<label>: ok"
# (the programs print their own name; the pkg-config build of consumer.c prints the C one's).
run_program() {
  local label=$1 out rc; shift
  set +e
  out=$("$@" 2>&1)
  rc=$?
  set -e
  printf '%s\n' "$out" | tr -d '\r' | sed 's/^/    /'
  if [ "$rc" -ne 0 ] || ! printf '%s\n' "$out" | tr -d '\r' | grep -qx "$label: ok"; then
    echo "FAILED: $* (exit $rc)" >&2
    return 1
  fi
}

common_files=(include/zlhcs/zlhcs.h include/zlhcs/zlhcs.hpp include/hcsim/hcsim_control.h
              include/zlhcs/third_party/rapidjson/reader.h lib/cmake/zlhcs/zlhcsConfig.cmake
              lib/cmake/zlhcs/zlhcsConfigVersion.cmake lib/pkgconfig/zlhcs.pc)

# native_part / windows_part: install, configure, build, run; each writes its own log.
native_part() {
  local prefix="$work/native-prefix" t0=$SECONDS
  echo "--- native: install $native_build"
  cmake --install "$native_build" --prefix "$prefix" >/dev/null
  expect_files "$prefix" "${common_files[@]}" lib/libzlhcs.so lib/libhcsim.so
  # Natively the C++ program compiles the typed codec itself, as C++20 (#define
  # ZLHCS_IMPLEMENTATION); the Windows one links the package's zlhcs::schema, as C++17.
  PKG_CONFIG_PATH="$prefix/lib/pkgconfig" cmake -S tests/consumer -B "$work/native" -G Ninja \
    -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ -DCMAKE_PREFIX_PATH="$prefix" \
    -DZLHCS_CONSUMER_CODEC=implementation -DCMAKE_CXX_STANDARD=20 >/dev/null
  cmake --build "$work/native" -j "$part_jobs"
  echo "--- native: run (default backend)"
  run_program zlhcs_consumer_c "$work/native/zlhcs_consumer_c"
  run_program zlhcs_consumer_c "$work/native/zlhcs_consumer_c_pkgconfig"
  run_program zlhcs_consumer_cpp "$work/native/zlhcs_consumer_cpp"
  echo "--- native: ok ($(( SECONDS - t0 ))s)"
}

windows_part() {
  local prefix="$work/windows-prefix" t0=$SECONDS hcsim
  echo "--- windows: install $windows_build"
  cmake --install "$windows_build" --prefix "$prefix" >/dev/null
  expect_files "$prefix" "${common_files[@]}" bin/zlhcs.dll bin/hcsim.dll lib/libzlhcs.dll.a \
    lib/zlhcs.lib lib/libhcsim.dll.a lib/hcsim.lib
  # zlhcs_DIR: the toolchain file confines find_package to mingw's root, so the package is
  # named directly; PKG_CONFIG_LIBDIR: only this tree's .pc files, never the host's. (With the
  # toolchain's -static, GNU ld links the pkg-config build against lib/zlhcs.lib, the
  # dlltool-made import library; the find_package build uses libzlhcs.dll.a.)
  PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" cmake -S tests/consumer -B "$work/windows" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchains/mingw-w64-x86_64.cmake" \
    -Dzlhcs_DIR="$prefix/lib/cmake/zlhcs" -DZLHCS_CONSUMER_CODEC=library -DCMAKE_CXX_STANDARD=17 >/dev/null
  PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" cmake --build "$work/windows" -j "$part_jobs"
  # hcsim.dll beside the executable, by absolute path (as Z:\ sees the Linux tree).
  hcsim="Z:$(printf '%s' "$work/windows/hcsim.dll" | tr '/' '\\')"
  echo "--- windows: run under Wine (backend $hcsim)"
  run_program zlhcs_consumer_c "$runner" "$work/windows/zlhcs_consumer_c.exe" "$hcsim"
  run_program zlhcs_consumer_c "$runner" "$work/windows/zlhcs_consumer_c_pkgconfig.exe" "$hcsim"
  run_program zlhcs_consumer_cpp "$runner" "$work/windows/zlhcs_consumer_cpp.exe" "$hcsim"
  echo "--- windows: ok ($(( SECONDS - t0 ))s)"
}

# Both at once when both run (each build is one C++ compile and a few C ones: one job each).
part_jobs=$jobs
if [ "$run_native" = 1 ] && [ "$run_windows" = 1 ]; then part_jobs=1; fi
if [ "$run_windows" = 1 ]; then
  runner="$windows_build/zlhcs-wine"
  if [ ! -x "$runner" ]; then echo "$runner missing: configure the Windows build first" >&2; exit 1; fi
  wine_prefix=$(sed -n "s/^export WINEPREFIX='\(.*\)'$/\1/p" "$runner")
fi
pids=()
parts=()
for part in native windows; do
  run_var="run_$part"
  [ "${!run_var}" = 1 ] || continue
  ( set -e; "${part}_part" ) >"$work/$part.log" 2>&1 &
  pids+=("$!")
  parts+=("$part")
done
failed=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then failed=1; echo "--- ${parts[$i]}: FAILED"; fi
  cat "$work/${parts[$i]}.log"
done
if [ "$failed" -ne 0 ]; then
  echo "consumer: FAILED"
  exit 1
fi
echo "consumer: ok"
