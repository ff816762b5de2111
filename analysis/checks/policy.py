"""Checks of monetary-policy claims: the target range on a date, rate decisions mapped to FOMC
meetings, and a rate forecast scored against futures at publication and the realized rate.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import pandas as pd

from analysis.checks.base import Context, Data, Finding, iso, register, require_through
from analysis.claims import Claim, RateDecisions, RateForecast, TargetRange


@cache
def fomc_meetings() -> pd.DatetimeIndex:
    """Scheduled FOMC decision dates shipped in ``analysis/data/fomc_meetings.csv``."""
    path = files("analysis") / "data" / "fomc_meetings.csv"
    with path.open() as fh:
        table = pd.read_csv(fh, comment="#", parse_dates=["decision_date"])
    return pd.DatetimeIndex(table["decision_date"])


def rate_changes(upper: pd.Series) -> pd.DataFrame:
    """Every change of a target-range bound, mapped to the scheduled meeting it followed.

    A change effective on day ``d`` belongs to a meeting decided on ``d`` or up to three days
    before; otherwise it is ``unscheduled`` (an inter-meeting move, such as March 2020).
    """
    step = upper.diff()
    changed = step[step.fillna(0) != 0]
    meetings = fomc_meetings()
    rows = []
    for day, delta in changed.items():
        near = meetings[(meetings <= day) & (meetings >= day - pd.Timedelta(days=3))]
        rows.append(
            {
                "effective": day,
                "meeting": near[-1] if len(near) else pd.NaT,
                "change_bp": round(100 * delta),
                "new_upper": upper.loc[day],
            }
        )
    return pd.DataFrame(rows, columns=["effective", "meeting", "change_bp", "new_upper"])


@register("target_range")
def check_target_range(claim: Claim, p: TargetRange, data: Data, ctx: Context) -> Finding:
    lower = data.series(p.lower).loc[: pd.Timestamp(p.date)]
    upper = data.series(p.upper).loc[: pd.Timestamp(p.date)]
    require_through(upper, p.date, p.upper, ctx)
    if lower.empty or upper.empty:
        raise ValueError(f"no target-range observation on or before {p.date}")
    lo, hi, day = float(lower.iloc[-1]), float(upper.iloc[-1]), upper.index[-1]
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


@register("rate_decisions")
def check_rate_decisions(claim: Claim, p: RateDecisions, data: Data, ctx: Context) -> Finding:
    upper = data.series(p.upper)
    start, end = pd.Timestamp(p.period.start), pd.Timestamp(p.period.end)
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


@register("rate_forecast")
def check_rate_forecast(claim: Claim, p: RateForecast, data: Data, ctx: Context) -> Finding:
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
