"""Property: whatever is done to the sample's manifest, layout and articles, a build exits 0, 2, 3 or 4 with
located messages — never a traceback, never a changed source, never a partial output."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperpress.cli import main
from tests.test_robust import LOCATED, make_project, snapshot

NASTY = ["0x8", "0b1", "1:30", "1_0", "Yes", "on", "~", "null", "-1", "0", "1e300", ".inf", "nan", "''", '""',
         "[1, [2]]", "{a: 1}", "[]", "{}", "*nope", "&a x", "!!binary aGk=", "!!python/object:os.system x",
         "'unclosed", "\\x01", "0pt", "-3mm", "1000pt", "9999999999", "../../x", "/etc/passwd", "{page[0]}",
         "{date.year}", "　", "𠮷", "x" * 300, "true", "false", "3mm", "10pt", "broadsheet", "articles/training.yaml"]

FILES = ["issues/2024-11-15/issue.yaml", "layouts/broadsheet.yaml", "issues/2024-11-15/articles/training.yaml",
         "issues/2024-11-15/articles/editors-note.yaml"]


@st.composite
def mutations(draw: st.DrawFn) -> list[tuple[str, str, int, str]]:
    """A few edits: (file, how, line index, text)."""
    edits = []
    for _ in range(draw(st.integers(1, 3))):
        edits.append((draw(st.sampled_from(FILES)),
                      draw(st.sampled_from(["value", "delete", "duplicate", "insert", "indent", "swap"])),
                      draw(st.integers(0, 200)),
                      draw(st.one_of(st.sampled_from(NASTY), st.text(max_size=12)))))
    return edits


def apply(root: Path, edits: list[tuple[str, str, int, str]]) -> None:
    for rel, how, at, text in edits:
        path = root / rel
        lines = path.read_text(encoding="utf-8").split("\n")
        i = at % len(lines)
        if how == "value" and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {text}"
        elif how == "delete":
            del lines[i]
        elif how == "duplicate":
            lines.insert(i, lines[i])
        elif how == "insert":
            pos = at % (len(lines[i]) + 1)
            lines[i] = lines[i][:pos] + text + lines[i][pos:]
        elif how == "indent":
            lines[i] = "  " + lines[i]
        elif how == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        path.write_text("\n".join(lines), encoding="utf-8")


# CI runs the same 300 examples every time; PAPERPRESS_FUZZ=N runs N fresh ones (a longer search, by hand)
EXAMPLES = int(os.environ.get("PAPERPRESS_FUZZ", "0"))


@settings(max_examples=EXAMPLES or 300, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          derandomize=not EXAMPLES, database=None)
@given(mutations())
def test_mutated_sources_never_crash_nor_lose_anything(edits):
    tmp = Path(tempfile.mkdtemp(prefix="paperpress-fuzz-"))
    try:
        issue = make_project(tmp)
        apply(tmp, edits)
        before = snapshot(tmp)
        out = tmp / "out"
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = main(["build", str(issue), "-o", str(out)])
        err_text = err.getvalue()
        assert status in (0, 2, 3, 4), err_text
        assert "Traceback" not in err_text and "internal error" not in err_text
        after = {k: v for k, v in snapshot(tmp).items() if k != "out" and not k.startswith("out/")}
        assert after == before  # no source changed
        if status == 2:
            assert LOCATED.search(err_text), err_text
            assert not out.exists()
        elif status == 4:
            assert not out.exists()
        else:
            final = out / "2024-11-15"
            assert (final / "report.json").is_file() and (final / "screen" / "2024-11-15.pdf").is_file()
            assert any((final / "print").glob("*.pdf"))
            assert [p.name for p in out.iterdir()] == ["2024-11-15"]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
