"""The ``relative_return`` check kind: one index's return minus another's over a window, its
percentile among all windows of that length, and its robustness to the window (end +-3 sessions,
length 19-23): a verdict that flips inside that range is `fragile`. A claim of direction only
needs a lead of at least `tolerance` (within it: too close to call, `inconclusive`); a stated
size reached by a window ending in the 30 sessions before is `partly_supported`.
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
        "`partly_supported`"
    ),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """The spread over the stated window, its rarity, and whether the verdict survives moving
    the window's end by up to ``end_jitter`` sessions and its length over ``days_range``.

    A claim of direction only ("outpaced") needs a spread of at least ``tolerance`` to be
    supported and one of at most ``-tolerance`` to be contradicted; in between it is too close
    to call. A stated size that misses on the stated window but was reached by a window ending
    in the 30 sessions before is ``partly_supported`` (the number right, the date not).
    """
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
    verdict, extra = _verdict(a, b, p, base, holds, observed)
    return Finding(
        verdict,
        text + extra + robust + ".",
        stated,
        observed,
        tests,
        (iso(base.start), iso(base.end)),
        fragile=sens.fragile,
    )


def _earlier_match(a: pd.Series, b: pd.Series, p: Params, holds):
    """The latest window of ``p.days`` sessions ending in the 30 sessions before ``p.end``
    whose spread satisfies ``holds``, or None."""
    from analysis.stats.relative import relative_return

    both = a.index.intersection(b.index)
    upto = both[both <= pd.Timestamp(p.end)]
    recent = upto[-(31 + p.days + 1) :]  # all those windows need: no more to validate
    a, b = a.loc[recent], b.loc[recent]
    ends = upto[-31:-1]
    for end in reversed(ends):
        try:
            r = relative_return(a, b, end=end, days=p.days)
        except ValueError:
            continue
        if holds(r.spread):
            return r
    return None


def _rule(p: Params):
    """The claim's rule for a spread, and its words: a lead of at least ``tolerance`` for a
    claim of direction only, else the stated spread within ``tolerance``."""
    if p.stated_spread is None:
        return (lambda x: x >= p.tolerance), f"a lead of at least {10_000 * p.tolerance:.0f} bp"
    stated = p.stated_spread
    want = f"{bp(stated)} +- {10_000 * p.tolerance:.0f} bp"
    return (lambda x: abs(x - stated) <= p.tolerance), want


def _verdict(a, b, p: Params, base, holds, observed: dict) -> tuple[str, str]:
    """The verdict on the stated window, with what the summary adds after the numbers."""
    extra = ""
    if holds(base.spread):
        verdict = "supported"
    elif p.stated_spread is None:
        verdict = "contradicted" if base.spread <= -p.tolerance else "inconclusive"
        extra = "" if verdict == "contradicted" else ": too close to call"
    elif (hit := _earlier_match(a, b, p, holds)) is not None:
        verdict = "partly_supported"
        observed["matching_window"] = [iso(hit.start), iso(hit.end), round(hit.spread, 6)]
        extra = (
            f"; the stated size was reached over {iso(hit.start)} to {iso(hit.end)} "
            f"({bp(hit.spread)}): the number is right, the date is not"
        )
    elif 0.5 <= base.spread / p.stated_spread <= 2:
        verdict = "partly_supported"  # the direction right, the size within a factor of two
        extra = ": the direction is right, the size is not"
    else:
        verdict = "contradicted"
    return verdict, extra


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
