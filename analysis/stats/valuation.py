"""Valuation gap between two P/E series: where the ratio stands, whether it differs from its
long-run mean, whether it reverts, and whether it has predicted relative returns.

Input: a ratio series (small-cap forward P/E / large-cap forward P/E), monthly, as a pandas Series
with a DatetimeIndex. Means and slopes use autocorrelation-robust (HAR) errors: by default the
equal-weighted cosine (EWC) estimator with a Student-t reference, which keeps close to its nominal
size on persistent data where Newey-West with the automatic lag over-rejects (measured in
``tests/test_stats_valuation.py``); Newey-West through statsmodels is ``kernel="bartlett"``.
"""

from __future__ import annotations

import html
import math
import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats as sps
from statsmodels.tools.sm_exceptions import InterpolationWarning
from statsmodels.tsa.ar_model import AutoReg
from statsmodels.tsa.stattools import adfuller, kpss

from analysis.results import StatResult, _jsonable
from analysis.stats._common import (
    check_alpha,
    choice,
    clean,
    newey_west_lags,
    positive_int,
    require,
)

LLSW = (
    "Lazarus, Lewis, Stock & Watson (2018), 'HAR inference: recommendations for practice', "
    "JBES 36(4); Sun (2013), Econometrics Journal 16(1)"
)
NW = "Newey & West (1987), Econometrica 55(3); statsmodels OLS.fit(cov_type='HAC')"


@dataclass(frozen=True, slots=True)
class HacFit:
    """OLS coefficients with HAR standard errors and the reference distribution of t."""

    params: np.ndarray
    bse: np.ndarray
    df: float  # degrees of freedom of the t reference; inf means standard normal
    lags: int
    method: str
    reference: str

    def _cdf(self, q: float) -> float:
        return float(sps.norm.cdf(q) if math.isinf(self.df) else sps.t.cdf(q, self.df))

    def test(self, i: int, value: float = 0.0, side: str = "two-sided") -> tuple[float, float]:
        """t statistic and p-value for coefficient ``i`` = ``value`` (side: two-sided/less)."""
        t = float((self.params[i] - value) / self.bse[i])
        return t, 2 * self._cdf(-abs(t)) if side == "two-sided" else self._cdf(t)

    def ci(self, i: int, alpha: float) -> tuple[float, float]:
        z = (
            sps.norm.ppf(1 - alpha / 2)
            if math.isinf(self.df)
            else sps.t.ppf(1 - alpha / 2, self.df)
        )
        q = float(z) * self.bse[i]
        return float(self.params[i] - q), float(self.params[i] + q)


def hac_ols(
    y: np.ndarray, X: np.ndarray, *, kernel: str = "ewc", lags: int | None = None
) -> HacFit:
    """OLS with autocorrelation-robust errors.

    ``kernel="ewc"``: equal-weighted cosine estimator for deterministic regressors (a constant, a
    trend): the residuals are projected on B cosines made orthogonal to the columns of ``X``
    (for a constant alone these are the plain cosines of LLSW 2018), the long-run variance is
    the mean of the B squared projections, and t has a t(B) reference, exact under fixed-B
    asymptotics; B = ``lags``, default floor(0.4 n^(2/3)). ``kernel="bartlett"``: Newey-West by
    statsmodels with ``lags`` (default ``newey_west_lags(n)``) and a normal reference; use it for
    stochastic regressors.
    """
    choice(kernel, "kernel", ("ewc", "bartlett"))
    n = len(y)
    if lags is not None:
        positive_int(lags, "lags")
        if lags >= n // 2:
            raise ValueError(f"lags must be below n/2 = {n // 2}, got {lags}")
    if kernel == "bartlett":
        lag = newey_west_lags(n) if lags is None else lags
        res = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": lag})
        return HacFit(res.params, res.bse, math.inf, lag, f"OLS, Newey-West errors, {lag} lags", NW)
    b = max(2, math.floor(0.4 * n ** (2 / 3))) if lags is None else lags
    res = sm.OLS(y, X).fit()
    cosines = np.sqrt(2 / n) * np.cos(
        np.pi * np.outer((np.arange(n) + 0.5) / n, np.arange(1, b + 1))
    )
    basis, _ = np.linalg.qr(cosines - X @ np.linalg.lstsq(X, cosines, rcond=None)[0])
    omega = float(np.mean((res.resid @ basis) ** 2))  # long-run variance of the errors
    cov = omega * np.linalg.inv(X.T @ X)
    method = f"OLS, equal-weighted cosine HAR errors, B = {b} cosines, t({b}) reference"
    return HacFit(res.params, np.sqrt(np.diag(cov)), float(b), b, method, LLSW)


def _history(
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
def half_life(phi: float) -> float:
    """Periods for a deviation to halve under AR(1) coefficient ``phi``: ln(0.5)/ln(phi).

    ``inf`` for phi >= 1 (no reversion), 0 for phi <= 0 (gone or reversed within one period);
    nondecreasing in phi, so mapping the ends of a CI for phi gives a CI for the half-life.
    """
    if phi >= 1:
        return math.inf
    return 0.0 if phi <= 0 else math.log(0.5) / math.log(phi)


@dataclass(frozen=True, slots=True)
class MeanReversion:
    """ADF, KPSS and AR(1) on the (log) ratio, the half-life with its interval, and a reading."""

    adf: StatResult
    kpss: StatResult
    ar1: StatResult
    half_life: float
    half_life_ci: tuple[float, float]
    unit: str
    interpretation: Literal["stationary", "unit root", "conflicting", "inconclusive"]
    explanation: str

    def summary(self) -> str:
        lo, hi = self.half_life_ci
        return (
            f"{self.interpretation}: {self.explanation} AR(1) half-life {self.half_life:.3g} "
            f"{self.unit} ({self.ar1.ci_level:.0%} CI {lo:.3g} to {hi:.3g})."
        )

    def _repr_html_(self) -> str:
        head = f"<p><strong>Mean reversion</strong>: {html.escape(self.summary())}</p>"
        return head + "".join(r._repr_html_() for r in (self.adf, self.kpss, self.ar1))

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {
                "adf": self.adf.to_dict(),
                "kpss": self.kpss.to_dict(),
                "ar1": self.ar1.to_dict(),
                "half_life": self.half_life,
                "half_life_ci": self.half_life_ci,
                "unit": self.unit,
                "interpretation": self.interpretation,
                "explanation": self.explanation,
            }
        )


@dataclass(frozen=True, slots=True)
class PointGap:
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
    s, value, when = _history(ratio, current, "ratio", 36, log=False)
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
    is distinguishable from today's level; whether today is unusual is ``relative_percentile``.

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
    s, c, when = _history(ratio, current, "ratio", 36, log)
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


def mean_reversion(ratio: pd.Series, *, log: bool = True, alpha: float = 0.05) -> MeanReversion:
    """Does the (log) ratio revert to a mean? ADF, KPSS and the AR(1) half-life.

    ADF: H0 the series has a unit root, H1 it is stationary (``adfuller``, constant, lag by AIC).
    KPSS: H0 the series is level-stationary, H1 it has a unit root (``kpss``, constant, lags
    ``"legacy"`` = int(12 (n/100)^(1/4)); statsmodels reports p-values only within [0.01, 0.10],
    flagged in ``details``). AR(1): x_t = c + phi x_(t-1) + e_t by ``AutoReg`` with Newey-West
    errors; an interval estimate, not a test. The half-life ln(0.5)/ln(phi) and its interval come
    from mapping the ends of the phi interval (exact coverage, since the map is monotone; no delta
    method). OLS phi is biased down by about (1 + 3 phi)/n (Kendall 1954), shortening the
    half-life; ``details["phi_bias_corrected"]`` shows the corrected value.

    Parameters
    ----------
    ratio
        Positive ratio series, at least 48 observations.
    log
        Work on the log ratio (default).
    alpha
        Level of the tests and of the intervals.

    Returns
    -------
    MeanReversion
        ``adf``, ``kpss``, ``ar1`` (StatResults), ``half_life`` and ``half_life_ci`` in periods
        (``unit``), and ``interpretation``: "stationary" (ADF rejects, KPSS does not), "unit root"
        (KPSS rejects, ADF does not), "conflicting" (both reject) or "inconclusive" (neither).

    Raises
    ------
    InsufficientDataError
        Fewer than 48 observations.
    ValueError
        Non-positive ratio with ``log=True``, or a bad ``alpha``.

    References
    ----------
    Dickey & Fuller (1979); Kwiatkowski, Phillips, Schmidt & Shin (1992); statsmodels
    ``tsa.stattools.adfuller``, ``kpss`` and ``tsa.ar_model.AutoReg`` documentation.

    Examples
    --------
    >>> mean_reversion(ratio).interpretation  # doctest: +SKIP
    """
    check_alpha(alpha)
    s, _, _ = _history(ratio, None, "ratio", 48, log)
    x, n = s.to_numpy(), len(s)
    if np.ptp(x) == 0:
        raise ValueError("ratio is constant; mean reversion is undefined")
    adf_r = adfuller(x, regression="c", autolag="AIC", result_object=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InterpolationWarning)
        kp_r = kpss(x, regression="c", nlags="legacy", result_object=True)
    bounded = any(issubclass(w.category, InterpolationWarning) for w in caught)
    lag = newey_west_lags(n)
    ar = AutoReg(x, lags=1, trend="c").fit(cov_type="HAC", cov_kwds={"maxlags": lag})
    phi, (lo, hi) = float(ar.params[1]), tuple(float(v) for v in ar.conf_int(alpha)[1])
    scale = "log ratio" if log else "ratio"
    ref = "statsmodels.tsa.stattools documentation"
    adf = StatResult(
        name="Augmented Dickey-Fuller test",
        statistic=float(adf_r.statistic),
        pvalue=float(adf_r.pvalue),
        estimate=None,
        ci=None,
        nobs=int(adf_r.nobs),
        null_hypothesis=f"The {scale} has a unit root (no mean reversion).",
        alternative_hypothesis=f"The {scale} is stationary (mean-reverting).",
        method=f"ADF with constant, {adf_r.lags} lags chosen by AIC",
        reference=f"Dickey & Fuller (1979); {ref}",
        details={f"critical_{k}": v for k, v in adf_r.critical_values.items()},
    )
    kp = StatResult(
        name="KPSS test",
        statistic=float(kp_r.statistic),
        pvalue=float(kp_r.pvalue),
        estimate=None,
        ci=None,
        nobs=n,
        null_hypothesis=f"The {scale} is level-stationary.",
        alternative_hypothesis=f"The {scale} has a unit root.",
        method=f"KPSS with constant, {kp_r.lags} Bartlett lags (legacy rule)",
        reference=f"Kwiatkowski, Phillips, Schmidt & Shin (1992); {ref}",
        details={"pvalue_is_table_bound": bounded}
        | {f"critical_{k}": v for k, v in kp_r.critical_values.items()},
    )
    hl, hl_ci = half_life(phi), (half_life(lo), half_life(hi))
    ar1 = StatResult(
        name="AR(1) coefficient (persistence)",
        statistic=phi,
        pvalue=math.nan,
        estimate=phi,
        ci=(lo, hi),
        nobs=n - 1,
        null_hypothesis="None: an interval estimate, not a test (the unit-root test is the ADF).",
        alternative_hypothesis="None.",
        method=f"AutoReg(1) with constant, Newey-West errors ({lag} lags); the half-life "
        "interval maps the ends of the phi interval",
        reference="statsmodels.tsa.ar_model.AutoReg documentation",
        ci_level=1 - alpha,
        details={
            "half_life": hl,
            "half_life_low": hl_ci[0],
            "half_life_high": hl_ci[1],
            "phi_bias_corrected": phi + (1 + 3 * phi) / n,
        },
    )
    a, k = adf_r.pvalue < alpha, kp_r.pvalue < alpha
    reading, why = {
        (True, False): ("stationary", "ADF rejects a unit root and KPSS does not reject."),
        (False, True): ("unit root", "KPSS rejects stationarity and ADF does not reject."),
        (True, True): ("conflicting", "both ADF and KPSS reject their nulls."),
        (False, False): ("inconclusive", "neither ADF nor KPSS rejects: the data cannot tell."),
    }[(bool(a), bool(k))]
    unit_name = "periods"
    if isinstance(s.index, pd.DatetimeIndex):  # name the period by the median spacing in days
        days = float(np.median((s.index[1:] - s.index[:-1]).total_seconds())) / 86_400
        steps = {"days": 1, "weeks": 7, "months": 30.4, "quarters": 91.3, "years": 365.25}
        unit_name = next((k for k, v in steps.items() if abs(days - v) <= 0.1 * v), "periods")
    return MeanReversion(adf, kp, ar1, hl, hl_ci, unit_name, reading, why)  # type: ignore[arg-type]


def gap_predicts_returns(
    ratio: pd.Series,
    rel_returns: pd.Series,
    *,
    horizon: int = 12,
    log: bool = True,
    cov: Literal["hodrick", "newey-west"] = "hodrick",
    lags: int | None = None,
    alpha: float = 0.05,
) -> StatResult:
    """Has a low ratio been followed by small-cap outperformance over the next ``horizon``?

    Regression of y_t = r_(t+1) + ... + r_(t+h) (small minus large log returns) on the log ratio
    at t. H0: the slope is zero. H1: the slope is negative (cheap small caps precede relative
    outperformance); the p-value is one-sided. Overlapping horizons make y_t serially correlated:
    ``cov="hodrick"`` (default) uses Hodrick's (1992) 1B errors, which rewrite the score as a sum
    of one-period returns and hold their size; ``"newey-west"`` uses statsmodels HAC with
    ``max(horizon, newey_west_lags(n))`` lags (over-rejects with a persistent ratio; both are in
    ``details``). With ratio shocks correlated with returns the slope carries Stambaugh (1999)
    small-sample bias toward the alternative.

    Parameters
    ----------
    ratio, rel_returns
        Ratio series and one-period relative log returns on the same calendar (inner-joined on the
        index); at least 36 + ``horizon`` aligned observations.
    horizon
        Periods ahead, >= 1.
    log
        Use the log ratio (default).
    cov : {"hodrick", "newey-west"}
        Standard errors for the reported p-value and CI.
    lags
        Newey-West lags (default max(horizon, newey_west_lags(n))).
    alpha
        Level of the confidence interval.

    Returns
    -------
    StatResult
        ``estimate``: slope; ``ci``; ``statistic``: t; ``pvalue``: one-sided (slope < 0).

    Raises
    ------
    InsufficientDataError
        Too few aligned observations.
    ValueError
        Bad ``horizon``, ``cov``, ``lags``, ``alpha`` or a non-positive ratio.

    References
    ----------
    Hodrick (1992), RFS 5(3); Newey & West (1987); Stambaugh (1999), JFE 54(3).

    Examples
    --------
    >>> gap_predicts_returns(ratio, small_minus_large, horizon=12).pvalue  # doctest: +SKIP
    """
    h = positive_int(horizon, "horizon")
    choice(cov, "cov", ("hodrick", "newey-west"))
    check_alpha(alpha)
    frame = pd.concat(
        {"x": clean(ratio, "ratio", 1), "r": clean(rel_returns, "rel_returns", 1)},
        axis=1,
        join="inner",
    )
    require(len(frame), 36 + h, f"gap_predicts_returns with horizon {h} (aligned)")
    xs, _, _ = _history(frame["x"], None, "ratio", 1, log)
    r = frame["r"].to_numpy()
    n, m = len(r), len(r) - h
    csum = np.concatenate([[0.0], np.cumsum(r)])
    y = csum[1 + h : n + 1] - csum[1 : m + 1]  # y_t = r_(t+1) + ... + r_(t+h), t < m
    x = xs.to_numpy()[:m]
    X = sm.add_constant(x)
    nw = hac_ols(y, X, kernel="bartlett", lags=max(h, newey_west_lags(m)) if lags is None else lags)
    xd = x - x.mean()
    eps = r[1:] - r[1:].mean()  # one-period returns under H0
    cx = np.concatenate([[0.0], np.cumsum(xd)])
    s_idx = np.arange(1, n)
    x_sum = cx[np.minimum(s_idx, m)] - cx[np.maximum(0, s_idx - h)]
    se_h = math.sqrt(float((eps**2 * x_sum**2).sum())) / float((xd**2).sum())
    slope = float(nw.params[1])
    se = se_h if cov == "hodrick" else float(nw.bse[1])
    t = slope / se
    q = sps.norm.ppf(1 - alpha / 2) * se
    how = (
        f"OLS of the {h}-period forward relative return on the ratio, Hodrick (1992) 1B errors"
        if cov == "hodrick"
        else f"{nw.method}, overlapping {h}-period returns"
    )
    return StatResult(
        name=f"Valuation gap predicting the next {h} periods' relative return",
        statistic=t,
        pvalue=float(sps.norm.cdf(t)),
        estimate=slope,
        ci=(slope - q, slope + q),
        nobs=m,
        null_hypothesis=f"The slope is zero: the ratio does not predict the {h}-period return.",
        alternative_hypothesis="The slope is negative: a cheaper ratio precedes small-cap "
        "outperformance (one-sided p-value).",
        method=how,
        reference="Hodrick (1992), RFS 5(3)" if cov == "hodrick" else NW,
        ci_level=1 - alpha,
        details={
            "horizon": h,
            "intercept": float(nw.params[0]),
            "se_hodrick": se_h,
            "pvalue_hodrick": float(sps.norm.cdf(slope / se_h)),
            "se_newey_west": float(nw.bse[1]),
            "pvalue_newey_west": nw.test(1, side="less")[1],
            "newey_west_lags": nw.lags,
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
