"""Earnings convergence between small and large caps: the growth differential and its trend,
dispersion over time (sigma convergence); cointegration of quarterly EPS levels (Engle-Granger,
sieve-bootstrap p-value) is in :mod:`.cointegration`. Scoring a stated growth range:
:mod:`.forecasts`.

Inputs are two quarterly EPS level series (not trailing-12-month sums) or two growth series in
percent, as pandas Series with a DatetimeIndex; pairs are inner-joined on their dates. Trend
slopes use the HAR regression of :func:`analysis.stats.hac.hac_ols` (EWC errors with a
t reference by default; Newey-West with ``kernel="bartlett"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from statsmodels.tools.tools import add_constant

from analysis.results import StatResult
from analysis.stats._common import check_alpha, choice, clean, positive_int, require
from analysis.stats.hac import hac_ols

TREND_MINIMUM = 24


def _aligned(series: dict[str, pd.Series], what: str, minimum: int) -> pd.DataFrame:
    frame = pd.concat({k: clean(v, k, 1) for k, v in series.items()}, axis=1, join="inner")
    require(len(frame), minimum, f"{what} (dates common to {', '.join(series)})")
    return frame


def _years(index: pd.Index, periods_per_year: int | None) -> np.ndarray:
    if periods_per_year is not None:
        return np.arange(len(index)) / positive_int(periods_per_year, "periods_per_year")
    if not isinstance(index, pd.DatetimeIndex):
        raise ValueError("the series need a DatetimeIndex, or pass periods_per_year")
    return np.asarray((index - index[0]).days, dtype=float) / 365.25


def _trend(
    y: pd.Series,
    *,
    name: str,
    null: str,
    alternative: str,
    kernel: str,
    lags: int | None,
    periods_per_year: int | None,
    alpha: float,
    details: dict[str, Any],
) -> StatResult:
    """One-sided HAR test of a negative linear trend in ``y`` (slope per year)."""
    choice(kernel, "kernel", ("ewc", "bartlett"))
    check_alpha(alpha)
    if np.ptp(y.to_numpy()) == 0:
        raise ValueError(f"{name}: the series is constant; a trend test is undefined")
    fit = hac_ols(
        y.to_numpy(), add_constant(_years(y.index, periods_per_year)), kernel=kernel, lags=lags
    )
    stat, p = fit.test(1, side="less")
    return StatResult(
        name=name,
        statistic=stat,
        pvalue=p,
        estimate=float(fit.params[1]),
        ci=fit.ci(1, alpha),
        nobs=len(y),
        null_hypothesis=null,
        alternative_hypothesis=alternative + " One-sided p-value.",
        method=f"{fit.method}, on a linear time trend (slope per year)",
        reference=fit.reference,
        ci_level=1 - alpha,
        details={
            "intercept": float(fit.params[0]),
            "lags": fit.lags,
            "first_date": y.index[0],
            "last_date": y.index[-1],
            **details,
        },
    )


def growth_differential_trend(
    small_growth: pd.Series,
    large_growth: pd.Series,
    *,
    kernel: Literal["ewc", "bartlett"] = "ewc",
    lags: int | None = None,
    periods_per_year: int | None = None,
    alpha: float = 0.05,
) -> StatResult:
    """Is the gap between small- and large-cap earnings growth narrowing?

    With d_t = small_t - large_t, OLS of |d_t| on a linear time trend (in years) with HAR errors.
    H0: slope >= 0, no convergence. H1: slope < 0, the absolute gap narrows. The p-value is
    one-sided, computed at the boundary slope = 0. A differential that changes sign makes |d_t|
    V-shaped; look at ``details["mean_differential"]`` and the series itself.

    Parameters
    ----------
    small_growth, large_growth
        Growth rates in percent (see :func:`growth_from_levels`); at least 24 common dates.
    kernel : {"ewc", "bartlett"}
        HAR errors: equal-weighted cosine with t(B) reference (default; LLSW 2018) or
        Newey-West via statsmodels (normal reference). On quarterly year-over-year growth (MA(3)
        by overlap) EWC held 4.3-5.7% at 40-80 quarters, Newey-West rejected 8-15%.
    lags
        Cosine terms (EWC) or Newey-West lags; default by the rule of the kernel.
    periods_per_year
        Time step when the index is not a DatetimeIndex (4 for quarterly).
    alpha
        Level of the two-sided confidence interval for the slope.

    Returns
    -------
    StatResult
        ``estimate``: slope of |d| in percentage points per year; ``ci``; ``statistic``: t;
        ``pvalue``: one-sided (slope < 0).

    Raises
    ------
    InsufficientDataError
        Fewer than 24 common observations.
    ValueError
        Bad ``kernel``, ``lags``, ``alpha``, constant |d|, or no DatetimeIndex and no
        ``periods_per_year``.

    References
    ----------
    Lazarus, Lewis, Stock & Watson (2018), JBES 36(4); Newey & West (1987); statsmodels OLS.

    Examples
    --------
    >>> growth_differential_trend(small_yoy, large_yoy).pvalue  # doctest: +SKIP
    """
    frame = _aligned(
        {"small_growth": small_growth, "large_growth": large_growth},
        "growth_differential_trend",
        TREND_MINIMUM,
    )
    d = frame["small_growth"] - frame["large_growth"]
    return _trend(
        d.abs(),
        name="Trend in the absolute growth differential (small minus large)",
        null="The absolute growth differential does not shrink (trend slope >= 0).",
        alternative="The absolute growth differential shrinks over time (slope < 0).",
        kernel=kernel,
        lags=lags,
        periods_per_year=periods_per_year,
        alpha=alpha,
        details={
            "mean_differential": float(d.mean()),
            "first_abs_differential": float(abs(d.iloc[0])),
            "last_abs_differential": float(abs(d.iloc[-1])),
            "sign_changes": int((np.diff(np.sign(d.to_numpy())) != 0).sum()),
        },
    )


def sigma_convergence(
    small_growth: pd.Series,
    large_growth: pd.Series,
    *,
    others: Sequence[pd.Series] = (),
    kernel: Literal["ewc", "bartlett"] = "ewc",
    lags: int | None = None,
    periods_per_year: int | None = None,
    alpha: float = 0.05,
) -> StatResult:
    """Does the cross-sectional dispersion of growth rates fall over time (sigma convergence)?

    s_t is the standard deviation (ddof 0) across the series at date t; OLS of s_t on a linear
    trend with HAR errors. H0: slope >= 0, dispersion does not fall. H1: slope < 0, it falls;
    one-sided p-value. With exactly two series s_t = |small_t - large_t| / 2, so the test equals
    :func:`growth_differential_trend` (same t and p-value, half the slope); ``others`` adds
    series (e.g. mid caps) and makes it a test of its own.

    Parameters
    ----------
    small_growth, large_growth
        Growth rates in percent; at least 24 dates common to all series.
    others
        Further growth series.
    kernel, lags, periods_per_year, alpha
        As in :func:`growth_differential_trend`.

    Returns
    -------
    StatResult
        ``estimate``: slope of the dispersion per year; ``pvalue`` one-sided (slope < 0).

    Raises
    ------
    InsufficientDataError, ValueError
        As in :func:`growth_differential_trend`.

    References
    ----------
    Barro & Sala-i-Martin (1992), 'Convergence', JPE 100(2); LLSW (2018) for the errors.

    Examples
    --------
    >>> sigma_convergence(small_yoy, large_yoy, others=[mid_yoy]).estimate  # doctest: +SKIP
    """
    named = {"small_growth": small_growth, "large_growth": large_growth}
    named |= {f"others[{i}]": s for i, s in enumerate(others)}
    frame = _aligned(named, "sigma_convergence", TREND_MINIMUM)
    sd = frame.std(axis=1, ddof=0)
    return _trend(
        sd,
        name=f"Trend in the dispersion of growth across {frame.shape[1]} series",
        null="The cross-sectional dispersion of growth does not fall (trend slope >= 0).",
        alternative="The dispersion of growth falls over time (slope < 0).",
        kernel=kernel,
        lags=lags,
        periods_per_year=periods_per_year,
        alpha=alpha,
        details={
            "series": frame.shape[1],
            "first_sd": float(sd.iloc[0]),
            "last_sd": float(sd.iloc[-1]),
        },
    )


def growth_from_levels(
    eps: pd.Series, *, periods: int = 4, nonpositive: Literal["raise", "nan"] = "raise"
) -> pd.Series:
    """Growth over ``periods`` steps in percent: 100 (eps_t / eps_(t-periods) - 1).

    With quarterly EPS, ``periods=4`` is year-over-year growth. Growth from a base <= 0 is
    meaningless (a loss turning into a smaller loss is not "negative growth"): by default it is an
    error; ``nonpositive="nan"`` marks those dates missing instead.

    Raises
    ------
    InsufficientDataError
        Fewer than ``periods + 1`` observations.
    ValueError
        A base <= 0 with ``nonpositive="raise"``, or a bad option.

    Examples
    --------
    >>> round(float(growth_from_levels(pd.Series([1.0, 1.0, 1.0, 1.0, 1.1])).iloc[0]), 6)
    10.0
    """
    periods = positive_int(periods, "periods")
    choice(nonpositive, "nonpositive", ("raise", "nan"))
    s = clean(eps, "eps", periods + 1)
    base = s.shift(periods)
    bad = base[base <= 0]
    if len(bad) and nonpositive == "raise":
        when = bad.index[0].date() if hasattr(bad.index[0], "date") else bad.index[0]
        raise ValueError(
            f"eps {periods} periods before {when} is {float(bad.iloc[0]):g} (<= 0): growth from "
            "a non-positive base is meaningless; pass nonpositive='nan' to mark such dates missing"
        )
    growth = 100 * (s / base.where(base > 0) - 1)
    return growth.iloc[periods:].rename(f"{s.name or 'eps'} growth over {periods} periods, %")
