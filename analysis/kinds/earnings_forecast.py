"""The ``earnings_forecast`` check kind: stated growth ranges against the consensus at publication
and realized growth (`pending` until reported).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
from pydantic import Field

from analysis.checks.base import (
    Context,
    Data,
    Finding,
    MissingData,
    iso,
)
from analysis.kinds.params import ParamsBase
from analysis.kinds.registry import register

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """Stated growth ranges for a fiscal year, against estimates at publication and realized."""

    file: str
    small_estimate: str
    large_estimate: str
    small_actual: str
    large_actual: str
    year: int
    stated_small: tuple[float, float]
    stated_large: tuple[float, float]
    as_of: date
    max_age_days: int = Field(
        100, ge=0, description="how old a consensus estimate may be to stand for publication's"
    )


@register(
    "earnings_forecast",
    Params,
    chart="plot_user_series",
    decides=(
        "stated growth ranges against the consensus at publication and realized growth "
        "(`pending` until reported)"
    ),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """``pending`` until realized growth for the year is in the file; the consensus estimate at
    publication is compared with the stated ranges meanwhile."""
    from analysis.stats.forecasts import score_forecast_range

    frame = data.frame(p.file)
    resolve = pd.Timestamp(f"{p.year + 1}-03-31")  # Q4 results are reported by then
    scores, dated = {}, {}
    for side, est_col, act_col, rng in (
        ("small", p.small_estimate, p.small_actual, p.stated_small),
        ("large", p.large_estimate, p.large_actual, p.stated_large),
    ):
        estimate, dated[side] = _at(frame, p.file, est_col, p.as_of, p.max_age_days)
        realized = None
        if act_col in frame and frame[act_col].notna().any():
            realized = float(frame[act_col].dropna().iloc[-1])
        scores[side] = score_forecast_range(
            rng[0],
            rng[1],
            realized=realized,
            estimate=estimate,
            resolve_date=resolve,
            # a realized value means the forecast has resolved: score it as of that date
            as_of=resolve if realized is not None else p.as_of,
        )
    tests = tuple(s.as_stat_result() for s in scores.values())
    desc = "; ".join(_describe(side, s, dated[side], p) for side, s in scores.items())
    observed = {
        side: {"status": s.status, "estimate": s.estimate, "realized": s.realized}
        for side, s in scores.items()
    }
    stated = {"small": list(p.stated_small), "large": list(p.stated_large), "year": p.year}
    if any(s.status == "pending" for s in scores.values()):
        return Finding(
            "pending",
            f"Realized {p.year} growth is not in {p.file} yet (due by {iso(resolve)}); {desc}.",
            stated,
            observed,
            tests,
        )
    within = sum(s.status == "within" for s in scores.values())
    verdict = {2: "supported", 1: "partly_supported", 0: "contradicted"}[within]
    return Finding(verdict, desc + ".", stated, observed, tests)


def _at(
    frame: pd.DataFrame, file: str, column: str, day, max_age_days: int
) -> tuple[float | None, pd.Timestamp | None]:
    """The newest estimate on or before ``day`` and its date; ``None`` for the value when there
    is none or it is older than ``max_age_days`` (the date is kept, for the summary)."""
    if column not in frame:
        raise MissingData(file, f"series {column}")
    s = frame[column].dropna().loc[: pd.Timestamp(day)]
    if not len(s):
        return None, None
    fresh = (pd.Timestamp(day) - s.index[-1]).days <= max_age_days
    return (float(s.iloc[-1]) if fresh else None), s.index[-1]


def _describe(side: str, s, dated: pd.Timestamp | None, p: Params) -> str:
    """'small caps: consensus 19.5% of 2025-12-31 (2 days before publication), inside 17-22%'."""
    rng = f"{s.stated_low:g}-{s.stated_high:g}%"
    if s.realized is not None:
        return f"{side} caps: realized {s.realized:.1f}%, {s.status} {rng}"
    age = f"{(pd.Timestamp(p.as_of) - dated).days} days before publication" if dated else ""
    if s.estimate is None and dated is not None:
        return (
            f"{side} caps: the newest consensus estimate is of {iso(dated)} ({age}), older than "
            f"{p.max_age_days} days: none stands for publication's, for {rng}"
        )
    if s.estimate is None:
        return f"{side} caps: no consensus estimate at publication for {rng}"
    where = "inside" if s.estimate_in_range else "outside"
    return f"{side} caps: consensus {s.estimate:.1f}% of {iso(dated)} ({age}), {where} {rng}"
