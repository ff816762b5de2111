"""The ``record_high`` check kind: the highest close and intraday high in a period, against all
earlier history, and whether the stated level and timing hold.
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
    series_name,
)
from analysis.kinds.params import ParamsBase, Window
from analysis.kinds.registry import register

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """A record high (close and intraday) of ``stated`` reached inside ``period``."""

    series: str
    close_column: str = "Close"
    high_column: str | None = "High"
    stated: float | None = None
    tolerance: float = Field(0.0, ge=0)
    period: Window
    history_start: date | None = None


@register(
    "record_high",
    Params,
    chart="plot_levels",
    decides=(
        "the highest close and intraday high in a period, against all earlier history, and "
        "whether the stated level and timing hold"
    ),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """The period's highest close and intraday high against all earlier history; the stated
    level, if any, is looked for as a record anywhere (a right number on a wrong date is
    ``partly_supported``)."""
    from analysis.stats.records import record_high

    close = data.series(p.series, p.close_column)
    frame = data.frame(p.series)
    high = frame[p.high_column].dropna() if p.high_column and p.high_column in frame else None
    name = series_name(p.series)
    start, end = pd.Timestamp(p.period.start), pd.Timestamp(p.period.end)
    require_through(close, end, p.series, ctx)
    rec = record_high(
        close, high=high, period_start=start, period_end=end, history_start=p.history_start
    )
    peaks = [pk for pk in (rec.close, rec.high) if pk is not None]
    observed = {f"{pk.kind}_peak": pk.value for pk in peaks}
    observed |= {f"{pk.kind}_peak_date": iso(pk.date) for pk in peaks}
    observed |= {f"{pk.kind}_is_record": pk.is_record for pk in peaks}
    period = f"{iso(start)} to {iso(end)}"
    desc = "; ".join(_describe(pk) for pk in peaks)
    rng = (iso(close.index[0]), iso(min(end, close.index[-1])))
    if p.stated is None:
        verdict = "supported" if any(pk.is_record for pk in peaks) else "contradicted"
        return Finding(verdict, f"{name} in {period}: {desc}.", None, observed, date_range=rng)
    in_period = [pk for pk in peaks if abs(pk.value - p.stated) <= p.tolerance and pk.is_record]
    if in_period:
        pk = in_period[0]
        return Finding(
            "supported",
            f"{name} set a record {pk.kind} of {pk.value:,.2f} on "
            f"{iso(pk.date)}, within the stated period {period}.",
            p.stated,
            observed,
            date_range=rng,
        )
    # where was the stated level reached, and was it a record then?
    for series, kind in ((high, "intraday high"), (close, "close")):
        if series is None:
            continue
        hits = series[(series - p.stated).abs() <= p.tolerance]
        for day in hits.index:
            earlier = series.loc[: day - pd.Timedelta(days=1)]
            if earlier.empty or series.loc[day] > earlier.max():
                observed["stated_level_date"] = iso(day)
                return Finding(
                    "partly_supported",
                    f"{p.stated:,.2f} was a record {kind} of {name}, set on {iso(day)}, "
                    f"outside the stated period {period} ({desc}).",
                    p.stated,
                    observed,
                    date_range=rng,
                )
    return Finding(
        "contradicted",
        f"{name} never set a record at {p.stated:,.2f}; in {period}: {desc}.",
        p.stated,
        observed,
        date_range=rng,
    )


def _describe(peak) -> str:
    """'highest close 2,558.78 on 2025-12-22 (below the record 2,590.61 of 2025-12-11)'."""
    status = (
        "a record"
        if peak.is_record
        else f"below the record {peak.previous_record:,.2f} of {iso(peak.previous_record_date)}"
    )
    return f"highest {peak.kind} {peak.value:,.2f} on {iso(peak.date)} ({status})"
