"""The analyst's handles on one claim (:class:`analysis.report.explore.ClaimView`): the claim as
checked, its result, the data used cut at the claim's date, the tests as HTML, the chart, and a
rerun with other parameters that is validated and says it is not adjusted."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.report.explore import RERUN_PREFIX, ClaimView, RerunError
from analysis.report.notebook import Workbook
from tests.conftest import DEMO, PROJECT

CLAIMS = PROJECT / "data" / "claims" / "russell2000_2026.yaml"


@pytest.fixture(scope="module")
def wb():
    return Workbook.open(snapshot=DEMO, claims=CLAIMS)


@pytest.fixture(scope="module")
def early():
    return Workbook.open(snapshot=DEMO, claims=CLAIMS, as_of="2025-12-15")


def test_the_view_holds_the_runs_result_and_the_claim_as_checked(wb):
    view = ClaimView.from_workbook(wb, "rut_surge_12pct_late_december")
    assert view.result is wb.results["rut_surge_12pct_late_december"]
    assert view.result.verdict == "supported"
    assert view.claim.params.days == 15
    assert view.params()["ends_within"] == {"start": "2025-12-24", "end": "2026-01-02"}
    assert repr(view) == "<ClaimView rut_surge_12pct_late_december: supported>"


def test_an_unknown_claim_names_the_claims_file(wb):
    with pytest.raises(KeyError, match="no claim 'nope' in"):
        ClaimView.from_workbook(wb, "nope")


def test_the_data_are_the_files_read_cut_at_the_claims_date(wb, early):
    view = ClaimView.from_workbook(wb, "floating_rate_relief")
    assert list(view.data) == list(view.result.data)
    assert list(view.data) == [
        "prices/^RUT.csv",
        "prices/^GSPC.csv",
        "fred/DGS2.csv",
        "french/F-F_Research_Data_5_Factors_2x3_daily.csv",
    ]
    assert str(view.cut) == "2026-01-02"  # the article's date: not a forecast
    assert all(frame.index.max() <= pd.Timestamp("2026-01-02") for frame in view.data.values())
    later = ClaimView.from_workbook(early, "floating_rate_relief")
    assert str(later.cut) == "2025-12-15"
    rut = later.data["prices/^RUT.csv"]
    assert rut.index.max() == pd.Timestamp("2025-12-15")
    assert len(rut) == len(demo_rut().loc[:"2025-12-15"])


def demo_rut():
    from analysis.snapshot import Snapshot

    return Snapshot(DEMO).load("prices/^RUT.csv")


def test_a_forecast_reads_up_to_the_evaluation_date(early):
    view = ClaimView.from_workbook(early, "terminal_rate_near_3pct_mid2026")
    assert view.original.forecast
    assert str(view.cut) == "2025-12-15"
    assert view.result.verdict == "pending"


def test_a_claim_with_its_own_date_reads_up_to_it(wb):
    view = ClaimView.from_workbook(wb, "ta_banks5_momentum")
    assert str(view.cut) == "2026-01-16"  # the sidebar's date, after the article's
    assert view.result.verdict == "supported"
    frame = view.data["prices/^TABANKS5.TA.csv"]
    assert frame.index.max() == pd.Timestamp("2026-01-16")


def test_on_real_data_the_claim_is_the_one_checked_with_its_proxy(real_dir):
    real = Workbook.open(snapshot=real_dir, claims=CLAIMS)
    view = ClaimView.from_workbook(real, "valuation_15x_vs_22x")
    assert view.original.params.file == "user/forward_pe.csv"  # lacking in the snapshot
    assert view.claim.params.file == "user/sp_valuation.csv"  # the accepted proxy
    assert list(view.data) == ["user/sp_valuation.csv", "prices/IJR.csv", "prices/^GSPC.csv"]
    again = view.rerun(tolerance=3.0)
    assert again.summary.startswith(RERUN_PREFIX + "Forward P/E ")
    assert "(An accepted proxy: the S&P 600's forward P/E stands in" in again.summary
    assert again.data == view.result.data


def test_the_tests_render_as_html_tables(wb):
    view = ClaimView.from_workbook(wb, "floating_rate_relief")
    assert len(view.tests) == 4
    html = view.tests[0]._repr_html_()
    assert html.startswith("<table class='stat-result'><caption>")
    assert "p-value" in html and "H0" in html


def test_the_card_escapes_the_claims_texts(wb):
    view = ClaimView.from_workbook(wb, "floating_rate_relief")
    hostile = view.original.model_copy(update={"text": "<script>alert(1)</script> & co"})
    card = ClaimView(hostile, view.result, view.snapshot, view.ctx)._repr_html_()
    assert "<script>" not in card
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in card
    assert ">supported</span> <code>floating_rate_relief</code>" in card
    assert "<code>prices/^RUT.csv</code>: " in card and " rows up to 2026-01-02</li>" in card
    assert "<code>.rerun(name=value)</code>" in card
    assert f"<b>Tests:</b> {view.tests[0].name};" in card


def test_the_chart_is_a_closed_figure_of_the_claim(wb):
    import matplotlib.pyplot as plt

    before = len(plt.get_fignums())
    fig = ClaimView.from_workbook(wb, "rut_close_2026_01_02").chart()
    assert fig is not None and len(fig.axes) >= 1
    assert len(plt.get_fignums()) == before  # closed: the cell shows it once, as its value


def test_the_chart_draws_no_data_after_the_evaluation_date(early):
    fig = ClaimView.from_workbook(early, "rut_record_high_2595_98").chart()
    lines = [line for ax in fig.axes for line in ax.get_lines() if len(line.get_xdata()) > 5]
    assert lines  # the close and the intraday high
    assert {pd.Timestamp(max(line.get_xdata())) for line in lines} == {pd.Timestamp("2025-12-15")}


def test_no_chart_without_the_data(tmp_path):
    import shutil

    snap = tmp_path / "demo"
    shutil.copytree(DEMO, snap)
    (snap / "prices" / "^RUT.csv").unlink()
    (snap / "manifest.json").unlink()
    bare = Workbook.open(snapshot=snap, claims=CLAIMS)
    view = ClaimView.from_workbook(bare, "rut_close_2026_01_02")
    assert view.result.verdict == "needs_data"
    assert view.data == {}
    assert view.chart() is None
    assert "<code>prices/^RUT.csv</code>: missing</li>" in view._repr_html_()


def test_a_rerun_with_a_tighter_tolerance_changes_the_verdict_and_says_it_stands_alone(wb):
    view = ClaimView.from_workbook(wb, "rut_surge_12pct_late_december")
    again = view.rerun(tolerance=0.001)
    assert again.verdict == "contradicted"
    assert again.summary.startswith(
        RERUN_PREFIX + "No 15-session window ending 2025-12-24 to 2026-01-02 moved 12%"
    )
    assert RERUN_PREFIX == "Rerun alone (not adjusted across the claims file): "
    assert again.stated["tolerance"] == 0.001
    assert view.result.verdict == "supported"  # the run's result is left as it was


def test_a_rerun_with_another_window(wb):
    view = ClaimView.from_workbook(wb, "rut_surge_12pct_late_december")
    again = view.rerun(ends_within={"start": "2025-11-03", "end": "2025-11-28"})
    assert again.stated["ends_within"] == ["2025-11-03", "2025-11-28"]
    assert again.observed["windows_checked"] == 19  # November 2025's sessions
    assert again.verdict in ("supported", "partly_supported", "contradicted")


def test_a_rerun_of_a_tested_claim_is_decided_on_its_own_p_value(wb):
    view = ClaimView.from_workbook(wb, "floating_rate_relief")
    assert view.result.pvalue_adjusted is not None
    again = view.rerun(frequency="weekly")
    assert again.pvalue == pytest.approx(view.result.pvalue)
    assert again.pvalue_adjusted is None
    assert again.summary.startswith(RERUN_PREFIX)


def test_a_rerun_keeps_the_evaluation_date(early):
    view = ClaimView.from_workbook(early, "rut_surge_12pct_late_december")
    again = view.rerun(tolerance=0.05)
    assert again.verdict == "pending"
    assert again.summary == (
        RERUN_PREFIX + "Not yet decidable: the claim speaks of data through 2026-01-02, after "
        "the evaluation date 2025-12-15."
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"tolrance": 0.01},
            "rut_surge_12pct_late_december: window_move has no parameter 'tolrance', expected "
            "one of series, column, days, ends_within, stated, tolerance",
        ),
        (
            {"tolerance": -1},
            "rut_surge_12pct_late_december: parameter tolerance: Input should be greater than "
            "or equal to 0 (got -1)",
        ),
        (
            {"ends_within": {"start": "2025-12-24"}},
            "rut_surge_12pct_late_december: parameter ends_within.end: Field required (got "
            "{'start': '2025-12-24'})",
        ),
    ],
)
def test_a_bad_parameter_is_one_line_naming_it(wb, changes, message):
    view = ClaimView.from_workbook(wb, "rut_surge_12pct_late_december")
    with pytest.raises(RerunError) as caught:
        view.rerun(**changes)
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)


# ---------------------------------------------------------------- getting there: lab and run


def make_dry_run(*args: str) -> str:
    import subprocess

    done = subprocess.run(
        ["make", "--no-print-directory", "-n", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_make_lab_binds_localhost_and_allows_root_only_as_root():
    import os

    lab = make_dry_run("-o", ".venv/.installed", "lab").strip().splitlines()[-1]
    assert lab.startswith(".venv/bin/jupyter lab --notebook-dir=notebooks")
    assert "--ServerApp.ip=127.0.0.1" in lab
    assert ("--allow-root" in lab) == (os.geteuid() == 0)


def test_set_up_says_each_step_and_lets_pip_show_progress():
    steps = make_dry_run("-W", "pyproject.toml", "setup")
    assert "--quiet" not in steps
    assert steps.count("pip --disable-pip-version-check install --progress-bar on") == 2
    for step in ("set-up 1/3", "set-up 2/3", "set-up 3/3", "set-up done"):
        assert step in steps


def test_the_run_states_its_plan_in_one_line():
    from types import SimpleNamespace

    from analysis.run.article import plan_line
    from analysis.snapshot import Snapshot

    snap = Snapshot(DEMO)
    todo = [SimpleNamespace(key="index_levels"), SimpleNamespace(key="fed_policy")]
    assert plan_line(snap, todo, 3, jobs=8) == (
        f"running 2 notebook(s) on {DEMO}, 2 at a time; 3 unchanged, reused: "
        "index_levels, fed_policy"
    )
    assert plan_line(snap, [], 8, jobs=2) == f"nothing to run on {DEMO}; 8 unchanged, reused"
    where = "on a local Dask cluster of 2 worker(s)"
    assert plan_line(snap, todo[:1], 0, jobs=2, where=where) == (
        f"running 1 notebook(s) on {DEMO}, {where}: index_levels"
    )
