"""Checks of relative performance: a spread over a window (and how robust it is to the window),
sector leadership, and forecasts of outperformance scored on data after the article."""

from __future__ import annotations

import pandas as pd

from analysis.checks.base import Context, Data, Finding, iso, pct, register, require_through
from analysis.claims import Claim, RelativeForecast, RelativeReturn, SectorLeadership
from analysis.stats.relative import (
    relative_return,
    spread_percentile,
    spread_test,
    window_sensitivity,
)


def _name(rel: str) -> str:
    return rel.split("/")[-1].removesuffix(".csv")


def _bp(x: float) -> str:
    return f"{10_000 * x:+,.0f} bp"


@register("relative_return")
def check_relative_return(claim: Claim, p: RelativeReturn, data: Data, ctx: Context) -> Finding:
    """The spread over the stated window, its rarity, and whether the verdict survives moving
    the window's end by up to ``end_jitter`` sessions and its length over ``days_range``.

    A claim of direction only ("outpaced") needs a spread of at least ``tolerance`` to be
    supported and one of at most ``-tolerance`` to be contradicted; in between it is too close
    to call. A stated size that misses on the stated window but was reached by a window ending
    in the 30 sessions before is ``partly_supported`` (the number right, the date not).
    """
    a, b = data.series(p.series), data.series(p.benchmark)
    require_through(a, p.end, p.series, ctx)
    require_through(b, p.end, p.benchmark, ctx)
    base = relative_return(a, b, end=p.end, days=p.days)
    if p.stated_spread is None:

        def holds(x: float) -> bool:
            return x >= p.tolerance

        want = f"a lead of at least {10_000 * p.tolerance:.0f} bp"
    else:

        def holds(x: float) -> bool:
            return abs(x - p.stated_spread) <= p.tolerance

        want = f"{_bp(p.stated_spread)} +- {10_000 * p.tolerance:.0f} bp"
    sens = window_sensitivity(
        a,
        b,
        end=p.end,
        days=p.days,
        end_jitter=p.end_jitter,
        days_range=p.days_range,
        predicate=holds,
    )
    tests = (
        spread_percentile(
            a,
            b,
            days=p.days,
            spread=base.spread,
            before=base.start,  # not itself
            alpha=ctx.alpha,
        ),
        spread_test(a, b, end=p.end, days=p.days, alternative="greater"),
    )
    na, nb = _name(p.series), _name(p.benchmark)
    text = (
        f"{na} returned {pct(base.return_a)} and {nb} {pct(base.return_b)} from "
        f"{iso(base.start)} to {iso(base.end)} ({p.days} sessions): a spread of "
        f"{_bp(base.spread)} against {want}"
    )
    robust = (
        f"; {sens.share:.0%} of nearby windows agree (ends +-{p.end_jitter} sessions, "
        f"{p.days_range[0]}-{p.days_range[1]} sessions long)"
    )
    observed = {
        "spread": round(base.spread, 6),
        "return_series": round(base.return_a, 6),
        "return_benchmark": round(base.return_b, 6),
        "start": iso(base.start),
        "end": iso(base.end),
        "share_of_windows_agreeing": round(sens.share, 3),
    }
    stated = {"spread": p.stated_spread, "tolerance": p.tolerance, "days": p.days}
    extra = ""
    if holds(base.spread):
        verdict = "supported"
    elif p.stated_spread is None:
        verdict = "contradicted" if base.spread <= -p.tolerance else "inconclusive"
        extra = "" if verdict == "contradicted" else ": too close to call"
    elif (hit := _earlier_match(a, b, p, holds)) is not None:
        verdict = "partly_supported"
        observed["matching_window"] = [iso(hit.start), iso(hit.end), round(hit.spread, 6)]
        extra = (
            f"; the stated size was reached over {iso(hit.start)} to {iso(hit.end)} "
            f"({_bp(hit.spread)}): the number is right, the date is not"
        )
    elif 0.5 <= base.spread / p.stated_spread <= 2:
        verdict = "partly_supported"  # the direction right, the size within a factor of two
        extra = ": the direction is right, the size is not"
    else:
        verdict = "contradicted"
    return Finding(
        verdict,
        text + extra + robust + ".",
        stated,
        observed,
        tests,
        (iso(base.start), iso(base.end)),
        fragile=sens.fragile,
    )


def _earlier_match(a: pd.Series, b: pd.Series, p: RelativeReturn, holds):
    """The latest window of ``p.days`` sessions ending in the 30 sessions before ``p.end``
    whose spread satisfies ``holds``, or None."""
    both = a.index.intersection(b.index)
    ends = both[both <= pd.Timestamp(p.end)][-31:-1]
    for end in reversed(ends):
        try:
            r = relative_return(a, b, end=end, days=p.days)
        except ValueError:
            continue
        if holds(r.spread):
            return r
    return None


def _window_return(s: pd.Series, start, end) -> tuple[float, pd.Timestamp, pd.Timestamp]:
    before = s.loc[: pd.Timestamp(start)]
    inside = s.loc[: pd.Timestamp(end)]
    if before.empty or inside.empty:
        raise ValueError(f"{s.name} has no close on or before {iso(start)}")
    return float(inside.iloc[-1] / before.iloc[-1] - 1), before.index[-1], inside.index[-1]


@register("sector_leadership")
def check_sector_leadership(claim: Claim, p: SectorLeadership, data: Data, ctx: Context) -> Finding:
    """Each named leader's return over the window against the benchmark's (and the peers')."""
    series = {rel: data.series(rel) for rel in [*p.leaders, p.benchmark, *p.peers]}
    for rel, s in series.items():
        require_through(s, p.window.end, rel, ctx)
    rets = {rel: _window_return(s, p.window.start, p.window.end) for rel, s in series.items()}
    bench = rets[p.benchmark][0]
    best_peer = max((rets[r][0] for r in p.peers), default=float("-inf"))
    led = [r for r in p.leaders if rets[r][0] > bench and rets[r][0] > best_peer]
    listing = ", ".join(f"{_name(r)} {pct(rets[r][0])}" for r in [*p.leaders, *p.peers])
    start, end = rets[p.benchmark][1], rets[p.benchmark][2]
    text = f"From {iso(start)} to {iso(end)}: {listing}, against {_name(p.benchmark)} {pct(bench)}"
    observed = {_name(r): round(v[0], 6) for r, v in rets.items()}
    if len(led) == len(p.leaders):
        verdict, tail = "supported", "every named sector led"
    elif led:
        verdict, tail = "partly_supported", f"only {', '.join(_name(r) for r in led)} led"
    else:
        verdict, tail = "contradicted", "none of the named sectors led"
    return Finding(verdict, f"{text}; {tail}.", None, observed, date_range=(iso(start), iso(end)))


@register("relative_forecast")
def check_relative_forecast(claim: Claim, p: RelativeForecast, data: Data, ctx: Context) -> Finding:
    """Outperformance from ``start`` to ``horizon_end``: ``pending`` until the horizon has
    passed in the data (the interim spread is reported), then decided on the full period."""
    a, b = data.series(p.series), data.series(p.benchmark)
    last = min(a.index[-1], b.index[-1])
    ra, start, end_a = _window_return(a, p.start, min(pd.Timestamp(p.horizon_end), last))
    rb, _, _ = _window_return(b, p.start, min(pd.Timestamp(p.horizon_end), last))
    na, nb = _name(p.series), _name(p.benchmark)
    so_far = (
        f"{na} {pct(ra)} against {nb} {pct(rb)} from {iso(start)} to {iso(end_a)} ({_bp(ra - rb)})"
    )
    observed = {"spread": round(ra - rb, 6), "through": iso(end_a)}
    stated = {"outperform_until": iso(p.horizon_end)}
    due = pd.offsets.BDay().rollback(pd.Timestamp(p.horizon_end))  # its last weekday
    if last < due:
        return Finding(
            "pending",
            f"The forecast runs to {iso(p.horizon_end)}; so far {so_far}.",
            stated,
            observed,
            date_range=(iso(start), iso(end_a)),
        )
    verdict = "supported" if ra > rb else "contradicted"
    return Finding(
        verdict,
        f"Over the forecast's horizon, {so_far}.",
        stated,
        observed,
        date_range=(iso(start), iso(end_a)),
    )
