"""The ``rate_decisions`` check kind: changes of the target range mapped to scheduled FOMC meetings
(calendar in `analysis/resources/fomc_meetings.csv`); cuts counted, consecutive or not.
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
    """Count consecutive cuts of the upper bound, mapped to scheduled FOMC meetings."""

    upper: str
    period: Window
    stated_cuts: int = Field(ge=0)
    consecutive: bool = True


@register(
    "rate_decisions",
    Params,
    chart="plot_rates",
    decides=(
        "changes of the target range mapped to scheduled FOMC meetings (calendar in "
        "`analysis/resources/fomc_meetings.csv`); cuts counted, consecutive or not"
    ),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    from analysis.stats.policy import fomc_meetings, rate_changes

    upper = data.series(p.upper)
    start, end = pd.Timestamp(p.period.start), pd.Timestamp(p.period.end)
    not_yet(end, ctx)
    if upper.empty or upper.index[-1] < end:
        raise ValueError(f"{p.upper} ends before {iso(end)}, the end of the period")
    moves = rate_changes(upper)
    moves = moves[
        (moves["effective"] >= start) & (moves["effective"] <= end + pd.Timedelta(days=3))
    ]
    cuts = moves[moves["change_bp"] < 0]
    meetings = fomc_meetings()
    in_period = meetings[(meetings >= start) & (meetings <= end)]
    # the longest run of cuts at consecutive scheduled meetings, ending with the last meeting
    decided = {m: 0 for m in in_period}
    for _, row in moves.iterrows():
        if pd.notna(row["meeting"]) and row["meeting"] in decided:
            decided[row["meeting"]] = row["change_bp"]
    run = 0
    for m in reversed(in_period):
        if decided[m] < 0:
            run += 1
        else:
            break
    observed = {
        "cuts": len(cuts),
        "cut_dates": [iso(d) for d in cuts["effective"]],
        "cut_meetings": [iso(d) if pd.notna(d) else "unscheduled" for d in cuts["meeting"]],
        "consecutive_cuts_to_period_end": run,
    }
    listing = ", ".join(f"{iso(r.effective)} ({r.change_bp:+d} bp)" for r in cuts.itertuples())
    counted = run if p.consecutive else len(cuts)
    what = "at consecutive scheduled meetings up to the period's end" if p.consecutive else "in all"
    if counted == p.stated_cuts:
        verdict = "supported"
    elif counted > 0 or len(cuts) > 0:
        verdict = "partly_supported"
    else:
        verdict = "contradicted"
    tail = f"{counted} {what}, against {p.stated_cuts} stated"
    summary = (
        f"The upper bound was cut {len(cuts)} times between {iso(start)} and {iso(end)}"
        f"{': ' + listing if listing else ''}; {tail}."
    )
    return Finding(
        verdict,
        summary,
        {"cuts": p.stated_cuts, "consecutive": p.consecutive},
        observed,
        date_range=(iso(start), iso(end)),
    )
