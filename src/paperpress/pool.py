"""Independent pieces of a build run on forked worker processes: every result comes back in its task's place,
so the output is the same bytes whatever the number of workers.

Workers are forked after layout, so they inherit the laid-out pages instead of receiving them (pickling a page
costs more than rendering it); only the results (PDF bytes, preflight findings) travel back."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from typing import Any

SMALL_ISSUE = 4  # pages: below this one process is faster than forking workers

_TASKS: Sequence[Callable[[], Any]] = ()


def cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def default_jobs(pages: int) -> int:
    """One process for a small issue, else a worker per core (at most 8)."""
    return 1 if pages < SMALL_ISSUE else min(cpus(), 8)


def _init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles ^C and ends the pool
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run(i: int) -> tuple[int, Any]:
    return i, _TASKS[i]()


def run_all(tasks: Sequence[Callable[[], Any]], jobs: int, order: Sequence[int] | None = None,
            done: Callable[[int, Any], None] | None = None) -> list[Any]:
    """Every task's result, in the tasks' order. With jobs > 1 they run on that many forked workers, started
    in `order` (the longest first balances the load); done(i, result) is called in this process as each
    finishes (the workers go on meanwhile)."""
    if jobs <= 1 or len(tasks) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        results = []
        for i, task in enumerate(tasks):
            results.append(task())
            if done is not None:
                done(i, results[-1])
        return results
    global _TASKS
    _TASKS = tasks
    out: list[Any] = [None] * len(tasks)
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(tasks)), initializer=_init) as pool:
            for i, result in pool.imap_unordered(_run, order if order is not None else range(len(tasks))):
                out[i] = result
                if done is not None:
                    done(i, result)
    finally:
        _TASKS = ()
    return out


class Ahead:
    """Tasks run ahead, while this process goes on with other work (laying out the next pages): one forked
    child at a time takes every task offered since the last one started, and leaves its results in a
    temporary file. collect() returns what finished; a task whose child failed is simply not among them
    (the caller runs it again itself), so nothing here can change a result, only when it is made."""

    def __init__(self) -> None:
        self.pending: list[tuple[int, Callable[[], Any]]] = []
        self.child: tuple[int, Any, list[int]] | None = None  # (pid, results file, task keys)
        self.results: dict[int, Any] = {}

    def offer(self, key: int, task: Callable[[], Any]) -> None:
        self.pending.append((key, task))
        if self.child is not None and not self._reap(block=False):
            return  # the spare core is busy: the task waits for the next child
        self._start()

    def _start(self) -> None:
        import pickle
        import tempfile

        if not self.pending or "fork" not in multiprocessing.get_all_start_methods():
            return
        batch, self.pending = self.pending, []
        out = tempfile.TemporaryFile()
        pid = os.fork()
        if pid == 0:  # the child: run the batch, write the results, never return into the caller's code
            status = 1
            try:
                _init()
                pickle.dump({key: task() for key, task in batch}, out, protocol=pickle.HIGHEST_PROTOCOL)
                out.flush()
                status = 0
            finally:
                os._exit(status)
        self.child = (pid, out, [key for key, _ in batch])

    def _reap(self, block: bool) -> bool:
        """True once the running child has finished (its results taken when it succeeded)."""
        import pickle

        assert self.child is not None
        pid, out, _ = self.child
        done, status = os.waitpid(pid, 0 if block else os.WNOHANG)
        if done == 0:
            return False
        self.child = None
        with out:
            if os.waitstatus_to_exitcode(status) == 0:
                out.seek(0)
                try:
                    self.results.update(pickle.load(out))
                except (pickle.UnpicklingError, EOFError):
                    pass
        return True

    def finish(self) -> dict[int, Any]:
        """Run the tasks no child has taken here, in this process, while the running child finishes its own
        (the two cores stay busy to the end); then every result, as collect() gives them."""
        while self.pending:
            key, task = self.pending.pop(0)
            self.results[key] = task()
        return self.collect()

    def collect(self) -> dict[int, Any]:
        """Wait for the running child; the results of every task that ran ahead (pending ones did not)."""
        if self.child is not None:
            self._reap(block=True)
        self.pending = []
        return self.results

    def cancel(self) -> None:
        """Stop a running child (the build was interrupted or failed)."""
        if self.child is not None:
            pid, out, _ = self.child
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
            out.close()
            self.child = None
