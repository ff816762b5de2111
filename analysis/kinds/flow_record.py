"""The ``flow_record`` check kind: flows over a window against every earlier window of that
length.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from pydantic import Field

from analysis.checks.base import (
    Context,
    Data,
    Finding,
    iso,
    not_yet,
)
from analysis.kinds.params import ParamsBase, Window
from analysis.kinds.registry import register

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """Flows over ``window`` against every earlier window of the same length (a record?)."""

    file: str
    series: list[str] = Field(min_length=1)
    window: Window


@register(
    "flow_record",
    Params,
    chart="plot_user_series",
    decides=("flows over a window against every earlier window of that length"),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """The named funds' summed flows over the window against every earlier window as long."""
    from analysis.stats.counts import flow_record

    not_yet(p.window.end, ctx)
    frame = data.frame(p.file)
    flows = sum(data.series(p.file, s) for s in p.series).dropna()
    flows.name = "+".join(p.series)
    end = pd.Timestamp(p.window.end)
    if flows.index[-1] < end:
        raise ValueError(f"{p.file} ends {iso(flows.index[-1])}, before {iso(end)}")
    res = flow_record(flows, window_start=p.window.start, window_end=p.window.end)
    unit = frame.attrs.get("units", {}).get(p.series[0], "")
    rank, record = res.details["rank"], _amount(res.details.get("previous_record"), unit)
    text = (
        f"{_funds(p.series)} {_took_in(res.estimate, unit)} from {iso(p.window.start)} to "
        f"{iso(p.window.end)}, rank {rank:,} of {res.nobs + 1:,} windows of as many sessions"
    )
    if res.details["is_record"]:
        return Finding(
            "supported",
            text + ": a record.",
            "record inflows",
            {"total": res.estimate, "rank": rank},
            (res,),
            (iso(flows.index[0]), iso(end)),
        )
    return Finding(
        "contradicted",
        text + f": not a record (the record was {record}).",
        "record inflows",
        {"total": res.estimate, "rank": rank},
        (res,),
        (iso(flows.index[0]), iso(end)),
    )


def _funds(series: list[str]) -> str:
    """``["IWM", "IJR", "VB"] -> "IWM, IJR and VB"``."""
    return series[0] if len(series) == 1 else f"{', '.join(series[:-1])} and {series[-1]}"


def _amount(value: float | None, unit: str) -> str:
    """A sum of money as a person writes it: ``(2412.2, "USD millions") -> "$2,412 million"``;
    another unit is named after the number."""
    if value is None or value != value:
        return "not available"
    words = {"usd millions": " million", "usd billions": " billion", "usd": ""}
    scale = words.get(unit.strip().lower())
    if scale is None:
        return f"{abs(value):,.0f} {unit}".rstrip()
    return f"${abs(value):,.{1 if scale == ' billion' else 0}f}{scale}"


def _took_in(total: float, unit: str) -> str:
    """``"took in $1,234 million"``, ``"saw net outflows of $2,412 million"``."""
    if total < 0:
        return f"saw net outflows of {_amount(total, unit)}"
    return f"took in {_amount(total, unit)}" if total > 0 else "saw no net flows"
