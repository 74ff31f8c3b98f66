"""Command line: paperpress build|check ISSUE.yaml — exit 0 built, 2 bad input, 1 failure."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .errors import InputError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="paperpress", description="Typeset a Chinese newspaper issue.")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="typeset an issue and write its PDFs and report")
    b.add_argument("issue", type=Path, help="issues/<id>/issue.yaml")
    b.add_argument("-o", "--output", type=Path, default=Path("output"), help="output folder (default: output/)")
    c = sub.add_parser("check", help="read and lay out an issue, print the fit report, write nothing")
    c.add_argument("issue", type=Path)
    args = parser.parse_args(argv)

    from .build import build, write_atomically

    start = time.perf_counter()
    try:
        built = build(args.issue)
    except InputError as e:
        for p in e.problems:
            print(f"error: {p}", file=sys.stderr)
        print(f"{len(e.problems)} problem(s); nothing written.", file=sys.stderr)
        return 2
    for f in built.fits:
        if f.status != "fits":
            print(f"page {f.page} {f.article}: {f.status} by {f.by_lines} line(s) "
                  f"(≈{f.by_lines * f.chars_per_line} characters)", file=sys.stderr)
    if args.command == "check":
        return 0
    final = write_atomically(built, args.output)
    print(f"{final}: {len(built.files)} files in {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
