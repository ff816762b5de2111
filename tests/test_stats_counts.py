"""Tests of analysis.stats.counts: the exact test of two Poisson rates (agreement, calibration,
power, the overdispersion warning) and the flow record."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.stats.rates import test_poisson_2indep as poisson_2indep

from analysis.errors import InsufficientDataError
from analysis.stats.counts import flow_record, rate_change


# ---------------------------------------------------------------- rate_change
def test_rate_change_hand_computed_and_agrees_with_statsmodels():
    r = rate_change([3, 4], [1, 1, 1, 1, 1, 1])  # 7 events in 2 periods, 6 in 6
    # under equal rates the recent count is Binomial(13, 2/8); P(X >= 7)
    assert r.pvalue == pytest.approx(sps.binom.sf(6, 13, 0.25), rel=1e-12)
    # reference: statsmodels test_poisson_2indep(..., method="exact-cond", alternative="larger")
    ref = poisson_2indep(7, 2, 6, 6, method="exact-cond", alternative="larger")
    assert r.pvalue == pytest.approx(ref.pvalue, rel=1e-10)
    assert r.estimate == pytest.approx(3.5)  # (7/2) / (6/6)
    lo, hi = sps.binomtest(7, 13, 0.25).proportion_ci(0.95, method="exact")
    assert r.ci == pytest.approx((lo / (1 - lo) * 3, hi / (1 - hi) * 3))
    assert r.statistic == 7 and r.nobs == 8
    assert r.details["baseline_dispersion_index"] == 0.0  # a constant baseline
    json.dumps(r.to_dict())


def test_rate_change_edge_counts():
    none_before = rate_change([2, 1], [0, 0, 0])
    assert math.isinf(none_before.estimate) and math.isinf(none_before.ci[1])
    assert none_before.pvalue == pytest.approx(0.4**3)  # all 3 events recent, p0 = 2/5
    none_now = rate_change(pd.Series([0, 0]), np.array([1, 2, 3]))
    assert none_now.estimate == 0 and none_now.pvalue == 1.0


def test_rate_change_validation():
    with pytest.raises(InsufficientDataError, match="at least 1 event in either window, got 0"):
        rate_change([0, 0], [0])
    with pytest.raises(InsufficientDataError, match="recent_counts needs at least 1 period, got 0"):
        rate_change([], [1, 2])
    with pytest.raises(ValueError, match="baseline_counts must be non-negative whole numbers"):
        rate_change([1], [1.5, 2])
    with pytest.raises(ValueError, match="baseline_counts must be non-negative whole numbers"):
        rate_change([1], [-1, 2])
    with pytest.raises(ValueError, match="recent_counts must be non-negative whole numbers"):
        rate_change([np.nan], [1, 2])
    with pytest.raises(ValueError, match="recent_counts must be counts"):
        rate_change(["many"], [1, 2])
    with pytest.raises(ValueError, match="alpha must lie strictly between 0 and 1"):
        rate_change([1], [1], alpha=2)


def test_rate_change_calibration_and_power():
    """12 recent against 36 baseline months of Poisson(5) counts (the biotech deal claim's
    layout), 2000 seeded replications. An exact test of discrete data cannot hit 5% exactly and
    errs low (conservative), so the size is checked within [0.01, 0.08]. Power: a recent rate
    1.5 times the baseline (7.5 against 5 a month)."""
    rng = np.random.default_rng(20260102)
    null = [rate_change(rng.poisson(5, 12), rng.poisson(5, 36)).pvalue for _ in range(2000)]
    size = float(np.mean(np.array(null) < 0.05))
    assert 0.01 <= size <= 0.08, size  # measured: 0.042
    alt = [rate_change(rng.poisson(7.5, 12), rng.poisson(5, 36)).pvalue for _ in range(500)]
    power = float(np.mean(np.array(alt) < 0.05))
    assert power >= 0.80, power  # measured: 0.896


def test_rate_change_flags_overdispersion_and_turns_quasi_poisson():
    """Clustered counts (negative binomial, variance 3x the mean) break the Poisson assumption:
    the dispersion diagnostic says so, and the test is the quasi-Poisson one."""
    rng = np.random.default_rng(7)
    base = rng.negative_binomial(2.5, 2.5 / (2.5 + 5), 36)  # mean 5, variance 15
    r = rate_change(rng.negative_binomial(2.5, 2.5 / 7.5, 12), base)
    assert r.details["baseline_dispersion_index"] > 1.5
    assert r.details["dispersion_pvalue"] < 0.01
    assert r.method.startswith("Quasi-Poisson GLM") and r.details["dispersion"] > 1.5


def _nb(rng, mean: float, variance: float, size: int) -> np.ndarray:
    """Negative binomial counts with the given mean and variance (Poisson when equal)."""
    if variance <= mean:
        return rng.poisson(mean, size)
    k = mean**2 / (variance - mean)
    return rng.negative_binomial(k, k / (k + mean), size)


@pytest.mark.slow
@pytest.mark.parametrize("variance", [5.0, 10.0, 15.0])
def test_rate_change_holds_its_size_when_counts_are_overdispersed(variance):
    """12 recent against 36 baseline months, mean 5 a month, variance up to 3x the mean;
    1,000 seeded replications (Monte Carlo s.e. about 0.7 pp): size within 3-8%, the exact test
    where the counts look Poisson and the quasi-Poisson one where they are overdispersed.
    Power: a recent rate twice the baseline (10 against 5 a month, the same dispersion)."""
    rng = np.random.default_rng(int(variance))
    null = [rate_change(_nb(rng, 5, variance, 12), _nb(rng, 5, variance, 36)).pvalue
            for _ in range(1000)]  # fmt: skip
    size = float(np.mean(np.array(null) < 0.05))
    assert 0.03 <= size <= 0.08, size
    alt = [rate_change(_nb(rng, 10, variance * 2, 12), _nb(rng, 5, variance, 36)).pvalue
           for _ in range(400)]  # fmt: skip
    assert float(np.mean(np.array(alt) < 0.05)) >= 0.80


# ---------------------------------------------------------------- flow_record
def flows(values, start="2024-01-01") -> pd.Series:
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)), dtype=float)


def test_flow_record_hand_computed():
    base = np.r_[np.arange(1, 26), [30.0, 40.0, 45.0]]  # 28 sessions, then a 3-session window
    s = flows(np.r_[base, [20.0, 30.0, 40.0]])
    w = s.index[-3:]
    r = flow_record(s, window_start=w[0], window_end=w[-1])
    # earlier 3-session sums: 6, 9, ..., 72 (1..25), then 24+25+30=79, 25+30+40=95, 30+40+45=115
    assert r.statistic == 90.0 and r.nobs == 26
    assert r.details["sessions"] == 3
    assert r.details["rank"] == 3  # 95 and 115 are larger
    assert not r.details["is_record"] and r.details["previous_record"] == 115.0
    assert r.details["previous_record_window_end"] == s.index[27].date().isoformat()
    assert r.pvalue == pytest.approx(3 / 27)  # (2 + 1) / (26 + 1)
    assert r.details["share_at_least"] == pytest.approx(2 / 26)
    json.dumps(r.to_dict())


def test_flow_record_record_and_tie():
    s = flows(np.r_[np.ones(30), [5.0, 5.0]])
    r = flow_record(s, window_start=s.index[-2], window_end=s.index[-1])
    assert r.details["is_record"] and r.details["rank"] == 1
    assert r.pvalue == pytest.approx(1 / 30)  # 29 earlier windows, none as large
    tie = flow_record(flows(np.ones(40)), window_start="2024-02-22", window_end="2024-02-26")
    assert not tie.details["is_record"] and tie.pvalue == 1.0  # equal to every earlier window


def test_flow_record_validation():
    s = flows(np.ones(40))
    with pytest.raises(ValueError, match=r"sum several funds first \(frame.sum\(axis=1\)\)"):
        flow_record(s.to_frame(), window_start="2024-02-01", window_end="2024-02-05")
    with pytest.raises(ValueError, match="window_start 2024-02-05 is after window_end 2024-02-01"):
        flow_record(s, window_start="2024-02-05", window_end="2024-02-01")
    with pytest.raises(InsufficientDataError, match="no flows between 2025-01-01 and 2025-01-31"):
        flow_record(s, window_start="2025-01-01", window_end="2025-01-31")
    with pytest.raises(
        InsufficientDataError,
        match=r"over 10 sessions needs at least 20 earlier windows "
        r"\(29 sessions before 2024-01-15\), got 1",
    ):
        flow_record(s, window_start="2024-01-15", window_end="2024-01-26")
