"""Checks of flows and deal activity (data users bring in ``user/`` files)."""

from __future__ import annotations

import pandas as pd

from analysis.checks.base import Context, Data, Finding, directional, iso, register
from analysis.claims import ActivityChange, Claim, FlowRecord
from analysis.stats.counts import flow_record, rate_change


@register("flow_record")
def check_flow_record(claim: Claim, p: FlowRecord, data: Data, ctx: Context) -> Finding:
    """The named funds' summed flows over the window against every earlier window as long."""
    frame = data.frame(p.file)
    flows = sum(data.series(p.file, s) for s in p.series).dropna()
    flows.name = "+".join(p.series)
    end = pd.Timestamp(p.window.end)
    if flows.index[-1] < end:
        raise ValueError(f"{p.file} ends {iso(flows.index[-1])}, before {iso(end)}")
    res = flow_record(flows, window_start=p.window.start, window_end=p.window.end)
    unit = frame.attrs.get("units", {}).get(p.series[0], "")
    rank = res.details["rank"]
    text = (
        f"{flows.name} took in {res.estimate:,.0f} {unit} from {iso(p.window.start)} to "
        f"{iso(p.window.end)}, rank {rank} among {res.nobs} windows of as many sessions"
    )
    if res.details["is_record"]:
        return Finding(
            "supported",
            text + ": a record.",
            "record inflows",
            {"total": res.estimate, "rank": rank},
            (res,),
            (iso(flows.index[0]), iso(end)),
        )
    return Finding(
        "contradicted",
        text + f": not a record (the record was "
        f"{res.details.get('previous_record', float('nan')):,.0f}).",
        "record inflows",
        {"total": res.estimate, "rank": rank},
        (res,),
        (iso(flows.index[0]), iso(end)),
    )


@register("activity_change")
def check_activity_change(claim: Claim, p: ActivityChange, data: Data, ctx: Context) -> Finding:
    """Decisive test: the exact conditional test that the recent rate per period is higher."""
    counts = data.series(p.file, p.series)
    recent = counts.loc[pd.Timestamp(p.recent.start) : pd.Timestamp(p.recent.end)]
    base = counts.loc[pd.Timestamp(p.baseline.start) : pd.Timestamp(p.baseline.end)]
    res = rate_change(recent, base, alpha=ctx.alpha)
    fell = rate_change(base, recent, alpha=ctx.alpha).pvalue  # the opposite direction
    head = (
        f"{p.series}: {recent.mean():.1f} a period from {iso(p.recent.start)} to "
        f"{iso(p.recent.end)} against {base.mean():.1f} from {iso(p.baseline.start)} to "
        f"{iso(p.baseline.end)} (rate ratio {res.estimate:.2f})"
    )

    decide = directional(
        head,
        res.pvalue,
        ctx.alpha,
        {
            "supported": "activity increased",
            "contradicted": "activity fell",
            "inconclusive": "no significant change",
        },
    )

    verdict, summary = decide(res.pvalue, fell)
    return Finding(
        verdict,
        summary,
        "increased activity",
        {
            "recent_mean": float(recent.mean()),
            "baseline_mean": float(base.mean()),
            "rate_ratio": res.estimate,
        },
        (res,),
        (iso(p.baseline.start), iso(p.recent.end)),
        pvalue=res.pvalue,
        pvalue_opposite=fell,
        decide=decide,
    )
