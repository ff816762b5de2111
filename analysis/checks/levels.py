"""Checks of index levels: a close on a date, a move over a window, a record high, momentum."""

from __future__ import annotations

import pandas as pd

from analysis.checks.base import Context, Data, Finding, MissingData, iso, pct, register
from analysis.claims import Claim, LevelOnDate, Momentum


@register("level_on_date")
def check_level_on_date(claim: Claim, p: LevelOnDate, data: Data, ctx: Context) -> Finding:
    series = data.series(p.series, p.column)
    day = pd.Timestamp(p.date)
    name = p.series.split("/")[-1].removesuffix(".csv")
    stated = {"value": p.stated, "date": iso(day), "tolerance": p.tolerance}
    if day not in series.index:
        before = series.loc[:day]
        if before.empty or series.index[-1] < day:
            raise ValueError(f"{p.series} has no {p.column} on or around {iso(day)}")
        nearest = before.index[-1]
        value = float(before.iloc[-1])
        return Finding(
            "partly_supported" if abs(value - p.stated) <= p.tolerance else "contradicted",
            f"{name} has no {p.column} on {iso(day)} (no session); its last one before, on "
            f"{iso(nearest)}, was {value:.2f} against the stated {p.stated:.2f}.",
            stated,
            {"value": value, "date": iso(nearest)},
            date_range=(iso(nearest), iso(day)),
        )
    value = float(series.loc[day])
    diff = value - p.stated
    observed = {"value": value, "date": iso(day), "difference": round(diff, 6)}
    if abs(diff) <= p.tolerance:
        return Finding(
            "supported",
            f"{name} closed at {value:.2f} on {iso(day)}, as stated.",
            stated,
            observed,
            date_range=(iso(day), iso(day)),
        )
    # the stated number may belong to another day: say which, if any, nearby
    near = series.loc[day - pd.Timedelta(days=14) : day + pd.Timedelta(days=14)]
    match = near[(near - p.stated).abs() <= p.tolerance]
    elsewhere = f"; {p.stated:.2f} was the close on {iso(match.index[0])}" if len(match) else ""
    return Finding(
        "partly_supported" if len(match) else "contradicted",
        f"{name} closed at {value:.2f} on {iso(day)}, {abs(diff):.2f} "
        f"{'above' if diff > 0 else 'below'} the stated {p.stated:.2f}{elsewhere}.",
        stated,
        observed,
        date_range=(iso(day), iso(day)),
    )


@register("momentum")
def check_momentum(claim: Claim, p: Momentum, data: Data, ctx: Context) -> Finding:
    series = data.series(p.series, p.column)
    name = p.series.split("/")[-1].removesuffix(".csv")
    start, pivot, end = (pd.Timestamp(d) for d in (p.start, p.pivot, p.end))
    if series.empty or series.index[-1] < pivot:
        raise MissingData(p.series, f"closes through {iso(pivot)}")
    if series.index[-1] < end:
        return Finding(
            "pending",
            f"{name} data end {iso(series.index[-1])}, before {iso(end)}, the end of the claimed "
            "continuation.",
        )
    first = series.loc[start:].iloc[0]
    mid = series.loc[:pivot].iloc[-1]
    last = series.loc[:end].iloc[-1]
    before, after = mid / first - 1, last / mid - 1
    observed = {"return_before": round(before, 6), "return_after": round(after, 6)}
    rng = (iso(series.loc[start:].index[0]), iso(series.loc[:end].index[-1]))
    text = (
        f"{name} returned {pct(before)} from {iso(start)} to {iso(pivot)} and {pct(after)} "
        f"from {iso(pivot)} to {iso(end)}"
    )
    if before > 0 and after > 0:
        return Finding("supported", f"{text}: the rise continued.", None, observed, date_range=rng)
    if after > 0:
        return Finding(
            "partly_supported",
            f"{text}: it rose after, but had not before.",
            None,
            observed,
            date_range=rng,
        )
    return Finding(
        "contradicted", f"{text}: the rise did not continue.", None, observed, date_range=rng
    )
