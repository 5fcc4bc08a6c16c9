#!/usr/bin/env bash
# Installs what zlhcs needs to build and test, from Debian 12's packages. Idempotent: it asks
# apt only when something is missing (and runs apt-get update only then). Runs as root on a
# fresh Debian 12 that has only git; as another user it uses sudo.
set -euo pipefail

packages=(
  cmake ninja-build g++ git python3            # build tools; python3 runs the ABI checks
  pkgconf                                       # pkg-config: the consumer test (scripts/consumer.sh)
  rapidjson-dev libmsgsl-dev                    # header-only dependencies of the library
  googletest libbenchmark-dev                   # test and benchmark frameworks (gtest from source)
  g++-mingw-w64-x86-64-posix gcc-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64
  mingw-w64-tools                               # the Windows cross build (posix threads)
  wine wine64                                   # runs the Windows build's tests
  cargo rustc                                   # the Rust crates (facade/rust): Debian's 1.63 is
                                                # their oldest tested Rust; a newer cargo on PATH wins
  librust-serde-dev librust-serde-derive-dev librust-serde-json-dev
  librust-futures-core-dev librust-futures-executor-dev  # their crates, offline (scripts/cargo-debian.toml)
  clang-14 libclang-rt-14-dev                   # sanitizer and fuzz builds (the runtime is only a
                                                # Recommends of clang-14: not there where clang-14 came without it)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: all ${#packages[@]} packages are installed"
  exit 0
fi

echo "bootstrap: installing ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "bootstrap: run as root (or install sudo)" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
