"""The ``activity_change`` check kind: event counts in a recent period against a baseline (exact
test for two Poisson rates).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import pandas as pd
from pydantic import Field

from analysis.checks.base import (
    Context,
    Data,
    Finding,
    directional,
    iso,
    not_yet,
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
    coverage: Literal["period", "year_to_date"] = Field(
        "period",
        description="what one value counts: one regular period, or its calendar year from "
        "1 January to its date (an annual count, a partial year 'to date')",
    )


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

    not_yet(p.recent.end, ctx)
    counts = data.series(p.file, p.series)
    recent = counts.loc[pd.Timestamp(p.recent.start) : pd.Timestamp(p.recent.end)]
    base = counts.loc[pd.Timestamp(p.baseline.start) : pd.Timestamp(p.baseline.end)]
    e_recent, e_base = _exposure(recent, p.coverage), _exposure(base, p.coverage)
    res = rate_change(
        recent, base, alpha=ctx.alpha, recent_exposure=e_recent, baseline_exposure=e_base
    )
    fell = rate_change(  # the opposite direction
        base, recent, alpha=ctx.alpha, recent_exposure=e_base, baseline_exposure=e_recent
    ).pvalue
    unit = "a year" if p.coverage == "year_to_date" else "a period"
    head = (
        f"{p.series}: {recent.sum() / e_recent.sum():.1f} {unit} from {iso(p.recent.start)} "
        f"to {iso(p.recent.end)}{_partial(recent, e_recent)} against "
        f"{base.sum() / e_base.sum():.1f} from {iso(p.baseline.start)} to "
        f"{iso(p.baseline.end)}{_partial(base, e_base)} (rate ratio {res.estimate:.2f})"
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
            "recent_rate": float(recent.sum() / e_recent.sum()),
            "baseline_rate": float(base.sum() / e_base.sum()),
            "rate_ratio": res.estimate,
        },
        (res,),
        (iso(p.baseline.start), iso(p.recent.end)),
        pvalue=res.pvalue,
        pvalue_opposite=fell,
        decide=decide,
    )


def _exposure(counts: pd.Series, coverage: str):
    """Each value's length in periods: 1, or for ``year_to_date`` the share of its calendar year
    from 1 January to its date (a full year's value, dated 31 December, is 1)."""
    import numpy as np

    if coverage == "period":
        return np.ones(len(counts))
    days = counts.index.day_of_year.to_numpy(dtype=float)
    return days / np.where(counts.index.is_leap_year, 366.0, 365.0)


def _partial(counts: pd.Series, exposure) -> str:
    """' (2025 counted only to 2025-08-07, its rate annualized)' for partial years, else ''."""
    short = [iso(day) for day, e in zip(counts.index, exposure, strict=True) if e < 1]
    if not short:
        return ""
    return f" (counted only to {', '.join(short)}: the rate is per year, never a partial sum)"
