"""The ``level_on_date`` check kind: a value on a date within `tolerance` of the stated one; if
not, whether the stated value belongs to a nearby date (`partly_supported`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
from pydantic import Field

from analysis.checks.base import (
    Context,
    Data,
    Finding,
    iso,
    require_through,
)
from analysis.kinds.params import ParamsBase
from analysis.kinds.registry import register

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """A series' value on a date against a stated value (``|observed - stated| <= tolerance``)."""

    series: str
    column: str = "Close"
    date: date
    stated: float
    tolerance: float = Field(ge=0, description="absolute, in the series' unit")


@register(
    "level_on_date",
    Params,
    chart="plot_levels",
    decides=(
        "a value on a date within `tolerance` of the stated one; if not, whether the stated "
        "value belongs to a nearby date (`partly_supported`)"
    ),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    series = data.series(p.series, p.column)
    day = pd.Timestamp(p.date)
    require_through(series, day, p.series, ctx)
    name = p.series.split("/")[-1].removesuffix(".csv")
    stated = {"value": p.stated, "date": iso(day), "tolerance": p.tolerance}
    if day not in series.index:
        before = series.loc[:day]
        if before.empty or series.index[-1] < day:
            raise ValueError(f"{p.series} has no {p.column} on or around {iso(day)}")
        nearest = before.index[-1]
        value = float(before.iloc[-1])
        return Finding(
            "partly_supported" if abs(value - p.stated) <= p.tolerance else "contradicted",
            f"{name} has no {p.column} on {iso(day)} (no session); its last one before, on "
            f"{iso(nearest)}, was {value:.2f} against the stated {p.stated:.2f}.",
            stated,
            {"value": value, "date": iso(nearest)},
            date_range=(iso(nearest), iso(day)),
        )
    value = float(series.loc[day])
    diff = value - p.stated
    observed = {"value": value, "date": iso(day), "difference": round(diff, 6)}
    if abs(diff) <= p.tolerance:
        return Finding(
            "supported",
            f"{name} closed at {value:.2f} on {iso(day)}, as stated.",
            stated,
            observed,
            date_range=(iso(day), iso(day)),
        )
    # the stated number may belong to another day: say which, if any, nearby
    near = series.loc[day - pd.Timedelta(days=14) : day + pd.Timedelta(days=14)]
    match = near[(near - p.stated).abs() <= p.tolerance]
    elsewhere = f"; {p.stated:.2f} was the close on {iso(match.index[0])}" if len(match) else ""
    return Finding(
        "partly_supported" if len(match) else "contradicted",
        f"{name} closed at {value:.2f} on {iso(day)}, {abs(diff):.2f} "
        f"{'above' if diff > 0 else 'below'} the stated {p.stated:.2f}{elsewhere}.",
        stated,
        observed,
        date_range=(iso(day), iso(day)),
    )
