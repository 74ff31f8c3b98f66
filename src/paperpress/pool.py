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
            done: Callable[[int], None] | None = None) -> list[Any]:
    """Every task's result, in the tasks' order. With jobs > 1 they run on that many forked workers, started
    in `order` (the longest first balances the load); done(i) is called in this process as each finishes."""
    if jobs <= 1 or len(tasks) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        results = []
        for i, task in enumerate(tasks):
            results.append(task())
            if done is not None:
                done(i)
        return results
    global _TASKS
    _TASKS = tasks
    out: list[Any] = [None] * len(tasks)
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(tasks)), initializer=_init) as pool:
            for i, result in pool.imap_unordered(_run, order if order is not None else range(len(tasks))):
                out[i] = result
                if done is not None:
                    done(i)
    finally:
        _TASKS = ()
    return out
