#!/bin/sh
# ctest fixture of the Windows build (see cmake/ZlhcsTesting.cmake).
#   zlhcs-wine-prefix.sh setup|teardown <WINEPREFIX> <hcsim.dll> <wine> <wineserver>
# WINEPREFIX and WINEDLLOVERRIDES also arrive in the environment (test ENVIRONMENT).
set -eu
action=$1 prefix=$2 hcsim_dll=$3 wine=$4 wineserver=$5
export WINEPREFIX="$prefix"
export WINEDEBUG="${ZLHCS_WINEDEBUG:--all}"
: "${WINEDLLOVERRIDES:=mscoree,mshtml=;winemenubuilder.exe=d}"
export WINEDLLOVERRIDES
ready="$prefix/.zlhcs-prefix-ready"
system32="$prefix/drive_c/windows/system32"
log="$prefix.log"

case "$action" in
setup)
    # A server left over by an interrupted run would not be ours to rely on: stop it.
    if [ -d "$prefix" ]; then "$wineserver" -k >/dev/null 2>&1 || true; fi
    if [ ! -f "$ready" ]; then
        rm -rf "$prefix"
    fi
    mkdir -p "$prefix"
    # One persistent server for the whole run (-p: it stays up between test processes; the
    # teardown fixture stops it). Neither it nor anything started here may hold ctest's
    # pipes open: all output goes to /dev/null or the log.
    "$wineserver" -p >/dev/null 2>&1 </dev/null
    if [ ! -f "$ready" ]; then
        echo "creating Wine prefix $prefix (wineboot -i)"
        start=$(date +%s)
        if ! "$wine" wineboot -i >"$log" 2>&1 </dev/null; then
            echo "wineboot -i failed; its output:" >&2
            cat "$log" >&2
            exit 1
        fi
        if [ ! -d "$system32" ]; then
            echo "wineboot -i did not create $system32; its output:" >&2
            cat "$log" >&2
            exit 1
        fi
        touch "$ready"
        echo "prefix created in $(( $(date +%s) - start ))s"
    else
        # Start Wine's system processes (services.exe, winedevice.exe, plugplay.exe, ...)
        # here, with our output going to the log. Otherwise the first test process starts
        # them, they inherit its stderr, and as they live as long as the persistent server,
        # ctest waits for that pipe to close until the test times out.
        if ! "$wine" wineboot >"$log" 2>&1 </dev/null; then
            echo "wineboot failed; its output:" >&2
            cat "$log" >&2
            exit 1
        fi
    fi
    if [ -f "$hcsim_dll" ]; then
        cp -f "$hcsim_dll" "$system32/computecore.dll"
        echo "installed $hcsim_dll as $system32/computecore.dll"
    else
        # No stale simulator may stand in for the current build's.
        rm -f "$system32/computecore.dll"
        echo "warning: $hcsim_dll does not exist (hcsim not built): System32 has no computecore.dll" >&2
    fi
    ;;
teardown)
    "$wineserver" -k >/dev/null 2>&1 || true
    # wineserver -k returns once the server is told; wait until it is gone.
    "$wineserver" -w >/dev/null 2>&1 || true
    echo "wineserver stopped"
    ;;
*)
    echo "usage: $0 setup|teardown <WINEPREFIX> <hcsim.dll> <wine> <wineserver>" >&2
    exit 2
    ;;
esac
