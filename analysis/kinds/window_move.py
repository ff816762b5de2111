"""The ``window_move`` check kind: a stated move over `days` sessions ending inside a window: every
such window, the closest, and how rare the move is among all windows of that length. A match in
the windows ending within `days` sessions of the range is `partly_supported` only when a search
of that many windows comes that close by chance in at most `alpha` of the series' own history
(``analysis.stats.windows.search_chance``); otherwise the match is named as possible luck.
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
    not_yet,
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
        "closest, and how rare the move is among all windows of that length; a match in the "
        "`days` sessions around the window is `partly_supported` only when a search that wide "
        "comes that close in at most `alpha` of the series' own history (best-of-K null)"
    ),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """Every window of ``days`` sessions ending in the stated range; if none matches, the
    windows ending within one window's length (``days`` sessions) of the range. A match there
    is ``partly_supported`` (the number right, the date wrong) only when a search that wide is
    unlikely to find one by chance: the closest of all K windows searched (stated and nearby)
    must come nearer the stated move than the closest of K consecutive windows does in at most
    ``alpha`` of the series' own history (:func:`analysis.stats.windows.search_chance`).
    Otherwise the claim is ``contradicted`` and the summary names the match and its chance."""
    from analysis.stats.windows import best_window, matching_windows

    close = data.series(p.series, p.column)
    name = series_name(p.series)
    lo, hi = pd.Timestamp(p.ends_within.start), pd.Timestamp(p.ends_within.end)
    not_yet(hi, ctx)  # a window ending after the evaluation date may be the one stated
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
    head = f"No {p.days}-session window ending {iso(lo)} to {iso(hi)} moved {said} ({where})"
    return _elsewhere(close, p, (lo, hi, len(wins)), head, common, ctx.alpha)


def _elsewhere(close, p: Params, stated_range, head: str, common: dict, alpha: float) -> Finding:
    """The verdict when the stated windows miss: ``partly_supported`` for a match nearby that a
    search of all the windows looked at finds by chance in at most ``alpha`` of the history,
    else ``contradicted`` (naming a match that may be luck)."""
    lo, hi, n_stated = stated_range
    around = _windows_around(close, p, lo, hi)
    elsewhere = around[around["matches"]]
    name, said = series_name(p.series), _stated(p.stated)
    if not len(elsewhere):
        near = f"{head}, nor did any ending within {p.days} sessions of that range."
        return Finding("contradicted", near, **common)
    m = elsewhere.iloc[(elsewhere["difference"].abs()).argmin()]
    gap, searched = abs(float(m["difference"])), n_stated + len(around)
    chance, why = _chance(close, p, gap, searched, around["start"].min(), alpha)
    observed = common["observed"]
    observed["matching_elsewhere"] = [iso(m["start"]), iso(m["end"]), float(m["return"])]
    observed["windows_searched"] = searched
    observed["search_chance"] = None if chance is None else round(chance.pvalue, 4)
    moved = f"{name} {_moved(m['return'])} from {iso(m['start'])} to {iso(m['end'])}"
    search = (
        f"searched {searched} windows ending within {p.days} sessions of the stated range; the "
        f"closest came within {100 * gap:.1f} points of {said}"
    )
    if chance is None:
        search += f"; how often a search this wide does so by chance is unavailable ({why})"
    else:
        common = {**common, "tests": (*common["tests"], chance)}
        search += (
            f", which a search this wide does by chance in {chance.pvalue:.1%} of {name}'s history"
        )
    if chance is not None and chance.pvalue <= alpha:
        return Finding(
            "partly_supported",
            f"{head}; {moved}: the size is right, the timing is not ({search}).",
            **common,
        )
    above = "" if chance is None else f", more than the {alpha:.0%} that would rule out luck"
    return Finding(
        "contradicted",
        f"{head}; {moved}, but a match that close may be luck ({search}{above}).",
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


def _chance(close: pd.Series, p: Params, gap: float, searched: int, before, alpha: float):
    """:func:`search_chance` of the ``searched`` windows on the history up to ``before``;
    ``(None, why)`` when that history is too short (then nothing is rescued)."""
    from analysis.errors import InsufficientDataError
    from analysis.stats.windows import as_series, search_chance

    s = as_series(close, "close", positive=True)
    moves = (s / s.shift(p.days) - 1).dropna()
    try:
        return search_chance(moves, stated=p.stated, gap=gap, searched=searched, days=p.days,
                             before=before, alpha=alpha), ""  # fmt: skip
    except InsufficientDataError as exc:
        return None, str(exc)


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
