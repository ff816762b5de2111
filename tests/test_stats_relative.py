"""Tests of analysis.stats.relative: spreads, their percentile and window sensitivity, and the
HAC test of daily return differences (agreement with statsmodels, calibration and power)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats as sps

from analysis.errors import InsufficientDataError
from analysis.stats.relative import (
    relative_return,
    spread_percentile,
    spread_test,
    spreads,
    window_sensitivity,
)
from analysis.stats.windows import search_chance


def series(values, start="2024-01-01") -> pd.Series:
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)), dtype=float)


A = series([100, 102, 104, 103, 106, 108, 110])  # 2024-01-01 .. 2024-01-09
B = series([50, 50, 51, 52, 52, 53, 53])


def garch_ar(rng: np.random.Generator, reps: int, n: int, phi: float = 0.1) -> np.ndarray:
    """reps x n paths of an AR(1) (coefficient phi) driven by GARCH(1,1) shocks (0.05, 0.08,
    0.9): daily-return-like data with volatility clustering and mild autocorrelation. Unit-ish
    scale; the unconditional shock variance is 0.05 / 0.02 = 2.5."""
    h = np.full(reps, 2.5)
    x, out = np.zeros(reps), np.empty((reps, n + 100))
    for t in range(n + 100):
        e = np.sqrt(h) * rng.standard_normal(reps)
        h = 0.05 + 0.08 * e**2 + 0.9 * h
        x = phi * x + e
        out[:, t] = x
    return out[:, 100:]


def prices(returns: np.ndarray, index: pd.DatetimeIndex) -> pd.Series:
    return pd.Series(100 * np.cumprod(np.r_[1.0, 1 + returns]), index=index)


# ---------------------------------------------------------------- relative_return
def test_relative_return_hand_computed_and_aligned():
    b = B.drop(pd.Timestamp("2024-01-08"))  # a date b lacks is dropped from both
    r = relative_return(A, b, end="2024-01-09", days=3)
    # shared dates: 01-01..01-05, 01-09; 3 sessions before 01-09 is 01-03 (104 and 51)
    assert r.start == pd.Timestamp("2024-01-03") and r.end == pd.Timestamp("2024-01-09")
    assert r.return_a == pytest.approx(110 / 104 - 1)
    assert r.return_b == pytest.approx(53 / 51 - 1)
    assert r.spread == pytest.approx(110 / 104 - 53 / 51)
    assert "bp" in r.summary()
    json.dumps(r.to_dict())
    assert "<table" in r._repr_html_()


def test_relative_return_validation():
    with pytest.raises(InsufficientDataError, match="a and b share no trading dates"):
        relative_return(A, series([1, 2], start="2030-01-01"), end="2030-01-02", days=1)
    with pytest.raises(
        InsufficientDataError, match="window of 10 trading days needs at least 11 closes"
    ):
        relative_return(A, B, end="2024-01-09", days=10)
    with pytest.raises(ValueError, match="b must be a pandas Series with a DatetimeIndex"):
        relative_return(A, [1, 2, 3], end="2024-01-09", days=1)


# ---------------------------------------------------------------- spread_percentile
def test_spread_percentile_hand_computed():
    # b flat: the 1-day spreads are a's returns 1%, ..., 10%
    a = series(100 * np.cumprod(np.r_[1.0, 1 + np.arange(1, 11) / 100]))
    b = series(np.full(11, 50.0))
    r = spread_percentile(a, b, days=1, spread=0.095)
    assert r.nobs == 10 and r.details["count_at_least"] == 1
    assert r.pvalue == pytest.approx(2 / 11) and r.statistic == pytest.approx(90.0)
    low = spread_percentile(a, b, days=1, spread=-0.01)
    assert low.details["tail"] == "lower" and low.details["count_at_most"] == 0
    assert low.pvalue == pytest.approx(1 / 11)


def test_spreads_hand_computed_on_shared_dates():
    # B lacks 2024-01-04, so A's 103 on that day is not used: the shared dates are 01-01, 01-02,
    # 01-03, 01-05, 01-08, 01-09 and each 2-session window spans two of those
    s = spreads(A, B.drop(B.index[3]), days=2)
    assert list(s.index.strftime("%m-%d")) == ["01-03", "01-05", "01-08", "01-09"]
    np.testing.assert_allclose(
        s.to_numpy(),
        [104 / 100 - 51 / 50, 106 / 102 - 52 / 50, 108 / 104 - 53 / 51, 110 / 106 - 53 / 52],
    )


def test_a_spread_search_is_corrected_for_the_windows_searched():
    # i.i.d. spreads: the chance that a search comes within 50 bp of +600 bp grows with the
    # number of windows searched, and for one window it is the share within 50 bp
    rng = np.random.default_rng(5)
    idx = pd.bdate_range("2010-01-01", periods=3000)
    a, b = prices(rng.normal(0, 0.012, 2999), idx), prices(rng.normal(0, 0.012, 2999), idx)
    s = spreads(a, b, days=21)
    one = search_chance(s, stated=0.06, gap=0.005, searched=1, days=21, what="spread")
    assert one.estimate == pytest.approx(float(((s - 0.06).abs() <= 0.005).mean()))
    wide = search_chance(s, stated=0.06, gap=0.005, searched=31, days=21, what="spread")
    assert wide.estimate > 3 * one.estimate
    assert "closest spread" in wide.null_hypothesis


def test_spread_percentile_validation():
    with pytest.raises(
        InsufficientDataError,
        match=r"spread percentile over 21 trading days needs at least 211 shared closes",
    ):
        spread_percentile(A, B, days=21, spread=0.06)
    with pytest.raises(ValueError, match=r"The value for `tail` must be one of"):
        spread_percentile(A, B, days=1, spread=0.06, tail="left")
    with pytest.raises(ValueError, match="spread must be a finite number"):
        spread_percentile(A, B, days=1, spread=math.nan)


def test_spread_percentile_uniform_under_iid():
    """Fresh i.i.d. spread against an i.i.d. history: about 5% of p-values are <= 0.05."""
    rng = np.random.default_rng(11)
    days, n, pv = 5, 250, []
    index = pd.bdate_range("2000-01-03", periods=n + 1)
    for _ in range(600):
        ra, rb = rng.normal(0, 0.01, (2, n + days))
        fresh = float(np.prod(1 + ra[n:]) - np.prod(1 + rb[n:]))
        a, b = prices(ra[:n], index), prices(rb[:n], index)
        pv.append(spread_percentile(a, b, days=days, spread=fresh, tail="upper").pvalue)
    share = float(np.mean(np.array(pv) <= 0.05))
    assert 0.025 <= share <= 0.075, share  # measured: 0.047 (binomial SE 0.009)


# ---------------------------------------------------------------- window_sensitivity
def test_window_sensitivity_fragile_and_robust():
    rng = np.random.default_rng(5)
    idx = pd.bdate_range("2024-01-01", periods=60)
    a, b = prices(rng.normal(0.002, 0.01, 59), idx), prices(rng.normal(0, 0.01, 59), idx)
    base = relative_return(a, b, end=idx[40], days=21).spread
    ws = window_sensitivity(a, b, end=idx[40], days=21, predicate=lambda s: s > base)
    # 7 ends x 5 lengths (19-23, the base length among them) = 35 windows
    assert ws.n_windows == 35 and ws.n_unavailable == 0
    assert ws.table["base"].sum() == 1 and ws.base.spread == pytest.approx(base)
    row = ws.table[ws.table["base"]].iloc[0]
    assert row["spread"] == pytest.approx(base) and not row["satisfies"]
    assert ws.fragile and 0 < ws.share < 1
    assert ws.share == pytest.approx(ws.table["satisfies"].mean())
    robust = window_sensitivity(a, b, end=idx[40], days=21, predicate=lambda s: s > -1)
    assert not robust.fragile and robust.share == 1.0
    json.dumps(ws.to_dict())
    assert "fragile" in ws._repr_html_()


def test_window_sensitivity_edges_and_extra_length():
    idx = pd.bdate_range("2024-01-01", periods=30)
    a, b = prices(np.full(29, 0.01), idx), prices(np.zeros(29), idx)
    # the stated window ends on the last close: the 3 later ends are unavailable
    ws = window_sensitivity(a, b, end=idx[-1], days=15, end_jitter=3, predicate=lambda s: s > 0)
    lengths = sorted(ws.table["days"].unique())
    assert lengths == [15, 19, 20, 21, 22, 23]  # the stated length joins the range
    # unavailable: the 3 later ends x 6 lengths; the 4 other ends have 26+ earlier closes
    assert ws.n_unavailable == 18 and ws.n_windows == 4 * 6
    assert not ws.fragile


def test_window_sensitivity_validation():
    kw = dict(end="2024-01-09", days=2)
    yes = lambda s: True  # noqa: E731
    with pytest.raises(ValueError, match="predicate must be a function of the spread"):
        window_sensitivity(A, B, predicate=0.06, **kw)
    with pytest.raises(ValueError, match="end_jitter must be an integer >= 0, got -1"):
        window_sensitivity(A, B, end_jitter=-1, predicate=yes, **kw)
    with pytest.raises(ValueError, match=r"days_range must be a \(shortest, longest\) pair"):
        window_sensitivity(A, B, days_range=(19,), predicate=yes, **kw)
    with pytest.raises(ValueError, match=r"days_range must be increasing, got \(23, 19\)"):
        window_sensitivity(A, B, days_range=(23, 19), predicate=yes, **kw)
    with pytest.raises(InsufficientDataError, match="window of 21 trading days needs"):
        window_sensitivity(A, B, end="2024-01-09", days=21, predicate=yes)


# ---------------------------------------------------------------- spread_test
def test_spread_test_agrees_with_statsmodels_hac():
    rng = np.random.default_rng(2)
    idx = pd.bdate_range("2024-01-01", periods=31)
    a, b = prices(rng.normal(0.001, 0.01, 30), idx), prices(rng.normal(0, 0.01, 30), idx)
    r = spread_test(a, b, end=idx[-1], days=21, maxlags=3)
    d = (a.pct_change() - b.pct_change()).iloc[-21:].to_numpy()
    # reference: statsmodels OLS(...).fit(cov_type="HAC", cov_kwds={"maxlags": 3})
    ref = sm.OLS(d, np.ones(21)).fit(cov_type="HAC", cov_kwds={"maxlags": 3})
    assert r.estimate == pytest.approx(d.mean(), rel=1e-12)
    assert r.details["se"] == pytest.approx(ref.bse[0], rel=1e-12)
    assert r.statistic == pytest.approx(ref.tvalues[0], rel=1e-12)
    assert r.details["pvalue_normal_reference"] == pytest.approx(sps.norm.sf(ref.tvalues[0]))
    assert r.details["lags"] == 3 and r.nobs == 21
    assert r.details["spread"] == pytest.approx(relative_return(a, b, end=idx[-1], days=21).spread)
    two, less = (
        spread_test(a, b, end=idx[-1], days=21, maxlags=3, alternative=k)
        for k in ("two-sided", "less")
    )
    assert two.pvalue == pytest.approx(2 * min(r.pvalue, less.pvalue))
    # the simulated reference has heavier tails than the normal: larger p-value, wider interval
    assert two.pvalue > two.details["pvalue_normal_reference"]
    assert r.ci[1] - r.ci[0] > 2 * 1.96 * r.details["se"]
    assert r.pvalue + less.pvalue == pytest.approx(1, abs=2e-4)  # continuous reference
    # default lags: newey_west_lags(21) = floor(4 * 0.21 ** (2/9)) = 2
    assert spread_test(a, b, end=idx[-1], days=21).details["lags"] == 2


def run_spread_tests(d: np.ndarray, days: int = 21) -> np.ndarray:
    idx = pd.bdate_range("2024-01-01", periods=days + 1)
    base = np.zeros(days)
    b = prices(base, idx)
    return np.array([spread_test(prices(x, idx), b, end=idx[-1], days=days).pvalue for x in d])


def test_spread_test_calibration_and_power():
    """Size under H0 (mean daily difference 0) with AR(1) phi = 0.1 and GARCH(1,1) shocks over
    21 days, 600 seeded replications; power (400 replications) when the mean daily difference
    is 0.7 standard deviations of the daily difference (about a 15-SD month: the test is
    low-powered)."""
    rng = np.random.default_rng(20260102)
    d = garch_ar(rng, 600, 21, phi=0.1) * 0.004  # daily differences of ~0.6%
    size = float(np.mean(run_spread_tests(d) < 0.05))
    assert 0.03 <= size <= 0.08, size  # measured: 0.058 (normal reference: 0.093)
    sd = 0.004 * math.sqrt(2.5 / (1 - 0.1**2))
    power = float(np.mean(run_spread_tests(d[:400] + 0.7 * sd) < 0.05))
    assert power >= 0.80, power  # measured: 0.88


def test_spread_test_validation():
    kw = dict(end="2024-01-09", days=5)
    with pytest.raises(ValueError, match=r"The value for `alternative` must be one of .*'bigger'"):
        spread_test(A, B, alternative="bigger", **kw)
    with pytest.raises(ValueError, match="days must be an integer >= 5, got 4"):
        spread_test(A, B, end="2024-01-09", days=4)
    with pytest.raises(ValueError, match="maxlags must be below days/2 = 2.5, got 3"):
        spread_test(A, B, maxlags=3, **kw)
    with pytest.raises(ValueError, match="maxlags must be an integer >= 0"):
        spread_test(A, B, maxlags=-1, **kw)
    with pytest.raises(ValueError, match="daily return differences are constant"):
        spread_test(A, A * 2, **kw)
    with pytest.raises(InsufficientDataError, match="window of 21 trading days"):
        spread_test(A, B, end="2024-01-09", days=21)
