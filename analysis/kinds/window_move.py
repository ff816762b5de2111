"""The ``window_move`` check kind: a stated move over `days` sessions ending inside a window: every
such window, the closest, and how rare the move is among all windows of that length.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from pydantic import Field

from analysis.checks.base import (
    Context,
    Data,
    Finding,
    iso,
    pct,
    series_name,
)
from analysis.kinds.params import ParamsBase, Window
from analysis.kinds.registry import register

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """A stated percentage move over ``days`` trading days ending in ``ends_within``."""

    series: str
    column: str = "Close"
    days: int = Field(gt=0)
    ends_within: Window
    stated: float = Field(description="the stated move as a fraction: 0.12 for 12%")
    tolerance: float = Field(ge=0, description="absolute, as a fraction: 0.02 for +-2 points")


@register(
    "window_move",
    Params,
    chart="plot_levels",
    decides=(
        "a stated move over `days` sessions ending inside a window: every such window, the "
        "closest, and how rare the move is among all windows of that length"
    ),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """Every window of ``days`` sessions ending in the stated range; if none matches, the nearest
    windows that do (within 60 sessions either side) — the number right, the date wrong."""
    from analysis.stats.windows import best_window, matching_windows, move_rarity

    close = data.series(p.series, p.column)
    name = series_name(p.series)
    lo, hi = pd.Timestamp(p.ends_within.start), pd.Timestamp(p.ends_within.end)
    wins = matching_windows(
        close, days=p.days, stated=p.stated, tolerance=p.tolerance, search_start=lo, search_end=hi
    )
    best = best_window(wins)
    rarity = move_rarity(
        close, days=p.days, move=p.stated, before=wins["start"].min(), alpha=ctx.alpha
    )  # reference: windows ending before the claimed ones
    window = [iso(lo), iso(hi)]
    stated = {"move": p.stated, "days": p.days, "ends_within": window, "tolerance": p.tolerance}
    observed = {
        "best_start": iso(best["start"]),
        "best_end": iso(best["end"]),
        "best_return": round(float(best["return"]), 6),
        "matching_windows": int(wins["matches"].sum()),
        "windows_checked": len(wins),
    }
    common = {
        "stated": stated,
        "observed": observed,  # the same dict: a match elsewhere is added to it below
        "tests": (rarity,),
        "date_range": (iso(wins["start"].min()), iso(hi)),
    }
    where = (
        f"the {p.days}-session windows ending {iso(lo)} to {iso(hi)} returned "
        f"{pct(wins['return'].min())} to {pct(wins['return'].max())}"
    )
    if wins["matches"].any():
        m = wins[wins["matches"]].iloc[-1]
        return Finding(
            "supported",
            f"{name} rose {pct(m['return'])} from {iso(m['start'])} to "
            f"{iso(m['end'])}, matching the stated {pct(p.stated, 0)} ({where}).",
            **common,
        )
    around = _windows_around(close, p, lo, hi)
    elsewhere = around[around["matches"]]
    if len(elsewhere):
        m = elsewhere.iloc[(elsewhere["difference"].abs()).argmin()]
        observed["matching_elsewhere"] = [iso(m["start"]), iso(m["end"]), float(m["return"])]
        return Finding(
            "partly_supported",
            f"No {p.days}-session window ending {iso(lo)} to {iso(hi)} moved "
            f"{pct(p.stated, 0)} ({where}); {name} did rise {pct(m['return'])} from "
            f"{iso(m['start'])} to {iso(m['end'])}: the size is right, the timing is not.",
            **common,
        )
    return Finding(
        "contradicted",
        f"No window near the stated dates moved {pct(p.stated, 0)}: {where}.",
        **common,
    )


def _windows_around(close: pd.Series, p: Params, lo: pd.Timestamp, hi: pd.Timestamp):
    """Every window of ``p.days`` sessions ending within 60 sessions of the stated range."""
    from analysis.stats.windows import matching_windows

    idx = close.index
    lo_pos, hi_pos = idx.searchsorted(lo), idx.searchsorted(hi, side="right") - 1
    return matching_windows(
        close,
        days=p.days,
        stated=p.stated,
        tolerance=p.tolerance,
        search_start=idx[max(lo_pos - 60, p.days)],
        search_end=idx[min(hi_pos + 60, len(idx) - 1)],
    )
