"""The ``period_rank`` check kind: how a period's change ranks among the same calendar span of
earlier years ("the best start to a year since 2021", "the worst first quarter since 2020").

The span runs from the last close of the previous year to the last close on or before the same
month and day (``through``) in each year. "The best since Y" holds when every year after Y did
worse and Y did at least as well; when Y did worse too, the span is the best for even longer
(partly supported: the claim undersells it).

Examples from market news::

    # "the S&P 500's best start to a year since 2021"
    params: {series: prices/^GSPC.csv, through: 2024-03-28, rank: best, since: 2019}
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

import pandas as pd

from analysis.checks.base import Context, Data, Finding, iso, require_through, series_name
from analysis.kinds.params import ParamsBase
from analysis.kinds.registry import register

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """The change from the year's start to ``through``, ranked against earlier years."""

    series: str
    column: str | None = None
    through: date
    rank: Literal["best", "worst"] = "best"
    since: int


def year_spans(close: pd.Series, through: date) -> pd.Series:
    """Percent change from each year's start to the same month and day, by year."""
    out = {}
    for year in range(close.index[0].year + 1, through.year + 1):
        start = close.loc[: pd.Timestamp(year - 1, 12, 31)]
        day = pd.Timestamp(year, through.month, min(through.day, 28 if through.month == 2 else 31))
        end = close.loc[:day]
        if len(start) and len(end) and end.index[-1].year == year:
            out[year] = 100 * (float(end.iloc[-1]) / float(start.iloc[-1]) - 1)
    return pd.Series(out, dtype=float)


@register(
    "period_rank",
    Params,
    chart="plot_levels",
    decides=(
        "the rank of a year-to-date change among the same calendar span of earlier years: "
        "'the best start to a year since 2021'"
    ),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """Supported when every year after ``since`` did worse and ``since`` at least as well."""
    close = data.series(p.series, p.column)
    require_through(close, p.through, p.series, ctx)
    spans = year_spans(close, p.through)
    if p.through.year not in spans or p.since not in spans:
        raise ValueError(
            f"{p.series} does not cover the same span in {p.since} and {p.through.year}"
        )
    now = spans[p.through.year]
    better = (lambda a, b: a > b) if p.rank == "best" else (lambda a, b: a < b)
    between = spans.loc[p.since + 1 : p.through.year - 1]
    beaten_by = [y for y, v in between.items() if not better(now, v)]
    then = spans[p.since]
    observed = {"change": round(now, 4), f"change_{p.since}": round(then, 4)}
    last_as_good = [y for y, v in spans.loc[: p.through.year - 1].items() if not better(now, v)]
    since_when = f"; the last year at least as {'good' if p.rank == 'best' else 'bad'} was " + (
        str(last_as_good[-1]) if last_as_good else f"none since {spans.index[0]}"
    )
    text = (
        f"{series_name(p.series)} changed {now:+.2f}% from the end of {p.through.year - 1} to "
        f"{iso(p.through)}; {p.since}: {then:+.2f}%{since_when}"
    )
    if beaten_by:
        verdict = "contradicted"
    elif better(now, then):
        verdict = "partly_supported"  # the best for longer than the claim says
    else:
        verdict = "supported"
    stated = {"rank": p.rank, "since": p.since}
    return Finding(verdict, f"{text}.", stated, observed,
                   date_range=(f"{p.through.year - 1}-12-31", iso(p.through)))  # fmt: skip
