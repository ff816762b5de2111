"""The ``relative_return`` check kind: one index's return minus another's over a window, its
percentile among all windows of that length, and its robustness to the window (end +-3 sessions,
length 19-23): a verdict that flips inside that range is `fragile`. A claim of direction only
needs a lead of at least `tolerance` (within it: too close to call, `inconclusive`); a stated
size reached by a window ending in the 30 sessions before is `partly_supported` when a search of
those 31 windows comes that close by chance in at most `alpha` of the pair's own history
(``analysis.stats.windows.search_chance``); otherwise the match is named as possible luck.
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
    bp,
    iso,
    pct,
    require_through,
    series_name,
)
from analysis.kinds.params import ParamsBase
from analysis.kinds.registry import register

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """Return of ``series`` minus ``benchmark`` over ``days`` trading days ending on ``end``."""

    series: str
    benchmark: str
    end: date
    days: int = Field(gt=1)
    stated_spread: float | None = Field(None, description="a fraction: 0.06 for 600 bp")
    tolerance: float = Field(0.0, ge=0)
    end_jitter: int = Field(3, ge=0, description="trading days either side of end to re-test")
    days_range: tuple[int, int] = (19, 23)


@register(
    "relative_return",
    Params,
    chart="plot_relative",
    decides=(
        "one index's return minus another's over a window, its percentile among all windows "
        "of that length, and its robustness to the window (end +-3 sessions, length 19-23): a"
        " verdict that flips inside that range is `fragile`. A claim of direction only needs "
        "a lead of at least `tolerance` (within it: too close to call, `inconclusive`); a "
        "stated size reached by a window ending in the 30 sessions before is "
        "`partly_supported` only when a search of those 31 windows comes that close in at "
        "most `alpha` of the pair's own history (best-of-K null)"
    ),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """The spread over the stated window, its rarity, and whether the verdict survives moving
    the window's end by up to ``end_jitter`` sessions and its length over ``days_range``.

    A claim of direction only ("outpaced") needs a spread of at least ``tolerance`` to be
    supported and one of at most ``-tolerance`` to be contradicted; in between it is too close
    to call. A stated size missed on the stated window but reached by one ending in the 30
    sessions before is ``partly_supported`` only if a search of 31 windows comes that close in
    at most ``alpha`` of the pair's history (:func:`analysis.stats.windows.search_chance`)."""
    from analysis.stats.relative import (
        relative_return,
        spread_percentile,
        spread_test,
        window_sensitivity,
    )

    a, b = data.series(p.series), data.series(p.benchmark)
    require_through(a, p.end, p.series, ctx)
    require_through(b, p.end, p.benchmark, ctx)
    base = relative_return(a, b, end=p.end, days=p.days)
    holds, want = _rule(p)
    sens = window_sensitivity(
        a, b, end=p.end, days=p.days, end_jitter=p.end_jitter, days_range=p.days_range,
        predicate=holds,
    )  # fmt: skip
    tail = "lower" if p.stated_spread is not None and p.stated_spread < 0 else "upper"  # claim's
    tests, unavailable = _references(
        lambda: spread_percentile(a, b, days=p.days, spread=base.spread, before=base.start,
                                  tail=tail, alpha=ctx.alpha),  # earlier windows: not itself
        lambda: spread_test(a, b, end=p.end, days=p.days, alternative="greater"),
    )  # fmt: skip
    na, nb = series_name(p.series), series_name(p.benchmark)
    text = (
        f"{na} returned {pct(base.return_a)} and {nb} {pct(base.return_b)} from "
        f"{iso(base.start)} to {iso(base.end)} ({p.days} sessions): a spread of "
        f"{bp(base.spread)} against {want}"
    )
    robust = unavailable + (
        f"; {sens.share:.0%} of nearby windows agree (ends +-{p.end_jitter} sessions, "
        f"{p.days_range[0]}-{p.days_range[1]} sessions long)"
    )
    observed = {
        "spread": round(base.spread, 6),
        "return_series": round(base.return_a, 6),
        "return_benchmark": round(base.return_b, 6),
        "start": iso(base.start),
        "end": iso(base.end),
        "share_of_windows_agreeing": round(sens.share, 3),
    }
    stated = {"spread": p.stated_spread, "tolerance": p.tolerance, "days": p.days}
    verdict, extra, more = _verdict(a, b, p, base, holds, observed, ctx.alpha)
    return Finding(
        verdict,
        text + extra + robust + ".",
        stated,
        observed,
        tests + more,
        (iso(base.start), iso(base.end)),
        fragile=sens.fragile,
    )


SEARCH = 30  # earlier window ends searched for the stated size


def _earlier_match(a: pd.Series, b: pd.Series, p: Params, holds):
    """The window of ``p.days`` sessions ending in the ``SEARCH`` sessions before ``p.end``
    whose spread satisfies ``holds`` and is closest to the stated one (ties: the later), with
    the number of windows searched (those and the stated one); ``(None, searched)`` if none."""
    from analysis.stats.relative import spreads

    s = spreads(a, b, days=p.days).loc[: pd.Timestamp(p.end)].iloc[-(SEARCH + 1) :]
    earlier = s.iloc[:-1]
    hits = earlier[[bool(holds(x)) for x in earlier]]
    if hits.empty:
        return None, len(s)
    gap = (hits - p.stated_spread).abs()
    end = gap[gap == gap.min()].index[-1]
    both = a.index.intersection(b.index)
    start = both[both.get_loc(end) - p.days]
    return (start, end, float(hits[end]), float(gap[end]), s.index[0]), len(s)


def _search(a, b, p: Params, hit, searched: int, alpha: float):
    """The chance that a search of ``searched`` windows comes within the hit's gap by luck,
    as (result or None, the words for the summary)."""
    from analysis.errors import InsufficientDataError
    from analysis.stats.relative import spreads
    from analysis.stats.windows import search_chance

    *_, gap, first_end = hit
    both = a.index.intersection(b.index)
    before = both[both.get_loc(first_end) - p.days]  # the earliest searched window's start
    words = (
        f"searched {searched} windows ending in the {SEARCH} sessions to {iso(p.end)}; the "
        f"closest came within {gap * 1e4:.0f} bp of {bp(p.stated_spread)}"
    )
    try:
        chance = search_chance(spreads(a, b, days=p.days), stated=p.stated_spread, gap=gap,
                               searched=searched, days=p.days, before=before, alpha=alpha,
                               what="spread")  # fmt: skip
    except InsufficientDataError as exc:
        return (
            None,
            f"{words}; how often a search this wide does so by chance is unavailable ({exc})",
        )
    words += (
        f", which a search this wide does by chance in {chance.pvalue:.1%} of the pair's history"
    )
    return chance, words


def _rule(p: Params):
    """The claim's rule for a spread, and its words: a lead of at least ``tolerance`` for a
    claim of direction only, else the stated spread within ``tolerance``."""
    if p.stated_spread is None:
        return (lambda x: x >= p.tolerance), f"a lead of at least {10_000 * p.tolerance:.0f} bp"
    stated = p.stated_spread
    want = f"{bp(stated)} +- {10_000 * p.tolerance:.0f} bp"
    return (lambda x: abs(x - stated) <= p.tolerance), want


def _verdict(a, b, p: Params, base, holds, observed: dict, alpha: float):
    """The verdict on the stated window, what the summary adds after the numbers, and the
    search's test when a window before was searched for the stated size."""
    if holds(base.spread):
        return "supported", "", ()
    if p.stated_spread is None:
        verdict = "contradicted" if base.spread <= -p.tolerance else "inconclusive"
        return verdict, "" if verdict == "contradicted" else ": too close to call", ()
    hit, searched = _earlier_match(a, b, p, holds)
    luck, more = "", ()
    if hit is not None:
        chance, words = _search(a, b, p, hit, searched, alpha)
        more = () if chance is None else (chance,)
        reached = f"the stated size was reached over {iso(hit[0])} to {iso(hit[1])} ({bp(hit[2])})"
        observed["matching_window"] = [iso(hit[0]), iso(hit[1]), round(hit[2], 6)]
        observed["windows_searched"] = searched
        observed["search_chance"] = None if chance is None else round(chance.pvalue, 4)
        if chance is not None and chance.pvalue <= alpha:
            return (
                "partly_supported",
                f"; {reached}: the number is right, the date is not ({words})",
                more,
            )
        above = "" if chance is None else f", more than the {alpha:.0%} that would rule out luck"
        luck = f"; {reached}, but a match that close may be luck ({words}{above})"
    if 0.5 <= base.spread / p.stated_spread <= 2:  # the direction right, the size within 2x
        return "partly_supported", ": the direction is right, the size is not" + luck, more
    return "contradicted", luck, more


def _references(*compute):
    """The reference statistics that the history allows; the others are named as unavailable
    (the claim's own verdict does not rest on them)."""
    from analysis.errors import InsufficientDataError

    done, missing = [], []
    for make in compute:
        try:
            done.append(make())
        except InsufficientDataError as exc:
            missing.append(str(exc))
    note = f"; reference unavailable ({'; '.join(missing)})" if missing else ""
    return tuple(done), note
