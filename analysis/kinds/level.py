"""The ``level`` check kind: a series' value on a date (a close, a yield, a rate) held against the
stated number at its precision; a date that is no session uses the last session before it, and
the summary says so.

Examples from market news::

    # "The Dow closed at 48,063.29 on Friday" (an article of Saturday 2025-12-27)
    params: {series: prices/^DJI.csv, date: 2025-12-26, compare: {op: exactly, value: "48,063.29"}}
    # "the 10-year yield stood near 4.2%"
    params: {series: fred/DGS10.csv, date: 2026-01-02, compare: {op: about, value: "4.2%"}}
    # "the S&P 500 ended the year above 6,800"
    params: {series: prices/^GSPC.csv, date: 2025-12-31, compare: {op: more than, value: "6,800"}}
    # "the gap between 10- and 2-year yields widened to about 70 basis points" (a spread)
    params: {series: fred/DGS10.csv, minus: fred/DGS2.csv, unit: bp, date: 2026-01-02,
             compare: {op: about, value: "70 bp"}}
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

import pandas as pd

from analysis.checks.base import (
    Context,
    Data,
    Finding,
    iso,
    latest,
    require_through,
    series_name,
)
from analysis.kinds.params import ParamsBase
from analysis.kinds.registry import register
from analysis.kinds.vocabulary import Comparison

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """``series`` (its ``column``) on ``date`` against ``compare``."""

    series: str
    column: str | None = None  # prices: Close (else Adj Close); fred: the series
    minus: str | None = None  # a spread: series - minus (same unit), on the same date
    unit: Literal["bp"] | None = None  # bp: the value (a rate in percent) times 100
    date: date
    compare: Comparison


def value_on(
    series: pd.Series, day: date, rel: str = "", *, max_age_days: int = 7
) -> tuple[float, pd.Timestamp, str]:
    """The value on ``day``, else on the last session before it (no older than
    ``max_age_days``: :func:`~analysis.checks.base.latest`), with a note saying which."""
    value, when = latest(series, day, rel, max_age_days=max_age_days)
    note = "" if when == pd.Timestamp(day) else f" ({iso(day)} is no session: the last before it)"
    return value, when, note


@register(
    "level",
    Params,
    chart="plot_levels",
    decides=(
        "a value on a date (a non-session date uses the last session before it and says so), "
        "or a spread of two series in percent or bp, held against the stated number at its "
        "precision or its words' tolerance"
    ),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """Supported when the value satisfies the comparison, else contradicted."""
    series = data.series(p.series, p.column)
    require_through(series, p.date, p.series, ctx)
    value, when, note = value_on(series, p.date, p.series)
    name = series_name(p.series)
    if p.minus is not None:
        other = data.series(p.minus)
        require_through(other, p.date, p.minus, ctx)
        value -= value_on(other.loc[:when], when, p.minus)[0]
        name = f"{name} minus {series_name(p.minus)}"
    if p.unit == "bp":
        value *= 100
    shown = f"{value:,.{max(0 if p.unit else 2, _decimals(p.compare))}f}" + (
        " bp" if p.unit else ""
    )
    verdict = "supported" if p.compare.holds(value) else "contradicted"
    summary = f"{name} was {shown} on {iso(when)}{note}, against {p.compare.words()}."
    observed = {"value": value, "date": iso(when)}
    stated = {"compare": p.compare.words(), "date": iso(p.date)}
    return Finding(verdict, summary, stated, observed, date_range=(iso(when), iso(when)))


def _decimals(compare: Comparison) -> int:
    stated = compare.stated
    if stated is None or "." not in stated.text:
        return 0
    return len("".join(ch for ch in stated.text.split(".")[1] if ch.isdigit()))
