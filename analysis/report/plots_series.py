"""The relative-performance chart: growth of 100 from the window's start for each series the check
compares, the stated lead and the observed one (``relative_return``, ``sector_leadership``,
``relative_forecast``, ``change``)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analysis.claims import Claim
from analysis.report.names import label
from analysis.report.plots_style import (
    MARGIN,
    OBSERVED,
    STATED,
    axes,
    claim_dates,
    cut_for,
    draw,
    finish,
    fmt_bp,
    fmt_day,
    fmt_days,
    fmt_return,
    mark_window,
    minus,
    names,
)
from analysis.results import ClaimResult
from analysis.snapshot import Snapshot

BENCHMARK = "#57606a"


def _order(claim: Claim) -> tuple[list[str], str | None]:
    """The compared series and the benchmark (drawn last, in grey)."""
    p = claim.params
    bench = getattr(p, "benchmark", None)
    rels = [r for r in claim.data if r.startswith(("prices/", "fred/")) and r != bench]
    return rels, bench


def plot_relative(
    claim: Claim, result: ClaimResult, snapshot: Snapshot, *, ax=None, until: date | None = None
):
    """Growth of 100 from the window's start, each series' return in the legend, the window
    shaded, the stated lead (hollow diamond) and the observed lead (red bracket) at its end."""
    ax = axes(ax)
    p, cut = claim.params, cut_for(claim, until)
    start, end = claim_dates(claim, result) or (pd.Timestamp(p.start), pd.Timestamp(p.end))
    end = cut.end(end)
    rels, bench = _order(claim)
    ends: dict[str, float] = {}
    for rel in [*rels, *([bench] if bench else [])]:
        s = cut.apply(snapshot.series(rel)).loc[start - MARGIN : end + MARGIN]
        if s.empty:  # an as-of date before the window: nothing to draw
            continue
        before = s.loc[:start]
        base = float(before.iloc[-1] if len(before) else s.iloc[0])
        growth = 100 * s / base
        at_end = float(growth.loc[:end].iloc[-1]) if len(growth.loc[:end]) else 100.0
        ends[rel] = at_end
        style = {"color": BENCHMARK, "lw": 2.2} if rel == bench else {"lw": 1.6, "zorder": 3}
        draw(ax, growth, cut, name=f"{label(rel)} {fmt_return(at_end / 100 - 1)}", **style)
    ax.axhline(100, color="#8c959f", lw=0.8)
    mark_window(ax, start, end, f"window checked ({fmt_days(start, end)})")
    finding = _lead(ax, claim, result, ends, end, rels, bench)
    if claim.kind == "relative_forecast":
        head = f"{label(p.series)} against {label(p.benchmark)} since {fmt_day(p.start)}"
        horizon = pd.Timestamp(p.horizon_end)
        ax.axvline(
            horizon, color=STATED, ls="-.", lw=1, label=f"forecast horizon {fmt_day(horizon)}"
        )
    elif bench:
        head = f"{names(rels)} against {label(bench)}, {fmt_days(start, end)}"
    else:
        head = f"{names(rels)}, {fmt_days(start, end)}"
    finish(ax, f"{head}: {finding}", ylabel=f"value of 100 invested on {fmt_day(start)}")
    return ax


def _lead(ax, claim, result, ends: dict[str, float], end, rels, bench) -> str:
    """Draw the stated and observed lead; return the title's finding."""
    p = claim.params
    ob = result.observed if isinstance(result.observed, dict) else {}
    if claim.kind == "change":
        st = result.stated if isinstance(result.stated, dict) else {}
        observed = ob.get("change")
        unit = {"percent": "%", "points": " points", "bp": " bp"}.get(ob.get("unit"), "")
        seen = (
            minus(f", observed {observed:+,.2f}{unit}") if isinstance(observed, int | float) else ""
        )
        return f"stated {st.get('compare', 'a change')}{seen}"
    if bench not in ends or not rels or rels[0] not in ends:
        return "stated to lead; not yet observed"
    first, b = ends[rels[0]], ends[bench]
    if claim.kind == "sector_leadership":
        led = [label(r) for r in rels[: len(p.leaders)] if ends.get(r, b) > b]
        return "stated to lead; " + (f"{', '.join(led)} led" if led else "none led")
    spread = (first - b) / 100
    ax.annotate(
        "",
        xy=(end, first),
        xytext=(end, b),
        arrowprops={"arrowstyle": "<->", "color": OBSERVED, "lw": 1.6},
    )
    ax.plot([], [], color=OBSERVED, lw=1.6, label=f"observed lead {fmt_bp(spread)}")
    ax.annotate(
        f"observed {fmt_bp(spread)}",
        (end, (first + b) / 2),
        xytext=(6, 0),
        textcoords="offset points",
        color=OBSERVED,
        fontsize=8,
        va="center",
    )
    if claim.kind == "relative_forecast":
        through = fmt_day(ob.get("through", end))
        return (
            f"stated to lead through {fmt_day(p.horizon_end)}; {fmt_bp(spread)} "
            f"so far (to {through})"
        )
    stated = getattr(p, "stated_spread", None)
    tol = getattr(p, "tolerance", 0.0) or 0.0
    if stated is None:
        target, text = b + 100 * tol, f"stated: a lead (at least {fmt_bp(tol)})"
        ax.plot(
            [end],
            [target],
            marker="^",
            mfc="white",
            mec=STATED,
            ms=8,
            mew=1.6,
            ls="none",
            label=text,
        )
        return f"stated a lead, observed {fmt_bp(spread)}"
    target = b + 100 * stated
    ax.errorbar(
        [end],
        [target],
        yerr=[[100 * tol]],
        fmt="D",
        mfc="white",
        mec=STATED,
        ecolor=STATED,
        ms=8,
        mew=1.6,
        capsize=5,
        label=f"stated lead {fmt_bp(stated)} (±{fmt_bp(tol).lstrip('+')})",
    )
    return f"stated lead {fmt_bp(stated)}, observed {fmt_bp(spread)}"
