"""The ``record`` check kind: a record close or intraday high set in a period, all-time or over N
years, optionally the first since a date, optionally at a stated level.

A level is a record when it is strictly above every earlier level of the same measure (closes
against closes, intraday highs against highs) over the look-back. The verdict:

* supported: the period holds a record, at the stated level when one is given, and (for "the
  first since D") no record was set between D and the period;
* partly supported: the period holds a record but not at the stated level; or the stated level
  was a record, set on another day within 90 days of the period (the number right, the date
  not: the summary gives the day and how many record days were looked at);
* contradicted: otherwise.

Examples from market news::

    # "the Russell 2000 hit a record high of 2,595.98 in late December"
    params: {series: prices/^RUT.csv, measure: intraday, set_in: {named: "late December 2025"},
             level: {op: exactly, value: "2,595.98"}}
    # "the record close of December 11 still stands"
    params: {series: prices/^RUT.csv, set_in: {session: 2025-12-11}, standing_as_of: 2026-01-02}
    # "the Dow closed at a record on Wednesday, its first since November"
    params: {series: prices/^DJI.csv, set_in: {session: 2025-12-24}, first_since: 2025-11-12}
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

import pandas as pd
from pydantic import Field

from analysis.checks.base import Context, Data, Finding, iso, require_through, series_name
from analysis.kinds.params import ParamsBase
from analysis.kinds.registry import register
from analysis.kinds.vocabulary import Comparison, Period

if TYPE_CHECKING:
    from analysis.claims import Claim

NEARBY = timedelta(days=90)  # how far from the period a stated record level is looked for


class Params(ParamsBase):
    """A record of ``measure`` set in ``set_in``."""

    series: str
    measure: Literal["close", "intraday", "both"] = "close"
    set_in: Period
    level: Comparison | None = None
    lookback_years: int | None = Field(None, gt=0)
    first_since: date | None = None
    standing_as_of: date | None = None  # "the record set in March still stands"


def records(levels: pd.Series, lookback_years: int | None) -> pd.Series:
    """The days whose level is above every earlier one (over the look-back), with the level."""
    if lookback_years is None:
        before = levels.cummax().shift(1)
    else:
        window = f"{365 * lookback_years}D"
        before = levels.shift(1).rolling(window, min_periods=1).max()
    return levels[(levels > before) & before.notna()]


@register(
    "record",
    Params,
    chart="plot_levels",
    decides=(
        "a record close or intraday high set in a period, all-time or over N years, the first "
        "since a date, at a stated level; the stated level set as a record on another day "
        "near the period is partly supported"
    ),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """The period's records against the stated level and the "first since" date."""
    if p.measure == "both":
        return _both(claim, p, data, ctx)
    as_of = claim.as_of or ctx.publication or ctx.until
    close = data.series(p.series)
    levels = close if p.measure == "close" else data.frame(p.series)["High"].dropna()
    span = p.set_in.resolve(as_of, close.index)
    require_through(close, span.end, p.series, ctx)
    found = records(levels, p.lookback_years)
    inside = found.loc[pd.Timestamp(span.first) : pd.Timestamp(span.end)]
    kind = "close" if p.measure == "close" else "intraday high"
    scope = "all-time" if p.lookback_years is None else f"{p.lookback_years}-year"
    name, period = series_name(p.series), p.set_in.words()
    stated = {"period": period, "level": p.level.words() if p.level else None}
    rng = (iso(span.first), iso(min(pd.Timestamp(span.end), close.index[-1])))
    if inside.empty:
        return _elsewhere(p, found, span, f"{name} set no {scope} record {kind} in {period}",
                          stated, rng)  # fmt: skip
    peak_day, peak = inside.idxmax(), float(inside.max())
    observed = {"record": peak, "date": iso(peak_day), "records_in_period": len(inside)}
    text = f"{name} set {_a(scope)} record {kind} of {peak:,.2f} on {iso(peak_day)} ({period})"
    if p.first_since is not None:
        earlier = found.loc[
            pd.Timestamp(p.first_since) : pd.Timestamp(span.first) - pd.Timedelta(days=1)
        ]
        if len(earlier):
            last = earlier.index[-1]
            return Finding("contradicted", f"{text}, but not the first since "
                           f"{iso(p.first_since)}: one was set on {iso(last)}.", stated,
                           observed, date_range=rng)  # fmt: skip
        text += f", the first since {iso(p.first_since)}"
    if p.standing_as_of is not None:
        later = levels.loc[peak_day + pd.Timedelta(days=1) : pd.Timestamp(p.standing_as_of)]
        beaten = later[later > peak]
        if len(beaten):
            return Finding("contradicted", f"{text}, but it no longer stood on "
                           f"{iso(p.standing_as_of)}: {beaten.iloc[0]:,.2f} on "
                           f"{iso(beaten.index[0])} topped it.", stated, observed,
                           date_range=rng)  # fmt: skip
        text += f", still standing on {iso(p.standing_as_of)}"
    if p.level is not None and not p.level.holds(peak):
        return Finding("partly_supported", f"{text}: a record, but not {p.level.words()}.",
                       stated, observed, date_range=rng)  # fmt: skip
    return Finding("supported", f"{text}, as stated.", stated, observed, date_range=rng)


def _elsewhere(p: Params, found: pd.Series, span, head: str, stated: dict, rng) -> Finding:
    """No record in the period: was the stated level a record near it (the date wrong)?"""
    near = found.loc[pd.Timestamp(span.first) - NEARBY : pd.Timestamp(span.end) + NEARBY]
    hits = near[[p.level.holds(v) for v in near]] if p.level is not None else near.iloc[:0]
    observed = {"records_nearby": len(near)}
    if len(hits):
        day = hits.index[-1]
        observed |= {"stated_level_date": iso(day)}
        return Finding(
            "partly_supported",
            f"{head}; {p.level.words()} was a record on {iso(day)}, outside the period (the "
            f"number right, the date not; {len(near)} record days within 90 days looked at).",
            stated, observed, date_range=rng,
        )  # fmt: skip
    return Finding("contradicted", f"{head}.", stated, observed, date_range=rng)


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _both(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """A record close and a record intraday high: supported when both hold, contradicted when
    neither does, partly supported otherwise; the summary gives each."""
    close, high = (check(claim, p.model_copy(update={"measure": m}), data, ctx)
                   for m in ("close", "intraday"))  # fmt: skip
    verdicts = {close.verdict, high.verdict}
    verdict = (verdicts.pop() if len(verdicts) == 1 and "partly_supported" not in verdicts
               else "partly_supported")  # fmt: skip
    return Finding(
        verdict, f"Close: {close.summary} Intraday: {high.summary}", close.stated,
        {"close": close.observed, "intraday": high.observed}, date_range=close.date_range,
    )  # fmt: skip
