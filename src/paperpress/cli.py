"""Command line: paperpress build|check ISSUE.yaml, preflight PDF… — exit 0 ok, 2 bad input, 3 preflight failed."""

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
    b.add_argument("--pdfx", choices=["x4", "x1a"], help="PDF/X flavour of the print PDFs (default: the layout's)")
    c = sub.add_parser("check", help="read and lay out an issue, print the fit report, write nothing")
    c.add_argument("issue", type=Path)
    p = sub.add_parser("preflight", help="check print PDFs against the print profile's rules")
    p.add_argument("pdfs", type=Path, nargs="+")
    p.add_argument("--pdfx", choices=["x4", "x1a"], default="x4")
    p.add_argument("--ink-limit", type=int, default=300, help="total ink limit in percent (default 300)")
    p.add_argument("--min-bleed", type=float, default=3.0, help="minimum bleed in mm (default 3)")
    args = parser.parse_args(argv)
    if args.command == "preflight":
        return _preflight(args)

    from .build import build, write_atomically

    start = time.perf_counter()
    try:
        pdfx = {"x4": "PDF/X-4", "x1a": "PDF/X-1a:2001", None: None}[getattr(args, "pdfx", None)]
        built = build(args.issue, pdfx=pdfx)
    except InputError as e:
        for p in e.problems:
            print(f"error: {p}", file=sys.stderr)
        print(f"{len(e.problems)} problem(s); nothing written.", file=sys.stderr)
        return 2
    for f in built.fits:
        if f.status != "fits":
            print(f"page {f.page} {f.article}: {f.status} by {f.by_lines} line(s) "
                  f"(≈{f.by_lines * f.chars_per_line} characters)", file=sys.stderr)
    for f in built.findings:
        print(f"{f.severity}: {f.where}: {f.message}", file=sys.stderr)
    if args.command == "check":
        by_article: dict[str, list] = {}
        for t in built.typography:
            by_article.setdefault(t.article or "(page)", []).append(t)
        for article, items in by_article.items():
            print(f"{article}:")
            for t in items:
                print(f"  {t.severity}: {t.where}: [{t.rule}] {t.message}")
        errors = sum(t.severity == "error" for t in built.typography)
        warnings = sum(t.severity == "warning" for t in built.typography)
        print(f"{errors} typographic error(s), {warnings} warning(s), "
              f"{sum(t.rule == 'normalised' for t in built.typography)} normalisation(s)")
        return 1 if errors else 0
    for t in built.typography:
        if t.severity != "info":
            print(str(t), file=sys.stderr)
    try:
        final = write_atomically(built, args.output)
    except OSError as e:
        print(f"error: cannot write {args.output}: {e.strerror or e}; the previous output is untouched",
              file=sys.stderr)
        return 1
    print(f"{final}: {len(built.files)} files in {time.perf_counter() - start:.2f} s")
    failed = [f for f in built.preflight if f.severity == "error"]
    for f in built.preflight:
        print(f"preflight {f}", file=sys.stderr)
    if failed:
        print(f"print preflight: {len(failed)} error(s); see report.json", file=sys.stderr)
        return 3
    return 0


def _preflight(args: argparse.Namespace) -> int:
    from .preflight import Rules, preflight

    rules = Rules({"x4": "PDF/X-4", "x1a": "PDF/X-1a:2001"}[args.pdfx], args.ink_limit, args.min_bleed)
    errors = 0
    for path in args.pdfs:
        if not path.is_file():
            print(f"error: {path}: no such file", file=sys.stderr)
            errors += 1
            continue
        findings = preflight(path, rules)
        for f in findings:
            print(f)
        n = sum(f.severity == "error" for f in findings)
        errors += n
        print(f"{path}: {'passed' if n == 0 else f'{n} error(s)'} ({rules.pdfx}, ink ≤ {rules.ink_limit}%)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
