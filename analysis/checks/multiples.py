"""Valuation multiples on a claim's date: the reported value, or one brought forward by price.

Multiples are reported on few dates (a quarterly estimate vintage, a year-end trailing P/E), and a
claim speaks of its own date. :func:`multiple_on` takes the value reported on that date or shortly
before it (within ``max_age_days``); with a :class:`~analysis.kinds.params.Reprice` rule it takes an
older report (within the rule's bound) and brings it to the date by the index's price change, and
for a trailing multiple by the change in the newest EPS reported since. Every result says where
it came from (:meth:`Multiple.describe`), so a summary never hides that a value was brought
forward, nor how old the estimate behind it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pandas as pd

from analysis.checks.base import Data, iso, latest, series_name

if TYPE_CHECKING:
    from analysis.kinds.params import Reprice

PRICE_AGE_DAYS = 7  # a close may be this much older than the date it stands for (a holiday)


@dataclass(frozen=True)
class Multiple:
    """A multiple on ``day``: ``reported`` on ``reported_day``, times ``price_factor`` (the
    index's price change since), divided by ``eps_factor`` (the change in reported EPS since)."""

    value: float
    day: pd.Timestamp
    reported: float
    reported_day: pd.Timestamp
    price_factor: float = 1.0
    eps_factor: float = 1.0
    price_file: str | None = None
    eps_day: pd.Timestamp | None = None

    @property
    def repriced(self) -> bool:
        return self.price_file is not None

    @property
    def age_days(self) -> int:
        """How old the report behind the value is on ``day``."""
        return (self.day - self.reported_day).days

    def describe(self) -> str:
        """'16.2x on 2026-01-30' or '15.1x on 2025-12-31 (14.8x reported 2025-09-30, 92 days
        earlier, times IJR's price change of +1.6%)'."""
        if not self.repriced:
            return f"{self.value:.1f}x on {iso(self.reported_day)}"
        text = (
            f"{self.value:.1f}x on {iso(self.day)} ({self.reported:.1f}x reported "
            f"{iso(self.reported_day)}, {self.age_days} days earlier, times "
            f"{series_name(self.price_file)}'s price change of {self.price_factor - 1:+.1%}"
        )
        if self.eps_day is not None:
            text += (
                f", over EPS reported through {iso(self.eps_day)}, "
                f"{self.eps_factor - 1:+.1%} on the report's"
            )
        return text + ")"


def multiple_on(
    data: Data,
    file: str,
    series: str,
    day,
    *,
    max_age_days: int,
    reprice: Reprice | None = None,
    side: Literal["small", "large"] = "small",
) -> Multiple:
    """``series`` of ``file`` on ``day``: reported within ``max_age_days``, else brought forward
    by ``reprice`` from a report within its own bound.

    Raises :class:`~analysis.checks.base.MissingData` naming the file and the newest date when
    no report is recent enough, or a price or EPS the rule needs is missing."""
    values = data.series(file, series)
    day = pd.Timestamp(day)
    if reprice is None or _recent(values, day, max_age_days):
        value, when = latest(values, day, file, max_age_days=max_age_days)
        return Multiple(value, when, value, when)
    reported, when = latest(values, day, file, max_age_days=reprice.max_age_days)
    price_file = getattr(reprice, side)
    prices = data.series(price_file, "Close")
    now, _ = latest(prices, day, price_file, max_age_days=PRICE_AGE_DAYS)
    then, _ = latest(prices, when, price_file, max_age_days=PRICE_AGE_DAYS)
    price_factor, eps_factor, eps_day = now / then, 1.0, None
    if reprice.eps_file is not None:
        eps = data.series(reprice.eps_file, getattr(reprice, f"{side}_eps"))
        eps_then, _ = latest(eps, when, reprice.eps_file, max_age_days=PRICE_AGE_DAYS)
        eps_now, eps_day = latest(eps, day, reprice.eps_file, max_age_days=reprice.max_age_days)
        # a non-positive EPS has no meaningful multiple: the value is NaN and callers drop it
        eps_factor = eps_now / eps_then if eps_now > 0 and eps_then > 0 else float("nan")
    value = reported * price_factor / eps_factor
    return Multiple(value, day, reported, when, price_factor, eps_factor, price_file, eps_day)


def _recent(values: pd.Series, day: pd.Timestamp, max_age_days: int) -> bool:
    upto = values.loc[:day]
    return bool(len(upto)) and (day - upto.index[-1]).days <= max_age_days
