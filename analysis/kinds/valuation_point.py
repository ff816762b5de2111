"""The ``valuation_point`` check kind: two forward P/E levels on a date against stated ones."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from pydantic import Field

from analysis.checks.base import (
    Context,
    Data,
    Finding,
    iso,
    latest,
)
from analysis.kinds.params import ParamsBase
from analysis.kinds.registry import register

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """Two forward P/E levels on a date against stated ones."""

    file: str
    small: str
    large: str
    date: date
    stated_small: float
    stated_large: float
    tolerance: float = Field(ge=0, description="absolute, in multiples (1.0 for +-1x)")
    max_age_days: int = Field(45, ge=0, description="an older value is not evidence: needs_data")


@register(
    "valuation_point",
    Params,
    chart="plot_user_series",
    decides=("two forward P/E levels on a date against stated ones"),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    from analysis.stats.valuation import gap_from_points

    small, d1 = latest(data.series(p.file, p.small), p.date, p.file, max_age_days=p.max_age_days)
    large, d2 = latest(data.series(p.file, p.large), p.date, p.file, max_age_days=p.max_age_days)
    ok = [abs(small - p.stated_small) <= p.tolerance, abs(large - p.stated_large) <= p.tolerance]
    gap = gap_from_points(small, large)
    stated_gap = gap_from_points(p.stated_small, p.stated_large)
    text = (
        f"Forward P/E {small:.1f}x (small, {iso(d1)}) against {large:.1f}x (large, {iso(d2)}), "
        f"a {gap.discount_pct:.0f}% discount; stated {p.stated_small:g}x against "
        f"{p.stated_large:g}x ({stated_gap.discount_pct:.0f}%), within {p.tolerance:g}x: "
    )
    verdict = {2: "supported", 1: "partly_supported", 0: "contradicted"}[sum(ok)]
    which = {
        2: "both hold",
        1: f"only the {'small' if ok[0] else 'large'}-cap level holds",
        0: "neither holds",
    }[sum(ok)]
    return Finding(
        verdict,
        text + which + ".",
        {"small": p.stated_small, "large": p.stated_large, "tolerance": p.tolerance},
        {"small": small, "large": large, "discount_pct": round(gap.discount_pct, 2)},
        date_range=(iso(min(d1, d2)), iso(max(d1, d2))),
    )
