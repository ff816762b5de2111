"""The ``earnings_convergence`` kind on quarterly EPS: year-over-year growth by calendar quarter,
losses as bases, the decisive HAC trend over the lookback, Engle-Granger over the whole history,
on toy snapshots and on the demo."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from analysis.kinds.earnings_convergence import Params, yoy_growth
from tests.conftest import PROJECT
from tests.kindtools import check_one

DATA = ["user/eps.csv"]
QUARTERS = pd.date_range("2008-03-31", "2025-12-31", freq="QE")  # 72 quarters


def write_eps(root, series: dict[str, pd.Series]) -> None:
    (root / "snap" / "user").mkdir(parents=True, exist_ok=True)
    rows = [
        f"{day:%Y-%m-%d},{name},{value:.2f},USD per index unit,test\n"
        for name, values in series.items()
        for day, value in values.items()
    ]
    (root / "snap" / "user" / "eps.csv").write_text(
        "date,series,value,unit,source\n" + "".join(rows)
    )


def params(small: str = "small_eps_q", large: str = "large_eps_q", **more) -> dict:
    return {"file": "user/eps.csv", "small": small, "large": large, "as_of": "2026-01-02"} | more


@pytest.fixture
def converging(tmp_path):
    """Quarterly EPS: large grows 2% a quarter; small's growth premium shrinks from about 20 to
    0 points a year over 2008-2025; small loses money in 2008Q4 and 2015Q2."""
    rng = np.random.default_rng(5)
    t = np.arange(len(QUARTERS))
    season = np.tile([0.95, 1.02, 0.99, 1.04], 18)
    large = 20 * np.exp(0.02 * t + np.cumsum(rng.normal(0, 0.02, len(t)))) * season
    premium = np.cumsum(0.06 * (1 - t / len(t)))  # log growth premium, fading to zero
    small = 5 * np.exp(0.02 * t + premium + rng.normal(0, 0.03, len(t))) * season
    small[[3, 29]] = [-1.27, -0.45]  # losses in 2008Q4 and 2015Q2
    write_eps(
        tmp_path,
        {"small_eps_q": pd.Series(small, QUARTERS), "large_eps_q": pd.Series(large, QUARTERS)},
    )
    return tmp_path


def test_yoy_growth_is_quarter_on_the_same_quarter_and_skips_losses():
    days = pd.to_datetime(
        ["2023-03-31", "2023-06-30", "2023-09-30", "2023-12-31", "2024-03-31", "2024-06-30"]
        + ["2024-12-31", "2025-03-31"]  # 2024-09-30 is missing
    )
    eps = pd.Series([2.0, -1.0, 4.0, 5.0, 2.5, 1.0, 4.0, 2.0], days)
    growth, skipped = yoy_growth(eps)
    # 2024Q1: 2.5 / 2.0 - 1 = +25%; 2024Q4: 4.0 / 5.0 - 1 = -20%; 2025Q1: 2.0 / 2.5 - 1 = -20%
    assert growth.to_dict() == {
        pd.Timestamp("2024-03-31"): pytest.approx(25.0),
        pd.Timestamp("2024-12-31"): pytest.approx(-20.0),
        pd.Timestamp("2025-03-31"): pytest.approx(-20.0),
    }
    assert skipped == ["2024Q2"]  # its base, 2023Q2, was a loss; no 2024Q3 row at all


def test_the_default_lookback_reaches_the_tests_minimum():
    default = Params.model_fields["lookback_years"].default
    assert default * 4 >= 40 > 24  # 40 quarters of growth: trend (24) and Engle-Granger (40)
    with pytest.raises(ValueError, match="greater than 5"):
        Params(file="f", small="a", large="b", as_of="2026-01-02", lookback_years=5)


def test_converging_quarterly_eps(converging):
    r = check_one(converging, "earnings_convergence", params(), DATA)
    assert r.verdict == "supported"
    trend, sigma, eg = r.tests
    # growth over the lookback 2016Q1-2025Q4: 40 quarters less 2016Q2, whose base (2015Q2) was
    # a loss: 39 growth rates
    assert trend.nobs == 39 and r.observed["quarters"] == 39
    assert r.observed["no_growth_quarters"] == ["2016Q2 (small_eps_q)"]
    assert "no growth from a base <= 0: 2016Q2 (small_eps_q)." in r.summary
    assert "2009Q4" not in r.summary  # before the lookback
    assert trend.estimate == pytest.approx(-2.0218, abs=1e-4)  # points of growth a year
    assert trend.pvalue == pytest.approx(0.000947, abs=1e-6)
    assert sigma.pvalue == pytest.approx(trend.pvalue)
    # Engle-Granger uses every quarter up to as_of, not the lookback: 2008Q1-2025Q4
    assert eg.nobs == 72 and r.observed["engle_granger_quarters"] == 72
    assert "Engle-Granger on 72 quarters of EPS levels (2008Q1-2025Q4)" in r.summary
    # small's level outgrows large's by the (fading) premium: no long-run level relation
    assert eg.statistic == pytest.approx(-1.559, abs=1e-3) and eg.pvalue == pytest.approx(0.684)


def test_trailing_sums_and_short_histories_skip_engle_granger(tmp_path, converging):
    frame = pd.read_csv(converging / "snap" / "user" / "eps.csv", parse_dates=["date"])
    wide = frame.pivot(index="date", columns="series", values="value")
    write_eps(
        tmp_path,
        {f"{k}_ttm": wide[f"{k}_q"].rolling(4).sum().dropna() for k in ("small_eps", "large_eps")},
    )
    r = check_one(tmp_path, "earnings_convergence", params("small_eps_ttm", "large_eps_ttm"), DATA)
    assert len(r.tests) == 2 and "Engle-Granger not run: trailing-12-month sums" in r.summary
    short = {k: wide[k].loc["2017-01-01":] for k in wide}  # 2017Q1-2025Q4: 36 quarters
    write_eps(tmp_path, short)
    r = check_one(tmp_path, "earnings_convergence", params(), DATA)
    assert "Engle-Granger not run: 36 common quarters, it needs 40" in r.summary


def test_demo_quarterly_eps(tmp_path):
    (tmp_path / "snap" / "user").mkdir(parents=True)
    shutil.copy(PROJECT / "data" / "demo" / "user" / "eps.csv", tmp_path / "snap" / "user")
    r = check_one(
        tmp_path, "earnings_convergence", params("russell2000_eps_q", "sp500_eps_q"), DATA
    )
    trend, _, eg = r.tests
    assert r.verdict == "supported" and trend.nobs == 40
    assert trend.estimate == pytest.approx(-0.9811, abs=1e-4)
    assert trend.pvalue == pytest.approx(0.017, abs=5e-4)
    assert eg.nobs == 87 and eg.pvalue == pytest.approx(0.095)
