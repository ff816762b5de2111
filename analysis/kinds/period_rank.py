"""The ``period_rank`` check kind: how a period's change ranks among the earlier periods of the
same kind ("the best day since 2008", "the worst month since March 2020", "the best start to a
year since 2021").

The periods: sessions (the change from the close before), calendar weeks, months, quarters and
years (the last close of each against the one before), or year-to-date spans (from each year's
start to the same month and day). "The best since Y" holds when the last earlier period that did
at least as well lies in year Y: a later one contradicts it; an earlier one (or none in the
data) means the period is the best for longer than the claim says (partly supported: the claim
undersells it).

Examples from market news::

    # "the S&P 500's best day since 2008" (2025-04-09, +9.5%)
    params: {series: prices/^GSPC.csv, period: {session: 2025-04-09}, rank: best, since: 2008}
    # "the Russell 2000's best month since 1984"
    params: {series: prices/^RUT.csv, period: {month: 2020-11}, rank: best, since: 1984}
    # "the S&P 500's best start to a year since 2019" (to 2024-03-28)
    params: {series: prices/^GSPC.csv, through: 2024-03-28, rank: best, since: 2019}
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

import pandas as pd
from pydantic import Field, model_validator

from analysis.checks.base import Context, Data, Finding, iso, require_through, series_name
from analysis.kinds.params import ParamsBase
from analysis.kinds.registry import register
from analysis.kinds.vocabulary import Period

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """The change over ``period`` (or from the year's start to ``through``), ranked."""

    series: str
    column: str | None = None
    period: Period | None = None
    through: date | None = None  # shorthand: the year-to-date span ending on this day
    rank: Literal["best", "worst"] = "best"
    since: int = Field(ge=1900, le=2100)

    @model_validator(mode="after")
    def _one(self) -> Params:
        if (self.period is None) == (self.through is None):
            raise ValueError("give period or through (a year-to-date span), one of them")
        if self.period is not None and (self.period.past or self.period.since or self.period.named):
            raise ValueError("rank a session, week, month, quarter, year or year to date")
        return self


_RULES = {"week": "W-SUN", "month": "ME", "quarter": "QE", "year": "YE"}


def period_changes(close: pd.Series, kind: str, end: date) -> pd.Series:
    """Percent change of every period of ``kind`` up to the one ending ``end``, by its end."""
    upto = close.loc[: pd.Timestamp(end) + pd.offsets.YearEnd(0)]
    if kind == "session":
        return 100 * upto.pct_change().dropna()
    if kind == "year_to_date":
        spans = year_spans(close, end)
        spans.index = [pd.Timestamp(y, end.month, min(end.day, 28 if end.month == 2 else 31))
                       for y in spans.index]  # fmt: skip
        return spans
    last = upto.resample(_RULES[kind]).last().dropna()
    return 100 * last.pct_change().dropna()


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
        "the rank of a session's, week's, month's, quarter's, year's or year-to-date change "
        "among the earlier ones of its kind: 'the best day since 2008'"
    ),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """Supported when the last earlier period at least as good (or bad) lies in ``since``."""
    as_of = claim.as_of or ctx.publication or ctx.until
    close = data.series(p.series, p.column)
    kind, span_end = _kind(p, as_of, close.index)
    require_through(close, span_end, p.series, ctx)
    changes = period_changes(close, kind, span_end)
    own = changes.loc[: pd.Timestamp(span_end) + _slack(kind)]
    if own.empty:
        raise ValueError(f"{p.series} has no {kind} ending by {iso(span_end)}")
    when, now = own.index[-1], float(own.iloc[-1])
    earlier = changes.loc[: when - pd.Timedelta(days=1)]
    if earlier.empty or earlier.index[0].year > p.since:
        raise ValueError(f"{p.series} starts {iso(close.index[0])}, after {p.since}: no history")
    better = (lambda a, b: a > b) if p.rank == "best" else (lambda a, b: a < b)
    rivals = earlier[[not better(now, v) for v in earlier]]
    last = rivals.index[-1] if len(rivals) else None
    word = "good" if p.rank == "best" else "bad"
    found = (f"{iso(last)} ({float(rivals.iloc[-1]):+.2f}%)" if last is not None
             else f"none since {iso(earlier.index[0])}")  # fmt: skip
    text = (
        f"{series_name(p.series)} changed {now:+.2f}% in the {kind.replace('_', ' ')} to "
        f"{iso(when)}; the last earlier one at least as {word}: {found}"
    )
    partial = earlier.index[0] > pd.Timestamp(p.since, 1, 31)  # the data begin within the year
    if last is not None and last.year > p.since:
        verdict = "contradicted"
    elif last is None and partial:
        verdict = "inconclusive"  # the part of the year the data miss may hold one as good
        text += f"; the data begin {iso(close.index[0])}, within {p.since}: cannot tell"
    elif last is None or last.year < p.since:
        verdict = "partly_supported"  # the best (or worst) for longer than the claim says
    else:
        verdict = "supported"
    observed = {"change": round(now, 4), "last_as_" + word: iso(last) if last is not None else None}
    return Finding(verdict, f"{text} (claimed: the {p.rank} since {p.since}).",
                   {"rank": p.rank, "since": p.since}, observed,
                   date_range=(iso(earlier.index[0]), iso(when)))  # fmt: skip


def _kind(p: Params, as_of: date, sessions: pd.DatetimeIndex) -> tuple[str, date]:
    if p.through is not None:
        return "year_to_date", p.through
    span = p.period.resolve(as_of, sessions)
    for kind in ("session", "week", "month", "quarter", "year"):
        if getattr(p.period, kind) is not None:
            return kind, span.end
    return "year_to_date", span.end


def _slack(kind: str) -> pd.Timedelta:
    """How far past the span's end a period's label may fall (resample labels month-ends)."""
    return pd.Timedelta(days=0 if kind in ("session", "year_to_date") else 6)
