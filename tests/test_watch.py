"""paperpress watch: a real file change rebuilds the issue, laying out only what changed, and what it writes is
byte-identical to a cold build; bad input is reported and the last good output kept; Ctrl-C ends it."""

from __future__ import annotations

import io
import json
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperpress.build import build
from paperpress.watch import Rebuild, Session, fit_table, watch

from .conftest import ROOT

SENTENCE = "区委常委会、区政府常务会定期研究部署。"  # in xiaodian.yaml's second paragraph


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class _Lines(io.TextIOBase):
    """A stream the watch loop prints to, which a test can wait on."""

    def __init__(self) -> None:
        self.text = ""
        self.lock = threading.Lock()

    def write(self, s: str) -> int:
        with self.lock:
            self.text += s
        return len(s)


class Watching:
    """The watch loop in a thread, stopped by an event; each rebuild's result arrives on a queue."""

    def __init__(self, issue: Path, out: Path) -> None:
        self.results: queue.Queue[Rebuild] = queue.Queue()
        self.stop = threading.Event()
        self.out, self.err = _Lines(), _Lines()
        self.session = Session(issue, out)
        self.thread = threading.Thread(target=watch, args=(self.session,), kwargs={
            "stop": self.stop, "on_rebuild": self.results.put, "out": self.out, "err": self.err,
            "debounce_ms": 200}, daemon=True)
        self.thread.start()
        self.watching = 0

    def first(self) -> Rebuild:
        return self.next_result(timeout=120)

    def next_result(self, timeout: float = 60) -> Rebuild:
        return self.results.get(timeout=timeout)

    def wait_until_watching(self) -> None:
        """The watcher is up once it said so (plus a moment for inotify to be set up)."""
        deadline = time.monotonic() + 30
        while self.out.text.count("watching ") <= self.watching:
            assert time.monotonic() < deadline, self.out.text + self.err.text
            time.sleep(0.05)
        self.watching = self.out.text.count("watching ")
        time.sleep(0.5)

    def _changes(self) -> int:
        return self.out.text.count("changed: ")

    def edit(self, path: Path, text: str) -> Rebuild:
        """Write the file and wait for the rebuild it causes (written again if the watcher missed it); when one
        save came as two batches of events, the last rebuild (of the same text) is the one returned."""
        while not self.results.empty():
            self.results.get()
        before = self._changes()
        for _ in range(3):
            path.write_text(text, encoding="utf-8")
            deadline = time.monotonic() + 10
            while self._changes() == before and time.monotonic() < deadline:
                time.sleep(0.05)
            if self._changes() > before:
                break
        else:
            raise AssertionError("the watcher saw no change:\n" + self.out.text + self.err.text)
        got = [self.next_result(timeout=180)]
        while True:  # until every change noticed since the write has its rebuild, and none follows
            while len(got) < self._changes() - before:
                got.append(self.next_result(timeout=180))
            time.sleep(0.5)
            if len(got) == self._changes() - before:
                return got[-1]

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive()


@pytest.fixture
def watching(project_copy: Path, tmp_path: Path) -> Iterator[Watching]:
    w = Watching(project_copy, tmp_path / "out")
    yield w
    w.close()


def test_an_article_edit_rebuilds_and_equals_a_cold_build(watching: Watching, project_copy: Path,
                                                          tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = watching.first()
    assert first.ok, watching.err.text
    assert first.laid_out == [5] and first.paragraphs_kept == 0
    assert fit_table(first.built) in watching.out.text  # the fit table, after the build
    before = _files(out / "2024-11-15")
    watching.wait_until_watching()

    article = project_copy.parent / "articles" / "xiaodian.yaml"
    text = article.read_text(encoding="utf-8")
    assert text.count(SENTENCE) == 1
    second = watching.edit(article, text.replace(SENTENCE, ""))
    assert second.ok, watching.err.text
    assert "changed: xiaodian.yaml" in watching.out.text
    # the page was laid out again, but only xiaodian's changed paragraph was set again, once for each body-column
    # count copyfit tries on its 6-column span (at most 6, 5, 4, 3): everything else came from the cache
    assert second.laid_out == [5]
    assert 1 <= second.paragraphs_set <= 4
    # every other paragraph asked for came from the cache (the edit may change which column counts are tried)
    assert second.paragraphs_kept > 0 and second.paragraphs_set + second.paragraphs_kept <= first.paragraphs_set
    after = _files(out / "2024-11-15")
    assert after.keys() == before.keys() and after != before
    old = {m["article"]: m for m in json.loads(before["report.json"])["pages"][0]["modules"]}
    new = {m["article"]: m for m in json.loads(after["report.json"])["pages"][0]["modules"]}
    assert new["xiaodian"]["lines_needed"] < old["xiaodian"]["lines_needed"]  # the sentence is gone from the page
    assert {k: v for k, v in new.items() if k != "xiaodian"} == {k: v for k, v in old.items() if k != "xiaodian"}
    assert fit_table(second.built) in watching.out.text.split("changed: xiaodian.yaml", 1)[1]
    watching.close()

    # a cold build of the same files, by the command line in a new process, into the same output folder
    proc = subprocess.run([sys.executable, "-m", "paperpress", "build", str(project_copy), "-o", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    cold = _files(out / "2024-11-15")
    assert cold.keys() == after.keys()
    assert [k for k in cold if cold[k] != after[k]] == []  # byte-identical, file by file


def test_bad_input_keeps_the_last_good_output_and_watching_goes_on(watching: Watching, project_copy: Path,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "out" / "2024-11-15"
    assert watching.first().ok, watching.err.text
    good = _files(out)
    watching.wait_until_watching()
    article = project_copy.parent / "articles" / "yingze.yaml"
    text = article.read_text(encoding="utf-8")

    bad = watching.edit(article, text.replace("kind: column", "kind: colum", 1))
    assert not bad.ok and bad.what == "bad input"
    assert any(p.file.endswith("yingze.yaml") for p in bad.problems)
    assert "yingze.yaml:1:" in watching.err.text and "the last good output stays" in watching.err.text
    assert _files(out) == good  # nothing written

    overset = watching.edit(article, text.rstrip("\n") + "\n  - " + "这是一段加长的文字。" * 60 + "\n")
    assert not overset.ok and overset.what == "does not fit"
    assert "yingze" in watching.err.text and _files(out) == good

    fixed = watching.edit(article, text.replace("。", "，", 1))
    assert fixed.ok, watching.err.text
    assert _files(out) != good  # built again once the input was good
    assert _files(out) == build(project_copy).files  # what a cold build makes of the same files


def test_only_the_pages_whose_inputs_changed_are_laid_out_again(project_copy: Path, tmp_path: Path) -> None:
    folder = project_copy.parent
    manifest = project_copy.read_text(encoding="utf-8")
    page = manifest[manifest.index("  - number: 5"):]
    for art in sorted((folder / "articles").glob("*.yaml")):  # page 6: the same page with copies of the articles
        shutil.copy(art, folder / "articles" / f"p6-{art.name}")
    second = page.replace("number: 5", "number: 6").replace("name: 生态环境", "name: 生态环境二") \
                 .replace("articles/", "articles/p6-")
    project_copy.write_text(manifest.rstrip("\n") + "\n" + second, encoding="utf-8")
    session = Session(project_copy, tmp_path / "out")
    first = session.rebuild()
    assert first.ok, first.problems
    assert first.laid_out == [5, 6] and first.reused == []
    same = session.rebuild()
    assert same.laid_out == [] and same.reused == [5, 6] and same.paragraphs_set == 0
    # nothing changed: no PDF drawn again (two print pages, the whole issue, screen, archive)
    assert (same.pdfs_drawn, same.pdfs_kept) == (0, 5)
    assert _files(tmp_path / "out" / "2024-11-15") == build(project_copy).files

    article = folder / "articles" / "p6-xiaodian.yaml"
    article.write_text(article.read_text(encoding="utf-8").replace(SENTENCE, ""), encoding="utf-8")
    edited = session.rebuild()
    assert edited.ok, edited.problems
    assert edited.laid_out == [6] and edited.reused == [5]
    assert (edited.pdfs_drawn, edited.pdfs_kept) == (4, 1)  # page 5's print file is the one kept
    written = _files(tmp_path / "out" / "2024-11-15")
    assert written == build(project_copy).files  # what a cold build makes of the same files

    # a layout change is an input of both pages
    layout = folder.parent.parent / "layouts" / "broadsheet.yaml"
    layout.write_text(layout.read_text(encoding="utf-8").replace("max-stretch: 0.25", "max-stretch: 0.3"),
                      encoding="utf-8")
    relaid = session.rebuild()
    assert relaid.ok, relaid.problems
    assert relaid.laid_out == [5, 6]
    assert _files(tmp_path / "out" / "2024-11-15") == build(project_copy).files


def test_ctrl_c_stops_watching_cleanly(project_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "paperpress", "watch", str(project_copy), "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proc.stdout is not None
        seen = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            seen.append(line)
            if line.startswith("watching ") or not line:
                break
        assert seen[-1].startswith("watching "), "".join(seen) + (proc.stderr.read() if proc.stderr else "")
        assert any(line.startswith("built ") for line in seen)
        assert any(line.startswith("xiaodian ") or " xiaodian " in line for line in seen)  # the fit table
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, stderr
    assert "stopped watching" in stderr and "Traceback" not in stderr
    assert (out / "2024-11-15" / "report.json").is_file()
    assert not list(out.glob(".2024-11-15.*"))  # no temporary folder left


def test_a_kept_page_reports_what_laying_it_out_reported(tmp_path: Path) -> None:
    """A headline-break warning comes from layout; a page kept from the cache still reports it (the report is the
    cold build's)."""
    shutil.copytree(ROOT / "tests" / "data" / "messy", tmp_path / "messy")
    art = tmp_path / "messy" / "articles" / "finance.yaml"
    art.write_text(art.read_text(encoding="utf-8").replace("前三季度营收同比增长",
                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 2 + "营收"), encoding="utf-8")
    issue = tmp_path / "messy" / "issue.yaml"
    session = Session(issue, tmp_path / "out", allow_overset=True)
    first, kept = session.rebuild(), session.rebuild()
    assert first.built is not None and kept.built is not None, (first.what, first.problems)
    assert first.laid_out and kept.laid_out == [] and kept.reused == first.laid_out
    cold = build(issue, allow_overset=True)
    breaks = [t for t in cold.typography if t.rule == "headline-break"]
    assert breaks and "ABCDEFGHIJ" in breaks[0].message
    for r in (first, kept):
        assert r.built is not None
        assert [t for t in r.built.typography if t.rule == "headline-break"] == breaks
    assert kept.built.files["report.json"] == cold.files["report.json"]
    assert kept.built.files["screen/" + cold.issue.id + ".pdf"] == cold.files["screen/" + cold.issue.id + ".pdf"]


def test_a_font_change_is_seen_and_still_equals_a_cold_build(tmp_path: Path) -> None:
    """The project's own catalog sets the body face to another file: the session forgets what it set with the old
    face (its caches and the process's, keyed by face id) and writes what a cold build in a new process writes."""
    import yaml

    shutil.copytree(ROOT / "layouts", tmp_path / "layouts")
    (tmp_path / "profiles").symlink_to(ROOT / "profiles")
    (tmp_path / "fonts").mkdir()
    for f in (ROOT / "fonts").iterdir():
        if f.suffix in (".otf", ".ttf", ".txt"):
            (tmp_path / "fonts" / f.name).symlink_to(f)
    catalog = yaml.safe_load((ROOT / "fonts" / "fonts.yaml").read_text(encoding="utf-8"))
    (tmp_path / "fonts" / "fonts.yaml").write_text(yaml.safe_dump(catalog, allow_unicode=True), encoding="utf-8")
    shutil.copytree(ROOT / "issues" / "2024-11-15", tmp_path / "issues" / "2024-11-15")
    issue = tmp_path / "issues" / "2024-11-15" / "issue.yaml"
    out = tmp_path / "out"

    session = Session(issue, out)
    first = session.rebuild()
    assert first.ok, first.problems
    before = _files(out / "2024-11-15")
    faces = catalog["faces"]
    faces["serif-regular"] = {**faces["kai-regular"]}  # the body in 楷体 from now on
    (tmp_path / "fonts" / "fonts.yaml").write_text(yaml.safe_dump(catalog, allow_unicode=True), encoding="utf-8")
    second = session.rebuild()
    assert second.ok, second.problems
    assert second.laid_out == [5] and second.paragraphs_kept == 0 and second.pdfs_kept == 0
    after = _files(out / "2024-11-15")
    assert after["print/TYRB-20241115-05.pdf"] != before["print/TYRB-20241115-05.pdf"]
    proc = subprocess.run([sys.executable, "-m", "paperpress", "build", str(issue), "-o", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert _files(out / "2024-11-15") == after
