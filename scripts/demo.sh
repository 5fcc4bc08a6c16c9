#!/usr/bin/env bash
# Builds and runs the demo: a program that drives a compute system's lifecycle (create,
# start, query, terminate) through zlhcs on the default backend — off Windows that is hcsim,
# the built-in HCS simulator — and prints what it does.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
cmake --preset native
cmake --build --preset native --target zlhcs_demo -j "${ZLHCS_JOBS:-2}"
echo
exec build/native/bin/zlhcs_demo "$@"
