"""Tests of analysis.stats.valuation: input checks, known answers, agreement with statsmodels,
and calibration on simulated data (rejection rate under H0, power under a stated alternative).

Calibration uses >= 500 seeded replications; with 500 the Monte Carlo standard error of a 5%
rejection rate is about 0.01, so the band [0.03, 0.08] leaves room for noise but not for a
badly sized test.
"""

from __future__ import annotations

import json
import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import InterpolationWarning
from statsmodels.tsa.ar_model import AutoReg
from statsmodels.tsa.stattools import adfuller, kpss

from analysis.errors import InsufficientDataError
from analysis.stats._common import newey_west_lags
from analysis.stats.hac import hac_ols
from analysis.stats.history import long_run_mean, percentile_vs_history
from analysis.stats.reversion import gap_predicts_returns, half_life, mean_reversion
from analysis.stats.valuation import gap_from_points, gap_vs_history, relative_percentile
from tests.kindtools import check_one

MONTHS = pd.date_range("2005-01-31", periods=300, freq="ME")
LEVEL = 0.85  # long-run small/large P/E ratio of the simulations
REPS = 500


def ar1(seed: int, reps: int, n: int, phi: float, sd: float = 0.03) -> np.ndarray:
    """``reps`` x ``n`` stationary AR(1) paths with mean 0, vectorised over replications."""
    e = np.random.default_rng(seed).standard_normal((reps, n + 100)) * sd
    x = np.empty_like(e)
    x[:, 0] = e[:, 0] / math.sqrt(1 - phi**2)
    for t in range(1, n + 100):
        x[:, t] = phi * x[:, t - 1] + e[:, t]
    return x[:, 100:]


def as_ratio(log_dev: np.ndarray) -> pd.Series:
    """A monthly ratio series whose log is log(LEVEL) + ``log_dev``."""
    return pd.Series(LEVEL * np.exp(log_dev), index=MONTHS[: len(log_dev)])


@pytest.fixture(scope="module")
def ratio() -> pd.Series:
    return as_ratio(ar1(0, 1, 240, 0.9)[0])


# ---------------------------------------------------------------- input checks
def test_short_series_is_refused():
    short = as_ratio(np.zeros(12) + 0.01 * np.arange(12))
    with pytest.raises(InsufficientDataError, match="ratio needs at least 36 observations, got 12"):
        relative_percentile(short)
    with pytest.raises(InsufficientDataError, match="ratio needs at least 36 observations, got 12"):
        gap_vs_history(short)
    with pytest.raises(InsufficientDataError, match="ratio needs at least 48 observations, got 12"):
        mean_reversion(short)


def test_choice_sets_are_checked(ratio):
    msg = "The value for `method` must be one of {'hac', 'bootstrap'}, but 'x' was passed."
    msg_alt = "The value for `method` must be one of {'bootstrap', 'hac'}, but 'x' was passed."
    with pytest.raises(ValueError, match=f"{re.escape(msg)}|{re.escape(msg_alt)}"):
        gap_vs_history(ratio, method="x")
    with pytest.raises(ValueError, match=r"The value for `kernel` must be one of .*'qs'"):
        gap_vs_history(ratio, kernel="qs")
    with pytest.raises(ValueError, match=r"The value for `cov` must be one of .*'white'"):
        gap_predicts_returns(ratio, ratio * 0, cov="white")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"alpha": 1.5}, "alpha must lie strictly between 0 and 1"),
        ({"lags": 0}, "lags must be an integer >= 1, got 0"),
        ({"lags": 200}, "lags must be below n/2 = 120, got 200"),
        ({"method": "bootstrap", "block_length": 0}, "block_length must be an integer >= 1"),
        ({"method": "bootstrap", "block_length": 60}, "block_length must be at most n/5 = 48"),
        ({"method": "bootstrap", "n_boot": 10}, "n_boot must be an integer >= 99, got 10"),
        ({"method": "bootstrap", "seed": "a"}, "seed must be an integer >= 0, got 'a'"),
        ({"current": ""}, "current must be a number or a date, got ''"),
        ({"current": "not a date"}, "current must be a number or a date"),
        ({"current": math.inf}, "current must be a finite number or a date"),
        ({"current": -1.0}, "ratio must be positive to take logs; got current"),
    ],
)
def test_gap_vs_history_options_are_checked(ratio, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        gap_vs_history(ratio, **kwargs)


def test_bad_values_are_refused(ratio):
    with pytest.raises(ValueError, match="ratio contains an infinity"):
        gap_vs_history(ratio.where(ratio.index != ratio.index[5], math.inf))
    negative = ratio.copy()
    negative.iloc[3] = -0.5
    with pytest.raises(ValueError, match=r"ratio must be positive to take logs; got -0.5 at 2005"):
        gap_vs_history(negative)
    with pytest.raises(ValueError, match="ratio is constant"):
        gap_vs_history(as_ratio(np.zeros(60)), current=0.7)
    with pytest.raises(ValueError, match="ratio is constant; mean reversion is undefined"):
        mean_reversion(as_ratio(np.zeros(60)))
    with pytest.raises(ValueError, match="has no DatetimeIndex"):
        relative_percentile(pd.Series(ratio.to_numpy()), current="2010-01-31")
    with pytest.raises(InsufficientDataError, match="ratio up to 2005-06-30 needs at least 36"):
        relative_percentile(ratio, current="2005-06-30")


def test_predictive_regression_options_are_checked(ratio):
    rel = pd.Series(0.0, index=ratio.index)
    with pytest.raises(ValueError, match="horizon must be an integer >= 1, got 0"):
        gap_predicts_returns(ratio, rel, horizon=0)
    with pytest.raises(ValueError, match="horizon must be an integer >= 1, got 1.5"):
        gap_predicts_returns(ratio, rel, horizon=1.5)
    with pytest.raises(
        InsufficientDataError,
        match=r"gap_predicts_returns with horizon 12 \(aligned\) needs at least 48 observations, "
        "got 40",
    ):
        gap_predicts_returns(ratio, rel.iloc[:40])


@pytest.mark.parametrize(
    ("small", "large", "message"),
    [
        (0, 22, "small_pe must be a positive number, got 0"),
        (15, -22, "large_pe must be a positive number, got -22"),
        ("15", 22, "small_pe must be a positive number, got '15'"),
        (True, 22, "small_pe must be a positive number, got True"),
        (math.nan, 22, "small_pe must be a positive number, got nan"),
        (math.inf, 22, "small_pe must be finite, got inf"),
    ],
)
def test_gap_from_points_checks(small, large, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        gap_from_points(small, large)


# ---------------------------------------------------------------- known answers
def test_percentile_known_answers():
    flat = relative_percentile(pd.Series(0.7, index=MONTHS[:48]))
    assert flat.statistic == 50.0  # all tied: counted half
    assert flat.details["rank"] == 1 and flat.details["n_equal"] == 48
    assert math.isnan(flat.pvalue) and "not a test" in flat.null_hypothesis
    line = pd.Series(np.arange(1.0, 101.0), index=MONTHS[:100])
    top = relative_percentile(line)
    assert top.statistic == 99.5 and top.details["rank"] == 100 and top.nobs == 100
    stated = relative_percentile(line / 100, current=15 / 22)  # article: 15x against 22x
    assert stated.details["rank"] == 69 and stated.details["n_below"] == 68
    cut = relative_percentile(line, current="2008-01-15")  # history ends 2007-12-31
    assert cut.nobs == 36 and cut.details["current"] == 36.0


def test_half_life_known_answers():
    assert half_life(0.5) == 1.0
    assert half_life(0.25) == pytest.approx(0.5)
    assert half_life(1.0) == math.inf and half_life(1.2) == math.inf
    assert half_life(0.0) == 0.0 and half_life(-0.3) == 0.0


def test_ar1_half_life_of_phi_one_half():
    x = ar1(7, 1, 2000, 0.5)[0]
    idx = pd.date_range("1800-01-31", periods=2000, freq="ME")
    result = mean_reversion(pd.Series(np.exp(x), index=idx))
    assert result.half_life == pytest.approx(1.0, abs=0.15)  # phi-hat within ~2 s.e. of 0.5
    lo, hi = result.half_life_ci
    assert lo <= result.half_life <= hi
    assert (lo, hi) == (half_life(result.ar1.ci[0]), half_life(result.ar1.ci[1]))
    assert result.interpretation == "stationary" and result.unit == "months"


def test_gap_from_points_article_numbers():
    gap = gap_from_points(15, 22)
    assert gap.ratio == pytest.approx(15 / 22)
    assert gap.discount_pct == pytest.approx(100 * 7 / 22)  # 31.8% discount
    assert gap.log_ratio == pytest.approx(math.log(15 / 22))
    assert json.loads(json.dumps(gap.to_dict()))["discount_pct"] == pytest.approx(31.818, 1e-4)
    assert "31.8% discount" in gap._repr_html_()


def test_gap_estimate_is_current_minus_mean(ratio):
    result = gap_vs_history(ratio)
    logs = np.log(ratio.to_numpy())
    assert result.estimate == pytest.approx(logs[-1] - logs.mean())
    assert result.ci[0] < result.estimate < result.ci[1]
    assert result.details["current_date"] == ratio.index[-1]
    at_mean = gap_vs_history(ratio, current=float(np.exp(logs.mean())))
    assert at_mean.estimate == pytest.approx(0.0, abs=1e-12) and at_mean.pvalue == pytest.approx(1)
    json.dumps(result.to_dict())
    levels = gap_vs_history(ratio, log=False)
    assert levels.estimate == pytest.approx(ratio.iloc[-1] - ratio.mean())
    assert levels.details["gap_pct"] == pytest.approx(100 * (ratio.iloc[-1] / ratio.mean() - 1))


def test_mean_reversion_result_renders(ratio):
    result = mean_reversion(ratio)
    assert result.interpretation in {"stationary", "unit root", "conflicting", "inconclusive"}
    assert "Mean reversion" in result._repr_html_() and result.summary()
    data = json.loads(json.dumps(result.to_dict()))
    assert set(data) >= {"adf", "kpss", "ar1", "half_life", "half_life_ci", "interpretation"}


# ---------------------------------------------------------------- agreement with references
def test_newey_west_matches_statsmodels(ratio):
    x = np.log(ratio.to_numpy())
    lags = newey_west_lags(len(x))
    result = gap_vs_history(ratio, current=0.8, kernel="bartlett")
    # reference: statsmodels OLS on a constant, cov_type="HAC", maxlags = newey_west_lags(240)
    ref = sm.OLS(x, np.ones(len(x))).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    assert result.statistic == pytest.approx((math.log(0.8) - ref.params[0]) / ref.bse[0])
    test = ref.t_test((np.eye(1), [math.log(0.8)]))
    assert result.pvalue == pytest.approx(float(test.pvalue))
    assert result.details["lags"] == lags


def test_ewc_matches_its_definition(ratio):
    # reference: Lazarus, Lewis, Stock & Watson (2018), eq. for the EWC estimator:
    # Omega = (1/B) sum_j Lambda_j^2, Lambda_j = sqrt(2/T) sum_t cos(pi j (t - 1/2) / T) u_t
    x = np.log(ratio.to_numpy())
    n, b = len(x), math.floor(0.4 * len(x) ** (2 / 3))
    u = x - x.mean()
    lam = [
        math.sqrt(2 / n) * sum(math.cos(math.pi * j * (t + 0.5) / n) * u[t] for t in range(n))
        for j in range(1, b + 1)
    ]
    se = math.sqrt(sum(v * v for v in lam) / b / n)
    fit = hac_ols(x, np.ones((n, 1)))
    assert fit.lags == b == 15 and fit.df == b
    assert fit.bse[0] == pytest.approx(se, rel=1e-10)


def test_bootstrap_is_reproducible(ratio):
    one = gap_vs_history(ratio, method="bootstrap", n_boot=499, seed=3)
    again = gap_vs_history(ratio, method="bootstrap", n_boot=499, seed=3)
    other = gap_vs_history(ratio, method="bootstrap", n_boot=499, seed=4)
    assert one == again
    assert (one.pvalue, one.ci) != (other.pvalue, other.ci)
    assert one.details["block_length"] == math.ceil(math.sqrt(240))


def test_mean_reversion_matches_statsmodels(ratio):
    x = np.log(ratio.to_numpy())
    result = mean_reversion(ratio)
    adf = adfuller(x, regression="c", autolag="AIC", result_object=True)  # statsmodels ADF
    assert (result.adf.statistic, result.adf.pvalue) == (adf.statistic, adf.pvalue)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InterpolationWarning)  # p-value at a table bound
        kp = kpss(x, regression="c", nlags="legacy", result_object=True)  # statsmodels KPSS
    assert (result.kpss.statistic, result.kpss.pvalue) == (kp.statistic, kp.pvalue)
    ar = AutoReg(x, lags=1, trend="c").fit(cov_type="HAC", cov_kwds={"maxlags": 4})
    assert result.ar1.estimate == pytest.approx(ar.params[1])
    assert result.ar1.ci == pytest.approx(tuple(ar.conf_int()[1]))


def test_predictive_regression_matches_references(ratio):
    rel = pd.Series(np.random.default_rng(1).normal(0, 0.03, 240), index=ratio.index)
    h = 12
    result = gap_predicts_returns(ratio, rel, horizon=h)
    x, r = np.log(ratio.to_numpy()), rel.to_numpy()
    m = len(r) - h
    y = np.array([r[t + 1 : t + h + 1].sum() for t in range(m)])
    # reference: statsmodels OLS with cov_type="HAC", maxlags = max(h, newey_west_lags(m)) = 12
    ref = sm.OLS(y, sm.add_constant(x[:m])).fit(cov_type="HAC", cov_kwds={"maxlags": 12})
    assert result.estimate == pytest.approx(ref.params[1])
    assert result.details["se_newey_west"] == pytest.approx(ref.bse[1])
    assert result.details["newey_west_lags"] == 12
    # reference: Hodrick (1992) 1B, written as a plain loop over one-period returns
    xd = x[:m] - x[:m].mean()
    eps = r[1:] - r[1:].mean()
    var = sum(
        eps[s - 1] ** 2 * sum(xd[t] for t in range(max(0, s - h), min(s, m))) ** 2
        for s in range(1, len(r))
    )
    assert result.details["se_hodrick"] == pytest.approx(math.sqrt(var) / (xd**2).sum())
    assert result.statistic == pytest.approx(result.estimate / result.details["se_hodrick"])
    assert result.nobs == m and "one-sided" in result.alternative_hypothesis


# ---------------------------------------------------------------- calibration
def rejection_rate(pvalues: list[float], alpha: float = 0.05) -> float:
    return float(np.mean(np.asarray(pvalues) < alpha))


@pytest.mark.parametrize("phi", [0.5, 0.7])
def test_gap_vs_history_hac_is_calibrated(phi):
    # H0: AR(1) log ratio (innovation sd 0.03, n = 240) whose mean equals the current value
    paths = ar1(10, REPS, 240, phi)
    size = rejection_rate([gap_vs_history(as_ratio(x), current=LEVEL).pvalue for x in paths])
    print(f"gap_vs_history EWC size, phi={phi}: {size:.3f}")
    assert 0.03 <= size <= 0.08
    # H1: the current ratio lies 2% (0.02 log points) above the long-run mean
    power = rejection_rate(
        [gap_vs_history(as_ratio(x), current=LEVEL * math.exp(0.02)).pvalue for x in paths]
    )
    print(f"gap_vs_history EWC power, phi={phi}, gap 0.02: {power:.3f}")
    assert power >= 0.80


def test_newey_west_with_automatic_lag_over_rejects():
    # why EWC is the default: on the same H0 as above (phi = 0.7) Newey-West with the
    # automatic lag (4 for n = 240) and a normal reference rejects far too often
    paths = ar1(10, REPS, 240, 0.7)
    size = rejection_rate(
        [gap_vs_history(as_ratio(x), current=LEVEL, kernel="bartlett").pvalue for x in paths]
    )
    print(f"gap_vs_history Newey-West size, phi=0.7: {size:.3f}")
    assert size > 0.12


def test_gap_vs_history_bootstrap_is_calibrated():
    paths = ar1(11, REPS, 240, 0.5)
    run = [
        (
            gap_vs_history(as_ratio(x), current=LEVEL, method="bootstrap", n_boot=499, seed=i),
            gap_vs_history(
                as_ratio(x), current=LEVEL * math.exp(0.02), method="bootstrap", n_boot=499, seed=i
            ),
        )
        for i, x in enumerate(paths)
    ]
    size = rejection_rate([null.pvalue for null, _ in run])
    power = rejection_rate([alt.pvalue for _, alt in run])
    print(f"gap_vs_history bootstrap size {size:.3f}, power (gap 0.02) {power:.3f}, phi=0.5")
    assert 0.03 <= size <= 0.08
    assert power >= 0.80


@pytest.mark.slow
def test_mean_reversion_adf_is_calibrated():
    walks = np.cumsum(np.random.default_rng(12).normal(0, 0.03, (REPS, 240)), axis=1)
    size = rejection_rate([mean_reversion(as_ratio(x)).adf.pvalue for x in walks])  # unit root
    strong = [mean_reversion(as_ratio(x)) for x in ar1(13, REPS, 240, 0.8)]
    power = rejection_rate([r.adf.pvalue for r in strong])  # H1: stationary AR(1), phi = 0.8
    coverage = float(np.mean([r.ar1.ci[0] <= 0.8 <= r.ar1.ci[1] for r in strong]))
    print(f"ADF size {size:.3f}, power (phi 0.8) {power:.3f}; AR(1) CI coverage {coverage:.3f}")
    assert 0.03 <= size <= 0.08 and power >= 0.80
    assert 0.90 <= coverage <= 0.98  # OLS phi is biased down by ~(1 + 3 phi) / n


def test_mean_reversion_kpss_is_calibrated():
    # the very call mean_reversion makes (test_mean_reversion_matches_statsmodels pins it), run
    # alone because the ADF lag search would make 1000 calls of mean_reversion slow
    def pvalue(x):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InterpolationWarning)  # p-value at a table bound
            return kpss(x, regression="c", nlags="legacy", result_object=True).pvalue

    # KPSS is sized by its own table; with the legacy lag rule (14 lags at n = 240) it holds 5%
    # under moderate persistence (phi = 0.5) and over-rejects from phi ~ 0.7 on
    size = rejection_rate([pvalue(x) for x in ar1(14, REPS, 240, 0.5)])
    # H1: a random walk; the power is 0.75 at n = 240, so the alternative uses 480 months
    walks = np.cumsum(np.random.default_rng(12).normal(0, 0.03, (REPS, 480)), axis=1)
    power = rejection_rate([pvalue(x) for x in walks])
    print(f"KPSS size (phi 0.5) {size:.3f}, power (random walk, n 480) {power:.3f}")
    assert 0.03 <= size <= 0.08 and power >= 0.80


@pytest.mark.slow
def test_gap_predicts_returns_is_calibrated():
    # H0: log ratio AR(1) phi 0.9, relative returns i.i.d. sd 0.03 and independent of it
    n = 252
    ratios = ar1(20, REPS, n, 0.9)
    noise = np.random.default_rng(21).normal(0, 0.03, (REPS, n))
    index = MONTHS[:n]

    def pvalue(x, r):
        return gap_predicts_returns(as_ratio(x), pd.Series(r, index=index), horizon=12).pvalue

    size = rejection_rate([pvalue(x, r) for x, r in zip(ratios, noise, strict=True)])
    # H1: next month's relative return falls 0.15 per unit of log ratio above its mean
    # (a ratio 10% below its mean adds about 1.5 points a month)
    alt = noise.copy()
    alt[:, 1:] -= 0.15 * ratios[:, :-1]
    power = rejection_rate([pvalue(x, r) for x, r in zip(ratios, alt, strict=True)])
    print(f"gap_predicts_returns (null bootstrap) size {size:.3f}, power {power:.3f}")
    assert 0.03 <= size <= 0.08
    assert power >= 0.80


# ---------------------------------------------------------------- percentile, AR bootstrap
# (calibration on persistent ratios: tests/test_stats_valuation_calibration.py, marked slow)
def test_percentile_vs_history_checks_its_input(ratio):
    with pytest.raises(InsufficientDataError, match="ratio needs at least 12 observations, got 11"):
        percentile_vs_history(as_ratio(0.01 * np.arange(11)))
    with pytest.raises(ValueError, match=r"The value for `side` must be one of .*'high'"):
        percentile_vs_history(ratio, side="cheap")
    with pytest.raises(ValueError, match="n_boot must be an integer >= 99, got 10"):
        percentile_vs_history(ratio, n_boot=10)
    with pytest.raises(ValueError, match="order must be an integer >= 1, got 0"):
        percentile_vs_history(ratio, order=0)
    with pytest.raises(ValueError, match="order must be below n/3 = 10, got 10"):
        percentile_vs_history(ratio.iloc[:30], order=10)
    with pytest.raises(ValueError, match="ratio is constant"):
        percentile_vs_history(as_ratio(np.zeros(40)))
    with pytest.raises(ValueError, match="ratio is constant"):
        long_run_mean(as_ratio(np.zeros(40)))


def test_percentile_vs_history_known_answers(ratio):
    result = percentile_vs_history(ratio)
    logs = np.log(ratio.to_numpy())
    assert result.estimate == pytest.approx(100 * np.mean(logs[:-1] <= logs[-1]))
    assert result.details["n_earlier"] == 239 and result.nobs == 240
    assert result.pvalue == result.details["pvalue_low"]
    assert 0 < result.pvalue <= 1 and 0 < result.details["pvalue_high"] <= 1
    assert 0 <= result.ci[0] <= result.ci[1] <= 100
    assert result == percentile_vs_history(ratio)  # the default seed is fixed: same p-value
    assert result.details["seed"] == 0 and result.details["n_boot"] == 999
    assert "cheap" in result.alternative_hypothesis
    json.dumps(result.to_dict())
    # Kilian's correction raises the downward-biased OLS coefficient of an AR(1)
    one = percentile_vs_history(ratio, order=1)
    assert one.details["phi_bias_corrected"][0] > one.details["phi_ols"][0]
    # a stated number is ranked among all observations
    cheap = percentile_vs_history(ratio, current=float(ratio.min()) * 0.8)
    assert cheap.estimate == 0 and cheap.details["n_earlier"] == 240
    assert cheap.pvalue < 0.01 and cheap.details["pvalue_high"] > 0.5
    dear = percentile_vs_history(ratio, current=float(ratio.max()) * 1.25, side="high")
    assert dear.estimate == 100 and dear.pvalue < 0.01 and dear.details["pvalue_low"] > 0.5


def test_percentile_vs_history_on_a_short_annual_history():
    # 17 annual points of a persistent ratio, today the 2nd lowest: the data cannot tell
    x = ar1(3, 1, 17, 0.8, sd=0.1)[0]
    x[-1] = np.sort(x[:-1])[1]  # ties with the 2nd lowest earlier value: 2 of 16 at or below
    years = pd.Series(np.exp(x), index=pd.date_range("2008-12-31", periods=17, freq="YE"))
    result = percentile_vs_history(years)
    assert result.details["ar_order"] == 1 and result.details["n_earlier"] == 16
    assert result.estimate == pytest.approx(100 * 2 / 16)
    assert result.pvalue > 0.05 and result.details["pvalue_high"] > 0.05
    mean = long_run_mean(years)
    assert mean.details["very_wide"] and "cannot tell" in mean.details["reading"]


def test_long_run_mean_interval(ratio):
    noise = pd.Series(
        np.exp(np.random.default_rng(2).normal(0, 0.05, 240)), index=MONTHS[:240]
    )  # i.i.d.: the interval is close to mean -/+ 1.96 sd / sqrt(n)
    result = long_run_mean(noise)
    logs = np.log(noise.to_numpy())
    assert result.estimate == pytest.approx(logs.mean())
    half = 1.96 * logs.std(ddof=1) / math.sqrt(240)
    assert (result.ci[1] - result.ci[0]) / 2 == pytest.approx(half, rel=0.25)
    assert not result.details["very_wide"] and math.isnan(result.pvalue)
    lo, hi = result.details["ci_ratio"]
    assert lo < result.details["mean_ratio"] < hi
    persistent = long_run_mean(ratio)  # AR(1) phi 0.9: a wider interval than i.i.d. would give
    naive = 1.96 * np.log(ratio.to_numpy()).std(ddof=1) / math.sqrt(240)
    assert (persistent.ci[1] - persistent.ci[0]) / 2 > 2 * naive
    json.dumps(persistent.to_dict())


# the S&P 600 and S&P 500 year-end trailing P/E (../shared/data/real/user/sp_valuation.csv,
# S&P Dow Jones Indices): the S&P 600's 2020 earnings were negative, so its P/E is too
SP600 = [26.29, 43.65, 24.46, 20.16, 22.04, 26.28, 25.95, 34.16, 32.73, 30.01, 21.64,
         33.29, -280.36, 18.88, 15.24, 20.24, 22.76]  # fmt: skip
SP500 = [18.24, 19.61, 15.01, 13.04, 14.73, 17.22, 18.22, 20.35, 21.07, 21.47, 16.54,
         20.56, 30.69, 22.89, 19.5, 22.34, 25.2]  # fmt: skip


def test_valuation_gap_check_on_annual_data(tmp_path):
    user = tmp_path / "snap" / "user"
    user.mkdir(parents=True)
    rows = [
        f"{2008 + i}-12-31,{name},{v},x,test"
        for name, values in (("sp600_pe_trailing", SP600), ("sp500_pe_trailing", SP500))
        for i, v in enumerate(values)
    ]
    (user / "pe.csv").write_text("date,series,value,unit,source\n" + "\n".join(rows) + "\n")
    params = {"file": "user/pe.csv", "small": "sp600_pe_trailing", "large": "sp500_pe_trailing",
              "as_of": "2025-12-31"}  # fmt: skip
    stale = check_one(tmp_path, "valuation_gap", params, ["user/pe.csv"])
    assert stale.verdict == "needs_data"  # a year-old newest ratio is no evidence about today
    assert "within 45 days of 2025-12-31; the newest is from 2024-12-31" in stale.summary
    params["as_of"] = "2024-12-31"
    result = check_one(tmp_path, "valuation_gap", params, ["user/pe.csv"])
    assert result.verdict == "inconclusive"
    assert "the data cannot tell" in result.summary
    assert "negative P/E: 2020-12-31" in result.summary
    assert "reference unavailable" in result.summary  # ADF, KPSS, HAR gap need 36-48 points
    assert result.observed["percentile"] == pytest.approx(100 * 2 / 15, abs=0.01)
    assert result.tests[0].nobs == 16
    params["as_of"] = "2012-12-31"  # five years: too few to rank, said plainly
    short = check_one(tmp_path, "valuation_gap", params, ["user/pe.csv"])
    assert short.verdict == "inconclusive" and short.tests == ()
    assert short.summary.startswith("Only 5 positive small/large P/E ratio(s) from 2008-12-31")
    assert "the data cannot tell" in short.summary


def test_valuation_gap_check_on_the_demo(demo_snapshot):
    from analysis.checks import evaluate
    from analysis.claims import load_claims
    from tests.conftest import PROJECT

    claims = load_claims(PROJECT / "data" / "claims" / "russell2000_2026.yaml")
    result = evaluate(claims.get("smallcaps_historically_cheap"), demo_snapshot)
    assert result.verdict == "inconclusive"  # the 5th percentile is not rare for phi ~ 0.97
    assert "unit root" not in result.summary
    assert "percentile" in result.summary and "one-sided p" in result.summary
    assert result.tests[0].name == "Today's percentile in its own history"
    assert any(t.name.startswith("Current valuation gap") for t in result.tests)  # reported
