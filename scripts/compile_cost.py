#!/usr/bin/env python3
"""How much including the C++ facade costs a translation unit (issue 17, section 1).

Compiles small translation units with `-fsyntax-only` (templates are still instantiated at the
end of the unit, as in a real build) and prints, for each, the compiler's CPU time as a ratio
to a unit holding only `#include <string>` measured in the same run, and its peak memory.
Each unit is compiled --runs times (the fastest run counts: the others only saw a busier
machine). It prints; it never fails a build: a timing is not a test.

    scripts/compile_cost.py [--compiler g++] [--std c++20] [--runs 3] [--check]

--check exits 1 when a unit misses its target (for a person watching a change, not for CI).
"""
import argparse
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent

# (name, source, ratio target or None, peak-memory target in MB or None)
UNITS = [
    ("<string>", "#include <string>\n", None, None),
    ("zlhcs/core.hpp", "#include <zlhcs/core.hpp>\n", 3.0, 250),
    ("zlhcs/schema.hpp", "#include <zlhcs/schema.hpp>\n", None, 250),
    ("zlhcs/typed.hpp", "#include <zlhcs/typed.hpp>\n", None, 250),
    ("zlhcs/builders.hpp", "#include <zlhcs/builders.hpp>\n", None, 250),
    ("zlhcs/statistics.hpp", "#include <zlhcs/statistics.hpp>\n", None, 250),
    ("zlhcs/zlhcs.hpp", "#include <zlhcs/zlhcs.hpp>\n", 4.0, 250),
    # What an agent's unit does with the typed API: create from a typed document, then read
    # typed statistics.
    ("typed create + properties<Statistics>()", """#include <zlhcs/zlhcs.hpp>
zlhcs::schema::Statistics sample(const zlhcs::schema::ComputeSystem& document) {
    auto system = zlhcs::compute_system::create("cost", document);
    system.start();
    return system.properties<zlhcs::schema::Statistics>(zlhcs::property_query::statistics());
}
""", 6.0, 250),
]


def measure(compiler, std, source, include_dirs, runs):
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "unit.cpp"
        path.write_text(source)
        best_cpu = None
        peak_kb = 0
        for _ in range(runs):
            process = subprocess.Popen(
                [compiler, "-fsyntax-only", "-std=" + std, "-DRAPIDJSON_HAS_STDSTRING=1"]
                + [flag for d in include_dirs for flag in ("-I", str(d))] + [str(path)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            _, status, usage = os.wait4(process.pid, 0)
            errors = process.stderr.read().decode(errors="replace")
            process.stdout.close()
            process.stderr.close()
            if status != 0:
                sys.exit(f"compile_cost: {compiler} failed on:\n{source}\n{errors}")
            cpu = usage.ru_utime + usage.ru_stime
            best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
            peak_kb = max(peak_kb, usage.ru_maxrss)
        return best_cpu, peak_kb / 1024.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compiler", default="g++")
    parser.add_argument("--std", default="c++20")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()

    include_dirs = [ROOT / "facade" / "include", ROOT / "include"]
    print(f"{args.compiler} -fsyntax-only -std={args.std}, fastest of {args.runs} runs")
    print(f"{'unit':44} {'CPU s':>7} {'x <string>':>10} {'target':>7} {'peak MB':>8} {'target':>7}")
    baseline = None
    missed = []
    for name, source, ratio_target, memory_target in UNITS:
        cpu, peak_mb = measure(args.compiler, args.std, source, include_dirs, args.runs)
        if baseline is None:
            baseline = cpu
        ratio = cpu / baseline
        ok_ratio = ratio_target is None or ratio <= ratio_target
        ok_memory = memory_target is None or peak_mb <= memory_target
        if not (ok_ratio and ok_memory):
            missed.append(name)
        print(f"{name:44} {cpu:7.2f} {ratio:10.2f} {('<=' + format(ratio_target, 'g')) if ratio_target else '':>7} "
              f"{peak_mb:8.0f} {('<=' + str(memory_target)) if memory_target else '':>7}"
              f"{'' if ok_ratio and ok_memory else '  MISSED'}")
    if missed:
        print("missed: " + ", ".join(missed))
    return 1 if (missed and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
