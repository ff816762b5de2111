"""The real theme notebooks, run by `workbook run` on the real snapshot beside the project:
every notebook executes, results.json agrees with `workbook check`, and the scorecard and pages
say what they must. (nbval runs the same notebooks on the demo, with their default parameters.)
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from analysis.checks import evaluate_all
from analysis.claims import load_claims
from analysis.cli import main
from analysis.report.htmlexport import external_references
from analysis.snapshot import Snapshot

THEMES = [
    "index_levels", "fed_policy", "relative_performance", "valuation_gap",
    "earnings_convergence", "macro_sensitivity", "flows_and_deals", "tel_aviv",
]  # fmt: skip

pytestmark = pytest.mark.notebook  # every test here runs the theme notebooks in kernels


@pytest.fixture(scope="module")
def real_report(real_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "latest"
    result = CliRunner().invoke(
        main, ["run", "--snapshot", str(real_dir), "--out", str(out), "--jobs", "2"]
    )
    return result, out


@pytest.mark.slow
def test_every_theme_notebook_runs_on_the_real_snapshot(real_report):
    result, out = real_report
    assert result.exit_code == 0, result.output
    for theme in THEMES:
        assert (out / f"{theme}.ipynb").is_file()
        page = (out / f"{theme}.html").read_text()
        assert external_references(page) == []
        assert "Traceback" not in page
    assert (out / "index.html").is_file()


@pytest.mark.slow
def test_results_json_agrees_with_check_on_the_real_snapshot(real_report, real_dir):
    _, out = real_report
    doc = json.loads((out / "results.json").read_text())
    expected = {r.id: r.verdict for r in evaluate_all(load_claims(), Snapshot(real_dir))}
    assert {c["id"]: c["verdict"] for c in doc["claims"]} == expected
    assert doc["counts"]["error"] == 0
    # hand-checked verdicts (see tests/test_checks.py and test_checks_real_proxies.py)
    got = {c["id"]: c["verdict"] for c in doc["claims"]}
    assert got["rut_close_2026_01_02"] == "supported"
    assert got["rut_record_high_2595_98"] == "partly_supported"
    assert got["valuation_15x_vs_22x"] == "supported"  # the S&P 600 proxy, repriced
    assert got["record_smallcap_etf_inflows"] == "needs_data"


@pytest.mark.slow
def test_the_real_scorecard_links_every_claim_to_its_section(real_report):
    _, out = real_report
    index = (out / "index.html").read_text()
    assert "SYNTHETIC" not in index  # real data carries no synthetic banner
    for claim in load_claims().claims:
        link = f"{claim.theme}.html#{claim.id}"
        assert link in index, link
        page = (out / f"{claim.theme}.html").read_text()
        assert len(re.findall(rf"id=['\"]{claim.id}['\"]", page)) == 1, claim.id


@pytest.mark.slow
def test_an_analyst_note_shows_on_the_theme_page_and_the_scorecard(demo_snapshot, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "fed_funds_range_350_375.md").write_text(
        "Checked against the FOMC statement of 2025-12-10 by hand.\n"
    )
    out = tmp_path / "report"
    result = CliRunner().invoke(
        main,
        ["run", "--snapshot", str(demo_snapshot.root), "--only", "fed_policy",
         "--notes", str(notes), "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for page in ("fed_policy.html", "index.html"):
        assert (
            "Checked against the FOMC statement of 2025-12-10 by hand." in (out / page).read_text()
        ), page
