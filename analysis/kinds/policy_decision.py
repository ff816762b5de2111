"""The ``policy_decision`` check kind: what the FOMC decided at a meeting (a cut, a hike or a
hold, and its size), how many meetings in a row it has done so, or how many such decisions (and
how many basis points) a period held.

A decision is dated by the scheduled FOMC calendar (``analysis/resources/fomc_meetings.csv``,
the meeting's last day, when the statement is published); FRED's target range records it from
the next day. A claim dated on the decision day ("the Fed cut today") is therefore decided on
the range of the days just after it, up to three days, and never past the evaluation date.

Examples from market news::

    # "The Fed cut rates by a quarter point on Wednesday" (article of 2025-12-10)
    params: {upper: fred/DFEDTARU.csv, meeting: 2025-12-10, action: cut, size_bp: 25}
    # "the third consecutive meeting without a rate change"
    params: {upper: fred/DFEDTARU.csv, meeting: latest, action: hold, consecutive: 3}
    # "three rate cuts totalling 75 basis points in 2025"
    params: {upper: fred/DFEDTARU.csv, period: {year: 2025}, action: cut, count: 3,
             cumulative_bp: 75}
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

import pandas as pd
from pydantic import Field, model_validator

from analysis.checks.base import Context, Data, Finding, NotYet, iso
from analysis.kinds.params import ParamsBase
from analysis.kinds.registry import register
from analysis.kinds.vocabulary import Period

if TYPE_CHECKING:
    from analysis.claims import Claim

Action = Literal["cut", "hike", "hold"]


class Params(ParamsBase):
    """A decision at ``meeting`` (a date or ``latest``), or the decisions of ``period``."""

    upper: str
    action: Action
    meeting: date | Literal["latest"] | None = None
    period: Period | None = None
    size_bp: int | None = Field(None, gt=0)
    consecutive: int | None = Field(None, ge=1)
    count: int | None = Field(None, ge=0)
    cumulative_bp: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _one(self) -> Params:
        if (self.meeting is None) == (self.period is None):
            raise ValueError("give a meeting (a date or latest) or a period, not both")
        if self.period is not None and self.count is None and self.cumulative_bp is None:
            raise ValueError("a period needs count or cumulative_bp")
        return self


def decisions(upper: pd.Series, meetings: pd.DatetimeIndex) -> pd.DataFrame:
    """Each scheduled meeting the series covers: the bound before (on the decision day) and
    after (the first value of the next three days), the change in bp and the action."""
    rows = []
    for day in meetings:
        before = upper.loc[:day]
        after = upper.loc[day + pd.Timedelta(days=1) : day + pd.Timedelta(days=3)]
        if before.empty or after.empty:
            continue
        bp = round(100 * (float(after.iloc[0]) - float(before.iloc[-1])))
        action = "hold" if bp == 0 else ("cut" if bp < 0 else "hike")
        rows.append({"meeting": day, "change_bp": bp, "action": action})
    return pd.DataFrame(rows, columns=["meeting", "change_bp", "action"])


def _streak(table: pd.DataFrame, action: str) -> int:
    run = 0
    for done in reversed(list(table["action"])):
        if done != action:
            break
        run += 1
    return run


@register(
    "policy_decision",
    Params,
    chart="plot_rates",
    decides=(
        "a cut, hike or hold at an FOMC meeting (by the scheduled calendar, the decision day "
        "told from the day the range takes effect), its size, the run of meetings in a row, "
        "or the count and cumulative bp of a period's decisions"
    ),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """Supported when every stated part holds; partly supported when the action holds but a
    count (in a row, in the period) or a size does not; contradicted otherwise."""
    from analysis.stats.policy import fomc_meetings

    as_of = claim.as_of or ctx.publication or ctx.until
    if p.period is not None:
        return _period(p, data, ctx, as_of)
    calendar = fomc_meetings()
    day = calendar[calendar <= pd.Timestamp(as_of)][-1] if p.meeting == "latest" else None
    day = day if day is not None else pd.Timestamp(p.meeting)
    if day not in calendar:
        near = calendar[abs(calendar - day) <= pd.Timedelta(days=45)]
        raise ValueError(
            f"{iso(day)} is not a scheduled FOMC decision day; nearby: "
            + ", ".join(iso(d) for d in near)
        )
    if ctx.until is not None and pd.Timestamp(ctx.until) < day:
        raise NotYet(f"the meeting of {iso(day)} comes after the evaluation date {ctx.until}")
    upper = data.announced(p.upper, by=day.date())
    table = decisions(upper, calendar[calendar <= day])
    if table.empty or table["meeting"].iloc[-1] != day:
        raise ValueError(f"{p.upper} does not reach the days after the meeting of {iso(day)}")
    last = table.iloc[-1]
    streak = _streak(table, last["action"])
    observed = {"meeting": iso(day), "action": last["action"], "change_bp": int(last["change_bp"]),
                "in_a_row": streak}  # fmt: skip
    text = f"At the FOMC meeting of {iso(day)} " + _did(last["action"], int(last["change_bp"]))
    if streak > 1:
        run = "meeting without a change" if last["action"] == "hold" else last["action"]
        text += f", the {_ordinal(streak)} {run} in a row"
    misses = []
    if p.size_bp is not None and abs(int(last["change_bp"])) != p.size_bp:
        misses.append(f"the size was not {p.size_bp} bp")
    if p.consecutive is not None and streak != p.consecutive:
        misses.append(f"not the {_ordinal(p.consecutive)} in a row")
    stated = p.model_dump(exclude_none=True, exclude={"upper"}, mode="json")
    rng = (iso(day), iso(day + pd.Timedelta(days=1)))
    if last["action"] != p.action:
        return Finding(
            "contradicted", f"{text}, not a {p.action}.", stated, observed, date_range=rng
        )
    if misses:
        summary = f"{text}: the {p.action} is right, but {' and '.join(misses)}."
        return Finding("partly_supported", summary, stated, observed, date_range=rng)
    return Finding("supported", f"{text}, as stated.", stated, observed, date_range=rng)


def _period(p: Params, data: Data, ctx: Context, as_of: date) -> Finding:
    """The decisions of a period up to the claim's date: at scheduled meetings, and the
    unscheduled moves between them (March 2020), each dated by its decision day."""
    span = p.period.resolve(as_of)
    limit = min(span.end, as_of)  # a claim speaks of the decisions made by its date
    if ctx.until is not None and ctx.until < limit:
        raise NotYet(f"the period runs to {iso(limit)}, after the evaluation date {ctx.until}")
    table = _decisions_in(data.announced(p.upper, by=limit), span.first, limit, p.upper)
    chosen = table[table["action"] == p.action]
    total = int(chosen["change_bp"].abs().sum())
    dates = ", ".join(
        iso(d) + ("" if sched else " (unscheduled)")
        for d, sched in zip(chosen["meeting"], chosen["scheduled"], strict=True)
    )
    observed = {"count": len(chosen), "cumulative_bp": total, "decisions": len(table)}
    scheduled = int(table["scheduled"].sum())
    text = (
        f"{p.period.words()}: {len(chosen)} {p.action}(s) in {len(table)} decisions "
        f"({scheduled} at scheduled meetings; {dates or 'none'}), {total} bp in all"
    )
    parts = [p.count == len(chosen)] if p.count is not None else []
    parts += [p.cumulative_bp == total] if p.cumulative_bp is not None else []
    stated = p.model_dump(exclude_none=True, exclude={"upper"}, mode="json")
    rng = (iso(span.first), iso(limit))
    if all(parts):
        return Finding("supported", f"{text}, as stated.", stated, observed, date_range=rng)
    verdict = "partly_supported" if any(parts) else "contradicted"
    wanted = [f"{p.count} {p.action}(s)" if p.count is not None else "",
              f"{p.cumulative_bp} bp" if p.cumulative_bp is not None else ""]  # fmt: skip
    return Finding(verdict, f"{text}; the claim says {' and '.join(w for w in wanted if w)}.",
                   stated, observed, date_range=rng)  # fmt: skip


def _decisions_in(upper: pd.Series, first: date, last: date, rel: str) -> pd.DataFrame:
    """Scheduled decisions from ``first`` to ``last`` and the unscheduled moves decided then
    (a change effective on day d with no scheduled meeting in the three days before: decided
    the day before d), in date order, with a ``scheduled`` flag."""
    from analysis.stats.policy import fomc_meetings, rate_changes

    calendar = fomc_meetings()
    inside = calendar[(calendar >= pd.Timestamp(first)) & (calendar <= pd.Timestamp(last))]
    table = decisions(upper, inside).assign(scheduled=True)
    if len(table) < len(inside):
        raise ValueError(f"{rel} does not reach the days after every meeting of the period")
    moves = rate_changes(upper)
    moves = moves[moves["meeting"].isna()].copy()
    moves["meeting"] = moves["effective"] - pd.Timedelta(days=1)
    moves = moves[
        (moves["meeting"] >= pd.Timestamp(first)) & (moves["meeting"] <= pd.Timestamp(last))
    ]
    moves["action"] = ["cut" if bp < 0 else "hike" for bp in moves["change_bp"]]
    extra = moves[["meeting", "change_bp", "action"]].assign(scheduled=False)
    return pd.concat([table, extra]).sort_values("meeting", ignore_index=True)


def _did(action: str, bp: int) -> str:
    if action == "hold":
        return "the target range was held"
    return f"the target range saw a {action} of {abs(bp)} bp"


def _ordinal(n: int) -> str:
    words = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}
    return words.get(n, f"{n}th")
