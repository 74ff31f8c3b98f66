"""Line breaking: clreq rule tables, atoms and the total-fit breaker.

`make install` compiles rules_zh.py, atoms.py and breaker.py with mypyc where a C compiler is at hand: the
extensions sit beside their sources and Python imports them first. The pure-Python sources stay the reference
and are used instead when PAPERPRESS_PURE is set, or when an extension is older than its source (edited since it
was compiled: a stale extension would set lines by code that is no longer there)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

COMPILED = ("rules_zh", "atoms", "breaker")  # in import order: the breaker imports the atoms, both the rules


def stale(folder: Path, names: tuple[str, ...] = COMPILED) -> list[str]:
    """The modules whose source is newer than the oldest compiled extension beside it (each module's own and the
    group's shared native__mypyc library: one is as stale as the group)."""
    built = list(folder.glob("*.so"))
    if not built:
        return []
    oldest = min(p.stat().st_mtime for p in built)
    return [name for name in names if (folder / f"{name}.py").exists()
            and (folder / f"{name}.py").stat().st_mtime > oldest]


def _use_sources() -> None:
    """Load the pure-Python modules under their own names before anything imports the extensions."""
    for name in COMPILED:
        full = f"{__name__}.{name}"
        spec = importlib.util.spec_from_file_location(full, Path(__file__).with_name(f"{name}.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[full] = module
        spec.loader.exec_module(module)
        globals()[name] = module


if os.environ.get("PAPERPRESS_PURE") or stale(Path(__file__).parent):
    _use_sources()
