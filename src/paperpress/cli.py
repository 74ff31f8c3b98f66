"""Command line: paperpress build|check ISSUE.yaml, preflight PDF… — exit statuses as the README lists them."""

from __future__ import annotations

import argparse
import signal
import sys
import time
import traceback
from pathlib import Path

from .errors import InputError

# exit statuses (README: "Exit status")
OK, FAILED, BAD_INPUT, PREFLIGHT_FAILED, DOES_NOT_FIT = 0, 1, 2, 3, 4
INTERRUPTED, TERMINATED = 130, 143


class Terminated(BaseException):
    """SIGTERM, raised where the build is, so that its temporary files are removed on the way out."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="paperpress", description="Typeset a Chinese newspaper issue.")
    parser.add_argument("--debug", action="store_true", help="show a Python traceback on an internal error")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="typeset an issue and write its PDFs and report")
    b.add_argument("issue", type=Path, help="issues/<id>/issue.yaml")
    b.add_argument("-o", "--output", type=Path, default=Path("output"), help="output folder (default: output/)")
    b.add_argument("--pdfx", choices=["x4", "x1a"], help="PDF/X flavour of the print PDFs (default: the layout's)")
    b.add_argument("--allow-overset", action="store_true",
                   help="write the screen PDF and report even if copy does not fit (never the print PDFs)")
    b.add_argument("--timings", action="store_true", help="print how long each stage took")
    c = sub.add_parser("check", help="read and lay out an issue, print the fit report, write nothing")
    c.add_argument("issue", type=Path)
    p = sub.add_parser("preflight", help="check print PDFs against the print profile's rules")
    p.add_argument("pdfs", type=Path, nargs="+")
    p.add_argument("--pdfx", choices=["x4", "x1a"], default="x4")
    p.add_argument("--ink-limit", type=int, default=300, help="total ink limit in percent (default 300)")
    p.add_argument("--min-bleed", type=float, default=3.0, help="minimum bleed in mm (default 3)")
    _add_new(sub)
    _add_proof(sub)
    args = parser.parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        if args.command == "proof":
            return _proof(args)
        if args.command == "new":
            return _new(args)
        if args.command == "preflight":
            return _preflight(args)
        return _build(args)
    except KeyboardInterrupt:
        print("paperpress: interrupted; nothing was left half-written", file=sys.stderr)
        return INTERRUPTED
    except Terminated:
        print("paperpress: terminated; nothing was left half-written", file=sys.stderr)
        return TERMINATED
    except Exception as e:  # noqa: BLE001 - the last line of defence: one line, no traceback
        if args.debug:
            traceback.print_exc()
        print(f"paperpress: internal error: {type(e).__name__}: {e} (please report it, with the input; "
              "--debug shows the traceback)", file=sys.stderr)
        return FAILED
    finally:
        signal.signal(signal.SIGTERM, previous)


def _problems(problems: list, what: str) -> None:
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    print(f"{len(problems)} problem(s){what}", file=sys.stderr)


def _build(args: argparse.Namespace) -> int:
    from .build import DoesNotFit, Project, WriteError, build, check_output_folder, write_atomically

    start = time.perf_counter()
    checking = args.command == "check"
    try:
        pdfx = {"x4": "PDF/X-4", "x1a": "PDF/X-1a:2001", None: None}[getattr(args, "pdfx", None)]
        project = Project.find(args.issue.parent)
        built = build(args.issue, project, pdfx=pdfx, allow_overset=checking or args.allow_overset)
        if not checking:
            check_output_folder(args.output, built.issue, project)
    except DoesNotFit as e:
        _problems(e.problems, " of fit: nothing written (--allow-overset writes the screen PDF and report)")
        return DOES_NOT_FIT
    except InputError as e:
        _problems(e.problems, "; nothing written.")
        return BAD_INPUT
    for f in built.fits:
        if f.status == "short":
            print(f"page {f.page} {f.article}: {f.status} by {f.by_lines} line(s) "
                  f"(≈{f.by_lines * f.chars_per_line} characters)", file=sys.stderr)
    for f in built.findings:
        if f.severity != "error":
            print(f"{f.severity}: {f.where}: {f.message}", file=sys.stderr)
    for m in built.misfits:
        print(f"error: {m}", file=sys.stderr)
    if checking:
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
              f"{sum(t.rule == 'normalised' for t in built.typography)} normalisation(s), "
              f"{len(built.misfits)} module(s) that do not fit")
        return DOES_NOT_FIT if built.misfits else (FAILED if errors else OK)
    for t in built.typography:
        if t.severity != "info":
            print(str(t), file=sys.stderr)
    try:
        final = write_atomically(built, args.output)
    except WriteError as e:
        print(f"error: cannot write {args.output}: {e}", file=sys.stderr)
        return FAILED
    for line in built.recovered:
        print(f"{args.output}: {line}", file=sys.stderr)
    print(f"{final}: {len(built.files)} files in {time.perf_counter() - start:.2f} s")
    if args.timings:
        print("timings: " + ", ".join(f"{k} {v:.3f} s" for k, v in built.timings.items()))
    if built.misfits:
        print(f"{len(built.misfits)} module(s) do not fit: screen PDF and report written, no print PDFs",
              file=sys.stderr)
        return DOES_NOT_FIT
    failed = [f for f in built.preflight if f.severity == "error"]
    for f in built.preflight:
        print(f"preflight {f}", file=sys.stderr)
    if failed:
        print(f"print preflight: {len(failed)} error(s); see report.json", file=sys.stderr)
        return PREFLIGHT_FAILED
    return OK


def _add_new(sub: argparse._SubParsersAction) -> None:
    n = sub.add_parser("new", help="write a ready issue folder: a commented manifest and one article per kind")
    n.add_argument("folder", type=Path, help="the new issue folder (must not exist, or be empty)")
    n.add_argument("--layout", default="broadsheet", help="a layout of layouts/ (default: broadsheet)")
    n.add_argument("--pages", type=int, default=1, help="how many pages (default 1)")
    n.add_argument("--date", help="the issue date, YYYY-MM-DD (default: today)")


def _new(args: argparse.Namespace) -> int:
    import datetime as dt

    from .build import Project
    from .scaffold import ScaffoldError, new_issue

    try:
        date = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print(f"error: --date {args.date}: not a date YYYY-MM-DD", file=sys.stderr)
        return BAD_INPUT
    project = Project.find(args.folder.parent if args.folder.parent.exists() else Path.cwd())
    try:
        files = new_issue(args.folder, project.layouts, args.layout, args.pages, date)
    except ScaffoldError as e:
        print(f"error: {e}", file=sys.stderr)
        return BAD_INPUT
    print(f"{args.folder}: {len(files)} files; build with: paperpress build {args.folder / 'issue.yaml'} -o output")
    return OK


def _add_proof(sub: argparse._SubParsersAction) -> None:
    pr = sub.add_parser("proof", help="PNG proofs of each page with the findings marked, and a contact sheet")
    pr.add_argument("issue", type=Path)
    pr.add_argument("-o", "--output", type=Path, default=Path("output"),
                    help="output folder (default: output/); the proofs go into <output>/<issue-id>-proof/")
    pr.add_argument("--dpi", type=int, default=100, help="resolution of the page PNGs (default 100)")


def _proof(args: argparse.Namespace) -> int:
    from .build import DoesNotFit, Project, build, check_output_folder
    from .proof import proof, write

    if not 10 <= args.dpi <= 600:
        print(f"error: --dpi {args.dpi}: between 10 and 600", file=sys.stderr)
        return BAD_INPUT
    try:
        project = Project.find(args.issue.parent)
        built = build(args.issue, project, allow_overset=True)  # a proof shows overset copy, never hides it
        check_output_folder(args.output, built.issue, project)
    except DoesNotFit as e:  # a figure with no room cannot be drawn at all
        _problems(e.problems, " of fit: no proof")
        return DOES_NOT_FIT
    except InputError as e:
        _problems(e.problems, "; nothing written.")
        return BAD_INPUT
    folder = args.output / f"{built.issue.id}-proof"
    files = write(proof(built, args.dpi), folder)
    print(f"{folder}: {len(files) - 1} page proof(s) and contact.png")
    return DOES_NOT_FIT if built.misfits else OK


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
