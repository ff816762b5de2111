"""Reuse (analysis.run.reuse): the code digest covers the whole package; a rerun with nothing
changed keeps the report without loading anything; a changed note or claim re-executes only the
themes whose pages can change, those whose adjusted p-values move included."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import paths
from analysis.run import run_all
from analysis.run.reuse import code_digest
from tests.test_runner import FIXTURES, fake_kernel, toy  # noqa: F401 (fixtures)


def test_the_code_digest_covers_every_stage_and_the_package_data(tmp_path, monkeypatch):
    copy = tmp_path / "analysis"
    shutil.copytree(paths.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(paths, "PACKAGE", copy)
    monkeypatch.setattr(paths, "RESOURCES", copy / "resources")
    seen = {code_digest()}
    for rel in ("stats/windows.py", "kinds/window_move.py", "report/plots.py", "cli.py",
                "resources/fomc_meetings.csv"):  # fmt: skip
        with (copy / rel).open("a", encoding="utf-8") as fh:
            fh.write("\n# changed\n")
        seen.add(code_digest())
    assert len(seen) == 6  # every change moved the digest
    (copy / "stats" / "__pycache__").mkdir(exist_ok=True)
    (copy / "stats" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    assert code_digest() in seen  # compiled files are not code changes


# ------------------------------------------------------------------ what a rerun re-executes

DEALS = """\
  - id: deals_up_{x}
    theme: deals_{x}
    text: "Deals picked up in 2025"
    kind: activity_change
    data: [user/deals.csv]
    params: {{file: user/deals.csv, series: deals_{x}, recent: {{start: {start}, end: 2025-12-31}},
             baseline: {{start: 2022-01-01, end: 2024-12-31}}}}
"""


def deals_file(snapshot: Path) -> None:
    """Monthly deal counts of two series, 2022-2025, both busier in 2025."""
    rows = ["date,series,value,unit,source"]
    for year in range(2022, 2026):
        for month in range(1, 13):
            a, b = 10 + 3 * (year == 2025) + month % 3, 10 + 2 * (year == 2025) + month % 2
            rows += [f"{year}-{month:02d}-28,deals_a,{a},count,hand count",
                     f"{year}-{month:02d}-28,deals_b,{b},count,hand count"]  # fmt: skip
    (snapshot / "user").mkdir()
    (snapshot / "user" / "deals.csv").write_text("\n".join(rows) + "\n")


@pytest.fixture
def rerun(toy, fake_kernel):
    """Run on the toy snapshot into one report folder; return {theme: status} of each run."""
    notes = toy["tmp"] / "notes"
    notes.mkdir()
    out = toy["tmp"] / "report"
    kw = {"claims": toy["claims"], "notebooks_dir": FIXTURES, "notes_dir": notes, "out": out,
          "progress": False}  # fmt: skip

    def run(**extra) -> dict[str, str]:
        summary = run_all(toy["snapshot"], **{**kw, **extra})
        assert summary.ok
        statuses = {t.theme: t.status for t in summary.themes}
        assert sorted(t for t, s in statuses.items() if s == "ok") == fake_kernel()
        return statuses

    return run


def claims_doc(out: Path) -> dict[str, dict]:
    return {c["id"]: c for c in json.loads((out / "results.json").read_text())["claims"]}


def test_a_rerun_with_nothing_changed_keeps_the_report_without_loading_anything(
    toy, rerun, monkeypatch
):
    out = toy["tmp"] / "report"
    assert rerun() == {"levels": "ok", "policy": "ok"}
    written = {p: p.stat().st_mtime_ns for p in out.rglob("*")}

    def no_load(*args, **kwargs):
        raise AssertionError("a rerun with nothing changed loaded the snapshot or the claims")

    monkeypatch.setattr("analysis.run.load_snapshot", no_load)
    assert rerun() == {"levels": "reused", "policy": "reused"}
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == written  # kept as it is
    (out / "policy.html").unlink()  # a missing output: the run is no longer unchanged
    with pytest.raises(AssertionError, match="loaded the snapshot"):
        rerun()


def test_a_rerun_with_nothing_changed_imports_no_heavy_module(toy, fake_kernel, monkeypatch):
    monkeypatch.setattr("analysis.run.reuse.code_digest", code_digest)  # the real digest
    out = toy["tmp"] / "report"
    args = {"claims": str(toy["claims"]), "notebooks_dir": str(FIXTURES), "out": str(out),
            "notes_dir": str(toy["tmp"]), "progress": False}  # fmt: skip
    run_all(str(toy["snapshot"]), **args)
    assert fake_kernel() == ["levels", "policy"]
    code = (
        "import sys; from analysis.run import run_all; "
        f"s = run_all({str(toy['snapshot'])!r}, **{args!r}); "
        "print([t.status for t in s.themes], "
        "sorted(m for m in ('pandas', 'scipy', 'pydantic', 'nbformat', 'papermill') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=paths.PROJECT_ROOT)  # fmt: skip
    assert done.stdout.strip() == "['reused', 'reused'] []"


def test_a_changed_note_reruns_only_its_theme(toy, rerun):
    notes = toy["tmp"] / "notes"
    assert rerun() == {"levels": "ok", "policy": "ok"}
    (notes / "toy_range.md").write_text("The range moved in December.\n")
    assert rerun() == {"levels": "reused", "policy": "ok"}
    (notes / "README.md").write_text("Notes for this article.\n")  # a note of no claim
    assert rerun() == {"levels": "reused", "policy": "reused"}
    (notes / "toy_range.md").unlink()
    assert rerun() == {"levels": "reused", "policy": "ok"}


def test_a_changed_claim_reruns_its_theme_and_keeps_the_others(toy, rerun):
    out = toy["tmp"] / "report"
    assert rerun() == {"levels": "ok", "policy": "ok"}
    toy["claims"].write_text(toy["claims"].read_text().replace("stated: 2600", "stated: 2650"))
    assert rerun() == {"levels": "ok", "policy": "reused"}
    assert "below the stated 2650.00" in claims_doc(out)["toy_close_wrong"]["summary"]
    claims = toy["claims"].read_text()  # a claim's words only: its page shows them
    toy["claims"].write_text(claims.replace("The target range is", "The target range stood at"))
    assert rerun() == {"levels": "reused", "policy": "ok"}
    assert claims_doc(out)["toy_range"]["text"].startswith("The target range stood at")


def test_a_changed_pvalue_reruns_every_theme_whose_adjusted_pvalues_move(toy, rerun):
    """Benjamini-Hochberg decides the tested claims together: a claim whose own data and words
    are unchanged still gets another adjusted p-value when another claim's p-value changes."""
    out = toy["tmp"] / "report"
    deals_file(toy["snapshot"])
    base = toy["claims"].read_text()
    toy["claims"].write_text(base + DEALS.format(x="a", start="2025-01-01")
                             + DEALS.format(x="b", start="2025-01-01"))  # fmt: skip
    assert set(rerun().values()) == {"ok"}
    before = claims_doc(out)
    toy["claims"].write_text(base + DEALS.format(x="a", start="2025-10-01")
                             + DEALS.format(x="b", start="2025-01-01"))  # fmt: skip
    statuses = rerun()
    after = claims_doc(out)
    assert after["deals_up_b"]["pvalue"] == before["deals_up_b"]["pvalue"]  # its own test
    assert after["deals_up_b"]["pvalue_adjusted"] != before["deals_up_b"]["pvalue_adjusted"]
    assert statuses == {"levels": "reused", "policy": "reused", "deals_a": "ok", "deals_b": "ok"}


def test_force_reruns_everything_and_the_next_run_reuses_it(toy, rerun):
    assert rerun() == {"levels": "ok", "policy": "ok"}
    assert rerun(force=True) == {"levels": "ok", "policy": "ok"}
    assert rerun() == {"levels": "reused", "policy": "reused"}
    (toy["tmp"] / "notes" / "toy_close.md").write_text("Checked by hand.\n")
    assert rerun() == {"levels": "ok", "policy": "reused"}  # fingerprints from a forced run


# ------------------------------------------------------------------ the order notebooks start in


def test_longest_first_puts_unknown_then_the_slowest_first_and_keeps_ties_in_plan_order():
    from analysis.run.model import Job, longest_first

    jobs = [Job(t, Path(f"{t}.ipynb"), {}, expected=s) for t, s in
            [("a", 1.0), ("b", None), ("c", 3.0), ("d", 1.0), ("e", 0.5)]]  # fmt: skip
    assert [j.theme for j in longest_first(jobs)] == ["b", "c", "a", "d", "e"]


def test_a_forced_rerun_starts_the_notebooks_that_took_longest_last_time_first(
    toy, rerun, monkeypatch
):
    import analysis.run.execute as execute

    took = {"levels": 0.2, "policy": 4.0}
    fake, started = execute._execute, []

    def timed(job, show_code, page):
        error, _ = fake(job, show_code, page)
        return error, took[job.theme]

    def order(todo):
        ordered = longest_first(todo)
        started.append([job.theme for job in ordered])
        return ordered

    longest_first = execute.longest_first
    monkeypatch.setattr(execute, "_execute", timed)
    monkeypatch.setattr(execute, "longest_first", order)
    rerun()  # nothing known yet: plan order (the registry's)
    took.update(levels=6.0)
    rerun(force=True)  # as the first run took: policy first
    rerun(force=True)  # as the second run took
    assert started == [["levels", "policy"], ["policy", "levels"], ["levels", "policy"]]
    out = toy["tmp"] / "report"
    assert json.loads((out / ".fingerprints" / "levels.json").read_text())["seconds"] == 6.0
