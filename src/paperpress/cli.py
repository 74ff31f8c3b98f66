"""Command line: paperpress build|check ISSUE.yaml, preflight PDF… — exit statuses as the README lists them."""

from __future__ import annotations

import argparse
import atexit
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from .errors import InputError

# exit statuses (README: "Exit status")
OK, FAILED, BAD_INPUT, PREFLIGHT_FAILED, DOES_NOT_FIT = 0, 1, 2, 3, 4
INTERRUPTED, TERMINATED = 130, 143


class Terminated(BaseException):
    """SIGTERM, raised where the build is, so that its temporary files are removed on the way out."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def run() -> NoReturn:
    """The command (`paperpress`, `python -m paperpress`): main(), then out without the interpreter tearing the
    heap down object by object (a long issue's pages are hundreds of thousands of objects: 0.05–0.1 s). What is
    registered to happen at exit (a spool folder's removal, the pools' clean-up) still happens, first."""
    code = main()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    if _quiet(argv):
        return _quietly(argv)
    parser = argparse.ArgumentParser(prog="paperpress", description="Typeset a Chinese newspaper issue.")
    parser.add_argument("--debug", action="store_true", help="show a Python traceback on an internal error")
    _add_global_options(parser)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="typeset an issue and write its PDFs and report")
    b.add_argument("issue", type=Path, nargs="+",
                   help="issues/<id>/issue.yaml; several (or quoted globs) build as a batch, each into -o/<id>/")
    b.add_argument("-o", "--output", type=Path, default=Path("output"), help="output folder (default: output/)")
    b.add_argument("--pdfx", choices=["x4", "x1a"], help="PDF/X flavour of the print PDFs (default: the layout's)")
    b.add_argument("--allow-overset", action="store_true",
                   help="write the screen PDF and report even if copy does not fit (never the print PDFs)")
    b.add_argument("--timings", action="store_true", help="print how long each stage took")
    b.add_argument("--reading-pdf", action="store_true", help="also render the reading edition's PDF (WeasyPrint)")
    b.add_argument("--report-pdf", action="store_true", help="also write report.pdf, report.html for print-out "
                   "(WeasyPrint)")
    b.add_argument("--no-cache", action="store_true",
                   help="a cold build: neither read nor write the cache of set paragraphs")
    from .batch import add_options

    add_options(b)  # --jobs, --cluster
    c = sub.add_parser("check", help="read and lay out an issue, print the fit report, write nothing")
    c.add_argument("issue", type=Path)
    p = sub.add_parser("preflight", help="check print PDFs against the print profile's rules")
    p.add_argument("pdfs", type=Path, nargs="+")
    p.add_argument("--pdfx", choices=["x4", "x1a"], default="x4")
    p.add_argument("--ink-limit", type=int, default=300, help="total ink limit in percent (default 300)")
    p.add_argument("--min-bleed", type=float, default=3.0, help="minimum bleed in mm (default 3)")
    _add_project_commands(sub, b, c)
    _add_new(sub)
    _add_proof(sub)
    _add_watch(sub)
    args = parser.parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        if args.command == "proof":
            return _proof(args)
        if args.command == "watch":
            return _watch(args)
        if args.command == "new":
            return _new(args)
        if args.command == "preflight":
            return _preflight(args)
        if args.command in ("layouts", "fonts"):
            return _list_resources(args)
        if args.command == "build":
            from .batch import main as build_batch

            return build_batch(args)  # one manifest: _build(args), the single build
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
    from .console import print_problems

    print_problems(problems, sys.stderr, what)


def _build(args: argparse.Namespace, seen: Callable[[Any], None] | None = None) -> int:
    """One issue's build (or check); seen(built) once it is laid out (batch.py: its id and pages)."""
    from .build import DoesNotFit, build, check_output_folder

    start = time.perf_counter()
    checking = args.command == "check"
    try:
        pdfx = {"x4": "PDF/X-4", "x1a": "PDF/X-1a:2001", None: None}[getattr(args, "pdfx", None)]
        project = _project(args)
        built = build(args.issue, project, pdfx=pdfx, allow_overset=checking or args.allow_overset,
                      progress=_progress(args), reading_pdf=getattr(args, "reading_pdf", False),
                      report_pdf=getattr(args, "report_pdf", False),
                      jobs=getattr(args, "jobs", None), use_cache=not getattr(args, "no_cache", False))
        if seen is not None:
            seen(built)
        if not checking:
            check_output_folder(args.output, built.issue, project)
    except DoesNotFit as e:
        _problems(e.problems, " of fit: nothing written (--allow-overset writes the screen PDF and report)")
        return DOES_NOT_FIT
    except InputError as e:
        _problems(e.problems, "; nothing written.")
        return BAD_INPUT
    try:
        return _report_and_write(args, built, checking, start)
    finally:
        built.files.close()  # its spool folder now: a batch's worker process ends without running atexit


def _report_and_write(args: argparse.Namespace, built: Any, checking: bool, start: float) -> int:
    from .build import WriteError, fit_table, write_atomically

    for line in fit_table(built):  # the fit report, in the editor's units (stdout: -q silences it)
        print(line)
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
    failed = [pf for pf in built.preflight if pf.severity == "error"]
    for pf in built.preflight:
        print(f"preflight {pf}", file=sys.stderr)
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


def _add_watch(sub: argparse._SubParsersAction) -> None:
    w = sub.add_parser("watch", help="build, then rebuild on every change to the manifest, an article, a layout, "
                       "a photo or a font (Ctrl-C stops)")
    w.add_argument("issue", type=Path)
    w.add_argument("-o", "--output", type=Path, default=Path("output"), help="output folder (default: output/)")
    w.add_argument("--root", type=Path, help="the project folder (as for build)")
    w.add_argument("--pdfx", choices=["x4", "x1a"], help="PDF/X flavour of the print PDFs (default: the layout's)")
    w.add_argument("--reading-pdf", action="store_true", help="also render the reading edition's PDF (WeasyPrint)")
    w.add_argument("--report-pdf", action="store_true", help="also write report.pdf (WeasyPrint)")


def _watch(args: argparse.Namespace) -> int:
    from .watch import Session, watch

    pdfx = {"x4": "PDF/X-4", "x1a": "PDF/X-1a:2001", None: None}[args.pdfx]
    session = Session(args.issue, args.output, args.root, pdfx=pdfx, reading_pdf=args.reading_pdf,
                      report_pdf=args.report_pdf)
    return watch(session, debug=args.debug)


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


# --- project folders, listings, verbosity and problem printing (issue 10) -------------------------------------


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    from . import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-q", "--quiet", action="count", default=0, help="print only problems (nothing on stdout)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="say more (where layouts/fonts come from)")


def _quiet(argv: list[str] | None) -> bool:
    return any(a in ("-q", "--quiet") for a in (sys.argv[1:] if argv is None else argv))


def _quietly(argv: list[str] | None) -> int:
    """-q: the same command with its ordinary output (stdout) silenced; problems on stderr still print."""
    import contextlib
    import os

    rest = [a for a in (sys.argv[1:] if argv is None else argv) if a not in ("-q", "--quiet")]
    with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
        return main(rest)


def _add_project_commands(sub: argparse._SubParsersAction, *issue_commands: argparse.ArgumentParser) -> None:
    """--root on the commands that read an issue; `layouts` and `fonts` list what a build can use."""
    root_help = ("the project folder with its own layouts/ and fonts/fonts.yaml (default: $PAPERPRESS_ROOT, "
                 "else the nearest folder above the issue that has them; the bundled ones come after)")
    for c in issue_commands:
        c.add_argument("--root", type=Path, help=root_help)
    for name, what in (("layouts", "list the layouts a build can use and where each comes from"),
                       ("fonts", "list the font faces a build can use, where each comes from, and their coverage")):
        p = sub.add_parser(name, help=what)
        p.add_argument("--root", type=Path, help=root_help)
        p.add_argument("issue", type=Path, nargs="?", help="find the project folder above this issue (optional)")


def _project(args: argparse.Namespace):  # -> build.Project
    from .build import Project

    project = Project.find(args.issue.parent, getattr(args, "root", None))
    if args.verbose and not args.quiet:
        print(f"project: {project.root or '(none: bundled only)'} ({project.found_by})", file=sys.stderr)
    return project


def _progress(args: argparse.Namespace):  # -> console.Progress
    from .console import Progress

    return Progress(sys.stderr, enabled=not args.quiet)


def _print_problems(problems: list) -> None:
    from .console import print_problems

    print_problems(problems, sys.stderr)


def _list_resources(args: argparse.Namespace) -> int:
    from .build import Project
    from .console import coverage_summary
    from .errors import Problems
    from .fonts import FontBook

    start = args.issue.parent if args.issue is not None else Path.cwd()  # the cwd only stands in for an issue
    project = Project.find(start, args.root)
    print(f"project: {project.root} (by {project.found_by}), then bundled" if project.root else "bundled only")
    if args.command == "layouts":
        seen: set[str] = set()
        for d in project.layout_dirs:
            for f in sorted(d.glob("*.yaml")):
                shadowed = " (overridden above)" if f.stem in seen else ""
                seen.add(f.stem)
                print(f"{f.stem:16} {f}{shadowed}")
        return 0
    problems = Problems()
    seen = set()
    for catalog in project.catalogs:
        book = FontBook.load(catalog, problems)
        for face_id, face in book.faces.items():
            shadowed = " (overridden above)" if face_id in seen else ""
            seen.add(face_id)
            print(f"{face_id:16} {face.family} {face.style}  {face.path}{shadowed}")
            print(f"{'':16} {coverage_summary(set(face.hb_face.unicodes))}")
    if problems:
        _print_problems(problems.items)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
