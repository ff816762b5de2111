"""Charts for the claims: one function per family, each drawing what its check uses.

Every ``plot_*`` takes ``(claim, result, snapshot, *, ax=None, until=None)`` and returns the
axes: a title that says what the chart shows and what was stated against what was observed,
series named in words (:mod:`analysis.report.names`), the stated value or window (black, dashed
or hollow) and the observed one (red) drawn and labelled, and no data after ``until`` (a
forecast's data after its publication dashed, :mod:`analysis.report.plots_style`).
:func:`plot_claim` picks the chart for a claim's kind; :mod:`analysis.report.figures` turns it
into an accessible SVG for a page.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from analysis.claims import Claim
from analysis.report.names import label, unit
from analysis.report.plots_macro import plot_sensitivity
from analysis.report.plots_series import plot_relative
from analysis.report.plots_style import (
    MARGIN,
    STATED,
    WINDOW,
    axes,
    axis_label,
    claim_dates,
    cut_for,
    draw,
    finish,
    fmt_day,
    fmt_days,
    fmt_return,
    fmt_span,
    fmt_value,
    mark_level,
    mark_point,
    mark_window,
    names,
    number,
    theme,
)
from analysis.report.plots_user import plot_user_series
from analysis.results import ClaimResult
from analysis.snapshot import Snapshot

__all__ = [
    "plot_claim",
    "plot_levels",
    "plot_rates",
    "plot_relative",
    "plot_sensitivity",
    "plot_user_series",
    "theme",
]


def _close(snapshot: Snapshot, rel: str, column: str | None) -> pd.Series:
    frame = snapshot.load(rel)
    if column in frame:
        return frame[column].dropna()
    return snapshot.series(rel)


def _frame_of(claim: Claim, result: ClaimResult) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The dates a level chart covers: the claim's period or window with a margin; a year
    before a record's period, so the earlier record shows."""
    p = claim.params
    period = getattr(p, "period", None)
    if claim.kind == "record_high" and period is not None:
        return pd.Timestamp(period.start) - pd.Timedelta(days=365), pd.Timestamp(period.end)
    dates = claim_dates(claim, result)
    if dates:
        start, end = dates
        if end - start > pd.Timedelta(days=400):
            return start, end
        return start - MARGIN, end + MARGIN
    return pd.Timestamp("1900-01-01"), pd.Timestamp("2262-01-01")


def _levels_marks(ax, claim, result, close: pd.Series, cut, kind_unit) -> str:
    """Draw the stated and observed values of a level claim; return the title's finding."""
    p, st, ob = claim.params, result.stated, result.observed
    st = st if isinstance(st, dict) else {"value": st}
    ob = ob if isinstance(ob, dict) else {}
    v = lambda x: fmt_value(x, kind_unit)  # noqa: E731
    if claim.kind == "window_move":
        return _window_move(ax, p, ob, close)
    if claim.kind == "record_high":
        return _record_high(ax, p, ob, close, v)
    if claim.kind == "momentum":
        for a, b, key in ((p.start, p.pivot, "return_before"), (p.pivot, p.end, "return_after")):
            if key in ob:
                text = f"{fmt_return(ob[key])} from {fmt_day(a)} to {fmt_day(b)}"
                mark_window(ax, a, b, text, colour=WINDOW if key.endswith("before") else "#e07b00")
        ax.axvline(pd.Timestamp(p.pivot), color=STATED, lw=0.8)
        return "stated: the rise continues; " + ", then ".join(
            fmt_return(ob[k]) for k in ("return_before", "return_after") if k in ob
        )
    finding = []
    stated = number(st.get("value", st.get("compare", st.get("level"))))
    day = st.get("date") or ob.get("date")
    if stated is not None:
        if day:
            mark_point(ax, day, stated, f"stated {v(stated)}", stated=True)
        else:
            mark_level(ax, stated, f"stated {v(stated)}")
        finding.append(f"stated {v(stated)}" + (f" on {fmt_day(day)}" if day else ""))
    elif isinstance(st.get("compare"), str):
        finding.append(f"stated {st['compare']}")
    for key, what in (("value", "observed"), ("record", "record close"), ("peak", "peak")):
        when = ob.get("date") if key != "peak" else ob.get("peak_date")
        if isinstance(ob.get(key), int | float) and when:
            mark_point(ax, when, ob[key], f"{what} {v(ob[key])}")
            finding.append(f"{what} {v(ob[key])}")
    if result.date_range and result.date_range[0] != result.date_range[1]:
        span = pd.Timestamp(result.date_range[1]) - pd.Timestamp(result.date_range[0])
        if span < pd.Timedelta(days=400):
            mark_window(ax, *result.date_range, f"dates checked ({fmt_days(*result.date_range)})")
    return ", ".join(finding)


def _window_move(ax, p, ob: dict, close: pd.Series) -> str:
    """The stated move (a window of end dates, the move it should reach) and the best window."""
    mark_window(
        ax,
        p.ends_within.start,
        p.ends_within.end,
        f"stated: {fmt_return(p.stated)} in {p.days} sessions ending "
        f"{fmt_days(p.ends_within.start, p.ends_within.end)}",
    )
    if "best_start" not in ob:
        return f"stated {fmt_return(p.stated)} in {p.days} sessions"
    a, b = pd.Timestamp(ob["best_start"]), pd.Timestamp(ob["best_end"])
    base = float(close.loc[:a].iloc[-1])
    best = close.loc[a:b]
    ax.plot(
        best.index,
        best.to_numpy(),
        color="#cf222e",
        lw=2.6,
        zorder=4,
        label=f"best {p.days}-session move: {fmt_return(ob['best_return'])} ({fmt_days(a, b)})",
    )
    target = base * (1 + p.stated)
    mark_point(ax, b, target, f"stated {fmt_return(p.stated)} from {fmt_day(a)}", stated=True)
    ax.plot([a, b], [base, target], color=STATED, ls=":", lw=1)
    return (
        f"stated {fmt_return(p.stated)} in {p.days} sessions, "
        f"best {fmt_return(ob['best_return'])} ({fmt_days(a, b)})"
    )


def _record_high(ax, p, ob: dict, close: pd.Series, v) -> str:
    """The period searched, the earlier record, the stated record and the period's peaks."""
    start, end = pd.Timestamp(p.period.start), pd.Timestamp(p.period.end)
    mark_window(ax, start, end, f"period of the claim ({fmt_days(start, end)})")
    earlier = close.loc[: start - pd.Timedelta(days=1)]
    if len(earlier):
        day = earlier.idxmax()
        mark_level(
            ax,
            float(earlier.max()),
            f"earlier record close {v(earlier.max())} ({fmt_day(day)})",
            colour="#57606a",
        )
    finding = []
    if p.stated is not None:
        mark_level(ax, p.stated, f"stated record {v(p.stated)}")
        finding.append(f"stated record {v(p.stated)}")
    else:
        finding.append("stated: a record")
    if "close_peak" in ob:
        words = "a record" if ob.get("close_is_record") else "not a record"
        text = f"highest close {v(ob['close_peak'])} ({words})"
        mark_point(ax, ob["close_peak_date"], ob["close_peak"], text)
        finding.append(
            f"highest close {v(ob['close_peak'])} on {fmt_day(ob['close_peak_date'])}, {words}"
        )
    return "; ".join(finding)


def plot_levels(
    claim: Claim, result: ClaimResult, snapshot: Snapshot, *, ax=None, until: date | None = None
):
    """The series' level around the dates checked, with the stated and observed values."""
    ax = axes(ax)
    p = claim.params
    rel = getattr(p, "series", None) or claim.data[0]
    column = getattr(p, "column", None) or getattr(p, "close_column", None) or "Close"
    cut = cut_for(claim, until)
    lo, hi = _frame_of(claim, result)
    full = cut.apply(_close(snapshot, rel, column))
    close = full.loc[lo:hi]
    kind_unit = unit(rel)
    what = "close" if kind_unit in ("index", "usd") else "level"
    draw(ax, close, cut, name=f"{label(rel)} {what}", lw=1.6)
    high_column = getattr(p, "high_column", None)
    frame = snapshot.load(rel)
    if high_column and high_column in frame:
        high = cut.apply(frame[high_column].dropna()).loc[lo:hi]
        ax.plot(high.index, high.to_numpy(), lw=0.8, color="#8c959f", label="intraday high")
    finding = _levels_marks(ax, claim, result, full, cut, kind_unit)
    span = fmt_span(close.index[0], close.index[-1]) if len(close) else ""
    title = f"{label(rel)} {what}, {span}" + (f": {finding}" if finding else "")
    finish(ax, title, ylabel=axis_label(rel))
    return ax


def _rates_finding(ax, claim, result, cut) -> str:
    """Draw the stated and observed values of a policy-rate claim; return the title's finding."""
    p, st, ob = claim.params, result.stated, result.observed
    st, ob = (st if isinstance(st, dict) else {}), (ob if isinstance(ob, dict) else {})
    if claim.kind == "target_range":
        day = pd.Timestamp(ob.get("date") or p.date)
        ax.errorbar(
            [day],
            [(p.stated_lower + p.stated_upper) / 2],
            yerr=[[(p.stated_upper - p.stated_lower) / 2]],
            fmt="none",
            ecolor=STATED,
            elinewidth=2.5,
            capsize=7,
            zorder=5,
            label=f"stated {p.stated_lower:.2f}–{p.stated_upper:.2f}% on {fmt_day(day)}",
        )
        observed = ""
        if "lower" in ob:
            observed = f", observed {ob['lower']:.2f}–{ob['upper']:.2f}%"
        return f"stated {p.stated_lower:.2f}–{p.stated_upper:.2f}% on {fmt_day(day)}{observed}"
    if claim.kind == "rate_forecast":
        month = pd.Timestamp(p.target_date).to_period("M")
        a, b = month.start_time, month.end_time
        ax.fill_between(
            [a, b],
            p.stated - p.tolerance,
            p.stated + p.tolerance,
            color=STATED,
            alpha=0.15,
            lw=0,
            label=f"stated near {p.stated:.2f}% (±{p.tolerance:g}) in {a:%b %Y}",
        )
        ax.hlines(p.stated, a, b, color=STATED, ls="--", lw=1.2)
        parts = [f"stated near {p.stated:.2f}% in {a:%b %Y}"]
        if "implied_at_publication" in ob:
            text = f"futures-implied {ob['implied_at_publication']:.2f}% at publication"
            mark_point(ax, ob["implied_date"], ob["implied_at_publication"], text)
            parts.append(f"futures priced {ob['implied_at_publication']:.2f}%")
        if ob.get("realized_average") is not None and (cut.until is None or b <= cut.until):
            ax.hlines(
                ob["realized_average"],
                a,
                b,
                color="#cf222e",
                lw=3,
                label=f"realized average {ob['realized_average']:.2f}% in {a:%b %Y}",
            )
            parts.append(f"realized {ob['realized_average']:.2f}%")
        return ", ".join(parts)
    if claim.kind == "rate_decisions":
        if result.date_range:
            mark_window(ax, *result.date_range, f"period ({fmt_days(*result.date_range)})")
        for i, day in enumerate(ob.get("cut_dates", [])):
            level = snapshot_level(ax, day)
            mark_point(ax, day, level, f"cut {i + 1}: {fmt_day(day)}")
        return f"stated {st.get('cuts')} cuts, observed {ob.get('cuts')}" + (
            f" ({ob['consecutive_cuts_to_period_end']} in a row to the period's end)"
            if st.get("consecutive") and "consecutive_cuts_to_period_end" in ob
            else ""
        )
    if claim.kind == "policy_decision" and "meeting" not in ob and result.date_range:
        mark_window(ax, *result.date_range, f"period ({fmt_days(*result.date_range)})")
        said = [
            f"{st[k]}{u}"
            for k, u in (("count", " decisions"), ("cumulative_bp", " bp"))
            if st.get(k) is not None
        ]
        seen = [
            f"{ob[k]}{u}"
            for k, u in (("count", " decisions"), ("cumulative_bp", " bp"))
            if ob.get(k) is not None
        ]
        return f"stated {st.get('action')}s: {', '.join(said)}; observed {', '.join(seen)}"
    if claim.kind == "policy_decision" and "meeting" in ob:
        size = f" of {st['size_bp']} bp" if st.get("size_bp") else ""
        change = ob.get("change_bp")
        day = pd.Timestamp(result.date_range[1]) if result.date_range else ob["meeting"]
        words = f"{change:+d} bp" if isinstance(change, int) else str(ob.get("action"))
        mark_point(ax, day, snapshot_level(ax, day), f"observed {words} ({fmt_day(ob['meeting'])})")
        stated_day = st.get("meeting")
        meeting = fmt_day(ob["meeting"] if stated_day in (None, "latest") else stated_day)
        return f"stated a {st.get('action')}{size} on {meeting}, observed {words}"
    return ""


def snapshot_level(ax, day) -> float:
    """The first drawn line's value on ``day`` (a step line: the last value on or before)."""
    line = ax.get_lines()[0]
    x = pd.to_datetime(pd.Series(line.get_xdata()))
    y = pd.Series(line.get_ydata(), index=x)
    return float(y.loc[: pd.Timestamp(day)].iloc[-1])


def plot_rates(
    claim: Claim, result: ClaimResult, snapshot: Snapshot, *, ax=None, until: date | None = None
):
    """Policy rates as steps (a target range as a band), futures-implied rates, the stated
    range or rate and the observed decisions."""
    ax = axes(ax)
    cut = cut_for(claim, until)
    start, end = claim_dates(claim, result) or (pd.Timestamp("2024-01-01"), cut.end("2262-01-01"))
    lo, hi = start - pd.Timedelta(days=365), end + MARGIN
    fred = [r for r in claim.data if r.startswith("fred/")]
    ranges = [r for r in fred if r.endswith(("DFEDTARL.csv", "DFEDTARU.csv"))]
    if len(ranges) == 2:
        low, up = (cut.apply(snapshot.series(r)).loc[lo:hi] for r in sorted(ranges))
        draw(ax, up, cut, name="federal funds target range (upper bound)", step=True, lw=1.4)
        draw(ax, low, cut, name="federal funds target range (lower bound)", step=True, lw=1.4)
        both = pd.concat([low, up], axis=1).ffill().dropna()
        changed = both.ne(both.shift()).any(axis=1)
        changed.iloc[-1:] = True
        both = both[changed]
        ax.fill_between(
            both.index,
            both.iloc[:, 0],
            both.iloc[:, 1],
            step="post",
            alpha=0.15,
            color="#1f4e79",
            lw=0,
        )
    for rel in fred:
        if rel not in ranges or len(ranges) == 1:
            draw(
                ax,
                snapshot.series(rel).loc[lo:hi],
                cut,
                name=label(rel),
                lw=1.4,
                step=rel.endswith(("DFEDTARL.csv", "DFEDTARU.csv")),
            )
    for rel in (r for r in claim.data if r.startswith("prices/")):
        implied = 100 - snapshot.series(rel).loc[lo:hi]
        draw(ax, implied, cut, name=f"rate implied by {label(rel)} (100 − price)", lw=1.2)
    finding = _rates_finding(ax, claim, result, cut)
    what = names(fred) if claim.kind != "target_range" else "Federal funds target range"
    shown = [ln for ln in ax.get_lines() if len(ln.get_xdata()) > 1]
    xs = [pd.Timestamp(x) for ln in shown for x in (ln.get_xdata()[0], ln.get_xdata()[-1])]
    span = fmt_span(min(xs), max(xs)) if xs else ""
    head = what[0].upper() + what[1:]
    finish(ax, f"{head}, {span}" + (f": {finding}" if finding else ""), ylabel="percent")
    return ax


def plot_claim(
    claim: Claim,
    result: ClaimResult,
    snapshot: Snapshot,
    *,
    ax=None,
    until: date | None = None,
):
    """The chart for a claim, chosen by its kind; ``None`` when its data is missing or its dates
    all come after ``until`` (a forecast still shows what was known before it).

    ``until`` is the last date of data the claim's check may read (``Context.cut_for``): later
    data is not drawn, except a forecast's, dashed and labelled "after publication"."""
    from analysis.kinds import get_kind

    if result.verdict == "needs_data":
        return None
    dates = claim_dates(claim, result)
    late = dates is not None and until is not None and dates[0] > pd.Timestamp(until)
    if late and not claim.forecast:
        return None  # the claim's dates all come after the data it may read: nothing to show
    with theme():
        return get_kind(claim.kind).draw(claim, result, snapshot, ax=ax, until=until)
