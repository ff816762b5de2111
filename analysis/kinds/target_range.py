"""The ``target_range`` check kind: the policy target range on a date."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

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
    """The policy target range (lower and upper bound series) on a date."""

    lower: str
    upper: str
    date: date
    stated_lower: float
    stated_upper: float


@register(
    "target_range",
    Params,
    chart="plot_rates",
    decides=("the policy target range on a date"),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """The range on the date; on an FOMC decision day, the range announced that day (FRED
    records it from the next day, read up to three days on, never past the evaluation date)."""
    from analysis.stats.policy import fomc_meetings

    lower = data.series(p.lower).loc[: pd.Timestamp(p.date)]
    upper = data.series(p.upper).loc[: pd.Timestamp(p.date)]
    require_through(upper, p.date, p.upper, ctx)
    if lower.empty or upper.empty:
        raise ValueError(f"no target-range observation on or before {p.date}")
    lo, hi, day = float(lower.iloc[-1]), float(upper.iloc[-1]), upper.index[-1]
    if pd.Timestamp(p.date) in fomc_meetings():
        after = pd.Timestamp(p.date) + pd.Timedelta(days=1)
        new_lo = data.announced(p.lower, by=p.date).loc[after:]
        new_hi = data.announced(p.upper, by=p.date).loc[after:]
        if len(new_lo) and len(new_hi):  # the decision of that day, in force from the next
            lo, hi = float(new_lo.iloc[0]), float(new_hi.iloc[0])
    stated = {"lower": p.stated_lower, "upper": p.stated_upper}
    observed = {"lower": lo, "upper": hi, "date": iso(day)}
    rng = f"{lo:.2f}%-{hi:.2f}%"
    if abs(lo - p.stated_lower) < 1e-9 and abs(hi - p.stated_upper) < 1e-9:
        return Finding(
            "supported",
            f"The target range was {rng} on {iso(day)}, as stated.",
            stated,
            observed,
            date_range=(iso(day), iso(day)),
        )
    overlap = lo < p.stated_upper and hi > p.stated_lower
    verdict = "partly_supported" if overlap else "contradicted"
    return Finding(
        verdict,
        f"The target range was {rng} on {iso(day)}, not the stated "
        f"{p.stated_lower:.2f}%-{p.stated_upper:.2f}%.",
        stated,
        observed,
        date_range=(iso(day), iso(day)),
    )
