"""Checks of index levels: a close on a date, a move over a window, a record high, momentum."""

from __future__ import annotations

import pandas as pd

from analysis.checks.base import (
    Context,
    Data,
    Finding,
    MissingData,
    iso,
    pct,
    register,
    require_through,
)
from analysis.claims import Claim, LevelOnDate, Momentum, RecordHigh, WindowMove
from analysis.stats.windows import best_window, matching_windows, move_rarity, record_high


@register("level_on_date")
def check_level_on_date(claim: Claim, p: LevelOnDate, data: Data, ctx: Context) -> Finding:
    series = data.series(p.series, p.column)
    day = pd.Timestamp(p.date)
    require_through(series, day, p.series, ctx)
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


@register("window_move")
def check_window_move(claim: Claim, p: WindowMove, data: Data, ctx: Context) -> Finding:
    """Every window of ``days`` sessions ending in the stated range; if none matches, the nearest
    windows that do (within 60 sessions either side) — the number right, the date wrong."""
    close = data.series(p.series, p.column)
    name = _name(p.series)
    lo, hi = pd.Timestamp(p.ends_within.start), pd.Timestamp(p.ends_within.end)
    wins = matching_windows(
        close, days=p.days, stated=p.stated, tolerance=p.tolerance, search_start=lo, search_end=hi
    )
    best = best_window(wins)
    rarity = move_rarity(
        close, days=p.days, move=p.stated, before=wins["start"].min(), alpha=ctx.alpha
    )  # reference: windows ending before the claimed ones
    stated = {
        "move": p.stated,
        "days": p.days,
        "ends_within": [iso(lo), iso(hi)],
        "tolerance": p.tolerance,
    }
    observed = {
        "best_start": iso(best["start"]),
        "best_end": iso(best["end"]),
        "best_return": round(float(best["return"]), 6),
        "matching_windows": int(wins["matches"].sum()),
        "windows_checked": len(wins),
    }
    where = (
        f"the {p.days}-session windows ending {iso(lo)} to {iso(hi)} returned "
        f"{pct(wins['return'].min())} to {pct(wins['return'].max())}"
    )
    if wins["matches"].any():
        m = wins[wins["matches"]].iloc[-1]
        return Finding(
            "supported",
            f"{name} rose {pct(m['return'])} from {iso(m['start'])} to "
            f"{iso(m['end'])}, matching the stated {pct(p.stated, 0)} ({where}).",
            stated,
            observed,
            (rarity,),
            (iso(wins["start"].min()), iso(hi)),
        )
    idx = close.index
    lo_pos, hi_pos = idx.searchsorted(lo), idx.searchsorted(hi, side="right") - 1
    around = matching_windows(
        close,
        days=p.days,
        stated=p.stated,
        tolerance=p.tolerance,
        search_start=idx[max(lo_pos - 60, p.days)],
        search_end=idx[min(hi_pos + 60, len(idx) - 1)],
    )
    elsewhere = around[around["matches"]]
    if len(elsewhere):
        m = elsewhere.iloc[(elsewhere["difference"].abs()).argmin()]
        observed["matching_elsewhere"] = [iso(m["start"]), iso(m["end"]), float(m["return"])]
        return Finding(
            "partly_supported",
            f"No {p.days}-session window ending {iso(lo)} to {iso(hi)} moved "
            f"{pct(p.stated, 0)} ({where}); {name} did rise {pct(m['return'])} from "
            f"{iso(m['start'])} to {iso(m['end'])}: the size is right, the timing is not.",
            stated,
            observed,
            (rarity,),
            (iso(wins["start"].min()), iso(hi)),
        )
    return Finding(
        "contradicted",
        f"No window near the stated dates moved {pct(p.stated, 0)}: {where}.",
        stated,
        observed,
        (rarity,),
        (iso(wins["start"].min()), iso(hi)),
    )


@register("record_high")
def check_record_high(claim: Claim, p: RecordHigh, data: Data, ctx: Context) -> Finding:
    """The period's highest close and intraday high against all earlier history; the stated
    level, if any, is looked for as a record anywhere (a right number on a wrong date is
    ``partly_supported``)."""
    close = data.series(p.series, p.close_column)
    frame = data.frame(p.series)
    high = frame[p.high_column].dropna() if p.high_column and p.high_column in frame else None
    name = _name(p.series)
    start, end = pd.Timestamp(p.period.start), pd.Timestamp(p.period.end)
    require_through(close, end, p.series, ctx)
    rec = record_high(
        close, high=high, period_start=start, period_end=end, history_start=p.history_start
    )
    peaks = [pk for pk in (rec.close, rec.high) if pk is not None]
    observed = {f"{pk.kind}_peak": pk.value for pk in peaks}
    observed |= {f"{pk.kind}_peak_date": iso(pk.date) for pk in peaks}
    observed |= {f"{pk.kind}_is_record": pk.is_record for pk in peaks}
    period = f"{iso(start)} to {iso(end)}"
    desc = "; ".join(_describe(pk) for pk in peaks)
    rng = (iso(close.index[0]), iso(min(end, close.index[-1])))
    if p.stated is None:
        verdict = "supported" if any(pk.is_record for pk in peaks) else "contradicted"
        return Finding(verdict, f"{name} in {period}: {desc}.", None, observed, date_range=rng)
    in_period = [pk for pk in peaks if abs(pk.value - p.stated) <= p.tolerance and pk.is_record]
    if in_period:
        pk = in_period[0]
        return Finding(
            "supported",
            f"{name} set a record {pk.kind} of {pk.value:,.2f} on "
            f"{iso(pk.date)}, within the stated period {period}.",
            p.stated,
            observed,
            date_range=rng,
        )
    # where was the stated level reached, and was it a record then?
    for series, kind in ((high, "intraday high"), (close, "close")):
        if series is None:
            continue
        hits = series[(series - p.stated).abs() <= p.tolerance]
        for day in hits.index:
            earlier = series.loc[: day - pd.Timedelta(days=1)]
            if earlier.empty or series.loc[day] > earlier.max():
                observed["stated_level_date"] = iso(day)
                return Finding(
                    "partly_supported",
                    f"{p.stated:,.2f} was a record {kind} of {name}, set on {iso(day)}, "
                    f"outside the stated period {period} ({desc}).",
                    p.stated,
                    observed,
                    date_range=rng,
                )
    return Finding(
        "contradicted",
        f"{name} never set a record at {p.stated:,.2f}; in {period}: {desc}.",
        p.stated,
        observed,
        date_range=rng,
    )


def _describe(peak) -> str:
    """'highest close 2,558.78 on 2025-12-22 (below the record 2,590.61 of 2025-12-11)'."""
    status = (
        "a record"
        if peak.is_record
        else f"below the record {peak.previous_record:,.2f} of {iso(peak.previous_record_date)}"
    )
    return f"highest {peak.kind} {peak.value:,.2f} on {iso(peak.date)} ({status})"


def _name(rel: str) -> str:
    return rel.split("/")[-1].removesuffix(".csv")
