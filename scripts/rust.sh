#!/usr/bin/env bash
# Builds and tests the Rust crates of facade/rust (zlhcs-sys, zlhcs) against a native build of
# zlhcs, whose libzlhcs.so and default backend libhcsim.so are in <build>/bin:
#   scripts/rust.sh [--build build/native]
# Offline, against the crates Debian packages (scripts/cargo-debian.toml; scripts/bootstrap.sh
# installs them). Runs, in order:
#   1. `cargo test` (unit, integration and doc tests) with the cargo on PATH;
#   2. `cargo fmt --check` and `cargo clippy -D warnings` when rustfmt and clippy are installed
#      (said when they are not);
#   3. `cargo test` again with Debian's cargo and rustc 1.63 (/usr/bin), the oldest Rust the
#      crates' rust-version promises, when they are installed and not the cargo of step 1.
# Exits non-zero if any step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=build/native
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    *) echo "usage: $0 [--build <native build dir>]" >&2; exit 2 ;;
  esac
done
lib="$root/$build/bin"
[ -f "$lib/libzlhcs.so" ] || { echo "rust.sh: no $lib/libzlhcs.so: build the native preset first" >&2; exit 1; }
command -v cargo >/dev/null || { echo "rust.sh: no cargo on PATH (scripts/bootstrap.sh installs Debian's)" >&2; exit 1; }

config="$root/scripts/cargo-debian.toml"
export ZLHCS_LIB_DIR="$lib" LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
cd facade/rust

echo "rust.sh: $(cargo --version), $(rustc --version)"
CARGO_TARGET_DIR="$root/build/rust" cargo --config "$config" test --workspace

if cargo fmt --version >/dev/null 2>&1; then
  cargo fmt --all --check   # rustfmt.toml; generated code is rustfmt-stable or skips itself
else
  echo "rust.sh: rustfmt is not installed here; format check skipped"
fi

if cargo clippy --version >/dev/null 2>&1; then
  # After the subcommand: cargo-clippy runs cargo again and passes on only its own arguments.
  CARGO_TARGET_DIR="$root/build/rust" cargo clippy --config "$config" --workspace --all-targets -- -D warnings
else
  echo "rust.sh: clippy is not installed here; lint step skipped"
fi

if [ -x /usr/bin/cargo ] && [ -x /usr/bin/rustc ] && [ "$(command -v cargo)" != /usr/bin/cargo ]; then
  echo "rust.sh: again with Debian's $(/usr/bin/cargo --version), $(/usr/bin/rustc --version)"
  RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc CARGO_TARGET_DIR="$root/build/rust-debian" /usr/bin/cargo --config "$config" test --workspace
else
  echo "rust.sh: Debian's cargo is the one on PATH (or absent): no second toolchain to test"
fi
