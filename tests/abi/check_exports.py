#!/usr/bin/env python3
"""Checks that a built zlhcs library exports exactly what def/zlhcs.def lists.

With --baseline, also: every export of a released version keeps its name and ordinal.

Windows build (--objdump): the DLL's export table has exactly the .def's names, each at the
.def's ordinal (NONAME entries: the ordinal only), and nothing else.
Native build (--nm): the shared object's dynamic symbol table defines exactly the .def's
names, plus the few symbols every shared object has; anything else (a C++ symbol, a helper
with default visibility) is a leak into the ABI.
"""
import argparse
import re
import subprocess
import sys

# Symbols the toolchain puts into every shared object.
ELF_STANDARD = {"_init", "_fini", "_edata", "_end", "__bss_start", "_DYNAMIC",
                "_GLOBAL_OFFSET_TABLE_", "__dso_handle"}


def parse_def(path):
    """Returns ({name: ordinal or None}, {noname ordinals})."""
    named, noname = {}, set()
    in_exports = False
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.split(";", 1)[0].strip()
            if not line:
                continue
            head = line.split()[0].upper()
            if head in ("LIBRARY", "NAME", "DESCRIPTION", "STACKSIZE", "HEAPSIZE",
                        "SECTIONS", "VERSION", "IMPORTS"):
                in_exports = False
                continue
            if head == "EXPORTS":
                in_exports = True
                line = line[len("EXPORTS"):].strip()
                if not line:
                    continue
            if not in_exports:
                continue
            m = re.match(r'^"?([A-Za-z_][\w@?$]*)"?(?:\s*==?\s*\S+)?\s*(?:@\s*(\d+))?\s*(.*)$', line)
            if not m:
                sys.exit(f"{path}:{lineno}: cannot parse export line: {raw.rstrip()}")
            name, ordinal, flags = m.group(1), m.group(2), m.group(3).upper().split()
            ordinal = int(ordinal) if ordinal else None
            if "NONAME" in flags:
                if ordinal is None:
                    sys.exit(f"{path}:{lineno}: NONAME without an ordinal")
                noname.add(ordinal)
                continue
            if name in named:
                sys.exit(f"{path}:{lineno}: {name} listed twice")
            named[name] = ordinal
    ordinals = [o for o in named.values() if o is not None] + sorted(noname)
    dup = {o for o in ordinals if ordinals.count(o) > 1}
    if dup:
        sys.exit(f"{path}: ordinals used twice: {sorted(dup)}")
    if not named and not noname:
        sys.exit(f"{path}: no exports found")
    return named, noname


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{r.stderr}")
    return r.stdout


def pe_exports(objdump, dll):
    """Returns ({name: ordinal}, {all ordinals in the export address table})."""
    out = run([objdump, "-p", dll])
    m = re.search(r"Export Address Table -- Ordinal Base (\d+)", out)
    if not m:
        return {}, set()
    base = int(m.group(1))
    section = out[m.end():]
    eat, names = set(), {}
    eat_part, _, rest = section.partition("[Ordinal/Name Pointer] Table")
    for line in eat_part.splitlines():
        mm = re.match(r"\s*\[\s*\d+\]\s*\+base\[\s*(\d+)\]", line)
        if mm:
            eat.add(int(mm.group(1)))
        elif line.strip() and not line.startswith("\t"):
            break
    for line in rest.splitlines()[1:]:
        mm = re.match(r"\s*\[\s*(\d+)\]\s+(\S+)", line)
        if not mm:
            break
        names[mm.group(2)] = int(mm.group(1)) + base
    return names, eat


def check_pe(args, named, noname):
    names, eat = pe_exports(args.objdump, args.binary)
    errors = []
    for name, ordinal in sorted(named.items()):
        if name not in names:
            errors.append(f"missing export: {name} (@{ordinal})")
        elif ordinal is not None and names[name] != ordinal:
            errors.append(f"{name}: ordinal {names[name]}, the .def says {ordinal}")
    for name in sorted(set(names) - set(named)):
        errors.append(f"unexpected export: {name} (@{names[name]})")
    for ordinal in sorted(noname - eat):
        errors.append(f"missing NONAME export @{ordinal}")
    expected_ordinals = {o for o in named.values() if o is not None} | noname
    if all(o is not None for o in named.values()):
        for ordinal in sorted(eat - expected_ordinals):
            errors.append(f"unexpected entry at ordinal {ordinal} in the export address table")
    return errors, len(names)


def check_elf(args, named, noname):
    out = run([args.nm, "-D", "--defined-only", args.binary])
    symbols = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            symbols[parts[-1]] = parts[-2]
    expected = {n for n in named if n.startswith(args.prefix)}
    errors = []
    for name in sorted(expected - set(symbols)):
        errors.append(f"missing export: {name}")
    for name, kind in sorted(symbols.items()):
        if name in expected or name in ELF_STANDARD or kind == "A":
            continue
        errors.append(f"unexpected export: {name} (nm type {kind})")
    return errors, len(expected & set(symbols))


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--def", dest="def_file", required=True)
    p.add_argument("--binary", required=True)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--objdump", help="PE: x86_64-w64-mingw32-objdump")
    g.add_argument("--nm", help="ELF: nm")
    p.add_argument("--prefix", default="zlhcs_", help="ELF: the .def names that must be exported")
    p.add_argument("--baseline", help="a .def of a released version: each of its exports must "
                   "still be in --def, at the same ordinal (exports are only ever appended)")
    args = p.parse_args()
    named, noname = parse_def(args.def_file)
    errors, count = (check_pe if args.objdump else check_elf)(args, named, noname)
    if args.baseline:
        base_named, base_noname = parse_def(args.baseline)
        for name, ordinal in sorted(base_named.items()):
            if name not in named:
                errors.append(f"{name} (@{ordinal}) of the baseline {args.baseline} was removed")
            elif named[name] != ordinal:
                errors.append(f"{name}: ordinal {named[name]} in {args.def_file}, "
                              f"{ordinal} in the baseline {args.baseline}")
        for ordinal in sorted(base_noname - noname):
            errors.append(f"NONAME ordinal @{ordinal} of the baseline was removed")
    if errors:
        print(f"export check of {args.binary} against {args.def_file} failed:")
        for e in errors:
            print("  " + e)
        return 1
    print(f"{args.binary}: exports match {args.def_file} ({count} names)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
