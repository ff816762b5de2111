"""Earnings convergence between small and large caps: the growth differential and its trend,
dispersion over time (sigma convergence) and cointegration of log EPS levels (Engle-Granger).
Scoring a stated growth range is in :mod:`analysis.stats.forecasts`.

Inputs are two EPS level series (e.g. trailing-12-month EPS, quarterly) or two growth series in
percent, as pandas Series with a DatetimeIndex; pairs are inner-joined on their dates. Trend
slopes use the HAR regression of :func:`analysis.stats.hac.hac_ols` (EWC errors with a
t reference by default; Newey-West with ``kernel="bartlett"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant
from statsmodels.tsa.stattools import coint

from analysis.results import StatResult
from analysis.stats._common import (
    check_alpha,
    choice,
    clean,
    positive_int,
    require,
)
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
        Newey-West via statsmodels (normal reference).
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


def engle_granger(
    log_small_eps: pd.Series,
    log_large_eps: pd.Series,
    *,
    trend: Literal["c", "ct"] = "c",
    autolag: Literal["aic", "bic", "t-stat"] | None = "bic",
    maxlag: int | None = None,
) -> StatResult:
    """Engle-Granger test of cointegration between log small- and large-cap EPS.

    H0: no cointegration (the residual of log small EPS on log large EPS has a unit root).
    H1: the two log EPS levels are cointegrated (share a long-run relation). statsmodels
    ``coint`` with MacKinnon (1994) p-values and MacKinnon (2010) critical values; the lag of the
    residual ADF is chosen by BIC by default (AIC over-rejects in small samples). The
    cointegrating slope comes from OLS of small on large; it is superconsistent but its OLS
    standard error is not valid, so no interval is given. The test depends on which series is on
    the left (here: small on large).

    Parameters
    ----------
    log_small_eps, log_large_eps
        Log EPS levels (EPS must be positive to take logs); at least 40 common dates.
    trend : {"c", "ct"}
        Deterministic terms of the cointegrating regression.
    autolag : {"aic", "bic", "t-stat", None}
        Lag selection of the residual ADF; ``None`` uses ``maxlag`` lags.
    maxlag
        Largest (or, with ``autolag=None``, the) lag.

    Returns
    -------
    StatResult
        ``statistic``: the Engle-Granger t; ``pvalue``; ``estimate``: the cointegrating slope
        (``ci`` None); ``details``: intercept and the 1/5/10% critical values.

    Raises
    ------
    InsufficientDataError
        Fewer than 40 common observations.
    ValueError
        A bad ``trend``, ``autolag`` or ``maxlag``.

    References
    ----------
    Engle & Granger (1987), Econometrica 55(2); statsmodels ``tsa.stattools.coint``.

    Examples
    --------
    >>> engle_granger(np.log(small_eps), np.log(large_eps)).pvalue  # doctest: +SKIP
    """
    choice(trend, "trend", ("c", "ct"))
    choice(autolag, "autolag", ("aic", "bic", "t-stat", None))
    if maxlag is not None:
        positive_int(maxlag, "maxlag", 0)
    frame = _aligned(
        {"log_small_eps": log_small_eps, "log_large_eps": log_large_eps}, "engle_granger", 40
    )
    y0, y1 = frame["log_small_eps"].to_numpy(), frame["log_large_eps"].to_numpy()
    if np.ptp(y0) == 0 or np.ptp(y1) == 0:
        raise ValueError("engle_granger: a series is constant; cointegration is undefined")
    res = coint(y0, y1, trend=trend, autolag=autolag, maxlag=maxlag, return_results=True)
    X = (
        add_constant(y1)
        if trend == "c"
        else np.column_stack([add_constant(y1), np.arange(len(y1))])
    )
    ols = OLS(y0, X).fit()
    cv = [float(v) for v in res.critical_values]
    return StatResult(
        name="Engle-Granger cointegration of log EPS (small on large)",
        statistic=float(res.coint_t),
        pvalue=float(res.pvalue),
        estimate=float(ols.params[1]),
        ci=None,
        nobs=len(y0),
        null_hypothesis="The log EPS series are not cointegrated (the residual has a unit root).",
        alternative_hypothesis="The log EPS series are cointegrated (a stable long-run relation).",
        method=f"Engle-Granger two-step, trend '{trend}', residual ADF lags by {autolag}",
        reference="Engle & Granger (1987); statsmodels.tsa.stattools.coint documentation",
        details={
            "intercept": float(ols.params[0]),
            "critical_1%": cv[0],
            "critical_5%": cv[1],
            "critical_10%": cv[2],
            "slope_ci": "none: OLS errors invalid under cointegration",
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
