"""Counts and flows: whether events (deals) became more frequent, and whether a window's flows
were a record.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps
from scipy.special import betaincinv

from analysis.errors import InsufficientDataError
from analysis.results import StatResult
from analysis.stats._common import as_date, check_alpha
from analysis.stats.windows import as_series, iso

PW = (
    "Przyborowski & Wilenski (1940), Biometrika 31(3/4); exact conditional test as in "
    "statsmodels.stats.rates.test_poisson_2indep(method='exact-cond')"
)


def _counts(values: Sequence[float] | pd.Series | np.ndarray, what: str) -> np.ndarray:
    try:
        x = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be counts (numbers), got {values!r}") from exc
    if len(x) == 0:
        raise InsufficientDataError(f"{what} needs at least 1 period, got 0")
    if not np.isfinite(x).all() or (x < 0).any() or (x != np.round(x)).any():
        raise ValueError(f"{what} must be non-negative whole numbers (one count per period)")
    return x


def rate_change(
    recent_counts: Sequence[float] | pd.Series | np.ndarray,
    baseline_counts: Sequence[float] | pd.Series | np.ndarray,
    *,
    alpha: float = 0.05,
    recent_exposure: Sequence[float] | np.ndarray | None = None,
    baseline_exposure: Sequence[float] | np.ndarray | None = None,
) -> StatResult:
    """Test whether events per period were more frequent in the recent window than the baseline.

    H0: the recent rate per period is at most the baseline rate. H1: it is higher.

    Method: the exact conditional test for two Poisson rates. Given the total N = x1 + x2 of
    events in n1 recent and n2 baseline periods, under equal rates the recent count is
    Binomial(N, n1 / (n1 + n2)); the one-sided p-value is ``scipy.stats.binomtest(x1, N, p0,
    alternative="greater")``. The rate ratio's interval maps the exact (Clopper-Pearson)
    interval of the binomial share p to ``p / (1 - p) * n2 / n1``. Exact tests of discrete data
    are conservative (size below alpha). They assume Poisson counts: overdispersion (variance
    above the mean, as with clustered deals) makes them reject too often, so the baseline's
    dispersion index and a chi-square test of Poisson dispersion are reported in ``details``
    (negative binomial counts with variance 3x the mean: 15% rejections at a nominal 5%).

    Parameters
    ----------
    recent_counts, baseline_counts
        Event counts, one per period of equal length (e.g. deals per month).
    alpha
        1 - level of the rate ratio's interval.
    recent_exposure, baseline_exposure
        Each count's period length in periods (default 1 each): a count for part of a period
        (a year "to date") is compared at its own length, never as a whole period. The exact
        test's expected share becomes the recent exposure's share, and the quasi-Poisson GLM
        takes the log exposures as an offset.

    Returns
    -------
    StatResult
        ``estimate``: rate ratio (recent / baseline) with its exact interval; ``statistic``: the
        recent count x1; ``pvalue``: one-sided exact; ``details``: counts, periods, rates,
        dispersion.

    Raises
    ------
    InsufficientDataError
        An empty window, or no events in either window.
    ValueError
        Counts that are negative, fractional or not numbers.

    References
    ----------
    Przyborowski & Wilenski (1940), "Homogeneity of results in testing samples from Poisson
    series", Biometrika 31(3/4), 313-323; Gu, Ng, Tang & Schucany (2008), Biometrical Journal 50.
    """
    check_alpha(alpha)
    recent, base = (
        _counts(recent_counts, "recent_counts"),
        _counts(baseline_counts, "baseline_counts"),
    )
    e1, e2 = _exposure(recent_exposure, recent), _exposure(baseline_exposure, base)
    x1, x2, n1, n2 = int(recent.sum()), int(base.sum()), float(e1.sum()), float(e2.sum())
    total = x1 + x2
    if total == 0:
        raise InsufficientDataError("rate_change needs at least 1 event in either window, got 0")
    p0 = n1 / (n1 + n2)
    test = sps.binomtest(x1, total, p0, alternative="greater")
    # Clopper-Pearson bounds in closed form (what binomtest(...).proportion_ci gives, faster)
    lo = 0.0 if x1 == 0 else float(betaincinv(x1, total - x1 + 1, alpha / 2))
    hi = 1.0 if x1 == total else float(betaincinv(x1 + 1, total - x1, 1 - alpha / 2))

    def ratio(p: float) -> float:
        return math.inf if p >= 1 else p / (1 - p) * n2 / n1

    rate1, rate2 = x1 / n1, x2 / n2
    dispersion, disp_p = math.nan, math.nan
    if len(base) >= 2 and rate2 > 0:  # Pearson dispersion of the baseline at its exposures
        dispersion = float(np.sum((base - rate2 * e2) ** 2 / (rate2 * e2)) / (len(base) - 1))
        disp_p = float(sps.chi2.sf(dispersion * (len(base) - 1), len(base) - 1))
    quasi = _quasi_poisson(recent, base, alpha, np.r_[e1, e2])
    if quasi is not None:
        diagnostics = {"baseline_dispersion_index": dispersion, "dispersion_pvalue": disp_p}
        return replace(quasi, details={**quasi.details, **diagnostics})
    return StatResult(
        name="Event rate, recent against baseline",
        statistic=float(x1),
        pvalue=float(test.pvalue),
        estimate=ratio(x1 / total),
        ci=(ratio(lo), ratio(hi)),
        nobs=len(recent) + len(base),
        null_hypothesis="The recent event rate per period is at most the baseline rate.",
        alternative_hypothesis="The recent event rate per period is higher than the baseline.",
        method=f"Exact conditional binomial test of two Poisson rates: {x1} of {total} events "
        f"against an expected share {p0:.3g} (scipy.stats.binomtest)",
        reference=PW,
        ci_level=1 - alpha,
        details={
            "recent_events": x1,
            "baseline_events": x2,
            "recent_periods": n1,
            "baseline_periods": n2,
            "recent_rate": rate1,
            "baseline_rate": rate2,
            "baseline_dispersion_index": dispersion,
            "dispersion_pvalue": disp_p,
            "note": "Assumes Poisson counts; a dispersion index well above 1 (small "
            "dispersion_pvalue) means the p-value is too small.",
        },
    )


def _exposure(values, counts: np.ndarray) -> np.ndarray:
    if values is None:
        return np.ones(len(counts))
    out = np.asarray(values, dtype=float)
    if out.shape != counts.shape or not np.all(np.isfinite(out) & (out > 0)):
        raise ValueError(f"exposures must be {len(counts)} positive numbers, one per count")
    return out


def _quasi_poisson(
    recent: np.ndarray, base: np.ndarray, alpha: float, exposure: np.ndarray
) -> StatResult | None:
    """The quasi-Poisson test of the rate ratio when the counts are overdispersed (Pearson
    dispersion above 1); ``None`` when they are not, and the exact test stands.

    A Poisson GLM of the per-period counts on an indicator of the recent periods, its standard
    errors scaled by the Pearson dispersion (chi-square over its degrees of freedom), and the
    log rate ratio's t statistic on n - 2 degrees of freedom (McCullagh and Nelder 1989,
    *Generalized Linear Models*, 2nd ed., section 6.2). Calibrated in tests/test_stats_counts.py
    on negative binomial counts with variance up to three times the mean.
    """
    from statsmodels.genmod.families import Poisson
    from statsmodels.genmod.generalized_linear_model import GLM

    y = np.r_[recent, base].astype(float)
    if len(y) < 4 or (recent.sum() == 0) or (base.sum() == 0):
        return None
    x = np.column_stack([np.ones(len(y)), np.r_[np.ones(len(recent)), np.zeros(len(base))]])
    fit = GLM(y, x, family=Poisson(), offset=np.log(exposure)).fit(scale="X2")
    if not fit.scale > 1:
        return None
    df = len(y) - 2
    t = float(fit.params[1] / fit.bse[1])
    q = sps.t.ppf(1 - alpha / 2, df)
    lo, hi = (math.exp(fit.params[1] + s * q * fit.bse[1]) for s in (-1, 1))
    return StatResult(
        name="Event rate, recent against baseline",
        statistic=t,
        pvalue=float(sps.t.sf(t, df)),
        estimate=math.exp(fit.params[1]),
        ci=(lo, hi),
        nobs=len(y),
        null_hypothesis="The recent event rate per period is at most the baseline rate.",
        alternative_hypothesis="The recent event rate per period is higher than the baseline.",
        method=f"Quasi-Poisson GLM (Pearson dispersion {fit.scale:.2f} > 1: overdispersed "
        f"counts), t test of the log rate ratio on {df} degrees of freedom",
        reference="McCullagh and Nelder (1989), Generalized Linear Models, 2nd ed., 6.2",
        ci_level=1 - alpha,
        details={
            "recent_events": int(recent.sum()),
            "baseline_events": int(base.sum()),
            "recent_periods": float(exposure[: len(recent)].sum()),
            "baseline_periods": float(exposure[len(recent) :].sum()),
            "dispersion": float(fit.scale),
        },
    )


def flow_record(flows: pd.Series, *, window_start: Any, window_end: Any) -> StatResult:
    """Whether the flows summed over a window were a record among all earlier windows.

    H0: the window's total is a draw from the same distribution as the totals of every earlier
    window of as many sessions. H1: it is larger. Descriptive ranking with an empirical p-value.

    The window holds the k sessions dated in [window_start, window_end]; it is compared with every
    earlier run of k consecutive sessions that ends before the window starts (overlapping, so
    dependent: the p-value is a description, not an exact test).

    Parameters
    ----------
    flows
        Daily net flows (one number per session) with a DatetimeIndex; to combine several funds,
        sum them first (``frame.sum(axis=1)``).
    window_start, window_end
        The window (inclusive).

    Returns
    -------
    StatResult
        ``statistic`` and ``estimate``: the window's total; ``pvalue``: (c + 1)/(n + 1) with c the
        earlier windows at least as large (the window's own share among all n + 1); ``details``:
        rank (1 = largest), is_record (strictly above every earlier window), the previous record
        and the end of its window, the percentile and the raw share c/n.

    Raises
    ------
    InsufficientDataError
        No session in the window, or fewer than 20 earlier windows.
    ValueError
        Not a Series with a DatetimeIndex (a DataFrame of several funds: sum it first), or bad
        dates.
    """
    if isinstance(flows, pd.DataFrame):
        raise ValueError("flows must be one Series: sum several funds first (frame.sum(axis=1))")
    s = as_series(flows, "flows")
    lo, hi = as_date(window_start, "window_start"), as_date(window_end, "window_end")
    if lo > hi:
        raise ValueError(f"window_start {iso(lo)} is after window_end {iso(hi)}")
    inside = s.loc[lo:hi]
    k = len(inside)
    if k == 0:
        raise InsufficientDataError(f"no flows between {iso(lo)} and {iso(hi)}")
    total = float(inside.sum())
    earlier = s.loc[s.index < inside.index[0]].rolling(k).sum().dropna()
    n = len(earlier)
    if n < 20:
        raise InsufficientDataError(
            f"a flow record over {k} sessions needs at least 20 earlier windows "
            f"({k + 19} sessions before {iso(inside.index[0])}), got {n}"
        )
    values = earlier.to_numpy()
    c = int((values >= total).sum())
    best = earlier.idxmax()
    return StatResult(
        name=f"Flows over {k} sessions, {iso(inside.index[0])} to {iso(inside.index[-1])}",
        statistic=total,
        pvalue=(c + 1) / (n + 1),
        estimate=total,
        ci=None,
        nobs=n,
        null_hypothesis=f"The window's total is like those of earlier {k}-session windows.",
        alternative_hypothesis=f"The window's total is larger than earlier {k}-session windows'.",
        method=f"Rank among {n} earlier overlapping {k}-session sums; empirical p-value "
        "(c + 1)/(n + 1)",
        reference="Davison & Hinkley (1997), Bootstrap Methods, sec. 4.2 (Monte Carlo p-values)",
        details={
            "sessions": k,
            "rank": c + 1,
            "is_record": bool(total > values.max()),
            "previous_record": float(values.max()),
            "previous_record_window_end": iso(best),
            "percentile": float(sps.percentileofscore(values, total, kind="mean")),
            "share_at_least": c / n,
            "note": "Earlier windows overlap, so they are dependent: the p-value describes.",
        },
    )
