"""Small helpers shared by the statistics modules."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.errors import InsufficientDataError


def newey_west_lags(nobs: int) -> int:
    """Newey-West (1994) automatic lag: ``floor(4 * (n / 100) ** (2 / 9))``.

    Reference: Newey, W. K. and West, K. D. (1994), "Automatic lag selection in covariance
    matrix estimation", Review of Economic Studies 61(4), 631-653.
    """
    return max(1, math.floor(4 * (nobs / 100) ** (2 / 9)))


def require(n: int, minimum: int, what: str) -> None:
    """Raise :class:`InsufficientDataError` when fewer than ``minimum`` observations remain."""
    if n < minimum:
        raise InsufficientDataError(f"{what} needs at least {minimum} observations, got {n}")


def clean(series: pd.Series | np.ndarray, what: str, minimum: int) -> pd.Series:
    """Drop missing values, refuse infinities, and require ``minimum`` observations."""
    s = pd.Series(series, dtype="float64").dropna()
    if np.isinf(s.to_numpy()).any():
        raise ValueError(f"{what} contains an infinity; expected finite numbers")
    require(len(s), minimum, what)
    return s
