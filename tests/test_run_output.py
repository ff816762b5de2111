"""The report folder (analysis.run.output): --out is refused unless the program owns it, a full or
read-only disk keeps the previous report, and an interrupted run is repaired by the next one."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis import paths
from analysis.cli import main
from analysis.errors import RunError
from analysis.run import run_all
from analysis.run.output import MARKER, recover
from tests.test_runner import FIXTURES, fake_kernel, toy  # noqa: F401 (fixtures)


def tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        h.update(str(p.relative_to(root)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def run(toy, out, **kw):
    return run_all(toy["snapshot"], claims=toy["claims"], notebooks_dir=FIXTURES, out=out,
                   progress=False, **kw)  # fmt: skip


def test_a_run_marks_its_folder_and_reruns_over_it(toy, fake_kernel):
    out = toy["tmp"] / "report"
    run(toy, out)
    assert (out / MARKER).is_file()
    run(toy, out, force=True)
    assert (out / "index.html").is_file()


@pytest.mark.parametrize("where", ["snapshot", "inside snapshot", "data", "notebooks", "project"])
def test_out_that_is_holds_or_lies_inside_what_a_run_never_writes_is_refused(toy, where):
    out = {
        "snapshot": toy["snapshot"],
        "inside snapshot": toy["snapshot"] / "prices",
        "data": paths.DATA / "demo",
        "notebooks": paths.NOTEBOOKS,
        "project": paths.PROJECT_ROOT,
    }[where]
    before = tree_hash(toy["snapshot"]), tree_hash(paths.NOTEBOOKS)
    with pytest.raises(RunError, match=r"^--out .*: is, holds or lies inside .*, which a run"):
        run(toy, out)
    assert (tree_hash(toy["snapshot"]), tree_hash(paths.NOTEBOOKS)) == before


def test_a_folder_that_is_not_a_report_is_refused_even_with_an_index_html(toy):
    site = toy["tmp"] / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>my website</h1>")
    (site / "about.html").write_text("about")
    before = tree_hash(site)
    result = CliRunner().invoke(main, ["run", "--snapshot", str(toy["snapshot"]), "--claims",
                                       str(toy["claims"]), "--out", str(site)])  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"workbook: --out {site}: holds files that are not a workbook")
    assert tree_hash(site) == before


def test_a_full_disk_keeps_the_previous_report(toy, fake_kernel, monkeypatch):
    out = toy["tmp"] / "report"
    run(toy, out)
    before = tree_hash(out)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("analysis.report.results_json.write_json", full)
    with pytest.raises(RunError, match=r"No space left on device .*the previous report is kept"):
        run(toy, out, force=True)
    assert tree_hash(out) == before
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".report")] == []


def test_an_unwritable_out_is_one_line(toy, monkeypatch):
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("analysis.run.output.tempfile.mkdtemp", read_only)
    with pytest.raises(RunError, match=r"cannot write there \(Read-only file system\); nothing"):
        run(toy, toy["tmp"] / "report")


def test_check_json_into_an_impossible_place_is_one_line(toy):
    blocker = toy["tmp"] / "file"
    blocker.write_text("x")
    args = ["check", "--snapshot", str(toy["snapshot"]), "--claims", str(toy["claims"])]
    result = CliRunner().invoke(main, [*args, "--json", str(blocker / "r.json")])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].startswith(f"workbook: --json {blocker / 'r.json'}: ")


def test_an_interrupted_run_is_repaired_by_the_next(toy, fake_kernel):
    out = toy["tmp"] / "report"
    run(toy, out)
    report = tree_hash(out)
    gone = 2**22 + 12345  # a pid no process has (pid_max is 2**22 at most)
    aside = toy["tmp"] / f".report.old-{gone}-abc"
    aside.mkdir()
    os.replace(out, aside / "report")  # killed between the two renames
    stale = toy["tmp"] / f".report.run-{gone}-def"
    (stale / ".results").mkdir(parents=True)
    live = toy["tmp"] / f".report.run-{os.getpid()}-ghi"  # a run still going: left alone
    live.mkdir()
    done = recover(out)
    assert done[0] == f"restored the previous report at {out} (a run was interrupted)"
    assert tree_hash(out) == report
    assert not aside.exists() and not stale.exists() and live.is_dir()
    shutil.rmtree(live)


def test_a_broken_file_stops_the_run_before_any_notebook(toy, fake_kernel):
    (toy["snapshot"] / "prices" / "UNUSED.csv").write_text("Date,Close\n2026-01-02,n/a\n")
    out = toy["tmp"] / "report"
    result = CliRunner().invoke(main, ["run", "--snapshot", str(toy["snapshot"]), "--claims",
                                       str(toy["claims"]), "--out", str(out)])  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == (
        "workbook: prices/UNUSED.csv line 2: Close is 'n/a', expected a number\n"
    )
    assert fake_kernel() == [] and not out.exists()


def test_a_theme_notebook_serves_only_the_article_it_was_written_for(tmp_path):
    from analysis.run.plan import notebook_for

    # the shipped index_levels.ipynb hard-codes the Russell 2000 article's claim ids
    assert notebook_for("index_levels", "russell2000_2026", paths.NOTEBOOKS).name == (
        "index_levels.ipynb"
    )
    # another article reusing the theme name gets the generic notebook, which reads its claims
    assert notebook_for("index_levels", "my_article", paths.NOTEBOOKS).name == "claims.ipynb"
    assert notebook_for("no_such_theme", "russell2000_2026", paths.NOTEBOOKS).name == (
        "claims.ipynb"
    )
    (tmp_path / "x.ipynb").write_text("{not json")
    with pytest.raises(RunError, match=r"x.ipynb: not a readable notebook"):
        notebook_for("x", "a", tmp_path)
