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

    frame = data.frame(p.file)
    flows = sum(data.series(p.file, s) for s in p.series).dropna()
    flows.name = "+".join(p.series)
    end = pd.Timestamp(p.window.end)
    if flows.index[-1] < end:
        raise ValueError(f"{p.file} ends {iso(flows.index[-1])}, before {iso(end)}")
    res = flow_record(flows, window_start=p.window.start, window_end=p.window.end)
    unit = frame.attrs.get("units", {}).get(p.series[0], "")
    rank = res.details["rank"]
    text = (
        f"{flows.name} took in {res.estimate:,.0f} {unit} from {iso(p.window.start)} to "
        f"{iso(p.window.end)}, rank {rank} among {res.nobs} windows of as many sessions"
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
        text + f": not a record (the record was "
        f"{res.details.get('previous_record', float('nan')):,.0f}).",
        "record inflows",
        {"total": res.estimate, "rank": rank},
        (res,),
        (iso(flows.index[0]), iso(end)),
    )
