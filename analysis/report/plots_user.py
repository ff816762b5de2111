"""Charts of user-file series (P/E, EPS, fund flows, deal counts), one per kind, each drawing the
quantity its check tests: the P/E pair and the stated multiples (``valuation_point``), the
small/large ratio in its history (``valuation_gap``), consensus growth against the stated ranges
(``earnings_forecast``), the growth gap and its trend (``earnings_convergence``), flows summed over
windows as long as the claim's (``flow_record``), counts against their two periods' rates
(``activity_change``)."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd

from analysis.claims import Claim
from analysis.report.names import label
from analysis.report.plots_style import (
    OBSERVED,
    STATED,
    axes,
    cut_for,
    draw,
    finish,
    fmt_day,
    fmt_days,
    fmt_span,
    fmt_value,
    mark_level,
    mark_point,
    mark_window,
    names,
    ordinal,
)
from analysis.results import ClaimResult
from analysis.snapshot import Snapshot

YEARS = pd.DateOffset(years=5)


def _series(snapshot: Snapshot, p, name: str, cut) -> pd.Series:
    return cut.apply(snapshot.load(p.file)[name].dropna())


def _valuation_point(ax, claim, result, snapshot, cut) -> tuple[str, str]:
    p, ob = claim.params, result.observed or {}
    day = pd.Timestamp(p.date)
    for name, stated, key in (
        (p.small, p.stated_small, "small"),
        (p.large, p.stated_large, "large"),
    ):
        s = _series(snapshot, p, name, cut).loc[day - YEARS :]
        draw(ax, s, cut, name=label(name), lw=1.6)
        mark_point(ax, day, stated, f"stated {stated:.1f}x", stated=True)
        if key in ob:
            mark_point(ax, day, ob[key], f"observed {ob[key]:.1f}x")
    seen = f", observed {ob['small']:.1f}x and {ob['large']:.1f}x" if "small" in ob else ""
    return (
        f"{names([p.small, p.large])}, {fmt_span(day - YEARS, day)}: stated "
        f"{p.stated_small:.1f}x and {p.stated_large:.1f}x on {fmt_day(day)}{seen}"
    ), "times earnings"


def _valuation_gap(ax, claim, result, snapshot, cut) -> tuple[str, str]:
    p, ob = claim.params, result.observed or {}
    day = pd.Timestamp(p.as_of)
    frame = cut.apply(snapshot.load(p.file))
    ratio = (frame[p.small] / frame[p.large]).dropna().loc[:day]
    ratio = ratio[ratio > 0]
    draw(ax, ratio, cut, name=f"{label(p.small)} ÷ {label(p.large)}", lw=1.5)
    values = [*ratio.to_numpy(), ob.get("ratio", np.nan), ob.get("long_run_mean_ratio", np.nan)]
    lo, hi = np.nanmin(values), np.nanmax(values)
    pad = 0.08 * (hi - lo or 1)
    if ob.get("long_run_mean_ratio") is not None:
        mean = ob["long_run_mean_ratio"]
        mark_level(ax, mean, f"long-run mean {mean:.2f}", colour="#57606a")
        ci = ob.get("long_run_mean_ci")
        if ci and None not in ci and not ob.get("long_run_mean_very_wide"):
            ax.axhspan(
                ci[0],
                ci[1],
                color="#57606a",
                alpha=0.10,
                lw=0,
                label=f"95% interval of the mean, {ci[0]:,.2f} to {ci[1]:,.2f}",
            )
    ax.set_ylim(lo - pad, hi + pad)
    finding = "stated historically cheap"
    if "ratio" in ob:
        at = ob.get("percentile")
        pct = f", {ordinal(at)} percentile" if at is not None else ""
        mark_point(ax, day, ob["ratio"], f"{ob['ratio']:.2f} on {fmt_day(day)}{pct}")
        finding += f"; observed {ob['ratio']:.2f} on {fmt_day(day)}{pct} of its history"
    span = fmt_span(ratio.index[0], day) if len(ratio) else ""
    return f"Small- to large-cap P/E ratio, {span}: {finding}", "ratio of P/E multiples"


def _earnings_forecast(ax, claim, result, snapshot, cut) -> tuple[str, str]:
    p, ob = claim.params, result.observed or {}
    day = pd.Timestamp(p.as_of)
    frame = snapshot.load(p.file)
    parts = []
    for side, est, act, stated in (
        ("small", p.small_estimate, p.small_actual, p.stated_small),
        ("large", p.large_estimate, p.large_actual, p.stated_large),
    ):
        lines = draw(
            ax,
            cut.apply(frame[est].dropna()).loc[day - pd.DateOffset(years=2) :],
            cut,
            name=label(est),
            lw=1.6,
        )
        colour = lines[0].get_color() if lines else STATED
        ax.axhspan(
            stated[0],
            stated[1],
            color=colour,
            alpha=0.12,
            lw=0,
            label=f"stated {stated[0]:g}–{stated[1]:g}% ({label(est)})",
        )
        if act in frame:
            draw(ax, cut.apply(frame[act].dropna()), cut, name=label(act), lw=2.2)
        got = ob.get(side) or {}
        if got.get("estimate") is not None:
            mark_point(ax, day, got["estimate"], f"consensus {got['estimate']:.1f}% at publication")
        parts.append(f"{stated[0]:g}–{stated[1]:g}%")
    est = [
        f"{(ob.get(s) or {}).get('estimate'):.1f}%"
        for s in ("small", "large")
        if (ob.get(s) or {}).get("estimate") is not None
    ]
    seen = f"; consensus at publication {' and '.join(est)}" if est else ""
    return (
        f"Consensus EPS growth for {p.year}, small and large caps: stated "
        f"{' and '.join(parts)}{seen}"
    ), "percent"


def _earnings_convergence(ax, claim, result, snapshot, cut) -> tuple[str, str]:
    from analysis.stats.convergence import growth_from_levels

    p, ob = claim.params, result.observed or {}
    end = pd.Timestamp(p.as_of)
    frame = cut.apply(snapshot.load(p.file)).loc[:end]
    start = end - pd.DateOffset(years=p.lookback_years)
    growth = {
        n: growth_from_levels(frame[n].dropna(), nonpositive="nan").dropna().loc[start:]
        for n in (p.small, p.large)
    }
    for n, s in growth.items():
        draw(ax, s, cut, name=f"{label(n)}, growth over a year", lw=1.2, alpha=0.8)
    gap = (growth[p.small] - growth[p.large]).abs().dropna()
    ax.fill_between(
        gap.index,
        0,
        gap.to_numpy(),
        color="#8c959f",
        alpha=0.35,
        lw=0,
        label="gap between the two (absolute, points)",
    )
    if len(gap) > 2:
        years = (gap.index - gap.index[0]).days.to_numpy() / 365.25
        slope, icept = np.polyfit(years, gap.to_numpy(), 1)
        shown = ob.get("slope_per_year", slope)
        ax.plot(
            gap.index,
            icept + slope * years,
            color=OBSERVED,
            lw=2,
            label=f"trend of the gap: {shown:+.2f} points a year",
        )
    ax.axhline(0, color="#8c959f", lw=0.8)
    seen = ""
    if "first_gap" in ob:
        seen = (
            f"; the gap went from {ob['first_gap']:.1f} to {ob['last_gap']:.1f} points, "
            f"trend {ob['slope_per_year']:+.2f} a year"
        )
    span = fmt_span(gap.index[0], gap.index[-1]) if len(gap) else ""
    who = " and ".join(re.sub(r" EPS\b.*", "", label(n)) for n in (p.small, p.large))
    return f"Year-over-year EPS growth of the {who}, {span}: stated converging{seen}", "percent"


def _flow_record(ax, claim, result, snapshot, cut) -> tuple[str, str]:
    p, ob = claim.params, result.observed or {}
    frame = cut.apply(snapshot.load(p.file))
    flows = sum(frame[s] for s in p.series).dropna()
    a, b = pd.Timestamp(p.window.start), pd.Timestamp(p.window.end)
    k = len(flows.loc[a:b])
    totals = flows.rolling(k).sum().dropna().loc[:b]
    money = "usd_millions" if "million" in str(frame.attrs.get("units", {})).lower() else None
    draw(ax, totals, cut, name=f"net flows into {names(p.series)}, {k}-session sums", lw=0.8)
    earlier = totals.loc[: a - pd.Timedelta(days=1)]
    if len(earlier):
        mark_level(
            ax,
            float(earlier.max()),
            f"earlier record {fmt_value(earlier.max(), money)} ({fmt_day(earlier.idxmax())})",
        )
    mark_window(ax, a, b, f"window of the claim ({fmt_days(a, b)})")
    if "total" in ob:
        mark_point(ax, b, ob["total"], f"window's total {fmt_value(ob['total'], money)}")
    seen = ""
    if "rank" in ob and "total" in ob:
        seen = f"; {fmt_days(a, b)} took in {fmt_value(ob['total'], money)}, rank {ob['rank']:,}"
        seen += f" of {result.tests[0].nobs:,} windows" if result.tests else ""
    span = fmt_span(totals.index[0], totals.index[-1]) if len(totals) else ""
    return (
        f"Net flows into {', '.join(p.series)} over {k}-session windows, {span}: "
        f"stated a record{seen}",
        "US$ millions" if money else "flows",
    )


def _activity_change(ax, claim, result, snapshot, cut) -> tuple[str, str]:
    p, ob = claim.params, result.observed or {}
    counts = _series(snapshot, p, p.series, cut).loc[pd.Timestamp(p.baseline.start) :]
    gaps = np.diff(counts.index.to_numpy()).astype("timedelta64[D]").astype(float)
    width = float(np.median(gaps)) if len(gaps) else 30.0
    # each count covers the time up to its date: a period, or its year to date
    ends = counts.index
    if p.coverage == "year_to_date":
        starts = pd.DatetimeIndex([pd.Timestamp(d.year, 1, 1) for d in ends])
    else:
        starts = ends - pd.Timedelta(days=width)
    spans = (ends - starts).days.to_numpy() * 0.9
    ax.bar(
        starts,
        counts.to_numpy(),
        width=spans,
        align="edge",
        color="#1f4e79",
        alpha=0.7,
        label=label(p.series),
    )
    per = "a year" if p.coverage == "year_to_date" else _per(width)
    for w, key, colour, what in (
        (p.baseline, "baseline_rate", STATED, "baseline"),
        (p.recent, "recent_rate", OBSERVED, "recent"),
    ):
        if key in ob:
            ax.hlines(
                ob[key],
                pd.Timestamp(w.start),
                pd.Timestamp(w.end),
                color=colour,
                lw=2.5,
                label=f"{what}: {ob[key]:.1f} {per} ({fmt_days(w.start, w.end)})",
            )
    mark_window(ax, p.recent.start, p.recent.end, "recent period")
    seen = ""
    if "recent_rate" in ob:
        seen = (
            f"; {ob['recent_rate']:.1f} {per} against {ob['baseline_rate']:.1f} before "
            f"(ratio {ob['rate_ratio']:.2f})"
        )
    span = fmt_span(counts.index[0], counts.index[-1]) if len(counts) else ""
    return f"{label(p.series)}, {span}: stated increased activity{seen}", "count"


def _per(days: float) -> str:
    """A rate's period in words, from the spacing of the counts."""
    for limit, words in ((1.5, "a day"), (8, "a week"), (32, "a month"), (95, "a quarter")):
        if days <= limit:
            return words
    return "a year" if days <= 370 else "a period"


CHARTS = {
    "valuation_point": _valuation_point,
    "valuation_gap": _valuation_gap,
    "earnings_forecast": _earnings_forecast,
    "earnings_convergence": _earnings_convergence,
    "flow_record": _flow_record,
    "activity_change": _activity_change,
}


def plot_user_series(
    claim: Claim, result: ClaimResult, snapshot: Snapshot, *, ax=None, until: date | None = None
):
    """The quantity a user-file kind tests, with the stated and observed values."""
    ax = axes(ax)
    title, ylabel = CHARTS[claim.kind](ax, claim, result, snapshot, cut_for(claim, until))
    finish(ax, title, ylabel=ylabel)
    return ax
