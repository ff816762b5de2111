"""The ``momentum`` check kind: a rise before a date that continues after it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from analysis.checks.base import (
    Context,
    Data,
    Finding,
    MissingData,
    iso,
    not_yet,
    pct,
)
from analysis.kinds.params import ParamsBase
from analysis.kinds.registry import register

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """A rise before ``pivot`` that continues after it, up to ``end``."""

    series: str
    column: str = "Close"
    start: date
    pivot: date
    end: date


@register(
    "momentum",
    Params,
    chart="plot_levels",
    decides=("a rise before a date that continues after it"),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    series = data.series(p.series, p.column)
    name = p.series.split("/")[-1].removesuffix(".csv")
    start, pivot, end = (pd.Timestamp(d) for d in (p.start, p.pivot, p.end))
    not_yet(pivot, ctx)  # after the pivot, the continuation is pending (below)
    if series.empty or series.index[-1] < pivot:
        raise MissingData(p.series, f"closes through {iso(pivot)}")
    if series.index[-1] < end:
        return Finding(
            "pending",
            f"{name} data end {iso(series.index[-1])}, before {iso(end)}, the end of the claimed "
            "continuation.",
        )
    first = series.loc[start:].iloc[0]
    mid = series.loc[:pivot].iloc[-1]
    last = series.loc[:end].iloc[-1]
    before, after = mid / first - 1, last / mid - 1
    observed = {"return_before": round(before, 6), "return_after": round(after, 6)}
    rng = (iso(series.loc[start:].index[0]), iso(series.loc[:end].index[-1]))
    text = (
        f"{name} returned {pct(before)} from {iso(start)} to {iso(pivot)} and {pct(after)} "
        f"from {iso(pivot)} to {iso(end)}"
    )
    if before > 0 and after > 0:
        return Finding("supported", f"{text}: the rise continued.", None, observed, date_range=rng)
    if after > 0:
        return Finding(
            "partly_supported",
            f"{text}: it rose after, but had not before.",
            None,
            observed,
            date_range=rng,
        )
    return Finding(
        "contradicted", f"{text}: the rise did not continue.", None, observed, date_range=rng
    )
