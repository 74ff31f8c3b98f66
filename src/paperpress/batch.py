"""`paperpress build` of several issues: a local process pool or a Dask cluster, a progress bar, a summary table.

Each issue is built exactly as a single `paperpress build` builds it (cli._build, the same options, its own
folder under -o, written atomically), in a worker process; what that build would have printed on stderr comes
back with its result. A failed issue never stops the others. One manifest (no --cluster) is a single build.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import glob
import io
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

# exit status of a batch in which any issue did not end 0 (README: "Exit status")
SOME_FAILED = 5

STATUS = {0: "built", 1: "failed", 2: "bad input", 3: "preflight failed", 4: "does not fit"}


class BatchError(Exception):
    """A batch that cannot start (a glob matching nothing, two manifests of one issue id, no cluster)."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


@dataclass
class Result:
    """One issue of a batch: what its single build returned and printed."""

    manifest: str  # as given on the command line
    code: int  # the exit status a single build of it would have had
    seconds: float
    issue: str | None = None  # the issue id, once the manifest was read
    pages: int | None = None
    written: bool = False  # its output folder was swapped in
    messages: str = ""  # what the single build printed on stderr
    printed: str = ""  # and on stdout (`<folder>: N files in … s`, --timings)

    @property
    def status(self) -> str:
        return STATUS.get(self.code, f"exit {self.code}")

    def error(self) -> str:
        """The first line that says what went wrong (for the list under the table)."""
        lines = [line.strip() for line in self.messages.splitlines() if line.strip()]
        return next((line for line in lines if "error" in line), lines[-1] if lines else self.status)


def add_options(b: argparse.ArgumentParser) -> None:
    """The batch options of `paperpress build`."""
    b.add_argument("-j", "--jobs", type=int, default=None,
                   help="worker processes: with several issues, how many issues are built at once (default: the "
                        "number of cores; each issue then builds in its worker alone); with one issue, for its "
                        "output files (default: 1 below 4 pages, else one per core)")
    b.add_argument("--cluster", metavar="tcp://HOST:PORT",
                   help="build the issues on the Dask scheduler at this address (needs paperpress[cluster]; the "
                        "workers need paperpress installed and the same paths to inputs and output)")


def expand(patterns: Sequence[Path]) -> list[Path]:
    """Manifests in the order given: a path that exists is itself, else a glob (`**` too); each manifest once."""
    out: list[Path] = []
    seen: set[Path] = set()
    for p in patterns:
        text = str(p)
        if not _exists(p) and any(c in text for c in "*?["):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise BatchError(f"error: {text}: matches no file; nothing built")
            paths = [Path(m) for m in matches]
        else:
            paths = [p]
        for q in paths:
            try:
                key = q.resolve()
            except OSError:  # a name the system refuses: the build of it says so, located
                key = Path(os.path.abspath(q))
            if key not in seen:
                seen.add(key)
                out.append(q)
    return out


def _exists(p: Path) -> bool:
    try:
        return p.exists()
    except OSError:  # e.g. a name too long: not a glob's business, the build reports it
        return False


def _is_file(p: Path) -> bool:
    try:
        return p.is_file()
    except OSError:
        return False


def issue_id(manifest: Path) -> str | None:
    """The id a manifest gives its issue (its output folder), read as the loader reads it; None if unreadable."""
    import datetime as dt

    from .errors import Problems
    from .yamlsrc import load_mapping, node_get

    problems = Problems()
    root = load_mapping(manifest, problems, "an issue manifest")
    if root is None:
        return None
    fname = str(manifest)
    id_node = node_get(root, "id", fname, problems, required=False)
    if id_node is not None:
        return str(id_node.value)
    date_node = node_get(root, "date", fname, problems, required=False)
    with contextlib.suppress(ValueError, AttributeError):
        if date_node is not None:
            return dt.date.fromisoformat(str(date_node.value)).isoformat()
    return manifest.parent.name


def check_ids(manifests: Sequence[Path]) -> dict[str, str]:
    """Two manifests of one issue id would write one output folder, the later over the earlier: refused.
    Returns each readable manifest's id (to name in the table an issue that failed before it was read)."""
    first: dict[str, Path] = {}
    for m in manifests:
        if _is_file(m) and (i := issue_id(m)) is not None:
            if i in first:
                raise BatchError(f"error: {first[i]} and {m} are both issue {i!r}: they would write the same "
                                 "output folder; nothing built")
            first[i] = m
    return {str(m): i for i, m in first.items()}


_ONE_AT_A_TIME = threading.Lock()  # a build redirects this process's stdout/stderr (Dask workers have threads)


def build_one(manifest: str, options: argparse.Namespace) -> Result:
    """Build one issue as `paperpress build MANIFEST` with these options would; runs in a worker process."""
    from . import cli

    args = copy.copy(options)
    args.issue = Path(manifest)
    args.jobs = 1  # the batch's workers are the parallelism: no pool inside a pool
    seen: dict[str, Any] = {}

    def note(built: Any) -> None:
        seen["issue"], seen["pages"] = built.issue.id, len(built.pages)

    out, err = io.StringIO(), io.StringIO()
    with _ONE_AT_A_TIME:
        start = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli._build(args, seen=note)
            except Exception as e:  # noqa: BLE001 - as cli.main: one line, and the other issues go on
                print(f"paperpress: internal error: {type(e).__name__}: {e} (please report it, with the input)",
                      file=sys.stderr)
                code = cli.FAILED
        seconds = time.perf_counter() - start
    # written: the build got as far as a Built, and its status is one a single build has after writing
    written = "issue" in seen and code in (cli.OK, cli.PREFLIGHT_FAILED, cli.DOES_NOT_FIT)
    return Result(manifest, code, seconds, seen.get("issue"), seen.get("pages"), written, err.getvalue(),
                  out.getvalue())


class Bar:
    """Issues done out of the batch, redrawn on stderr; only on a terminal."""

    def __init__(self, total: int, stream: TextIO, enabled: bool):
        self.total, self.stream, self.done, self.failed = total, stream, 0, 0
        self.enabled = enabled and hasattr(stream, "isatty") and stream.isatty()

    def clear(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")

    def draw(self) -> None:
        if self.enabled:
            width = 30
            filled = width * self.done // self.total
            failed = f", {self.failed} failed" if self.failed else ""
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} issues{failed}")
            self.stream.flush()


def run_local(manifests: Sequence[str], options: argparse.Namespace, jobs: int,
              done: Callable[[Result], None], work: Callable[[str, argparse.Namespace], Result] = build_one) -> None:
    """Build on a pool of `jobs` processes; done(result) as each issue finishes. A worker that dies takes no
    other issue with it: the issues its pool lost are built again one at a time, each in a fresh process.
    work is build_one (a test gives one that crashes)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("forkserver")  # no fork of a process that may have threads
    context.set_forkserver_preload(["paperpress.build"])  # each worker starts with the build's imports done
    lost: list[str] = []
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_start)
    try:
        futures = {pool.submit(_pooled, work, m, options): m for m in manifests}
        for f in as_completed(futures):
            try:
                done(f.result())
            except BrokenProcessPool:
                lost.append(futures[f])
    except BaseException:  # interrupted or terminated: the builds under way stop too, cleaning up after them
        for process in list(getattr(pool, "_processes", {}).values()):
            with contextlib.suppress(OSError):
                process.terminate()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    for m in sorted(lost, key=list(manifests).index):
        start = time.perf_counter()
        with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_worker_start) as alone:
            try:
                result = alone.submit(_pooled, work, m, options).result()
            except BrokenProcessPool:
                result = Result(m, 1, time.perf_counter() - start,
                                messages="error: the build process died (killed, or crashed in native code)\n")
        done(result)


def _worker_start() -> None:
    """A pool worker: SIGTERM raises where the build is (as in cli.main), so it removes its temporary folder."""
    import signal

    from . import cli

    signal.signal(signal.SIGTERM, cli._on_sigterm)


def _pooled(work: Callable[[str, argparse.Namespace], Result], manifest: str, options: argparse.Namespace) -> Result:
    """work(manifest, options) in a pool worker, which ends once a signal has stopped the build (cleaned up)."""
    from . import cli

    try:
        return work(manifest, options)
    except KeyboardInterrupt:
        os._exit(cli.INTERRUPTED)
    except cli.Terminated:
        os._exit(cli.TERMINATED)


def run_cluster(manifests: Sequence[str], options: argparse.Namespace, address: str,
                done: Callable[[Result], None]) -> None:
    """Build on the Dask scheduler at address; done(result) as each issue finishes."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise BatchError("error: --cluster needs Dask: pip install 'paperpress[cluster]'", 1) from None
    try:
        _reachable(address)
        client = Client(address, timeout="20s", set_as_default=False)
    except OSError as e:
        raise BatchError(f"error: cannot reach the Dask scheduler at {address}: {e}", 1) from None
    with client, client.as_current():  # as_completed finds the client as the current one
        batch = uuid.uuid4().hex  # keys are the scheduler's, shared by every client: unique to this batch
        futures = {client.submit(build_one, m, options, pure=False, key=f"paperpress-build-{batch}-{i}"): m
                   for i, m in enumerate(manifests)}
        by_key = {f.key: m for f, m in futures.items()}
        for f in as_completed(list(futures)):
            start = time.perf_counter()
            try:
                result = f.result()
            except Exception as e:  # noqa: BLE001 - a lost worker fails its issue, not the batch
                result = Result(by_key[f.key], 1, time.perf_counter() - start,
                                messages=f"error: the cluster could not build it: {type(e).__name__}: {e}\n")
            done(result)


def _reachable(address: str) -> None:
    """A refused connection fails at once (Dask's client would retry until its timeout)."""
    import socket
    from urllib.parse import urlsplit

    if address.startswith("tcp://"):
        url = urlsplit(address)
        if url.hostname and url.port:
            socket.create_connection((url.hostname, url.port), timeout=10).close()


def build_many(manifests: Sequence[Path], options: argparse.Namespace, jobs: int | None = None,
               cluster: str | None = None, on_done: Callable[[Result], None] | None = None) -> list[Result]:
    """Build every manifest with these `paperpress build` options; results in the order given."""
    absolute = copy.copy(options)  # a worker's current folder may be another (or another machine's)
    absolute.output = Path(os.path.abspath(options.output))
    if getattr(options, "root", None) is not None:
        absolute.root = Path(os.path.abspath(options.root))
    given = {os.path.abspath(m): str(m) for m in manifests}
    results: dict[str, Result] = {}

    def done(r: Result) -> None:
        r.manifest = given.get(r.manifest, r.manifest)
        results[r.manifest] = r
        if on_done is not None:
            on_done(r)

    paths = list(given)
    if cluster is not None:
        run_cluster(paths, absolute, cluster, done)
    else:
        run_local(paths, absolute, max(1, min(jobs or os.cpu_count() or 1, len(paths))), done)
    return [results[str(m)] for m in manifests]


def main(args: argparse.Namespace) -> int:
    """`paperpress build MANIFEST…`: one manifest and no --cluster is the single build, else a batch."""
    from . import cli

    try:
        manifests = expand(args.issue)
        if args.jobs is not None and args.jobs < 1:
            raise BatchError(f"error: --jobs {args.jobs}: at least 1")
        if len(manifests) == 1 and args.cluster is None:
            args.issue = manifests[0]
            return cli._build(args)
        ids = check_ids(manifests)
    except BatchError as e:
        print(e, file=sys.stderr)
        return e.code
    bar = Bar(len(manifests), sys.stderr, enabled=not args.quiet)

    def done(r: Result) -> None:
        bar.clear()
        r.issue = r.issue or ids.get(r.manifest)
        bar.done += 1
        bar.failed += r.code != 0
        timings = [line for line in r.printed.splitlines(keepends=True) if line.startswith("timings:")]
        # each issue as it finishes, with what its build said (the summary table follows at the end)
        print(f"── {r.manifest} ({r.issue or 'issue unread'}): {r.status}", file=sys.stderr)
        sys.stderr.write(r.messages + "".join(timings))
        bar.draw()

    start = time.perf_counter()
    bar.draw()
    try:
        results = build_many(manifests, args, args.jobs, args.cluster, done)
    except BatchError as e:
        bar.clear()
        print(e, file=sys.stderr)
        return e.code
    finally:
        bar.clear()
    wall = time.perf_counter() - start
    print(table(results, args.output))
    pages = sum(r.pages or 0 for r in results if r.written)
    failed = [r for r in results if r.code != 0]
    jobs = min(args.jobs or os.cpu_count() or 1, len(results))
    where = f"on {args.cluster}" if args.cluster else f"{jobs} process(es)"
    print(f"{len(results)} issues, {pages} pages in {wall:.2f} s ({pages / wall:.2f} pages/s, {where}): "
          f"{len(results) - len(failed)} built, {len(failed)} failed")
    for r in failed:
        print(f"failed: {r.manifest}: {r.status}: {r.error()}", file=sys.stderr)
    return SOME_FAILED if failed else cli.OK


def table(results: Sequence[Result], output: Path) -> str:
    """The summary: issue, pages, status, seconds, output folder (— where nothing was written)."""
    rows = [("issue", "pages", "status", "seconds", "output")]
    for r in results:
        rows.append((r.issue or r.manifest, str(r.pages) if r.pages is not None else "—", r.status,
                     f"{r.seconds:.2f}", str(output / r.issue) if r.written and r.issue else "—"))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = []
    for row in rows:
        cells = [c.rjust(w) if i in (1, 3) else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
