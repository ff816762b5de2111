"""Calibration of the Engle-Granger test of analysis.stats.convergence on simulated quarterly EPS.

The p-value of :func:`engle_granger` is a sieve bootstrap; a Monte Carlo of the bootstrap itself
would cost B statistics a replication, so these tests use the warp-speed method of Giacomini,
Politis & White (2013): one bootstrap path per replication (the same private function
``engle_granger`` calls, ``_eg_with_null``), the 5% critical value taken across replications.
With R = 1000 replications the Monte Carlo standard error of a 5% rejection rate is
sqrt(0.05 * 0.95 / 1000) = 0.0069, so the 3-8% band is about +-3 standard errors wide.

Quarterly EPS under H0: two independent random walks with drift 0.3 a quarter and t(5) shocks
(scaled to sd 1) starting at 20, plus, in the noisy designs, a fixed seasonal pattern
(0, 1, 0.5, -1.5) and stationary AR(1) noise with t(5) innovations. The real S&P 400/500/600
operating EPS (2008-2025) have first-order autocorrelations of their quarterly differences of
-0.10 to -0.26; the designs below give 0 (random walk), -0.125, -0.2 and -0.06.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.stats.cointegration import EG_LAGS, _eg_with_null
from analysis.stats.convergence import growth_differential_trend

R = 1000
SIZES = (44, 84, 124)


def t5(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    return rng.standard_t(5, shape) / math.sqrt(5 / 3)


def ar1(rng: np.random.Generator, shape: tuple[int, int], phi: float, sd: float) -> np.ndarray:
    """Stationary AR(1) paths (marginal sd ``sd``, t(5) innovations), 50 quarters burnt in."""
    e = t5(rng, (shape[0], shape[1] + 50)) * sd * math.sqrt(1 - phi**2)
    x = np.empty_like(e)
    x[:, 0] = e[:, 0] / math.sqrt(1 - phi**2)
    for t in range(1, e.shape[1]):
        x[:, t] = phi * x[:, t - 1] + e[:, t]
    return x[:, 50:]


def eps(rng: np.random.Generator, n: int, noise: float, phi: float, season: float) -> np.ndarray:
    """R quarterly EPS paths of length n: random walk + seasonal pattern + AR(1) noise."""
    level = 20 + np.cumsum(0.3 + t5(rng, (R, n)), axis=1)
    pattern = season * np.tile([0.0, 1.0, 0.5, -1.5], n)[:n]
    return level + pattern + (ar1(rng, (R, n), phi, noise) if noise else 0.0)


def warp_rejections(small: np.ndarray, large: np.ndarray, seed: int) -> float:
    """Rejection rate at 5% by the warp-speed bootstrap (one bootstrap path a replication)."""
    n = small.shape[1]
    quarter = np.arange(n) % 4 + 1
    stats, boots = [], []
    for i, (x, y) in enumerate(zip(small, large, strict=True)):
        stat, _, _, boot = _eg_with_null(
            np.column_stack([x, y]), quarter, "c", True, EG_LAGS, 1, seed + i
        )
        stats.append(stat)
        boots.append(boot[0])
    return float(np.mean(np.asarray(stats) < np.quantile(boots, 0.05)))


DESIGNS = {
    # (noise sd, noise AR(1) coefficient, seasonal amplitude)
    "random walks, t(5) shocks": (0.0, 0.0, 0.0),
    "plus seasonal pattern and AR(1) noise, phi 0.5, sd 1": (1.0, 0.5, 1.0),
    "plus seasonal pattern and AR(1) noise, phi 0.5, sd 2": (2.0, 0.5, 1.0),
    "plus seasonal pattern and persistent AR(1) noise, phi 0.8, sd 2": (2.0, 0.8, 1.0),
}


@pytest.mark.slow
@pytest.mark.parametrize("design", DESIGNS)
def test_engle_granger_size(design):
    noise, phi, season = DESIGNS[design]
    sizes = {}
    for n in SIZES:
        rng = np.random.default_rng(11 + n)
        small, large = eps(rng, n, noise, phi, season), eps(rng, n, noise, phi, season)
        sizes[n] = warp_rejections(small, large, seed=1000 * n)
    message = f"{design}: size {sizes} at nominal 5% (R={R}, Monte Carlo s.e. 0.0069)"
    print(message)
    assert all(0.03 <= s <= 0.08 for s in sizes.values()), message


@pytest.mark.slow
@pytest.mark.parametrize(("phi", "floor"), [(0.0, (0.2, 0.5, 0.65)), (0.5, (0.15, 0.3, 0.5))])
def test_engle_granger_power(phi, floor):
    # H1: small = 2 + 0.4 large + AR(1) deviation (phi 0 or 0.5, sd 2, t(5) innovations); large
    # as in the second size design. The residual t is scale-free: only phi and n matter.
    power = {}
    for n in SIZES:
        rng = np.random.default_rng(7 + n)
        large = eps(rng, n, 1.0, 0.5, 1.0)
        small = 2 + 0.4 * large + ar1(rng, (R, n), phi, 2.0)
        power[n] = warp_rejections(small, large, seed=n)
    message = f"phi {phi}: power {power} at 5% (R={R}, Monte Carlo s.e. <= 0.016)"
    print(message)
    assert all(power[n] >= f for n, f in zip(SIZES, floor, strict=True)), message


def yoy_growth(rng: np.random.Generator, n: int, noise: float, phi: float) -> np.ndarray:
    """R paths of n year-over-year growth rates (percent) of quarterly EPS: log EPS is a random
    walk with drift 1.5% a quarter and t(5) shocks of sd 3%, plus AR(1) noise of sd ``noise``;
    growth is quarter against the same quarter a year earlier (overlapping: MA(3) and more)."""
    log = np.cumsum(0.015 + 0.03 * t5(rng, (R, n + 4)), axis=1)
    log = log + (ar1(rng, (R, n + 4), phi, noise) if noise else 0.0)
    return 100 * (np.exp(log[:, 4:] - log[:, :-4]) - 1)


@pytest.mark.slow
@pytest.mark.parametrize(("noise", "phi"), [(0.0, 0.0), (0.05, 0.5), (0.1, 0.8)])
def test_growth_differential_trend_size_on_quarterly_yoy_growth(noise, phi):
    # H0: two independent EPS series with the same drift, so |small - large| has no trend
    quarters = pd.date_range("2005-03-31", periods=80, freq="QE")
    sizes = {}
    for n in (40, 60, 80):
        rng = np.random.default_rng(n)
        small, large = yoy_growth(rng, n, noise, phi), yoy_growth(rng, n, noise, phi)
        pvalues = [
            growth_differential_trend(pd.Series(x, quarters[:n]), pd.Series(y, quarters[:n])).pvalue
            for x, y in zip(small, large, strict=True)
        ]
        sizes[n] = float(np.mean(np.asarray(pvalues) < 0.05))
    message = f"EWC trend size {sizes} (R={R}, Monte Carlo s.e. 0.0069)"
    print(message)
    assert all(0.03 <= s <= 0.08 for s in sizes.values()), message
