"""Where today's relative valuation sits in its own history, with a null that respects the
ratio's persistence: the percentile test of "historically cheap" and an interval for the
long-run mean, both from a bias-corrected AR(p) bootstrap (Kilian 1998). Calibrated in
tests/test_stats_valuation_calibration.py at AR(1) phi 0.90-0.98, n 120-360 (monthly), and in
tests/test_stats_weekly_calibration.py on weekly ratios of the same persistence per month."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from analysis.results import StatResult
from analysis.stats._common import (
    check_alpha,
    choice,
    positive_int,
)
from analysis.stats.valuation import ratio_history

# ---------------------------------------------------------------- AR(p) bootstrap (Kilian 1998)
KILIAN = (
    "Kilian (1998), 'Small-sample confidence intervals for impulse response functions', "
    "Review of Economics and Statistics 80(2)"
)


@dataclass(frozen=True, slots=True)
class _ArBoot:
    """Paths simulated from a bias-corrected AR(p) fit, centred on a zero mean."""

    paths: np.ndarray  # (n_boot, length), stationary start, mean zero
    order: int
    phi_ols: np.ndarray
    phi: np.ndarray  # bias-corrected (and, if need be, shrunk to stationarity)
    root: float  # largest modulus of the companion roots of ``phi``
    capped: bool  # the corrected fit had a root at or above ROOT_CAP and was shrunk to it
    root_spread: float = 0.0  # sd of the per-path largest roots (0: one model for all paths)


ROOT_CAP = 0.999
# Share of the largest AR root's sampling spread with which long_run_mean draws a root per path.
# At 0 (one bias-corrected model for all paths) the interval missed the true mean 7-17% of the
# time at nominal 5% over AR(1) phi 0.90-0.98, n 120-360 (the mean's spread grows steeply with
# the persistence, so an underestimated root gives too narrow an interval); at 1 it missed
# 2.7-6.3%, at 0.75 3.3-7.3%, monthly and weekly (our simulation, 300 replications a cell). On
# the calibration tests' own seeds (500 replications, MC s.e. 1 point) at 0.75: 3.6-6.2% monthly
# (tests/test_stats_valuation_calibration.py), 3.0-6.4% weekly
# (tests/test_stats_weekly_calibration.py).
MEAN_ROOT_SPREAD = 0.75


def _ar_ols(x: np.ndarray, p: int) -> tuple[np.ndarray, np.ndarray]:
    """OLS of each row of ``x`` (k, n) on a constant and p lags: (lag coefficients, residuals)."""
    n = x.shape[1]
    y = x[:, p:]
    lags = [x[:, p - j : n - j] for j in range(1, p + 1)]
    design = np.stack([np.ones_like(y), *lags], axis=-1)  # (k, n - p, p + 1)
    tr = design.transpose(0, 2, 1)
    beta = np.linalg.solve(tr @ design, tr @ y[..., None])  # batched BLAS, (k, p + 1, 1)
    resid = y - (design @ beta)[..., 0]
    return beta[:, 1:, 0], resid


def _max_root(phi: np.ndarray) -> float:
    companion = np.zeros((len(phi), len(phi)))
    companion[0] = phi
    companion[1:, :-1] = np.eye(len(phi) - 1)
    return float(np.abs(np.linalg.eigvals(companion)).max())


def _aic_order(x: np.ndarray, max_order: int) -> int:
    """AR order by AIC over 1..max_order, all fits on the same n - max_order observations."""
    best, order = math.inf, 1
    for p in range(1, max_order + 1):
        _, resid = _ar_ols(x[None, max_order - p :], p)
        m = resid.shape[1]
        aic = math.log(float((resid**2).sum()) / m) + 2 * (p + 1) / m
        if aic < best:
            best, order = aic, p
    return order


def _simulate(phi: np.ndarray, resid: np.ndarray, k: int, length: int, rng) -> np.ndarray:
    """``k`` paths of ``length`` from AR ``phi`` with resampled residuals, stationary start
    (burn-in until the largest root has decayed to 0.001, at most 5000 periods)."""
    root = _max_root(phi)
    burn = min(5000, max(50, math.ceil(math.log(1e-3) / math.log(root)))) if root > 0 else 50
    shocks = rng.choice(resid, size=(k, burn + length), replace=True)
    return lfilter([1.0], np.r_[1.0, -phi], shocks, axis=1)[:, burn:]


def _shrink(phi: np.ndarray, root: float) -> np.ndarray:
    """Scale AR coefficients so that the largest root becomes ``root`` (phi_j * lambda^j)."""
    lam = root / _max_root(phi)
    return phi * lam ** np.arange(1, len(phi) + 1)


def _ar_bootstrap(
    x: np.ndarray,
    length: int,
    order: int | None,
    n_boot: int,
    n_bias: int,
    seed: int,
    spread: float = 0.0,
) -> _ArBoot:
    """Kilian's (1998) bootstrap-after-bootstrap for an AR(p) with a constant.

    First stage: simulate ``n_bias`` series of x's length from the OLS fit, refit each, and take
    the mean bias of the coefficients; subtract it (shrunk by steps of 1% until the corrected
    model is stationary; no correction when the OLS fit itself is not stationary). Second stage:
    ``n_boot`` paths of ``length`` from the corrected model, residuals resampled. A fit whose
    largest root is at or above 0.999 is shrunk to 0.999 so that a stationary start exists.

    ``spread`` > 0: each second-stage path has its own largest root, the corrected one less
    ``spread`` times a centred draw from the first-stage refits' roots (so the paths carry the
    sampling uncertainty of the persistence; at most 0.999), the coefficients scaled to that
    root. With ``spread`` = 0 (the default) the random numbers and paths are as before.
    """
    n = len(x)
    p = _aic_order(x, max(1, min(12, n // 20))) if order is None else order
    if p >= n // 3:
        raise ValueError(f"order must be below n/3 = {n // 3}, got {p}")
    rng = np.random.default_rng(seed)
    phi_ols, resid = _ar_ols(x[None, :], p)
    phi_ols, resid = phi_ols[0], resid[0] - resid[0].mean()
    phi, capped = phi_ols, False
    if _max_root(phi_ols) >= 1:
        phi, capped = _shrink(phi_ols, ROOT_CAP), True
    fake = _simulate(phi, resid, n_bias, n, rng)
    refits = _ar_ols(fake, p)[0]
    bias = refits.mean(axis=0) - phi
    if _max_root(phi_ols) < 1:
        for delta in np.arange(1.0, -0.005, -0.01):
            phi = phi_ols - delta * bias
            if _max_root(phi) < 1:
                break
        else:  # pragma: no cover - delta = 0 gives phi_ols, which is stationary
            phi = phi_ols
    if _max_root(phi) > ROOT_CAP:
        phi, capped = _shrink(phi, ROOT_CAP), True
    root = _max_root(phi)
    if spread == 0 or root == 0:
        paths = _simulate(phi, resid, n_boot, length, rng)
        return _ArBoot(paths, p, phi_ols, phi, root, capped)
    roots = np.abs(refits[:, 0]) if p == 1 else np.array([_max_root(f) for f in refits])
    drawn = roots[rng.integers(0, len(roots), n_boot)]
    each = np.clip(root - spread * (drawn - roots.mean()), 0.0, ROOT_CAP)
    coefs = phi[None, :] * (each / root)[:, None] ** np.arange(1, p + 1)  # as _shrink does
    if p == 1:  # start each path from a normal draw of its stationary variance, no burn-in
        a = coefs[:, 0]
        shocks = rng.choice(resid, size=(n_boot, length), replace=True)
        level = rng.standard_normal(n_boot) * resid.std() / np.sqrt(1 - a**2)
        paths = np.empty((n_boot, length))
        for t in range(length):
            level = a * level + shocks[:, t]
            paths[:, t] = level
    else:
        burn = min(5000, max(50, math.ceil(math.log(1e-3) / math.log(max(each.max(), 1e-3)))))
        shocks = rng.choice(resid, size=(n_boot, burn + length), replace=True)
        paths = np.stack(
            [lfilter([1.0], np.r_[1.0, -coefs[k]], shocks[k])[burn:] for k in range(n_boot)]
        )
    return _ArBoot(paths, p, phi_ols, phi, root, capped, float(each.std()))


def _boot_options(order: int | None, n_boot: int, n_bias: int, seed: int) -> None:
    if order is not None:
        positive_int(order, "order")
    positive_int(n_boot, "n_boot", 99)
    positive_int(n_bias, "n_bias", 99)
    positive_int(seed, "seed", 0)


def percentile_vs_history(
    ratio: pd.Series,
    *,
    current: Any = None,
    side: Literal["low", "high"] = "low",
    log: bool = True,
    order: int | None = None,
    n_boot: int = 999,
    n_bias: int = 499,
    seed: int = 0,
    alpha: float = 0.05,
) -> StatResult:
    """Test whether today's ratio is unusually low (or high) in its own persistent history.

    The statistic is today's percentile among the earlier observations: the percent of them at
    or below today's value (0 = below every earlier value). Its null distribution comes from a
    bias-corrected AR(p) bootstrap of the (log) ratio (Kilian 1998): the AR coefficients are
    bias-corrected by a first-stage bootstrap, paths of the same length are simulated from the
    corrected model with resampled residuals, and each path's last value is ranked in its own
    history, as today's is. A percentile is location- and scale-free, so the long-run mean is
    not needed. On a persistent ratio low percentiles are common by chance (the ratio wanders
    for years on one side of its mean); the bootstrap prices that in, where a test of the gap
    against the mean (``gap_vs_history``) does not.

    Parameters
    ----------
    ratio
        Positive ratio series, at least 12 observations (annual data will do; the test then
        says when the data cannot tell).
    current
        As in :func:`relative_percentile`; default the last observation, ranked among the
        earlier ones. A number is ranked among all observations.
    side : {"low", "high"}
        The alternative: "low" (cheap, default) or "high" (dear). Both one-sided p-values are in
        ``details`` (``pvalue_low``, ``pvalue_high``).
    log
        Fit the AR model to the log ratio (default). The percentile itself does not depend on it.
    order
        AR order; default chosen by AIC over 1..min(12, n // 20) (at least 1).
    n_boot, n_bias, seed
        Paths of the second (null) and first (bias) stage, and the seed: a rerun gives the same
        p-value.
    alpha
        Level of the interval.

    Returns
    -------
    StatResult
        ``statistic`` and ``estimate``: the observed percentile (0-100); ``pvalue``: one-sided,
        (1 + #{bootstrap percentiles at or below the observed one}) / (1 + n_boot) for "low"
        (at or above, with the percentile counted from the top, for "high"); ``ci``: a basic
        bootstrap interval for today's percentile in the ratio's long-run (stationary)
        distribution, from the simulated gap between the sample and the long-run percentile;
        ``details``: the AR order, OLS and bias-corrected AR coefficients, largest root, both
        one-sided p-values, replications and seed.

    Raises
    ------
    InsufficientDataError
        Fewer than 12 observations.
    ValueError
        A bad option, a non-positive ratio with ``log=True`` or a constant series.

    References
    ----------
    Kilian (1998), Review of Economics and Statistics 80(2) (bootstrap-after-bootstrap bias
    correction); Bose (1988), Annals of Statistics 16(4) (residual bootstrap of AR models).

    Examples
    --------
    >>> percentile_vs_history(ratio).pvalue  # doctest: +SKIP
    """
    choice(side, "side", ("low", "high"))
    check_alpha(alpha)
    _boot_options(order, n_boot, n_bias, seed)
    s, c, when = ratio_history(ratio, current, "ratio", 12, log)
    x = s.to_numpy()
    if np.ptp(x) == 0:
        raise ValueError("ratio is constant; its percentile has no null distribution")
    earlier = x[:-1] if current is None or when is not None else x
    length = len(earlier) + 1
    m = len(earlier)
    k_low, k_high = int((earlier <= c).sum()), int((earlier >= c).sum())
    z_obs = float((c - earlier.mean()) / earlier.std())
    low_obs, high_obs = 100 * k_low / m, 100 * k_high / m
    boot = _ar_bootstrap(x - x.mean(), length, order, n_boot, n_bias, seed)
    paths, last = boot.paths[:, :-1], boot.paths[:, -1:]
    lows, highs = (paths <= last).sum(axis=1), (paths >= last).sum(axis=1)
    z = (last[:, 0] - paths.mean(axis=1)) / paths.std(axis=1)
    # ties in the count (today the lowest of all, say) are broken by the standardized gap
    as_low = (lows < k_low) | ((lows == k_low) & (z <= z_obs))
    as_high = (highs < k_high) | ((highs == k_high) & (z >= z_obs))
    p_low = float((1 + as_low.sum()) / (1 + n_boot))
    p_high = float((1 + as_high.sum()) / (1 + n_boot))
    low = 100 * lows / m
    pooled = np.sort(paths, axis=None)
    longrun = 100 * np.searchsorted(pooled, last[:, 0], side="right") / pooled.size
    err = low - longrun  # sample percentile minus the long-run one, on each path
    lo_q, hi_q = np.quantile(err, [alpha / 2, 1 - alpha / 2])
    ci = (max(0.0, low_obs - float(hi_q)), min(100.0, low_obs - float(lo_q)))
    phi_bc = [round(float(v), 4) for v in boot.phi]
    phi_ols = [round(float(v), 4) for v in boot.phi_ols]
    scale = "log ratio" if log else "ratio"
    h0 = (
        "Today's value is an ordinary draw from the ratio's own persistent history (its "
        f"percentile is no {'lower' if side == 'low' else 'higher'} than chance under a "
        f"bias-corrected AR({boot.order}) of the {scale})."
    )
    h1 = (
        "Today's value is unusually low in its own history (cheap)."
        if side == "low"
        else "Today's value is unusually high in its own history (dear)."
    )
    capped = ", largest root capped at 0.999" if boot.capped else ""
    return StatResult(
        name="Today's percentile in its own history",
        statistic=low_obs,
        pvalue=p_low if side == "low" else p_high,
        estimate=low_obs,
        ci=ci,
        nobs=len(x),
        null_hypothesis=h0,
        alternative_hypothesis=h1,
        method=(
            f"Percentile of today's value among {len(earlier)} earlier observations against a "
            f"bias-corrected AR({boot.order}) bootstrap of the {scale} (Kilian's "
            f"bootstrap-after-bootstrap: {n_bias} bias draws, {n_boot} null paths, seed {seed}"
            f"{capped})"
        ),
        reference=KILIAN,
        ci_level=1 - alpha,
        details={
            "current": math.exp(c) if log else c,
            "current_date": when,
            "n_earlier": len(earlier),
            "percentile_at_or_below": low_obs,
            "percentile_at_or_above": high_obs,
            "pvalue_low": p_low,
            "pvalue_high": p_high,
            "ar_order": boot.order,
            "phi_ols": phi_ols,
            "phi_bias_corrected": phi_bc,
            "persistence": round(float(boot.phi.sum()), 4),
            "largest_root": round(boot.root, 4),
            "root_capped": boot.capped,
            "n_boot": n_boot,
            "n_bias": n_bias,
            "seed": seed,
            "ci_is_for": "today's percentile in the long-run (stationary) distribution",
        },
    )


def long_run_mean(
    ratio: pd.Series,
    *,
    log: bool = True,
    order: int | None = None,
    n_boot: int = 999,
    n_bias: int = 499,
    seed: int = 0,
    alpha: float = 0.05,
) -> StatResult:
    """An interval for the long-run mean of the (log) ratio that stays honest under persistence.

    Method: the AR bootstrap of :func:`percentile_vs_history` (not a grid bootstrap): an AR(p)
    (order by AIC, Kilian's 1998 bias correction) is simulated from a stationary start, and
    the sampling distribution of the sample mean around the true mean on those paths gives a
    basic bootstrap interval, ``[mean - q(1 - alpha/2), mean - q(alpha/2)]``. The width of that
    interval grows steeply with the persistence, so simulating at the point estimate, however
    bias-corrected, under-covers whenever the persistence is underestimated (7-17% misses at
    nominal 5% for AR(1) phi 0.90-0.98, n 120-360). Each path therefore gets its own largest
    root, drawn around the corrected one with 0.75 of the estimator's spread in the first-stage
    refits (``MEAN_ROOT_SPREAD``, chosen by simulation): the interval then carries the
    uncertainty of the persistence, as Bonferroni-type intervals over the persistence
    (Cavanagh, Elliott & Stock 1995) do, without their conservatism. Misses 3.0-6.4% over the
    same cells, monthly and weekly (tests/test_stats_valuation_calibration.py,
    tests/test_stats_weekly_calibration.py).
    Near a unit root the paths wander and the interval widens accordingly; what it cannot tell:
    a mean for a ratio with a unit root does not exist, and a shift in the mean (a new regime)
    is read as persistence. ``details["very_wide"]`` is ``True`` when the interval
    is wider than one standard deviation of the series itself, i.e. the data hold fewer than
    about 15 independent observations' worth of information on the mean: the data cannot tell
    where the long-run mean lies, and ``details["reading"]`` says so.

    Parameters
    ----------
    ratio
        Positive ratio series, at least 12 observations.
    log, order, n_boot, n_bias, seed, alpha
        As in :func:`percentile_vs_history`.

    Returns
    -------
    StatResult
        ``estimate``: the sample mean (log points when ``log``) with its ``ci``; ``pvalue``
        ``nan`` (an interval, not a test); ``details``: mean and interval on the ratio scale,
        the AR order, the bias-corrected coefficients, the spread of the roots drawn,
        ``very_wide`` and ``reading``.

    References
    ----------
    Kilian (1998), Review of Economics and Statistics 80(2); Cavanagh, Elliott & Stock (1995),
    "Inference in models with nearly integrated regressors", Econometric Theory 11(5); Campbell
    & Yogo (2006), JFE 81(1).
    """
    check_alpha(alpha)
    _boot_options(order, n_boot, n_bias, seed)
    s, _, when = ratio_history(ratio, None, "ratio", 12, log)
    x = s.to_numpy()
    if np.ptp(x) == 0:
        raise ValueError("ratio is constant; its mean has no sampling distribution")
    mean = float(x.mean())
    boot = _ar_bootstrap(x - mean, len(x), order, n_boot, n_bias, seed, MEAN_ROOT_SPREAD)
    lo_q, hi_q = np.quantile(boot.paths.mean(axis=1), [alpha / 2, 1 - alpha / 2])
    lo, hi = mean - float(hi_q), mean - float(lo_q)
    sd = float(x.std(ddof=1))
    wide = hi - lo > sd
    scale = "log ratio" if log else "ratio"
    back = math.exp if log else float
    reading = (
        "very wide: the interval is wider than the series' own standard deviation, so the data "
        "cannot tell where the long-run mean lies"
        if wide
        else "informative: narrower than the series' own standard deviation"
    )
    none = "None: an interval estimate, not a test (p-value is nan)."
    return StatResult(
        name=f"Long-run mean of the {scale}",
        statistic=mean,
        pvalue=math.nan,
        estimate=mean,
        ci=(lo, hi),
        nobs=len(x),
        null_hypothesis=none,
        alternative_hypothesis=none,
        method=(
            f"Basic bootstrap interval from a bias-corrected AR({boot.order}) of the {scale} "
            f"with a largest root drawn per path ({MEAN_ROOT_SPREAD:g} of its sampling spread), "
            f"{n_boot} paths, {n_bias} bias draws, seed {seed}"
            + (", largest root capped at 0.999" if boot.capped else "")
        ),
        reference=KILIAN,
        ci_level=1 - alpha,
        details={
            "last_date": when,
            "mean_ratio": back(mean),
            "ci_ratio": (back(lo), back(hi)),
            "sd": sd,
            "very_wide": bool(wide),
            "reading": reading,
            "ar_order": boot.order,
            "phi_bias_corrected": [round(float(v), 4) for v in boot.phi],
            "largest_root": round(boot.root, 4),
            "root_spread_share": MEAN_ROOT_SPREAD,
            "root_sd_across_paths": round(boot.root_spread, 4),
            "root_capped": boot.capped,
            "n_boot": n_boot,
            "n_bias": n_bias,
            "seed": seed,
        },
    )
