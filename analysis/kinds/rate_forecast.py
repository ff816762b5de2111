"""The ``rate_forecast`` check kind: a rate forecast: fed funds futures (100 - price) at
publication, then the realized monthly average once it exists (`pending` before).
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
)
from analysis.kinds.params import ParamsBase
from analysis.kinds.registry import register

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """A rate forecast for a date: futures-implied at publication, realized later."""

    futures: str
    realized: str
    as_of: date
    target_date: date
    stated: float
    tolerance: float = Field(ge=0)


@register(
    "rate_forecast",
    Params,
    chart="plot_rates",
    decides=(
        "a rate forecast: fed funds futures (100 - price) at publication, then the realized "
        "monthly average once it exists (`pending` before)"
    ),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    futures = data.series(p.futures).loc[: pd.Timestamp(p.as_of)]
    if futures.empty:
        raise ValueError(f"no futures price on or before {p.as_of}")
    implied = 100.0 - float(futures.iloc[-1])
    priced_at = iso(futures.index[-1])
    month = pd.Period(p.target_date, freq="M")
    realized = data.series(p.realized)
    in_month = realized.loc[month.start_time : month.end_time]
    stated = {"rate": p.stated, "tolerance": p.tolerance, "by": iso(p.target_date)}
    market = f"fed funds futures priced {implied:.2f}% for {month} on {priced_at}"
    observed = {"implied_at_publication": round(implied, 4), "implied_date": priced_at}
    complete = len(in_month) and realized.index[-1] >= month.end_time.normalize()
    if not complete:
        return Finding(
            "pending",
            f"The forecast resolves with the {month} average effective rate, not yet in the "
            f"data (it ends {iso(realized.index[-1])}); {market}.",
            stated,
            observed,
            date_range=(priced_at, priced_at),
        )
    avg = float(in_month.mean())
    observed["realized_average"] = round(avg, 4)
    close = abs(avg - p.stated) <= p.tolerance
    verdict = "supported" if close else "contradicted"
    return Finding(
        verdict,
        f"The effective fed funds rate averaged {avg:.2f}% in {month}, "
        f"{'within' if close else 'outside'} {p.tolerance:.3g} points of the stated "
        f"{p.stated:.2f}%; {market}.",
        stated,
        observed,
        date_range=(priced_at, iso(month.end_time)),
    )
