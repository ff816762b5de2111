"""Unit-root and stationarity tests that hold their size on persistent ratios: DF-GLS (Elliott,
Rothenberg and Stock 1996) beside ADF, and KPSS referred to a sieve bootstrap under the
stationary null (the table critical values rejected 16-55% of stationary AR(1) ratios at phi
0.90-0.98). Calibrated in tests/test_stats_reversion.py."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pandas as pd

from analysis.results import StatResult
from analysis.stats._common import (
    choice,
    positive_int,
)
from analysis.stats.valuation import ratio_history

ERS_TABLE = (
    "Elliott, Rothenberg & Stock (1996), Econometrica 64(4), Table I, constant case (the "
    "Dickey-Fuller no-constant distribution; Fuller 1976 Table 8.5.2)"
)
# asymptotic critical values of the DF-GLS t statistic with a constant (ERS 1996, Table I)
DFGLS_CRITICAL = {"1%": -2.58, "5%": -1.95, "10%": -1.62}
DFGLS_CBAR = -7.0
# Share of Kendall's (1 + 3 rho)/n bias correction applied to the sieve's persistence in
# ``kpss_bootstrap``. None (the OLS plug-in) over-rejects (10% at phi 0.98, n 120: rho-hat is
# biased down, so the bootstrap paths are too little persistent); all of it under-rejects
# (1.5-3% at n 240-360: in samples that look persistent both the statistic and the corrected
# critical value are high). Half keeps the size within 3.7-6.7% over phi 0.90-0.98 and
# n 120-360 (our simulation, 300 replications a cell, seed 3; tests/test_stats_reversion.py
# checks it on other seeds).
KPSS_BIAS_WEIGHT = 0.5


def _ic_lag_max(n: int) -> int:
    """Schwert's (1989) maximum lag, int(12 (n/100)^(1/4))."""
    return int(12 * (n / 100) ** 0.25)


def _gls_demean(y: np.ndarray, cbar: float = DFGLS_CBAR) -> np.ndarray:
    """ERS (1996) GLS demeaning: quasi-difference y and the constant with a = 1 + cbar/n,
    estimate the mean by OLS on the quasi-differences, and subtract it from y."""
    n = len(y)
    a = 1 + cbar / n
    yd = np.concatenate([[y[0]], y[1:] - a * y[:-1]])
    zd = np.concatenate([[1.0], np.full(n - 1, 1 - a)])
    return y - float(zd @ yd) / float(zd @ zd)


def _adf_no_const(y: np.ndarray, k: int, start: int) -> tuple[float, float, float, float]:
    """ADF regression without deterministic terms on ``y``, ``k`` lagged differences, the sample
    starting at difference ``start`` (>= k): (t of rho, rho, RSS, sum of y_(t-1)^2)."""
    dy = np.diff(y)
    rows = np.arange(start, len(dy))
    X = np.column_stack([y[rows]] + [dy[rows - j] for j in range(1, k + 1)])
    z = dy[rows]
    beta, *_ = np.linalg.lstsq(X, z, rcond=None)
    resid = z - X @ beta
    rss = float(resid @ resid)
    s2 = rss / (len(z) - X.shape[1])
    cov = s2 * np.linalg.inv(X.T @ X)
    return float(beta[0] / math.sqrt(cov[0, 0])), float(beta[0]), rss, float(X[:, 0] @ X[:, 0])


def _dfgls(
    y: np.ndarray, max_lags: int | None = None, rule: str = "maic"
) -> tuple[float, int, int]:
    """DF-GLS t statistic, the lag chosen and the maximum lag searched.

    Lags by the modified AIC of Ng & Perron (2001) (``rule="maic"``) or by BIC, over
    0..max_lags on a common sample of the OLS-demeaned series (Perron & Qu 2007: MAIC on the
    GLS-demeaned series picks very long lags, and loses most power, when the series is far from
    a unit root), then the test regression on the GLS-demeaned series with the chosen lag, on
    its full sample."""
    y = np.asarray(y, dtype=float)
    yt = _gls_demean(y)
    yo = y - y.mean()  # lags are chosen on the OLS-demeaned series (Perron & Qu 2007)
    n = len(yt)
    kmax = _ic_lag_max(n) if max_lags is None else max_lags
    m = n - 1 - kmax  # common sample size
    best, best_k = math.inf, 0
    for k in range(kmax + 1):
        _, rho, rss, syy = _adf_no_const(yo, k, kmax)
        s2 = rss / m
        if rule == "maic":
            ic = math.log(s2) + 2 * (rho**2 * syy / s2 + k) / m
        else:
            ic = math.log(s2) + k * math.log(m) / m
        if ic < best:
            best, best_k = ic, k
    t, *_ = _adf_no_const(yt, best_k, best_k)
    return t, best_k, kmax


def _dfgls_pvalue(t: float) -> float:
    from statsmodels.tsa.adfvalues import mackinnonp

    return float(mackinnonp(t, regression="n", N=1))


def _scale_name(log: bool) -> str:
    return "log ratio" if log else "ratio"


def dfgls_test(
    ratio: pd.Series,
    *,
    log: bool = True,
    max_lags: int | None = None,
    lag_rule: Literal["maic", "bic"] = "maic",
) -> StatResult:
    """DF-GLS unit-root test of Elliott, Rothenberg & Stock (1996), constant case.

    H0: the (log) ratio has a unit root (no mean reversion). H1: it is stationary
    (mean-reverting). The series is GLS-demeaned (quasi-differences with c-bar = -7, so
    a = 1 - 7/n), then an ADF regression without deterministic terms is run on the demeaned
    series with lags chosen by the modified AIC of Ng & Perron (2001) (or BIC) up to
    int(12 (n/100)^(1/4)), computed on the OLS-demeaned series as Perron & Qu (2007) advise.
    The t statistic on the lagged level has, asymptotically, the
    Dickey-Fuller distribution without a constant: critical values -2.58, -1.95, -1.62 at 1%, 5%,
    10% (ERS 1996, Table I); the p-value is MacKinnon's (1994/2010) response surface for that
    distribution (``statsmodels.tsa.adfvalues.mackinnonp(regression="n")``). Size at 5% in our
    calibration (random walks, 400 replications): 6.2%, 4.0%, 4.5% at n = 120, 240, 360. Power is
    not uniformly above ADF's: with a stationary start DF-GLS gains near the unit root in short
    samples (phi 0.95: 20% vs 18% at n 120, 49% vs 46% at n 240) but loses at phi 0.90 for
    n >= 240 (77% vs 91%, 87% vs 99%); GLS demeaning is known to suffer from a large initial
    deviation (Mueller & Elliott 2003), and far from a unit root (phi ~ 0.5) MAIC can pick long
    lags; ``lag_rule="bic"`` avoids the latter at the cost of a slightly larger size in short
    samples. Read it beside ADF, not instead of it.

    Parameters
    ----------
    ratio
        Positive ratio series, at least 48 observations.
    log
        Work on the log ratio (default).
    max_lags
        Largest lag searched (default int(12 (n/100)^(1/4))).
    lag_rule : {"maic", "bic"}
        Lag selection.

    Returns
    -------
    StatResult
        ``statistic``: the DF-GLS t; ``pvalue``: left tail; ``details``: lags, critical values.

    References
    ----------
    Elliott, Rothenberg & Stock (1996), Econometrica 64(4); Ng & Perron (2001), Econometrica
    69(6); Perron & Qu (2007), Economics Letters 94(1); MacKinnon (2010), Queen's Economics
    Department WP 1227.
    """
    choice(lag_rule, "lag_rule", ("maic", "bic"))
    s, _, _ = ratio_history(ratio, None, "ratio", 48, log)
    x = s.to_numpy()
    if np.ptp(x) == 0:
        raise ValueError("ratio is constant; a unit-root test is undefined")
    if max_lags is not None:
        positive_int(max_lags, "max_lags", 0)
        if max_lags >= len(x) // 4:
            raise ValueError(f"max_lags must be below n/4 = {len(x) // 4}, got {max_lags}")
    t, k, kmax = _dfgls(x, max_lags, lag_rule)
    scale = _scale_name(log)
    return StatResult(
        name="DF-GLS unit-root test",
        statistic=t,
        pvalue=_dfgls_pvalue(t),
        estimate=None,
        ci=None,
        nobs=len(x) - 1 - k,
        null_hypothesis=f"The {scale} has a unit root (no mean reversion).",
        alternative_hypothesis=f"The {scale} is stationary (mean-reverting).",
        method=f"DF-GLS with constant (GLS demeaning, c-bar = {DFGLS_CBAR:g}), {k} lags by "
        f"{lag_rule.upper()} on the OLS-demeaned series (max {kmax}); p-value from the "
        "Dickey-Fuller no-constant distribution (MacKinnon response surface)",
        reference=f"Elliott, Rothenberg & Stock (1996), Econometrica 64(4); {ERS_TABLE}",
        details={"lags": k, "max_lags": kmax, "lag_rule": lag_rule, "cbar": DFGLS_CBAR}
        | {f"critical_{q}": v for q, v in DFGLS_CRITICAL.items()},
    )


def _kpss_stats(x: np.ndarray, lags: int) -> np.ndarray:
    """KPSS level-stationarity statistic for each row of ``x`` (Bartlett long-run variance)."""
    x = np.atleast_2d(np.asarray(x, dtype=float))
    n = x.shape[1]
    e = x - x.mean(axis=1, keepdims=True)
    eta = (np.cumsum(e, axis=1) ** 2).sum(axis=1) / n**2
    lrv = (e * e).sum(axis=1) / n
    for j in range(1, lags + 1):
        lrv += 2 * (1 - j / (lags + 1)) * (e[:, j:] * e[:, :-j]).sum(axis=1) / n
    return eta / lrv


def _fit_sieve(x: np.ndarray, pmax: int) -> tuple[np.ndarray, float, np.ndarray, int, float]:
    """AR(p) by OLS in ADF form, p by AIC over 1..pmax on a common sample, then the sum of the
    AR coefficients rho raised by ``KPSS_BIAS_WEIGHT`` times Kendall's (1954) bias (1 + 3 rho)/n
    and capped at 1 - 1/n (the null is stationarity). Returns (AR coefficients, intercept,
    centred residuals, p, corrected rho)."""
    n = len(x)
    dx = np.diff(x)

    def design(p: int, start: int) -> tuple[np.ndarray, np.ndarray]:
        t = np.arange(start, n)  # targets x_t, t >= start >= p
        cols = [np.ones(len(t)), x[t - 1]] + [dx[t - 1 - j] for j in range(1, p)]
        return np.column_stack(cols), x[t]

    best, best_p = math.inf, 1
    for p in range(1, pmax + 1):
        X, z = design(p, pmax)
        beta, *_ = np.linalg.lstsq(X, z, rcond=None)
        rss = float(((z - X @ beta) ** 2).sum())
        aic = len(z) * math.log(rss / len(z)) + 2 * (p + 1)
        if aic < best:
            best, best_p = aic, p
    X, z = design(best_p, best_p)
    beta, *_ = np.linalg.lstsq(X, z, rcond=None)
    rho = float(beta[1])
    rho_c = min(rho + KPSS_BIAS_WEIGHT * (1 + 3 * rho) / n, 1 - 1 / n)
    g = beta[2:]
    a = np.empty(best_p)  # AR form: a_1 = rho + g_1, a_j = g_j - g_(j-1), a_p = -g_(p-1)
    if best_p == 1:
        a[0] = rho_c
    else:
        a[0] = rho_c + g[0]
        a[1:-1] = g[1:] - g[:-1]
        a[-1] = -g[-1]
    roots = np.abs(np.roots(np.concatenate([[1.0], -a])))
    if roots.max() >= 1:  # the corrected sieve is not stationary: fall back to an AR(1)
        a, best_p = np.array([rho_c]), 1
    resid = z - X @ beta
    return a, float(beta[0]), resid - resid.mean(), best_p, rho_c


def _simulate_ar(
    a: np.ndarray, resid: np.ndarray, n: int, reps: int, rng: np.random.Generator
) -> np.ndarray:
    """``reps`` paths of length ``n`` from a zero-mean AR(p) with i.i.d. resampled residuals;
    the burn-in (at least 5 half-lives of the largest root) makes the start immaterial."""
    p = len(a)
    root = float(np.abs(np.roots(np.concatenate([[1.0], -a]))).max()) if p > 1 else abs(a[0])
    burn = int(min(5000, max(200, 5 * math.log(0.5) / math.log(max(root, 1e-3)))))
    e = rng.choice(resid, size=(reps, n + burn + p), replace=True)
    out = np.zeros_like(e)
    rev = a[::-1]
    for t in range(p, n + burn + p):
        out[:, t] = out[:, t - p : t] @ rev + e[:, t]
    return out[:, -n:]


def _kpss_boot(
    x: np.ndarray, lags: int, n_boot: int, rng: np.random.Generator, pmax: int | None = None
) -> tuple[float, float, np.ndarray, int, float]:
    """KPSS statistic, its sieve-bootstrap p-value and distribution, the sieve order and rho."""
    n = len(x)
    stat = float(_kpss_stats(x, lags)[0])
    pm = max(1, int(4 * (n / 100) ** 0.25)) if pmax is None else pmax
    a, _, resid, p, rho_c = _fit_sieve(np.asarray(x, dtype=float), pm)
    boot = _kpss_stats(_simulate_ar(a, resid, n, n_boot, rng), lags)
    pvalue = (1 + int((boot >= stat).sum())) / (n_boot + 1)
    return stat, pvalue, boot, p, rho_c


def kpss_bootstrap(
    ratio: pd.Series,
    *,
    log: bool = True,
    lags: int | None = None,
    n_boot: int = 999,
    seed: int = 0,
) -> StatResult:
    """KPSS stationarity test with a sieve (AR) bootstrap critical value and p-value.

    H0: the (log) ratio is level-stationary (it reverts to a fixed mean). H1: it has a unit
    root. The KPSS statistic (constant, Bartlett long-run variance with ``lags``, default the
    legacy int(12 (n/100)^(1/4)) of ``mean_reversion``) is referred not to the asymptotic table,
    which treats a persistent stationary series as a unit root (16-55% rejections at phi
    0.90-0.98 in our calibration), but to its distribution under a stationary AR(p) fitted to the
    series: p by AIC up to int(4 (n/100)^(1/4)), the sum of the AR coefficients rho raised by
    half of Kendall's bias (1 + 3 rho)/n (``KPSS_BIAS_WEIGHT``, a compromise found by
    simulation: none over-rejects, all of it under-rejects) and capped at 1 - 1/n, residuals
    resampled i.i.d.
    (Paparoditis & Politis 2003 style sieve bootstrap under the null). The p-value is
    (1 + #{bootstrap statistic >= observed}) / (n_boot + 1); the 5% critical value is the 95%
    bootstrap quantile.

    Parameters
    ----------
    ratio
        Positive ratio series, at least 48 observations.
    log
        Work on the log ratio (default).
    lags
        Bartlett lags of the long-run variance.
    n_boot
        Bootstrap paths, >= 99.
    seed
        Seed of the bootstrap (results are reproducible).

    Returns
    -------
    StatResult
        ``statistic``: KPSS; ``pvalue``: bootstrap; ``details``: bootstrap critical values,
        the sieve order and its corrected persistence, the table p-value bounds for comparison.

    References
    ----------
    Kwiatkowski, Phillips, Schmidt & Shin (1992), J. Econometrics 54; Paparoditis & Politis
    (2003), "Residual-based block bootstrap for unit root testing", Econometrica 71(3) (sieve
    variant); Kendall (1954), Biometrika 41.
    """
    positive_int(n_boot, "n_boot", 99)
    positive_int(seed, "seed", 0)
    s, _, _ = ratio_history(ratio, None, "ratio", 48, log)
    x = s.to_numpy()
    n = len(x)
    if np.ptp(x) == 0:
        raise ValueError("ratio is constant; a stationarity test is undefined")
    lag = int(12 * (n / 100) ** 0.25) if lags is None else positive_int(lags, "lags")
    if lag >= n // 2:
        raise ValueError(f"lags must be below n/2 = {n // 2}, got {lag}")
    stat, pvalue, boot, p, rho_c = _kpss_boot(x, lag, n_boot, np.random.default_rng(seed))
    crit = {q: float(np.quantile(boot, 1 - float(q[:-1]) / 100)) for q in ("10%", "5%", "1%")}
    return kpss_result(
        "sieve-bootstrap",
        stat,
        pvalue,
        n,
        log,
        method=f"KPSS with constant, {lag} Bartlett lags; p-value from {n_boot} sieve-bootstrap "
        f"paths of a stationary AR({p}) with half-Kendall-corrected persistence {rho_c:.3f}",
        reference="sieve bootstrap under the stationary null (Paparoditis & Politis 2003); "
        "Kendall (1954)",
        details={"lags": lag, "n_boot": n_boot, "seed": seed, "sieve_order": p}
        | {"sieve_rho_corrected": rho_c}
        | {f"critical_{q}": v for q, v in crit.items()},
    )


def kpss_result(
    how: str, stat: float, pvalue: float, n: int, log: bool, *, method: str, reference: str,
    details: dict,
) -> StatResult:  # fmt: skip
    """A KPSS test's result, whichever its critical values (``how``): H0 level-stationary,
    H1 a unit root."""
    scale = _scale_name(log)
    return StatResult(
        name=f"KPSS test, {how} critical values",
        statistic=stat,
        pvalue=pvalue,
        estimate=None,
        ci=None,
        nobs=n,
        null_hypothesis=f"The {scale} is level-stationary (reverts to a fixed mean).",
        alternative_hypothesis=f"The {scale} has a unit root.",
        method=method,
        reference=f"Kwiatkowski, Phillips, Schmidt & Shin (1992); {reference}",
        details=details,
    )


# grid of phi for Andrews' (1993) median-unbiased estimator
