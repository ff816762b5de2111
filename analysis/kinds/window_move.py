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
    """Every window of ``days`` sessions ending in the stated range; if none matches, the
    windows that do ending within one window's length (``days`` sessions) of the range: the
    number right, the date wrong, saying how many windows were looked at."""
    from analysis.stats.windows import best_window, matching_windows

    close = data.series(p.series, p.column)
    name = series_name(p.series)
    lo, hi = pd.Timestamp(p.ends_within.start), pd.Timestamp(p.ends_within.end)
    wins = matching_windows(
        close, days=p.days, stated=p.stated, tolerance=p.tolerance, search_start=lo, search_end=hi
    )
    best = best_window(wins)
    rarity, unavailable = _rarity(close, p, wins["start"].min(), ctx.alpha)
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
        "tests": (rarity,) if rarity is not None else (),
        "date_range": (iso(wins["start"].min()), iso(hi)),
    }
    where = (
        f"the {p.days}-session windows ending {iso(lo)} to {iso(hi)} returned "
        f"{pct(wins['return'].min())} to {pct(wins['return'].max())}{unavailable}"
    )
    said = _stated(p.stated)
    if wins["matches"].any():
        m = wins[wins["matches"]].iloc[-1]
        return Finding(
            "supported",
            f"{name} {_moved(m['return'])} from {iso(m['start'])} to "
            f"{iso(m['end'])}, matching the stated {said} ({where}).",
            **common,
        )
    around = _windows_around(close, p, lo, hi)
    elsewhere = around[around["matches"]]
    if len(elsewhere):
        m = elsewhere.iloc[(elsewhere["difference"].abs()).argmin()]
        observed["matching_elsewhere"] = [iso(m["start"]), iso(m["end"]), float(m["return"])]
        return Finding(
            "partly_supported",
            f"No {p.days}-session window ending {iso(lo)} to {iso(hi)} moved {said} ({where}); "
            f"{name} {_moved(m['return'])} from {iso(m['start'])} to {iso(m['end'])}: the size "
            f"is right, the timing is not ({len(around)} windows ending within {p.days} "
            "sessions of the stated range looked at).",
            **common,
        )
    return Finding(
        "contradicted",
        f"No window near the stated dates moved {said}: {where}.",
        **common,
    )


def _windows_around(close: pd.Series, p: Params, lo: pd.Timestamp, hi: pd.Timestamp):
    """Every window of ``p.days`` sessions ending within ``p.days`` sessions of the stated
    range (a window shifted by at most its own length), the range itself left out."""
    from analysis.stats.windows import matching_windows

    idx = close.index
    lo_pos, hi_pos = idx.searchsorted(lo), idx.searchsorted(hi, side="right") - 1
    found = matching_windows(
        close,
        days=p.days,
        stated=p.stated,
        tolerance=p.tolerance,
        search_start=idx[max(lo_pos - p.days, p.days)],
        search_end=idx[min(hi_pos + p.days, len(idx) - 1)],
    )
    return found[(found["end"] < lo) | (found["end"] > hi)]


def _rarity(close: pd.Series, p: Params, before, alpha: float):
    """How rare the stated move is among earlier windows; ``(None, why)`` when the history is
    too short for that reference (the claim's own verdict does not need it)."""
    from analysis.errors import InsufficientDataError
    from analysis.stats.windows import move_rarity

    try:
        return move_rarity(close, days=p.days, move=p.stated, before=before, alpha=alpha), ""
    except InsufficientDataError as exc:
        return None, f"; how rare such a move is: unavailable ({exc})"


def _stated(fraction: float) -> str:
    """A stated move as written: 0.12 -> '12%', 0.001 -> '0.1%', -0.004 -> '-0.4%'."""
    return f"{100 * fraction:.4g}%"


def _moved(ret: float) -> str:
    """'rose 10.4%' or 'fell 0.4%'."""
    return f"{'rose' if ret >= 0 else 'fell'} {pct(abs(ret))}"
