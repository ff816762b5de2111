"""The ``relative_forecast`` check kind: a forecast of outperformance, scored on data after the
article's date.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from analysis.checks.base import (
    Context,
    Data,
    Finding,
    bp,
    iso,
    not_yet,
    pct,
    series_name,
)
from analysis.kinds.params import ParamsBase
from analysis.kinds.registry import register

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """A forecast that ``series`` beats ``benchmark`` from ``start`` to ``horizon_end``."""

    series: str
    benchmark: str
    start: date
    horizon_end: date


@register(
    "relative_forecast",
    Params,
    chart="plot_relative",
    decides=("a forecast of outperformance, scored on data after the article's date"),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """Outperformance from ``start`` to ``horizon_end``: ``pending`` until the horizon has
    passed in the data (the interim spread is reported), then decided on the full period."""
    from analysis.stats.windows import period_return

    not_yet(p.start, ctx)
    a, b = data.series(p.series), data.series(p.benchmark)
    last = min(a.index[-1], b.index[-1])
    until = min(pd.Timestamp(p.horizon_end), last)
    first = period_return(a, start=p.start, end=until)
    ra, start, end_a = first.ret, first.start, first.end
    rb = period_return(b, start=p.start, end=until).ret
    na, nb = series_name(p.series), series_name(p.benchmark)
    so_far = (
        f"{na} {pct(ra)} against {nb} {pct(rb)} from {iso(start)} to {iso(end_a)} ({bp(ra - rb)})"
    )
    observed = {"spread": round(ra - rb, 6), "through": iso(end_a)}
    stated = {"outperform_until": iso(p.horizon_end)}
    due = pd.offsets.BDay().rollback(pd.Timestamp(p.horizon_end))  # its last weekday
    if last < due:
        return Finding(
            "pending",
            f"The forecast runs to {iso(p.horizon_end)}; so far {so_far}.",
            stated,
            observed,
            date_range=(iso(start), iso(end_a)),
        )
    verdict = "supported" if ra > rb else "contradicted"
    return Finding(
        verdict,
        f"Over the forecast's horizon, {so_far}.",
        stated,
        observed,
        date_range=(iso(start), iso(end_a)),
    )
