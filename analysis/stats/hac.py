"""OLS with heteroskedasticity- and autocorrelation-robust (HAR) errors, shared by the tests of
valuation gaps, earnings convergence and mean reversion.

The default is the equal-weighted cosine (EWC) estimator with a t reference, which our
simulations show to be far better calibrated than Newey-West on persistent series; Newey-West
remains available as ``kernel="bartlett"``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps
from statsmodels.regression.linear_model import OLS

from analysis.stats._common import (
    choice,
    newey_west_lags,
    positive_int,
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
        res = OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": lag})
        return HacFit(res.params, res.bse, math.inf, lag, f"OLS, Newey-West errors, {lag} lags", NW)
    b = max(2, math.floor(0.4 * n ** (2 / 3))) if lags is None else lags
    res = OLS(y, X).fit()
    cosines = np.sqrt(2 / n) * np.cos(
        np.pi * np.outer((np.arange(n) + 0.5) / n, np.arange(1, b + 1))
    )
    basis, _ = np.linalg.qr(cosines - X @ np.linalg.lstsq(X, cosines, rcond=None)[0])
    omega = float(np.mean((res.resid @ basis) ** 2))  # long-run variance of the errors
    cov = omega * np.linalg.inv(X.T @ X)
    method = f"OLS, equal-weighted cosine HAR errors, B = {b} cosines, t({b}) reference"
    return HacFit(res.params, np.sqrt(np.diag(cov)), float(b), b, method, LLSW)
