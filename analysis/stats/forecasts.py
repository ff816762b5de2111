"""Scoring a stated forecast range (e.g. 17%-22% earnings growth for 2026) against the consensus
at publication and, once it exists, the realized value: ``pending`` until then, never a guess."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from analysis.results import ResultBase, StatResult, _jsonable
from analysis.stats._common import (
    as_date,
    finite,
)

TREND_MINIMUM = 24


@dataclass(frozen=True, slots=True)
class ForecastScore(ResultBase):
    """A stated forecast range scored against the realized value, or pending until it exists."""

    stated_low: float
    stated_high: float
    realized: float | None
    estimate: float | None
    resolve_date: pd.Timestamp
    as_of: pd.Timestamp
    status: Literal["pending", "within", "below", "above"]
    realized_in_range: bool | None
    estimate_in_range: bool | None
    overdue: bool
    statement: str
    pvalue: float = math.nan

    def summary(self) -> str:
        return self.statement

    def as_stat_result(self) -> StatResult:
        """The score as a :class:`StatResult` (no test: p-value nan) for a claim's ``tests``."""
        none = "None: a range forecast is scored against its outcome, not tested."
        return StatResult(
            name="Forecast range against the realized value",
            statistic=math.nan,
            pvalue=math.nan,
            estimate=self.realized,
            ci=None,
            nobs=0 if self.realized is None else 1,
            null_hypothesis=none,
            alternative_hypothesis=none,
            method=f"Range scoring: {self.status}",
            reference="the stated forecast range",
            details={
                "stated_low": self.stated_low,
                "stated_high": self.stated_high,
                "resolve_date": self.resolve_date,
                "statement": self.statement,
            },
        )

    def _repr_html_(self) -> str:
        return f"<p><strong>{html.escape(self.status)}</strong>: {html.escape(self.statement)}</p>"

    def to_dict(self) -> dict[str, Any]:
        return _jsonable({k: getattr(self, k) for k in self.__slots__})


def score_forecast_range(
    stated_low: float,
    stated_high: float,
    *,
    realized: float | None = None,
    estimate: float | None = None,
    resolve_date: Any,
    as_of: Any,
) -> ForecastScore:
    """Score a stated range forecast (e.g. 2026 EPS growth of 17%-22%); no guessing.

    With no ``realized`` value the status is "pending" (with the resolve date; ``overdue`` when
    ``as_of`` is past it, meaning the data are missing, not that the forecast failed). With one,
    the status says whether it lies within the closed range, below or above. ``estimate`` (the
    consensus at publication) is checked against the range too. Nothing is tested: ``pvalue`` is
    nan and the statement says so.

    Parameters
    ----------
    stated_low, stated_high
        The stated range, low <= high.
    realized
        The realized value, only once the forecast has resolved (as_of >= resolve_date).
    estimate
        The consensus estimate at publication, if known.
    resolve_date, as_of
        When the forecast resolves (e.g. '2026-12-31') and the evaluation date.

    Returns
    -------
    ForecastScore

    Raises
    ------
    ValueError
        Non-numbers, low > high, a bad date, or a realized value before the resolve date.

    Examples
    --------
    >>> score_forecast_range(17, 22, resolve_date="2026-12-31", as_of="2026-01-02").status
    'pending'
    """
    low, high = finite(stated_low, "stated_low"), finite(stated_high, "stated_high")
    if low > high:
        raise ValueError(f"stated_low ({low:g}) must not exceed stated_high ({high:g})")
    resolve, asof = as_date(resolve_date, "resolve_date"), as_date(as_of, "as_of")
    real = None if realized is None else finite(realized, "realized")
    est = None if estimate is None else finite(estimate, "estimate")
    if real is not None and asof < resolve:
        raise ValueError(
            f"realized was given but as_of {asof.date()} is before resolve_date {resolve.date()}: "
            "a forecast cannot have a realized value before it resolves"
        )
    rng = f"{low:g} to {high:g}"
    est_in = None if est is None else bool(low <= est <= high)
    est_text = (
        "No consensus estimate at publication was given."
        if est is None
        else f"The consensus estimate at publication, {est:g}, lay "
        f"{'inside' if est_in else 'outside'} the range."
    )
    if real is None:
        status, overdue = "pending", asof >= resolve
        lead = f"Pending: the forecast {rng} resolves on {resolve.date()}; as of {asof.date()} " + (
            "that date has passed but no realized value was supplied."
            if overdue
            else "no realized value exists yet."
        )
    else:
        status = "within" if low <= real <= high else ("below" if real < low else "above")
        overdue = False
        lead = f"The realized value {real:g} lies {status} the stated range {rng}"
        lead += f" (resolved {resolve.date()})."
    statement = f"{lead} {est_text} No p-value: a range forecast is scored, not tested."
    return ForecastScore(
        low,
        high,
        real,
        est,
        resolve,
        asof,
        status,  # type: ignore[arg-type]
        None if real is None else status == "within",
        est_in,
        overdue,
        statement,
    )
