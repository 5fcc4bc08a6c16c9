"""Writes a generator's outputs, or checks them (--check), the same way for every generator.

A generator computes each output's whole text, then calls sync(): a file whose committed text
differs is rewritten, or with check=True named as out of date (CI runs every generator with
--check, so generated files never drift from their sources). Standard library only.
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sync(outputs, check, generator):
    """outputs: {path relative to the repository: text}. Returns 0, or 1 if check found a stale
    file (named on stderr with the command that regenerates it)."""
    stale = []
    for path, text in outputs.items():
        full = os.path.join(ROOT, path)
        current = None
        if os.path.exists(full):
            with open(full, encoding="utf-8") as f:
                current = f.read()
        if current == text:
            continue
        if check:
            stale.append(path)
            continue
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print("wrote " + path)
    if stale:
        print("out of date (run scripts/%s): %s" % (generator, ", ".join(stale)), file=sys.stderr)
        return 1
    return 0
