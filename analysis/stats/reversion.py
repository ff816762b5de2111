"""Mean reversion of a valuation ratio (ADF, KPSS, AR(1) half-life) and whether the ratio has
predicted next period's relative return (Stambaugh / Amihud-Hurvich correction). The
long-horizon predictive regression lives in analysis/stats/predictive.py and is re-exported
here as ``gap_predicts_returns``."""

from __future__ import annotations

import html
import math
import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.tools.sm_exceptions import InterpolationWarning
from statsmodels.tsa.ar_model import AutoReg
from statsmodels.tsa.stattools import adfuller, kpss

from analysis.results import ResultBase, StatResult, _jsonable
from analysis.stats._common import (
    check_alpha,
    clean,
    newey_west_lags,
    require,
)
from analysis.stats.predictive import gap_predicts_returns as gap_predicts_returns
from analysis.stats.valuation import ratio_history


def half_life(phi: float) -> float:
    """Periods for a deviation to halve under AR(1) coefficient ``phi``: ln(0.5)/ln(phi).

    ``inf`` for phi >= 1 (no reversion), 0 for phi <= 0 (gone or reversed within one period);
    nondecreasing in phi, so mapping the ends of a CI for phi gives a CI for the half-life.
    """
    if phi >= 1:
        return math.inf
    return 0.0 if phi <= 0 else math.log(0.5) / math.log(phi)


@dataclass(frozen=True, slots=True)
class MeanReversion(ResultBase):
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
    s, _, _ = ratio_history(ratio, None, "ratio", 48, log)
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


def _reduced_bias(x: np.ndarray, r: np.ndarray) -> dict[str, float]:
    """Amihud & Hurvich (2004) reduced-bias predictive regression of r_(t+1) on x_t.

    ``x`` and ``r`` are aligned: r[t] is the return from t-1 to t, so the pairs are
    (x[t], r[t+1]) and (x[t], x[t+1]), t = 0..n-2."""
    xt, x1, y = x[:-1], x[1:], r[1:]
    m = len(y)
    xd = xt - xt.mean()
    sxx = float(xd @ xd)
    # predictor AR(1) by OLS and its Kendall-type bias correction (AH 2004, eq. 10)
    rho = float(xd @ (x1 - x1.mean())) / sxx
    rho_c = min(rho + (1 + 3 * rho) / m + 3 * (1 + 3 * rho) / m**2, 0.9999)
    v = x1 - x1.mean() - rho * xd
    var_rho = float(v @ v) / (m - 2) / sxx
    var_rho_c = (1 + 3 / m + 9 / m**2) ** 2 * var_rho
    v_c = x1 - x1.mean() - rho_c * xd  # corrected AR residuals (mean zero)
    # plain OLS of y on x (Stambaugh-biased)
    yd = y - y.mean()
    beta = float(xd @ yd) / sxx
    u = yd - beta * xd
    se_ols = math.sqrt(float(u @ u) / (m - 2) / sxx)
    # augmented regression y = a + b x + g v_c + e
    X = np.column_stack([np.ones(m), xt, v_c])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    e = y - X @ coef
    cov = float(e @ e) / (m - 3) * np.linalg.inv(X.T @ X)
    b_c, g = float(coef[1]), float(coef[2])
    se_c = math.sqrt(g**2 * var_rho_c + cov[1, 1])
    gamma = float(u @ v) / float(v @ v)
    return {
        "beta_ols": beta,
        "se_ols": se_ols,
        "beta_c": b_c,
        "se_c": se_c,
        "gamma": g,
        "gamma_ols": gamma,
        "rho_ols": rho,
        "rho_c": rho_c,
        "corr_uv": float(u @ v) / math.sqrt(float(u @ u) * float(v @ v)),
        "nobs": m,
    }


def gap_predicts_returns_stambaugh(
    ratio: pd.Series,
    rel_returns: pd.Series,
    *,
    log: bool = True,
    alpha: float = 0.05,
) -> StatResult:
    """Has a low ratio preceded small-cap outperformance next period? Bias-corrected slope.

    Predictive regression r_(t+1) = a + b x_t + u_(t+1) with the predictor x_t (the log ratio)
    following x_(t+1) = c + rho x_t + v_(t+1). When u and v are correlated (returns move the
    ratio), OLS b carries Stambaugh's (1999) bias gamma * E(rho_hat - rho), gamma = cov(u, v) /
    var(v), and its t test is mis-sized (toward the alternative b < 0 when gamma > 0, as for a
    ratio of small-cap to large-cap prices and small-minus-large returns). Correction by the
    augmented regression of Amihud & Hurvich (2004): rho is bias-corrected,
    rho_c = rho_hat + (1 + 3 rho_hat)/n + 3 (1 + 3 rho_hat)/n^2 (Kendall 1954), the corrected
    residuals v_c = x_(t+1) - c_c - rho_c x_t enter the return regression as a second regressor,
    the slope on x_t is the reduced-bias slope, and its standard error adds
    gamma_c^2 var(rho_c) to the augmented regression's. One-period (non-overlapping) returns
    only; for long horizons use ``gap_predicts_returns`` (null bootstrap of the predictive
    system, analysis/stats/predictive.py).

    H0: the slope is zero (the ratio does not predict next period's relative return).
    H1: the slope is negative (a cheaper ratio precedes small-cap outperformance); the p-value is
    one-sided from the normal distribution, the two-sided one is in ``details``.

    Parameters
    ----------
    ratio, rel_returns
        Ratio series and one-period relative log returns on the same calendar (inner-joined);
        ``rel_returns`` at date t is the return from t-1 to t. At least 48 aligned observations.
    log
        Use the log ratio (default).
    alpha
        Level of the confidence interval.

    Returns
    -------
    StatResult
        ``estimate``: reduced-bias slope; ``ci``; ``statistic``: its t; ``pvalue``: one-sided
        (slope < 0); ``details``: OLS slope and t, rho, rho_c, gamma, corr(u, v).

    References
    ----------
    Stambaugh (1999), "Predictive regressions", JFE 54(3); Amihud & Hurvich (2004),
    "Predictive regressions: a reduced-bias estimation method", JFQA 39(4); Kendall (1954).
    """
    check_alpha(alpha)
    frame = pd.concat(
        {"x": clean(ratio, "ratio", 1), "r": clean(rel_returns, "rel_returns", 1)},
        axis=1,
        join="inner",
    )
    require(len(frame), 48, "gap_predicts_returns_stambaugh (aligned)")
    xs, _, _ = ratio_history(frame["x"], None, "ratio", 1, log)
    x = xs.to_numpy()
    if np.ptp(x) == 0:
        raise ValueError("ratio is constant; the predictive regression is undefined")
    f = _reduced_bias(x, frame["r"].to_numpy())
    t = f["beta_c"] / f["se_c"]
    q = sps.norm.ppf(1 - alpha / 2) * f["se_c"]
    t_ols = f["beta_ols"] / f["se_ols"]
    return StatResult(
        name="Valuation gap predicting next period's relative return (bias-corrected)",
        statistic=t,
        pvalue=float(sps.norm.cdf(t)),
        estimate=f["beta_c"],
        ci=(f["beta_c"] - q, f["beta_c"] + q),
        nobs=int(f["nobs"]),
        null_hypothesis="The slope is zero: the ratio does not predict next period's return.",
        alternative_hypothesis="The slope is negative: a cheaper ratio precedes small-cap "
        "outperformance (one-sided p-value).",
        method="Amihud-Hurvich augmented regression: slope on the ratio with the Kendall-"
        "corrected AR(1) residual of the ratio as a second regressor (Stambaugh bias removed); "
        "standard error including the estimation error of the corrected AR coefficient",
        reference="Stambaugh (1999), JFE 54(3); Amihud & Hurvich (2004), JFQA 39(4)",
        ci_level=1 - alpha,
        details={
            "pvalue_two_sided": float(2 * sps.norm.cdf(-abs(t))),
            "slope_ols": f["beta_ols"],
            "se_ols": f["se_ols"],
            "t_ols": t_ols,
            "pvalue_ols": float(sps.norm.cdf(t_ols)),
            "stambaugh_bias": f["beta_ols"] - f["beta_c"],
            "gamma": f["gamma"],
            "rho_ols": f["rho_ols"],
            "rho_corrected": f["rho_c"],
            "corr_uv": f["corr_uv"],
        },
    )
