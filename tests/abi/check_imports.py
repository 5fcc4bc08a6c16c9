#!/usr/bin/env python3
"""Checks that Windows binaries import only Windows system DLLs.

A mingw binary that imports libstdc++-6.dll, libgcc_s_seh-1.dll or libwinpthread-1.dll was
not linked statically (cmake/toolchains/mingw-w64-x86_64.cmake adds -static): it does not
start on a machine without those DLLs, and under Wine it fails silently.
--forbid NAME forbids a DLL by name (e.g. one this binary must only load at run time).
"""
import argparse
import re
import subprocess
import sys

SYSTEM_DLLS = re.compile(
    r"^(kernel32|kernelbase|ntdll|msvcrt|ucrtbase|advapi32|user32|gdi32|ws2_32|mswsock|"
    r"ole32|oleaut32|shell32|shlwapi|rpcrt4|bcrypt|crypt32|secur32|userenv|version|"
    r"iphlpapi|dbghelp|psapi|winmm|"
    r"api-ms-win-[a-z0-9-]+|ext-ms-win-[a-z0-9-]+)\.dll$", re.IGNORECASE)
MINGW_RUNTIME = re.compile(r"^(libstdc\+\+|libgcc|libwinpthread|libssp|libgomp|libatomic)",
                           re.IGNORECASE)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--objdump", required=True)
    p.add_argument("--forbid", action="append", default=[], metavar="DLL")
    p.add_argument("binaries", nargs="+")
    args = p.parse_args()
    forbidden = {f.lower() for f in args.forbid}
    failed = False
    for binary in args.binaries:
        r = subprocess.run([args.objdump, "-p", binary], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            print(f"{binary}: objdump failed:\n{r.stderr}")
            failed = True
            continue
        dlls = re.findall(r"^\s*DLL Name:\s*(\S+)", r.stdout, re.MULTILINE)
        bad = []
        for dll in dlls:
            if dll.lower() in forbidden:
                bad.append(f"{dll} (forbidden for this binary)")
            elif MINGW_RUNTIME.match(dll):
                bad.append(f"{dll} (mingw runtime: link it statically)")
            elif not SYSTEM_DLLS.match(dll):
                bad.append(f"{dll} (not a Windows system DLL)")
        if bad:
            failed = True
            print(f"{binary} imports:")
            for b in bad:
                print("  " + b)
        else:
            print(f"{binary}: imports only system DLLs: {', '.join(dlls)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
