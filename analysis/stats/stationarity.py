"""KPSS with fixed-b critical values (Kiefer and Vogelsang 2005; Amsler, Schmidt and Vogelsang
2009): an alternative to the sieve bootstrap of ``analysis.stats.unitroot.kpss_bootstrap`` that
accounts for the randomness of the long-run variance estimate instead of modelling the
persistence. Calibrated in tests/test_stats_reversion.py."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.results import StatResult
from analysis.stats.unitroot import _kpss_stats, kpss_result
from analysis.stats.valuation import ratio_history

FIXED_B_GRID = np.round(np.arange(0.02, 0.9001, 0.02), 2)
FIXED_B_VERSION = 2  # bump when _fixed_b_draws changes: the disk cache is keyed on it
ASV = (
    "Kiefer & Vogelsang (2005), Econometric Theory 21(6); Amsler, Schmidt & Vogelsang (2009), "
    "'The KPSS test using fixed-b critical values: size and power in highly autocorrelated "
    "time series', Journal of Time Series Econometrics 1(1)"
)


def _fixed_b_draws(n_sim: int = 4000, t_len: int = 500, seed: int = 0) -> np.ndarray:
    """Draws of the KPSS statistic's fixed-b limit, shape (len(FIXED_B_GRID), n_sim): the
    statistic on ``t_len`` i.i.d. normal observations with Bartlett bandwidth b * t_len
    (lags round(b t_len) - 1), all b from the same draws; autocovariances by FFT."""

    def compute() -> np.ndarray:
        rng = np.random.default_rng(seed)
        out = np.empty((len(FIXED_B_GRID), n_sim))
        for start in range(0, n_sim, 500):
            e = rng.standard_normal((min(500, n_sim - start), t_len))
            e -= e.mean(axis=1, keepdims=True)
            eta = (np.cumsum(e, axis=1) ** 2).sum(axis=1) / t_len**2
            spec = np.abs(np.fft.rfft(e, 2 * t_len, axis=1)) ** 2
            gamma = np.fft.irfft(spec, 2 * t_len, axis=1)[:, :t_len] / t_len
            for i, b in enumerate(FIXED_B_GRID):
                band = round(b * t_len)  # Bartlett weights 1 - j/band, j < band
                w = 1 - np.arange(1, band) / band
                lrv = gamma[:, 0] + 2 * gamma[:, 1:band] @ w
                out[i, start : start + len(e)] = eta / lrv
        return out

    from analysis.snapshot import cache

    name = f"kpss-fixed-b-v{FIXED_B_VERSION}-np{np.__version__}-s{n_sim}-t{t_len}-seed{seed}"
    return cache.array(name, compute)


def _fixed_b_pvalue(stat: float, b: float) -> tuple[float, dict[str, float]]:
    """Upper-tail p-value of a KPSS statistic at bandwidth ratio ``b`` (linear in b between the
    grid points) and the 10%, 5%, 1% critical values, likewise interpolated."""
    draws = _fixed_b_draws()
    b = min(max(b, FIXED_B_GRID[0]), FIXED_B_GRID[-1])
    i = min(int(np.searchsorted(FIXED_B_GRID, b)), len(FIXED_B_GRID) - 1)
    j = max(i - 1, 0)
    span = FIXED_B_GRID[i] - FIXED_B_GRID[j]
    w = 0.0 if span == 0 else float((b - FIXED_B_GRID[j]) / span)

    def mix(f):
        return (1 - w) * f(draws[j]) + w * f(draws[i])

    pvalue = mix(lambda d: (1 + int((d >= stat).sum())) / (len(d) + 1))
    crit = {q: mix(lambda d, q=q: float(np.quantile(d, 1 - q))) for q in (0.10, 0.05, 0.01)}
    return float(pvalue), {f"critical_{q:.0%}": v for q, v in crit.items()}


def kpss_fixed_b(ratio: pd.Series, *, log: bool = True, b: float = 0.5) -> StatResult:
    """KPSS stationarity test with fixed-b critical values (Bartlett kernel, bandwidth b n).

    H0: the (log) ratio is level-stationary (reverts to a fixed mean). H1: it has a unit root.
    The KPSS statistic with a Bartlett long-run variance of bandwidth M = b n (lags M - 1) is
    referred to its fixed-b limit (Kiefer & Vogelsang 2005): b is held fixed as n grows, so the
    critical values depend on b and reflect the randomness of the long-run variance estimate,
    which the standard (small-b) table ignores. The limit is simulated (4,000 series of 500
    i.i.d. normals, b on a grid 0.02, 0.04, ..., 0.9, linear in b between grid points; cached
    on disk). At b = 1 the Bartlett statistic is identically 1/2, so b stops at 0.9.

    Size and power (our simulation, Gaussian AR(1), 1,000 replications a cell, MC s.e. 0.007;
    tests/test_stats_reversion.py): with b = 0.5 (default) the size at 5% is 5.5-8.1% for phi
    0.90-0.98, n 120-360 (4.7-5.7% at phi 0.5), but the power against a random walk is only
    7.4-8.7%; with b = 0.3 the power is 36-43% and the size 6-26%; with b = 0.1, 67-72% and
    11-57%. As
    Amsler, Schmidt & Vogelsang (2009) found, fixed-b critical values buy size on highly
    autocorrelated series at the cost of nearly all power: the test cannot tell a persistent
    stationary ratio from a unit root. ``kpss_bootstrap`` (sieve bootstrap) holds its size
    with power left and is the one ``mean_reversion_robust`` reads; this is a reference.

    Parameters
    ----------
    ratio
        Positive ratio series, at least 48 observations.
    log
        Work on the log ratio (default).
    b
        Bandwidth as a share of the sample, in [0.02, 0.9].

    Returns
    -------
    StatResult
        ``statistic``: KPSS; ``pvalue``: upper tail of the fixed-b limit; ``details``: b, the
        lags, fixed-b critical values at 10%, 5% and 1%.

    References
    ----------
    Kwiatkowski, Phillips, Schmidt & Shin (1992), J. Econometrics 54; Kiefer & Vogelsang
    (2005), Econometric Theory 21(6); Amsler, Schmidt & Vogelsang (2009), JTSE 1(1).
    """
    if isinstance(b, bool) or not isinstance(b, int | float) or not 0.02 <= b <= 0.9:
        raise ValueError(f"b must be a number in [0.02, 0.9], got {b!r}")
    s, _, _ = ratio_history(ratio, None, "ratio", 48, log)
    x = s.to_numpy()
    n = len(x)
    if np.ptp(x) == 0:
        raise ValueError("ratio is constant; a stationarity test is undefined")
    band = max(1, round(b * n))
    stat = float(_kpss_stats(x, band - 1)[0])
    pvalue, crit = _fixed_b_pvalue(stat, band / n)
    return kpss_result(
        "fixed-b",
        stat,
        pvalue,
        n,
        log,
        method=f"KPSS with constant, Bartlett bandwidth {band} (b = {band / n:.3f}, "
        f"{band - 1} lags); p-value from the simulated fixed-b limit distribution",
        reference=ASV,
        details={"b": band / n, "lags": band - 1} | crit,
    )
