"""The ``sector_leadership`` check kind: whether the named sectors beat the benchmark (and their
peers) over a window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from analysis.checks.base import (
    Context,
    Data,
    Finding,
    iso,
    pct,
    require_through,
    series_name,
)
from analysis.kinds.params import ParamsBase, Window
from analysis.kinds.registry import register

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """Whether the named sectors led ``benchmark`` (and ``peers``) over a window."""

    leaders: list[str] = Field(min_length=1)
    benchmark: str
    peers: list[str] = []
    window: Window


@register(
    "sector_leadership",
    Params,
    chart="plot_relative",
    decides=("whether the named sectors beat the benchmark (and their peers) over a window"),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """Each named leader's return over the window against the benchmark's (and the peers')."""
    from analysis.stats.windows import period_return

    series = {rel: data.series(rel) for rel in [*p.leaders, p.benchmark, *p.peers]}
    for rel, s in series.items():
        require_through(s, p.window.end, rel, ctx)
    rets = {
        rel: period_return(s, start=p.window.start, end=p.window.end) for rel, s in series.items()
    }
    bench = rets[p.benchmark].ret
    best_peer = max((rets[r].ret for r in p.peers), default=float("-inf"))
    led = [r for r in p.leaders if rets[r].ret > bench and rets[r].ret > best_peer]
    listing = ", ".join(f"{series_name(r)} {pct(rets[r].ret)}" for r in [*p.leaders, *p.peers])
    start, end = rets[p.benchmark].start, rets[p.benchmark].end
    against = f"{series_name(p.benchmark)} {pct(bench)}"
    text = f"From {iso(start)} to {iso(end)}: {listing}, against {against}"
    observed = {series_name(r): round(v.ret, 6) for r, v in rets.items()}
    if len(led) == len(p.leaders):
        verdict, tail = "supported", "every named sector led"
    elif led:
        verdict, tail = "partly_supported", f"only {', '.join(series_name(r) for r in led)} led"
    else:
        verdict, tail = "contradicted", "none of the named sectors led"
    return Finding(verdict, f"{text}; {tail}.", None, observed, date_range=(iso(start), iso(end)))
