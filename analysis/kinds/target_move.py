"""The ``target_move`` check kind: the move a price target implies from a close ("a year-end
target of 7,100 implies about 8% upside from Friday's close").

The implied move is ``target / close - 1`` in percent, from the close on the date (a non-session
date: the last session before it).

Example from market news::

    params: {series: prices/^GSPC.csv, date: 2025-11-21, target: "7,100",
             compare: {op: about, value: "8%"}}
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from analysis.checks.base import Context, Data, Finding, iso, require_through, series_name
from analysis.kinds.level import value_on
from analysis.kinds.params import ParamsBase
from analysis.kinds.registry import register
from analysis.kinds.vocabulary import Comparison, Stated

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """The move from ``series``' close on ``date`` to ``target``, against ``compare``."""

    series: str
    column: str | None = None
    date: date
    target: str | float
    compare: Comparison


@register(
    "target_move",
    Params,
    chart="plot_levels",
    decides="the move in percent that a price target implies from the close on a date",
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """Supported when the implied move satisfies the comparison, else contradicted."""
    series = data.series(p.series, p.column)
    require_through(series, p.date, p.series, ctx)
    close, when, note = value_on(series, p.date, p.series)
    target = Stated.parse(p.target).value
    move = 100 * (target / close - 1)
    verdict = "supported" if p.compare.holds(move) else "contradicted"
    side = "upside" if move >= 0 else "downside"
    summary = (
        f"A target of {target:,.2f} is {abs(move):.2f}% {side} from {series_name(p.series)}'s "
        f"close of {close:,.2f} on {iso(when)}{note}, against {p.compare.words()}."
    )
    observed = {"implied_move": round(move, 4), "close": close, "date": iso(when)}
    return Finding(verdict, summary, {"target": target, "compare": p.compare.words()}, observed,
                   date_range=(iso(when), iso(when)))  # fmt: skip
