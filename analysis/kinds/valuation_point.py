"""The ``valuation_point`` check kind: two forward P/E levels on a date against stated ones."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from pydantic import Field

from analysis.checks.base import Context, Data, Finding, iso, not_yet
from analysis.checks.multiples import multiple_on
from analysis.kinds.params import ParamsBase, Reprice
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
    reprice: Reprice | None = Field(
        None, description="bring an older report (within its own bound) to the date by price"
    )


@register(
    "valuation_point",
    Params,
    chart="plot_user_series",
    decides=("two forward P/E levels on a date against stated ones"),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    from analysis.stats.valuation import gap_from_points

    not_yet(p.date, ctx)
    sides = {
        side: multiple_on(
            data, p.file, name, p.date, max_age_days=p.max_age_days, reprice=p.reprice, side=side
        )  # fmt: skip
        for side, name in (("small", p.small), ("large", p.large))
    }
    small, large = sides["small"].value, sides["large"].value
    ok = [abs(small - p.stated_small) <= p.tolerance, abs(large - p.stated_large) <= p.tolerance]
    gap = gap_from_points(small, large)
    stated_gap = gap_from_points(p.stated_small, p.stated_large)
    text = (
        f"Forward P/E {sides['small'].describe()} (small) against {sides['large'].describe()} "
        f"(large), a {gap.discount_pct:.0f}% discount; stated {p.stated_small:g}x against "
        f"{p.stated_large:g}x ({stated_gap.discount_pct:.0f}%), within {p.tolerance:g}x: "
    )
    verdict = {2: "supported", 1: "partly_supported", 0: "contradicted"}[sum(ok)]
    which = {
        2: "both hold",
        1: f"only the {'small' if ok[0] else 'large'}-cap level holds",
        0: "neither holds",
    }[sum(ok)]
    days = [m.reported_day for m in sides.values()] + [m.day for m in sides.values()]
    return Finding(
        verdict,
        text + which + _margin(sides, p) + ".",
        {"small": p.stated_small, "large": p.stated_large, "tolerance": p.tolerance},
        {
            "small": round(small, 2),
            "large": round(large, 2),
            "discount_pct": round(gap.discount_pct, 2),
        },  # fmt: skip
        date_range=(iso(min(days)), iso(max(days))),
    )


def _margin(sides: dict, p: Params) -> str:
    """For a value brought forward on an older estimate: the revision of that estimate since
    its report that would change the verdict (the estimate is held, so only a revision can)."""
    words = []
    for side, stated in (("small", p.stated_small), ("large", p.stated_large)):
        m = sides[side]
        if not m.repriced:
            continue
        inside = abs(m.value - stated) <= p.tolerance
        # value = price / EPS: an EPS revision r moves it to value / (1 + r)
        edges = [m.value / bound - 1 for bound in (stated + p.tolerance, stated - p.tolerance)
                 if bound > 0]  # fmt: skip
        if not edges:
            continue
        r = min(edges, key=abs)
        words.append(
            f"{side}-cap: a revision of its {m.age_days}-day-old EPS estimate by {r:+.1%} "
            f"would {'take it out of' if inside else 'bring it within'} the tolerance"
        )
    return "; " + "; ".join(words) if words else ""
