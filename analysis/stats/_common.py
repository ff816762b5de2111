"""Small helpers shared by the statistics modules."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

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


# ------------------------------------------------ input checks shared by the modules
def choice(value: Any, name: str, options: Iterable[str]) -> None:
    """Refuse a value outside a choice set, seaborn-style."""
    if value not in tuple(options):
        raise ValueError(
            f"The value for `{name}` must be one of {set(options)}, but {value!r} was passed."
        )


def positive_int(value: Any, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha!r}")


def finite(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def as_date(value: Any, name: str) -> pd.Timestamp:
    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a date such as '2025-12-31', got {value!r}") from exc
    if day is pd.NaT:
        raise ValueError(f"{name} must be a date such as '2025-12-31', got {value!r}")
    return day
