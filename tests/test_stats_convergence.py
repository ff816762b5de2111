"""Tests of analysis.stats.convergence: input checks, known answers, agreement with statsmodels,
and calibration on simulated data (rejection rate under H0, power under a stated alternative).

Calibration uses >= 500 seeded replications (Monte Carlo standard error of a 5% rate: ~0.01).
Growth series are quarterly, 120 quarters (30 years), with AR(1) noise.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.tsa.stattools import coint

from analysis.errors import InsufficientDataError
from analysis.stats.cointegration import engle_granger
from analysis.stats.convergence import (
    growth_differential_trend,
    growth_from_levels,
    sigma_convergence,
)
from analysis.stats.forecasts import ForecastScore, score_forecast_range

QUARTERS = pd.date_range("1996-03-31", periods=120, freq="QE")
REPS = 500


def ar1(seed: int, reps: int, n: int, phi: float, sd: float = 1.0) -> np.ndarray:
    """``reps`` x ``n`` stationary AR(1) paths with mean 0 and marginal sd ``sd``."""
    e = np.random.default_rng(seed).standard_normal((reps, n + 100)) * sd * math.sqrt(1 - phi**2)
    x = np.empty_like(e)
    x[:, 0] = e[:, 0] / math.sqrt(1 - phi**2)
    for t in range(1, n + 100):
        x[:, t] = phi * x[:, t - 1] + e[:, t]
    return x[:, 100:]


def q(values) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=QUARTERS[: len(values)])


def rejection_rate(pvalues) -> float:
    return float(np.mean(np.asarray(pvalues) < 0.05))


@pytest.fixture(scope="module")
def growth() -> tuple[pd.Series, pd.Series]:
    noise = ar1(0, 2, 120, 0.6, sd=3.0)
    return q(12 + noise[0] - np.linspace(0, 6, 120)), q(8 + noise[1])


# ---------------------------------------------------------------- input checks
def test_short_inputs_are_refused(growth):
    small, large = growth
    with pytest.raises(
        InsufficientDataError,
        match=r"growth_differential_trend \(dates common to small_growth, large_growth\) needs "
        "at least 24 observations, got 10",
    ):
        growth_differential_trend(small.iloc[:10], large)
    with pytest.raises(InsufficientDataError, match="sigma_convergence .* got 20"):
        sigma_convergence(small, large.iloc[:20])
    with pytest.raises(InsufficientDataError, match="engle_granger .* at least 40 observations"):
        engle_granger(small.iloc[:30], large)
    with pytest.raises(InsufficientDataError, match="eps needs at least 5 observations, got 3"):
        growth_from_levels(q([1.0, 2.0, 3.0]))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kernel": "qs"}, "The value for `kernel` must be one of"),
        ({"alpha": 0.0}, "alpha must lie strictly between 0 and 1, got 0.0"),
        ({"lags": -1}, "lags must be an integer >= 1, got -1"),
        ({"periods_per_year": 0}, "periods_per_year must be an integer >= 1, got 0"),
    ],
)
def test_trend_options_are_checked(growth, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        growth_differential_trend(*growth, **kwargs)
    with pytest.raises(ValueError, match=re.escape(message)):
        sigma_convergence(*growth, **kwargs)


def test_bad_growth_inputs_are_refused(growth):
    small, large = growth
    plain = pd.Series(small.to_numpy())
    with pytest.raises(ValueError, match="need a DatetimeIndex, or pass periods_per_year"):
        growth_differential_trend(plain, pd.Series(large.to_numpy()))
    with pytest.raises(ValueError, match="the series is constant; a trend test is undefined"):
        growth_differential_trend(q(np.full(40, 9.0)), q(np.full(40, 4.0)))
    with pytest.raises(ValueError, match="small_growth contains an infinity"):
        growth_differential_trend(small.replace(small.iloc[3], math.inf), large)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"trend": "n"}, "The value for `trend` must be one of"),
        ({"lags": -2}, "lags must be an integer >= 0, got -2"),
        ({"bootstrap": 50}, "bootstrap must be an integer >= 99, got 50"),
    ],
)
def test_engle_granger_options_are_checked(growth, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        engle_granger(*growth, **kwargs)


def test_engle_granger_refuses_constant_and_exactly_related_series(growth):
    with pytest.raises(ValueError, match="a series is constant; cointegration is undefined"):
        engle_granger(growth[0], growth[0] * 0 + 1)
    with pytest.raises(ValueError, match="small is an exact linear function of large"):
        engle_granger(2 * growth[0] + 1, growth[0])


def test_growth_from_levels_checks():
    eps = q([1.0, 1.1, -0.2, 1.3, 1.2, 1.3, 1.4, 1.5])
    with pytest.raises(
        ValueError, match=re.escape("eps 4 periods before 1997-09-30 is -0.2 (<= 0)")
    ):
        growth_from_levels(eps)
    with pytest.raises(ValueError, match="periods must be an integer >= 1, got 0"):
        growth_from_levels(eps, periods=0)
    with pytest.raises(ValueError, match="The value for `nonpositive` must be one of"):
        growth_from_levels(eps, nonpositive="zero")


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((22, 17), {}, "stated_low (22) must not exceed stated_high (17)"),
        (("17", 22), {}, "stated_low must be a number, got '17'"),
        ((17, math.inf), {}, "stated_high must be a finite number, got inf"),
        ((17, 22), {"resolve_date": "soon"}, "resolve_date must be a date such as '2025-12-31'"),
        ((17, 22), {"as_of": None}, "as_of must be a date such as '2025-12-31', got None"),
        ((17, 22), {"realized": 19.0}, "realized was given but as_of 2026-01-02 is before"),
        ((17, 22), {"estimate": "18"}, "estimate must be a number, got '18'"),
    ],
)
def test_score_forecast_range_checks(args, kwargs, message):
    options = {"resolve_date": "2026-12-31", "as_of": "2026-01-02"} | kwargs
    with pytest.raises(ValueError, match=re.escape(message)):
        score_forecast_range(*args, **options)


# ---------------------------------------------------------------- known answers
def test_growth_from_levels_known_answer():
    eps = q([1.0, 2.0, 4.0, 5.0, 1.1, 2.2, 4.0, 4.5])
    growth = growth_from_levels(eps)
    assert growth.index[0] == QUARTERS[4]
    assert growth.to_numpy() == pytest.approx([10.0, 10.0, 0.0, -10.0])
    with_loss = q([1.0, -1.0, 4.0, 5.0, 1.1, 2.2, 4.0, 4.5])
    marked = growth_from_levels(with_loss, nonpositive="nan")
    assert math.isnan(marked.iloc[1]) and marked.iloc[0] == pytest.approx(10.0)


def test_trend_recovers_a_known_slope():
    # |d| falls from 10 to 0.5 points along a line, with tiny noise: slope -1 point a year
    years = np.arange(40) / 4
    wiggle = 0.01 * np.sin(np.arange(40))
    result = growth_differential_trend(q(20 - years + wiggle), q(10 + 0 * years))
    assert result.estimate == pytest.approx(-1.0, abs=1e-3)
    assert result.pvalue < 1e-6 and result.ci[0] < -1 + 1e-3 < result.ci[1] + 2e-3
    assert "One-sided" in result.alternative_hypothesis
    plain = growth_differential_trend(
        pd.Series(q(20 - years + wiggle).to_numpy()),
        pd.Series(np.full(40, 10.0)),
        periods_per_year=4,
    )
    assert plain.estimate == pytest.approx(result.estimate, rel=1e-2)  # days vs quarters
    json.dumps(result.to_dict())


def test_sigma_convergence_with_two_series_equals_the_differential_test(growth):
    diff = growth_differential_trend(*growth)
    sigma = sigma_convergence(*growth)
    assert sigma.estimate == pytest.approx(diff.estimate / 2)
    assert (sigma.statistic, sigma.pvalue) == pytest.approx((diff.statistic, diff.pvalue))
    three = sigma_convergence(*growth, others=[growth[1] + 3])
    assert three.details["series"] == 3 and three.pvalue != sigma.pvalue


def test_score_forecast_range_outcomes():
    dates = {"resolve_date": "2026-12-31"}
    pending = score_forecast_range(17, 22, estimate=18.5, as_of="2026-01-02", **dates)
    assert isinstance(pending, ForecastScore)
    assert pending.status == "pending" and pending.realized_in_range is None
    assert pending.estimate_in_range is True and not pending.overdue
    assert math.isnan(pending.pvalue) and "2026-12-31" in pending.statement
    assert "not tested" in pending.statement
    overdue = score_forecast_range(17, 22, as_of="2027-03-01", **dates)
    assert overdue.status == "pending" and overdue.overdue
    assert "no realized value was supplied" in overdue.statement
    for realized, status in [(17.0, "within"), (22.0, "within"), (12.5, "below"), (30, "above")]:
        done = score_forecast_range(17, 22, realized=realized, as_of="2027-03-01", **dates)
        assert done.status == status and done.realized_in_range is (status == "within")
    outside = score_forecast_range(14, 15, estimate=12.0, as_of="2026-01-02", **dates)
    assert outside.estimate_in_range is False and "outside" in outside.statement
    data = json.loads(json.dumps(pending.to_dict()))
    assert data["status"] == "pending" and data["resolve_date"] == "2026-12-31"
    assert math.isnan(pending.as_stat_result().pvalue)
    assert "pending" in pending._repr_html_()


# ---------------------------------------------------------------- agreement with references
def test_bartlett_kernel_matches_statsmodels(growth):
    small, large = growth
    result = growth_differential_trend(small, large, kernel="bartlett", lags=5)
    years = np.asarray((QUARTERS - QUARTERS[0]).days, dtype=float) / 365.25
    y = (small - large).abs().to_numpy()
    # reference: statsmodels OLS on [1, years], cov_type="HAC", maxlags=5, normal reference
    ref = sm.OLS(y, sm.add_constant(years)).fit(cov_type="HAC", cov_kwds={"maxlags": 5})
    assert result.estimate == pytest.approx(ref.params[1])
    assert result.statistic == pytest.approx(ref.tvalues[1])
    assert result.pvalue == pytest.approx(ref.pvalues[1] / 2)  # one-sided, slope < 0 here
    assert result.ci == pytest.approx(tuple(ref.conf_int()[1]))


def test_ewc_trend_basis_is_orthogonal_to_the_regressors(growth):
    # reference: a direct computation of the estimator documented in hac_ols: residuals
    # projected on cosines made orthonormal and orthogonal to [1, t]
    small, large = growth
    y = (small - large).abs().to_numpy()
    n, b = len(y), math.floor(0.4 * len(y) ** (2 / 3))
    X = sm.add_constant(np.asarray((QUARTERS - QUARTERS[0]).days, dtype=float) / 365.25)
    cos = np.array(
        [[math.cos(math.pi * j * (t + 0.5) / n) for j in range(1, b + 1)] for t in range(n)]
    )
    resid_cos = cos - X @ np.linalg.lstsq(X, cos, rcond=None)[0]
    basis, _ = np.linalg.qr(resid_cos)
    assert np.abs(basis.T @ X).max() < 1e-8
    fit = sm.OLS(y, X).fit()
    omega = np.mean((fit.resid @ basis) ** 2)
    se = math.sqrt(omega * np.linalg.inv(X.T @ X)[1, 1])
    result = growth_differential_trend(small, large)
    assert result.statistic == pytest.approx(fit.params[1] / se)
    assert result.details["lags"] == b == 9


def test_engle_granger_matches_statsmodels(growth):
    walk = np.cumsum(np.random.default_rng(3).normal(0, 1.0, 120))
    small = q(3 + 1.2 * walk + ar1(4, 1, 120, 0.5, 1.0)[0])
    large = q(walk)
    result = engle_granger(small, large, seasonal=False)
    # reference: statsmodels coint with the same fixed 6 lags (its p-value is MacKinnon's table)
    ref = coint(small.to_numpy(), large.to_numpy(), trend="c", autolag=None, maxlag=6)
    assert result.statistic == pytest.approx(ref[0], rel=1e-10)
    assert result.details["table_pvalue"] == pytest.approx(ref[1], rel=1e-10)
    assert result.details["critical_5%"] == pytest.approx(ref[2][1], rel=1e-10)
    slope = sm.OLS(small.to_numpy(), sm.add_constant(large.to_numpy())).fit().params[1]
    assert result.estimate == pytest.approx(slope) and result.ci is None
    assert result.pvalue == pytest.approx(1 / 1000)  # no bootstrap t below this one
    json.dumps(result.to_dict())


def test_engle_granger_pinned_on_eps_with_losses():
    # quarterly EPS levels with negative quarters (allowed: no logs); seeded bootstrap
    rng = np.random.default_rng(8)
    large = 20 + np.cumsum(0.3 + rng.standard_normal(71)) + np.tile([0, 1, 0.5, -1.5], 18)[:71]
    small = q(-4 + 0.37 * large + ar1(9, 1, 71, 0.5, 2.0)[0])
    small.iloc[[3, 48, 49]] = [-1.27, -19.74, -5.95]
    result = engle_granger(small, q(large))
    assert result.nobs == 71 and result.details["lags"] == 6
    assert result.details["sieve_order"] == 7  # int(8 * (70 / 100) ** 0.25) = int(7.32)
    assert result.statistic == pytest.approx(-3.41137, abs=1e-5)
    assert result.estimate == pytest.approx(0.336315, abs=1e-6)
    assert result.details["table_pvalue"] == pytest.approx(0.0411, abs=1e-4)
    # the p-value counts bootstrap t's at or below t: (1 + 54) / (999 + 1)
    assert result.pvalue == 0.055
    again = engle_granger(small, q(large))
    assert (again.statistic, again.pvalue) == (result.statistic, result.pvalue)
    assert engle_granger(small, q(large), seed=1).pvalue == 0.081  # bootstrap noise


# ---------------------------------------------------------------- calibration
@pytest.mark.slow
def test_growth_differential_trend_is_calibrated():
    # H0 (boundary slope 0): d_t = 3 + AR(1) noise, phi 0.6, sd 4 points, 120 quarters
    noise = ar1(30, REPS, 120, 0.6, sd=4.0)
    large = q(np.full(120, 8.0))
    size = rejection_rate([growth_differential_trend(q(11 + e), large).pvalue for e in noise])
    # H1: the differential narrows linearly from 12 to 2 points over the 30 years
    path = np.linspace(12, 2, 120)
    power = rejection_rate(
        [growth_differential_trend(q(8 + path + e), large).pvalue for e in noise]
    )
    print(f"growth_differential_trend size {size:.3f}, power {power:.3f}")
    assert 0.03 <= size <= 0.08
    assert power >= 0.80


@pytest.mark.slow
def test_sigma_convergence_is_calibrated():
    # H0: three growth series (means 5, 10, 15; AR(1) noise phi 0.6, sd 3) of constant spread
    a, b, c = (ar1(40 + k, REPS, 120, 0.6, sd=3.0) for k in range(3))
    size = rejection_rate(
        [
            sigma_convergence(q(5 + x), q(10 + y), others=[q(15 + z)]).pvalue
            for x, y, z in zip(a, b, c, strict=True)
        ]
    )
    # H1: the outer series close in on the middle one: spread 5 -> 1 points over 30 years
    gap = np.linspace(5, 1, 120)
    power = rejection_rate(
        [
            sigma_convergence(q(10 - gap + x), q(10 + y), others=[q(10 + gap + z)]).pvalue
            for x, y, z in zip(a, b, c, strict=True)
        ]
    )
    print(f"sigma_convergence (3 series) size {size:.3f}, power {power:.3f}")
    assert 0.03 <= size <= 0.08
    assert power >= 0.80


# Engle-Granger: tests/test_stats_convergence_calibration.py (quarterly EPS, 44-124 quarters)
