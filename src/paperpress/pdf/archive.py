"""The archive copy's metadata and its sidecar archive.json: what the issue is, for the archive."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..model import GlyphRun, Page
from .writer import Meta

if TYPE_CHECKING:
    from ..manifest import Issue
    from ..stories import Story


def article_pages(pages: list[Page]) -> dict[str, list[int]]:
    """article id → the printed page numbers its text is on, in page order (first: where it starts)."""
    out: dict[str, list[int]] = {}
    for page in pages:
        for item in page.items:
            if isinstance(item, GlyphRun) and item.article and item.role in ("H", "P"):
                nums = out.setdefault(item.article, [])
                if page.number not in nums:
                    nums.append(page.number)
    return out


def articles(pages: list[Page], stories: list[Story]) -> list[dict]:
    where = article_pages(pages)
    out = []
    for story in stories:
        on = where.get(story.id, [])
        title = " ".join(t for t in (story.kicker, story.title, story.subtitle) if t)
        out.append({"id": story.id, "kind": story.kind, "title": title, "byline": story.byline or "",
                    "page": on[0] if on else None, "continued": on[1:]})
    return out


def archive_meta(issue: Issue, pages: list[Page], stories: list[Story], title: str, keywords: str) -> Meta:
    arts = articles(pages, stories)
    extra = (("paper", issue.paper), ("date", issue.date.isoformat()), ("number", issue.number or ""),
             ("pages", ", ".join(str(p.number) for p in pages)),
             ("articles", "\n".join(f"{a['title']} / {a['byline']}" for a in arts)))
    return Meta(title, issue.date, keywords=keywords, creator=issue.paper, extra=extra)


def _digest(data: bytes) -> dict:
    return {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def sidecar(issue: Issue, pages: list[Page], stories: list[Story], files: Mapping[str, bytes]) -> bytes:
    """archive.json: pages, articles, and every output but the report (whose timings change) with its sha256."""
    doc = {
        "paper": issue.paper, "date": issue.date.isoformat(), "number": issue.number or "", "id": issue.id,
        "pages": [{"number": p.number, "name": p.name} for p in pages],
        "articles": articles(pages, stories),
        "outputs": {name: _digest(files[name]) for name in sorted(files)  # one file's bytes at a time
                    if name not in ("report.json", "report.html", "archive.json")},
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
