"""Tests of analysis.stats.sensitivity: return and change helpers, betas with HAC errors, and the
stacked interaction test of their difference (Driscoll-Kraay), calibrated on simulated data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.errors import InsufficientDataError
from analysis.stats.sensitivity import factor_betas, to_changes, to_returns

FRIDAYS = pd.date_range("2015-01-02", periods=600, freq="W-FRI")


def simulate(rng: np.random.Generator, reps: int, n: int, beta_small: float, beta_large: float):
    """reps paths of n weeks: an AR(1) factor (0.3) with GARCH(1,1)-like volatility, a market
    return, and small/large returns whose errors are correlated across the two (0.7), AR(1)
    (0.15) and heteroskedastic with the factor's volatility. Returns four (reps, n) arrays."""
    vol2, f, e = np.ones(reps), np.zeros(reps), np.zeros((2, reps))
    out = np.empty((4, reps, n + 50))
    for t in range(n + 50):
        z = rng.standard_normal((4, reps))
        f = 0.3 * f + 0.1 * np.sqrt(vol2) * z[0]
        vol2 = 0.1 + 0.15 * z[0] ** 2 + 0.75 * vol2
        e = 0.15 * e + 0.02 * np.sqrt(vol2) * np.stack([z[1], 0.7 * z[1] + 0.714 * z[2]])
        m = 0.02 * z[3]
        out[:, :, t] = f, m, beta_small * f + 0.8 * m + e[0], beta_large * f + m + e[1]
    return out[:, :, 50:]


def path(sim: np.ndarray, r: int = 0):
    """(small, large, factor, market) Series of replication r."""
    f, m, small, large = (pd.Series(sim[k, r], index=FRIDAYS[: sim.shape[2]]) for k in range(4))
    return small, large, f, m


# ---------------------------------------------------------------- helpers
def test_to_returns_weekly_and_daily():
    days = pd.bdate_range("2024-01-01", "2024-01-19")  # Mon 01-01 .. Fri 01-19: three weeks
    close = pd.Series(np.arange(100.0, 100.0 + len(days)), index=days, name="X")
    close = close.drop(pd.Timestamp("2024-01-12"))  # the 2nd week ends on Thursday 01-11
    weekly = to_returns(close, "weekly")
    # W-FRI last closes: 01-05 -> 104, 01-12 -> 108 (Thursday's), 01-19 -> 114
    assert list(weekly.index.strftime("%m-%d")) == ["01-12", "01-19"]
    np.testing.assert_allclose(weekly.to_numpy(), [108 / 104 - 1, 114 / 108 - 1])
    assert weekly.name == "X"
    daily = to_returns(close, "daily")
    assert daily.iloc[0] == pytest.approx(101 / 100 - 1) and len(daily) == len(close) - 1
    monthly = to_returns(
        pd.Series(
            [1.0, 2.0, 3.0], index=pd.to_datetime(["2024-01-15", "2024-01-31", "2024-02-29"])
        ),
        "monthly",
    )
    assert monthly.tolist() == [0.5]


def test_to_changes_diff_and_pct_change():
    days = pd.bdate_range("2024-01-01", "2024-01-12")
    level = pd.Series([4.0, 4.1, np.nan, 4.2, 4.3, 4.0, 4.1, 4.2, 4.4, 4.5], index=days)
    d = to_changes(level, "weekly", "diff")
    assert d.tolist() == pytest.approx([0.2])  # 4.3 on 01-05 to 4.5 on 01-12, in points
    p = to_changes(level, "weekly", "pct_change")
    assert p.tolist() == pytest.approx([4.5 / 4.3 - 1])
    assert len(to_changes(level, "daily", "diff")) == 8  # the missing value is dropped first


def test_helpers_validation():
    s = pd.Series([1.0, 2.0], index=pd.bdate_range("2024-01-01", periods=2))
    with pytest.raises(ValueError, match=r"The value for `frequency` must be one of .*'hourly'"):
        to_returns(s, "hourly")
    with pytest.raises(ValueError, match=r"The value for `transform` must be one of .*'log'"):
        to_changes(s, "weekly", "log")
    with pytest.raises(ValueError, match="level must be positive prices"):
        to_changes(s - 2, "daily", "pct_change")


# ---------------------------------------------------------------- agreement
def dk_se_of_difference(small, large, X, lags):
    """Independent Driscoll-Kraay computation: influence functions of the two betas from their
    separate OLS fits, summed per date, Newey-West (Bartlett) long-run variance across dates."""
    bread = np.linalg.inv(X.T @ X)
    psi = []
    for y in (large, small):
        u = y - X @ (bread @ X.T @ y)
        psi.append((X * u[:, None]) @ bread[:, 1])  # beta's influence per date
    w = psi[1] - psi[0]  # small minus large
    s = w @ w
    for lag in range(1, lags + 1):
        s += 2 * (1 - lag / (lags + 1)) * (w[lag:] @ w[:-lag])
    return np.sqrt(s)


@pytest.mark.parametrize("with_market", [False, True])
def test_agreement_with_statsmodels(with_market):
    small, large, f, m = path(simulate(np.random.default_rng(1), 1, 300, -0.4, -0.1))
    res = factor_betas(small, large, f, market=m if with_market else None, maxlags=4)
    X = sm.add_constant(np.column_stack([f, m]) if with_market else f.to_numpy()[:, None])
    for got, y in ((res.small, small), (res.large, large)):
        # reference: statsmodels OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": 4})
        ref = sm.OLS(y.to_numpy(), X).fit(cov_type="HAC", cov_kwds={"maxlags": 4})
        assert got.estimate == pytest.approx(ref.params[1], rel=1e-10)
        assert got.statistic == pytest.approx(ref.tvalues[1], rel=1e-10)
        assert got.pvalue == pytest.approx(ref.pvalues[1], rel=1e-8)
    # the interaction equals the difference of the separate betas (every term interacted)
    assert res.difference.estimate == pytest.approx(res.small.estimate - res.large.estimate)
    se = dk_se_of_difference(small.to_numpy(), large.to_numpy(), X, 4)
    assert res.difference.details["se"] == pytest.approx(se, rel=1e-10)
    assert res.market_controlled is with_market
    assert ("controlling for the market" in res.small.method) is with_market
    # |b_s| - |b_l| with both betas negative: the delta method gives -(d) and the same se
    assert res.less_exposed.estimate == pytest.approx(
        abs(res.small.estimate) - abs(res.large.estimate)
    )
    json.dumps(res.to_dict())
    assert "Difference of betas" in res._repr_html_()


def test_pvalue_by_expectation():
    small, large, f, _ = path(simulate(np.random.default_rng(2), 1, 200, -0.6, -0.1))
    res = factor_betas(small, large, f)
    z = res.difference.statistic
    assert res.pvalue("small_more_negative") == pytest.approx(
        res.difference.details["pvalue_small_more_negative"]
    )
    assert res.pvalue("small_more_negative") + res.pvalue("small_more_positive") == pytest.approx(1)
    assert res.pvalue("different") == res.difference.pvalue
    assert res.pvalue("small_less_exposed") == res.less_exposed.pvalue
    assert z < 0 and res.pvalue("small_more_negative") < 0.05
    with pytest.raises(ValueError, match=r"The value for `expected` must be one of"):
        res.pvalue("smaller")


# ---------------------------------------------------------------- calibration
@pytest.mark.slow
def test_difference_calibration_and_power():
    """Size of the two-sided 5% test of d = 0 when both betas are -0.3, in 500 seeded
    replications of 500 weeks (the claims' sample is 496 weeks) with correlated, autocorrelated,
    heteroskedastic errors; size of the one-sided 'less exposed' test at its boundary
    |beta_small| = |beta_large|; power of the difference test (300 replications) when
    beta_small - beta_large = -0.03 (-0.33 against -0.30, about 3.5 standard errors)."""
    rng = np.random.default_rng(20260102)
    null, alt = simulate(rng, 500, 500, -0.3, -0.3), simulate(rng, 300, 500, -0.33, -0.3)
    fits = [factor_betas(*path(null, r)[:3]) for r in range(500)]
    size = np.mean([res.difference.pvalue < 0.05 for res in fits])
    size_less = np.mean([res.less_exposed.pvalue < 0.05 for res in fits])
    power = np.mean([factor_betas(*path(alt, r)[:3]).difference.pvalue < 0.05 for r in range(300)])
    # measured 0.064: HAC errors run ~5% small here (0.078 with 300 weeks), a known
    # finite-sample bias of heteroskedasticity-robust errors with heavy-tailed regressors
    assert 0.03 <= size <= 0.08, size
    assert 0.03 <= size_less <= 0.08, size_less  # measured: 0.064
    assert power >= 0.80, power  # measured: 0.967


# ---------------------------------------------------------------- validation
def test_factor_betas_validation():
    small, large, f, m = path(simulate(np.random.default_rng(3), 1, 60, -0.3, -0.3))
    with pytest.raises(ValueError, match=r"The value for `frequency` must be one of"):
        factor_betas(small, large, f, frequency="yearly")
    with pytest.raises(ValueError, match=r"frequency='daily' expects 1-4 days .* median gap is 7"):
        factor_betas(small, large, f, frequency="daily")
    with pytest.raises(InsufficientDataError, match="at least 30 shared dates, got 20"):
        factor_betas(small.iloc[:20], large, f)
    with pytest.raises(ValueError, match="factor_changes is constant"):
        factor_betas(small, large, f * 0)
    with pytest.raises(ValueError, match="large returns are fitted exactly"):
        factor_betas(small, large, f, market=large)
    with pytest.raises(ValueError, match="maxlags must be below n/2 = 30, got 30"):
        factor_betas(small, large, f, maxlags=30)
    with pytest.raises(ValueError, match="alpha must lie strictly between 0 and 1"):
        factor_betas(small, large, f, alpha=0)
    with pytest.raises(ValueError, match="market must be a pandas Series"):
        factor_betas(small, large, f, market=m.to_numpy())
