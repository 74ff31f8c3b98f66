"""Small JSON caches in the user's cache folder ($XDG_CACHE_HOME/paperpress): they only ever save time."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def _file(name: str) -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "paperpress" / name


def load(name: str) -> dict[str, Any]:
    """The cache's entries; empty when it is missing or cannot be read."""
    try:
        data = json.loads(_file(name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(name: str, data: dict[str, Any]) -> None:
    """Write the cache whole (temporary file, then rename): concurrent builds leave the last writer's copy,
    never a half-written one; a cache that cannot be written only costs time."""
    path = _file(name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
