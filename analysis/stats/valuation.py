"""Valuation gap between two P/E series: where the ratio stands and whether it differs from its
long-run mean (mean reversion and predictive power are in :mod:`analysis.stats.reversion`).

Input: a ratio series (small-cap forward P/E / large-cap forward P/E), monthly, as a pandas Series
with a DatetimeIndex. Means and slopes use autocorrelation-robust (HAR) errors: by default the
equal-weighted cosine (EWC) estimator with a Student-t reference, which keeps close to its nominal
size on persistent data where Newey-West with the automatic lag over-rejects (measured in
``tests/test_stats_valuation.py``); Newey-West through statsmodels is ``kernel="bartlett"``.

Whether today's ratio is historically cheap is :func:`percentile_vs_history`: today's percentile
in its own history against its null distribution under a bias-corrected AR(p) bootstrap (Kilian
1998), sized within 3-8% at phi 0.90-0.98 (``tests/test_stats_valuation_calibration.py``);
:func:`long_run_mean` gives an interval for the long-run mean from the same bootstrap.
:func:`gap_vs_history` is not a test of cheapness: its null (the long-run mean equals today's
value, today's value being the series' own last observation) is false almost surely on a
stationary ratio, so on persistent ratios its verdict is close to the sign of the current gap.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats as sps

from analysis.results import ResultBase, StatResult, _jsonable
from analysis.stats._common import (
    check_alpha,
    choice,
    clean,
    positive_int,
    require,
)
from analysis.stats.hac import hac_ols


def ratio_history(
    ratio: pd.Series, current: Any, what: str, minimum: int, log: bool
) -> tuple[pd.Series, float, Any]:
    """(history on the working scale, current value on that scale, current date or None)."""
    s = clean(ratio, what, minimum)
    when = None
    if current is None:
        value, when = float(s.iloc[-1]), s.index[-1]
    elif isinstance(current, int | float | np.number) and not isinstance(current, bool):
        value = float(current)
        if not math.isfinite(value):
            raise ValueError(f"current must be a finite number or a date, got {current!r}")
    else:
        if not isinstance(s.index, pd.DatetimeIndex):
            raise ValueError(f"current={current!r} is a date but {what} has no DatetimeIndex")
        try:
            when = pd.Timestamp(current)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"current must be a number or a date, got {current!r}") from exc
        if when is pd.NaT:
            raise ValueError(f"current must be a number or a date, got {current!r}")
        s = s.loc[:when]
        require(len(s), minimum, f"{what} up to {when.date()}")
        value, when = float(s.iloc[-1]), s.index[-1]
    if log:
        bad = s[s <= 0]
        if len(bad):
            at = bad.index[0].date() if isinstance(bad.index[0], pd.Timestamp) else bad.index[0]
            got = f"{float(bad.iloc[0]):g} at {at}"
            raise ValueError(f"{what} must be positive to take logs; got {got}")
        if value <= 0:
            raise ValueError(f"{what} must be positive to take logs; got current = {value:g}")
        return np.log(s), math.log(value), when
    return s, value, when


# ---------------------------------------------------------------- results
@dataclass(frozen=True, slots=True)
class PointGap(ResultBase):
    """Two P/E levels, their ratio, log ratio and the small-cap discount in percent."""

    small_pe: float
    large_pe: float
    ratio: float
    log_ratio: float
    discount_pct: float

    def summary(self) -> str:
        return (
            f"{self.small_pe:g}x against {self.large_pe:g}x: ratio {self.ratio:.3f}, "
            f"a {self.discount_pct:.1f}% discount (descriptive, no test)."
        )

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.summary())}</p>"

    def to_dict(self) -> dict[str, Any]:
        return _jsonable({k: getattr(self, k) for k in self.__slots__})


# ---------------------------------------------------------------- statistics
def relative_percentile(ratio: pd.Series, *, current: Any = None) -> StatResult:
    """Percentile of the current ratio within its own history (descriptive, no test).

    Parameters
    ----------
    ratio
        Ratio series (e.g. small-cap / large-cap forward P/E), at least 36 observations.
    current
        ``None`` (the last observation), a date (the last observation on or before it; the history
        is cut there) or a number (a stated ratio such as 15/22, set against the whole history).

    Returns
    -------
    StatResult
        ``statistic`` and ``estimate``: the percentile (0-100, ties counted half); ``pvalue`` is
        ``nan`` because a percentile describes and does not test. ``details`` holds the rank
        (1 = lowest), counts below and equal, and the strict and weak percentiles.

    Raises
    ------
    InsufficientDataError
        Fewer than 36 observations.
    ValueError
        Infinite values, or ``current`` neither a number nor a date.

    Notes
    -----
    Method: empirical percentile, ``scipy.stats.percentileofscore(kind="mean")``.

    Examples
    --------
    >>> relative_percentile(ratio, current=15 / 22).statistic  # doctest: +SKIP
    """
    s, value, when = ratio_history(ratio, current, "ratio", 36, log=False)
    v = s.to_numpy()
    below, equal = int((v < value).sum()), int((v == value).sum())
    pct = float(sps.percentileofscore(v, value, kind="mean"))
    none = "None: a descriptive percentile, not a test (p-value is nan)."
    return StatResult(
        name="Current ratio's percentile in its history",
        statistic=pct,
        pvalue=math.nan,
        estimate=pct,
        ci=None,
        nobs=len(v),
        null_hypothesis=none,
        alternative_hypothesis=none,
        method="Empirical percentile, ties counted half (percentileofscore, kind='mean')",
        reference="scipy.stats.percentileofscore documentation",
        details={
            "current": value,
            "current_date": when,
            "rank": below + 1,
            "n_below": below,
            "n_equal": equal,
            "percentile_strict": 100 * below / len(v),
            "percentile_weak": 100 * (below + equal) / len(v),
            "min": float(v.min()),
            "median": float(np.median(v)),
            "max": float(v.max()),
        },
    )


def _block_bootstrap_t(
    x: np.ndarray, c: float, b: int, n_boot: int, seed: int, alpha: float
) -> tuple[float, float, tuple[float, float]]:
    """Moving-block bootstrap-t for the mean: (t, symmetric p-value, CI for the mean)."""
    n, k = len(x), len(x) // b
    csum = np.concatenate([[0.0], np.cumsum(x)])
    means = (csum[b:] - csum[:-b]) / b  # the n - b + 1 overlapping block means
    se = math.sqrt(means.var() * b / n)
    t = (x.mean() - c) / se
    draws = means[np.random.default_rng(seed).integers(0, n - b + 1, size=(n_boot, k))]
    with np.errstate(divide="ignore", invalid="ignore"):
        tstar = (draws.mean(axis=1) - means.mean()) / (draws.std(axis=1, ddof=1) / math.sqrt(k))
    tstar = np.abs(tstar[~np.isnan(tstar)])
    p = (1 + (tstar >= abs(t)).sum()) / (1 + len(tstar))
    q = float(np.quantile(tstar, 1 - alpha)) * se
    return float(t), float(p), (x.mean() - q, x.mean() + q)


def gap_vs_history(
    ratio: pd.Series,
    *,
    current: Any = None,
    method: Literal["hac", "bootstrap"] = "hac",
    kernel: Literal["ewc", "bartlett"] = "ewc",
    lags: int | None = None,
    log: bool = True,
    block_length: int | None = None,
    n_boot: int = 2000,
    seed: int = 0,
    alpha: float = 0.05,
) -> StatResult:
    """Test whether the current valuation gap differs from its long-run mean.

    H0: the long-run mean of the (log) ratio equals its current value, the current value being
    taken as a fixed number. H1: it differs (two-sided). The question is whether history's mean
    is distinguishable from today's level; whether today is unusual (cheap) is
    :func:`percentile_vs_history`. Do not read this test as one of cheapness: when today's value
    is the series' own last observation, H0 is false almost surely on a stationary ratio, and
    on persistent ratios (phi 0.90-0.98) it rejects 12-52% of the time when today is an
    ordinary draw.

    Parameters
    ----------
    ratio
        Positive ratio series, at least 36 observations.
    current
        As in :func:`relative_percentile`; default the last observation.
    method : {"hac", "bootstrap"}
        ``"hac"``: OLS of the series on a constant with HAR errors (``kernel``); ``"bootstrap"``:
        moving-block bootstrap-t (studentized, symmetric percentile-t CI and p-value).
    kernel : {"ewc", "bartlett"}
        HAR estimator for ``"hac"``: equal-weighted cosine with t(B) reference (default; LLSW 2018)
        or Newey-West via statsmodels (normal reference; over-rejects on persistent data).
    lags
        Cosine terms B (EWC, default floor(0.4 n^(2/3))) or Newey-West lags (default
        ``newey_west_lags(n)``).
    log
        Test the log ratio (default); the estimate is then in log points.
    block_length, n_boot, seed
        Bootstrap block length (default ceil(sqrt(n)); longer than the n^(1/3) variance rate
        because short blocks under-state persistence), replications and seed (reproducible).
    alpha
        Level of the confidence interval.

    Returns
    -------
    StatResult
        ``estimate``: current minus long-run mean; ``ci`` for it; ``statistic``: t; two-sided
        ``pvalue``; ``details``: current and mean ratio and the gap in percent.

    Raises
    ------
    InsufficientDataError
        Fewer than 36 observations.
    ValueError
        A bad choice, non-positive ratio with ``log=True``, a constant series, or a bad option.

    References
    ----------
    Lazarus, Lewis, Stock & Watson (2018), JBES 36(4); Newey & West (1987); Kuensch (1989),
    Annals of Statistics 17(3) (moving blocks); Goetze & Kuensch (1996), Annals of Statistics
    24(5) (studentized block bootstrap).

    Examples
    --------
    >>> gap_vs_history(ratio, method="bootstrap", seed=1).pvalue  # doctest: +SKIP
    """
    choice(method, "method", ("hac", "bootstrap"))
    choice(kernel, "kernel", ("ewc", "bartlett"))
    check_alpha(alpha)
    s, c, when = ratio_history(ratio, current, "ratio", 36, log)
    x, n = s.to_numpy(), len(s)
    if np.ptp(x) == 0:
        raise ValueError("ratio is constant; a test against its mean is undefined")
    if method == "hac":
        fit = hac_ols(x, np.ones((n, 1)), kernel=kernel, lags=lags)
        stat, p = fit.test(0, c)
        lo, hi = fit.ci(0, alpha)
        how, ref = f"{fit.method}, on a constant", fit.reference
        extra: dict[str, Any] = {"lags": fit.lags}
    else:
        b = math.ceil(math.sqrt(n)) if block_length is None else block_length
        if positive_int(b, "block_length") > n // 5:
            raise ValueError(f"block_length must be at most n/5 = {n // 5} (5 blocks), got {b}")
        positive_int(n_boot, "n_boot", 99)
        positive_int(seed, "seed", 0)
        stat, p, (lo, hi) = _block_bootstrap_t(x, c, b, n_boot, seed, alpha)
        how = f"Moving-block bootstrap-t, block length {b}, {n_boot} draws, seed {seed}"
        ref, extra = "Kuensch (1989); Goetze & Kuensch (1996)", {"block_length": b}
    mean, scale = float(x.mean()), "log ratio" if log else "ratio"
    gap_pct = 100 * (math.exp(c - mean) - 1) if log else 100 * (c / mean - 1)
    return StatResult(
        name="Current valuation gap against its long-run mean",
        statistic=float(-stat),  # sign of (current - mean)
        pvalue=p,
        estimate=c - mean,
        ci=(c - hi, c - lo),
        nobs=n,
        null_hypothesis=f"The long-run mean of the {scale} equals its current value ({c:.4g}).",
        alternative_hypothesis=f"The long-run mean of the {scale} differs from its current value.",
        method=how,
        reference=ref,
        ci_level=1 - alpha,
        details={
            "current_date": when,
            "current_ratio": math.exp(c) if log else c,
            "mean_ratio": math.exp(mean) if log else mean,
            "gap_pct": gap_pct,
            **extra,
        },
    )


def gap_from_points(small_pe: float, large_pe: float) -> PointGap:
    """Ratio and percentage discount from two P/E levels (descriptive, no test).

    Examples
    --------
    >>> round(gap_from_points(15, 22).discount_pct, 1)
    31.8
    """
    for name, v in (("small_pe", small_pe), ("large_pe", large_pe)):
        if isinstance(v, bool) or not isinstance(v, int | float | np.number) or not v > 0:
            raise ValueError(f"{name} must be a positive number, got {v!r}")
        if not math.isfinite(v):
            raise ValueError(f"{name} must be finite, got {v!r}")
    ratio = float(small_pe) / float(large_pe)
    return PointGap(float(small_pe), float(large_pe), ratio, math.log(ratio), 100 * (1 - ratio))
