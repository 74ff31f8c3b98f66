"""Batch builds (issue 13 item 5): several manifests on a process pool or a Dask cluster, each issue's output
byte for byte what its single build writes; a broken issue is reported and stops none of the others."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, run_cli

IDS = ("issue-one", "issue-two", "issue-bad")


def _copy(folder: Path, issue_id: str, broken: bool = False) -> Path:
    shutil.copytree(SAMPLE.parent, folder)
    manifest = folder / "issue.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert "\ndate: 2024-11-15\n" in text
    text = text.replace("\ndate: 2024-11-15\n", f"\ndate: 2024-11-15\nid: {issue_id}\n")
    if broken:  # an article file that is not there: a located input error (exit 2 on its own)
        assert "articles/training.yaml" in text
        text = text.replace("articles/training.yaml", "articles/no-such-article.yaml")
    manifest.write_text(text, encoding="utf-8")
    return manifest


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def issues(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Path]:
    """Three copies of the sample issue (the last one broken) and each good one's single build (-o single/)."""
    base = tmp_path_factory.mktemp("batch")
    manifests = [_copy(base / "issues" / i, i, broken=i == "issue-bad") for i in IDS]
    single = base / "single"
    for m in manifests[:2]:
        proc = run_cli("build", str(m), "-o", str(single))
        assert proc.returncode == 0, proc.stderr
    return manifests, single


def _same_as_single(out: Path, single: Path) -> None:
    assert sorted(p.name for p in out.iterdir()) == ["issue-one", "issue-two"]  # nothing of the broken one
    for issue_id in IDS[:2]:
        built, alone = _files(out / issue_id), _files(single / issue_id)
        assert any(name.startswith("print/") for name in built)
        assert "report.json" in built and "report.html" in built  # no timings in either: compared too
        assert built.keys() == alone.keys()
        for name in built:
            assert built[name] == alone[name], f"{issue_id}/{name} differs from its single build"


def test_a_batch_builds_the_good_issues_and_reports_the_broken_one(issues, tmp_path):
    manifests, single = issues
    out = tmp_path / "out"
    proc = run_cli("build", *map(str, manifests), "-o", str(out), "--jobs", "2")
    assert proc.returncode == 5, proc.stderr  # README: some issue of the batch failed
    _same_as_single(out, single)
    rows = {line.split()[0]: line.split() for line in proc.stdout.splitlines()[1:4]}
    assert proc.stdout.splitlines()[0].split() == ["issue", "pages", "status", "seconds", "output"]
    assert rows["issue-one"][1:3] == ["1", "built"] and rows["issue-one"][-1] == str(out / "issue-one")
    assert rows["issue-two"][1:3] == ["1", "built"]
    assert rows["issue-bad"][1:4] == ["—", "bad", "input"] and rows["issue-bad"][-1] == "—"
    assert "3 issues, 2 pages in" in proc.stdout and "2 built, 1 failed" in proc.stdout
    # the broken issue's error as its single build prints it, located in its manifest
    assert f"{manifests[2]}:" in proc.stderr and "no-such-article.yaml" in proc.stderr
    assert f"failed: {manifests[2]}: bad input:" in proc.stderr
    assert "\r" not in proc.stderr  # no progress bar when stderr is not a terminal


def test_a_broken_issue_alone_is_still_a_single_build(issues, tmp_path):
    manifests, _ = issues
    proc = run_cli("build", str(manifests[2]), "-o", str(tmp_path / "out"))
    assert proc.returncode == 2  # its own status, not the batch's
    assert "issue" not in proc.stdout.split()  # no table
    assert not (tmp_path / "out").exists()


def test_globs_expand_and_a_glob_of_nothing_builds_nothing(issues, tmp_path):
    manifests, single = issues
    out = tmp_path / "out"
    pattern = str(manifests[0].parent.parent / "issue-*" / "issue.yaml")  # quoted: the shell did not expand it
    proc = run_cli("build", pattern, str(manifests[0]), "-o", str(out), "--jobs", "1")
    assert proc.returncode == 5, proc.stderr
    assert proc.stdout.count(" built ") == 2 and "3 issues" in proc.stdout  # the one named twice built once
    _same_as_single(out, single)
    nothing = run_cli("build", str(tmp_path / "none-*" / "issue.yaml"), str(manifests[0]), "-o", str(tmp_path / "o2"))
    assert nothing.returncode == 2 and "matches no file" in nothing.stderr
    assert not (tmp_path / "o2").exists()


def test_two_manifests_of_one_issue_id_are_refused(issues, tmp_path):
    manifests, _ = issues
    twin = _copy(tmp_path / "twin", "issue-one")
    proc = run_cli("build", str(manifests[0]), str(twin), "-o", str(tmp_path / "out"))
    assert proc.returncode == 2 and "are both issue 'issue-one'" in proc.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # from dask's own dependencies
def test_a_dask_cluster_builds_the_same_bytes(issues, tmp_path, capsys):
    distributed = pytest.importorskip("distributed")
    from paperpress import cli

    manifests, single = issues
    out = tmp_path / "out"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=logging.CRITICAL) as cluster:
        code = cli.main(["build", *map(str, manifests), "-o", str(out), "--cluster", cluster.scheduler_address])
    assert code == 5
    _same_as_single(out, single)
    printed = capsys.readouterr()
    assert f"on {cluster.scheduler_address}" in printed.out and "2 built, 1 failed" in printed.out
    assert "no-such-article.yaml" in printed.err


def test_no_scheduler_at_the_address_is_one_line(issues, tmp_path):
    manifests, _ = issues
    proc = run_cli("build", *map(str, manifests[:2]), "-o", str(tmp_path / "out"), "--cluster", "tcp://127.0.0.1:9")
    assert proc.returncode == 1 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in proc.stderr
    assert "Traceback" not in proc.stderr


def _crash_on_bad(manifest: str, options):
    """A worker that dies outright (as a crash in native code would) on the broken issue."""
    import os

    from paperpress.batch import build_one

    if "issue-bad" in manifest:
        os._exit(70)
    return build_one(manifest, options)


def test_a_worker_that_dies_takes_no_other_issue_with_it(issues, tmp_path, monkeypatch, capsys):
    import functools

    from paperpress import batch, cli

    manifests, single = issues
    out = tmp_path / "out"
    monkeypatch.setattr(batch, "run_local", functools.partial(batch.run_local, work=_crash_on_bad))
    assert cli.main(["build", *map(str, manifests), "-o", str(out), "--jobs", "2"]) == 5
    _same_as_single(out, single)  # both good issues built, whichever worker the pool lost with the bad one
    printed = capsys.readouterr()
    assert f"failed: {manifests[2]}: failed: error: the build process died" in printed.err
    assert "2 built, 1 failed" in printed.out


def test_sigterm_stops_the_batch_and_leaves_no_temporary_folder(issues, tmp_path):
    import os
    import signal
    import subprocess
    import sys

    manifests, single = issues
    many = [_copy(tmp_path / "many" / f"m{i}", f"m{i}") for i in range(6)]
    out = tmp_path / "out"
    spool = tmp_path / "tmp"  # where the builds' spools go (a page's print PDF waits there until written)
    spool.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "paperpress", "build", *map(str, many), "-o", str(out),
                             "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(spool)})
    assert proc.stderr is not None
    for line in proc.stderr:  # the first issue is done: the others are being built or waiting
        if line.startswith("── "):
            break
    proc.send_signal(signal.SIGTERM)  # to the batch's own process only: it stops its workers
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "terminated; nothing was left half-written" in err
    left = sorted(p.name for p in out.iterdir())
    assert not [n for n in left if n.startswith(".")], left  # no .<id>.tmp-* from a build cut short
    assert not list(spool.iterdir())  # nor a spool: a worker stopped mid-build removed its own
    assert 1 <= len(left) < 6
    reference = set(_files(single / "issue-one"))
    for name in left:  # what was swapped in is whole
        assert {n.replace(name, "issue-one") for n in _files(out / name)} == reference


def test_the_progress_bar_is_drawn_only_on_a_terminal():
    import io

    from paperpress.batch import Bar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, pipe = Terminal(), io.StringIO()
    for stream in (tty, pipe):
        bar = Bar(4, stream, enabled=True)
        bar.done, bar.failed = 1, 1
        bar.draw()
    assert tty.getvalue() == "\r[#######.......................] 1/4 issues, 1 failed"
    assert pipe.getvalue() == ""
    quiet = Terminal()
    Bar(4, quiet, enabled=False).draw()
    assert quiet.getvalue() == ""
