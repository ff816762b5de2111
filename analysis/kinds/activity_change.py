"""The ``activity_change`` check kind: event counts in a recent period against a baseline (exact
test for two Poisson rates).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from analysis.checks.base import (
    Context,
    Data,
    Finding,
    directional,
    iso,
)
from analysis.kinds.params import ParamsBase, Window
from analysis.kinds.registry import register

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """Event counts (deals) in ``recent`` against a ``baseline`` period: a rate test."""

    file: str
    series: str
    recent: Window
    baseline: Window


@register(
    "activity_change",
    Params,
    chart="plot_user_series",
    decides=(
        "event counts in a recent period against a baseline (exact test for two Poisson rates)"
    ),
    tested=True,
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """Decisive test: the exact conditional test that the recent rate per period is higher."""
    from analysis.stats.counts import rate_change

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
