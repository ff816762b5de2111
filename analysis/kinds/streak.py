"""The ``streak`` check kind: a run of sessions in a row that closed up (or down), ending on a
date, and optionally "the longest since" a date.

A session is up when its close is above the one before, down when below (an unchanged close
ends both runs). "The longest since D" holds when no run of the same direction at least as long
ended between D and the start of this one; the summary names the last such run.

Examples from market news::

    # "the S&P 500 rose for a fifth straight session"
    params: {series: prices/^GSPC.csv, direction: up, end: 2025-11-28,
             length: {op: exactly, value: "5"}}
    # "the Dow's longest losing streak since 2023"
    params: {series: prices/^DJI.csv, direction: down, end: 2024-12-18, longest_since: 2023-01-01}
    # "small caps beat the S&P 500 for an eighth straight session"
    params: {series: prices/^RUT.csv, versus: prices/^GSPC.csv, direction: up,
             end: 2025-12-12, length: {op: exactly, value: "8"}}

With ``versus``, a session counts when the series' return beats (``up``) or trails (``down``)
the other series' return that session.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from analysis.checks.base import Context, Data, Finding, iso, require_through, series_name
from analysis.kinds.params import ParamsBase
from analysis.kinds.registry import register
from analysis.kinds.vocabulary import Comparison

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """A run of ``direction`` sessions ending on ``end``."""

    series: str
    column: str | None = None
    versus: str | None = None
    direction: Literal["up", "down"]
    end: date
    length: Comparison | None = None
    longest_since: date | None = None


def runs(close: pd.Series, direction: str, versus: pd.Series | None = None) -> pd.Series:
    """For each session, the length of the run of ``direction`` sessions ending on it (with
    ``versus``: sessions whose return beats, or trails, the other series')."""
    if versus is not None:
        both = pd.concat([close, versus], axis=1, join="inner").pct_change()
        close = both.iloc[:, 0] - both.iloc[:, 1]
        step = np.sign(close.fillna(0).to_numpy())
        step[0] = 0
    else:
        step = np.sign(close.diff().to_numpy())
    hit = step == (1 if direction == "up" else -1)
    out = np.zeros(len(hit), dtype=int)
    for i in range(1, len(hit)):
        out[i] = out[i - 1] + 1 if hit[i] else 0
    return pd.Series(out, index=close.index)


@register(
    "streak",
    Params,
    chart="plot_levels",
    decides=(
        "sessions in a row that closed up or down, ending on a date, and whether the run is "
        "the longest since a date (naming the last run as long)"
    ),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """Supported when the length (and "longest since") hold; partly supported when one of two
    stated parts holds; contradicted otherwise."""
    close = data.series(p.series, p.column)
    require_through(close, p.end, p.series, ctx)
    upto = close.loc[: pd.Timestamp(p.end)]
    other = data.series(p.versus).loc[: pd.Timestamp(p.end)] if p.versus else None
    length = runs(upto, p.direction, other)
    if other is not None:
        upto = upto.loc[length.index]
    n, last = int(length.iloc[-1]), upto.index[-1]
    word = "up" if p.direction == "up" else "down"
    if p.versus is not None:
        word = f"{'ahead of' if p.direction == 'up' else 'behind'} {series_name(p.versus)}"
    start = upto.index[-1 - n] if n else last
    text = f"{series_name(p.series)} closed {word} {n} session(s) in a row to {iso(last)}"
    parts, observed = [], {"length": n, "end": iso(last)}
    if p.length is not None:
        parts.append(p.length.holds(n))
        text += f" (stated: {p.length.words()})"
    if p.longest_since is not None:
        window = length.loc[pd.Timestamp(p.longest_since) : start]
        rivals = window[window >= max(n, 1)]
        parts.append(n > 0 and rivals.empty)
        if len(rivals):
            observed["as_long_on"] = iso(rivals.index[-1])
            text += f"; a run as long ended on {iso(rivals.index[-1])}"
        else:
            text += f", the longest since {iso(p.longest_since)}"
    parts = parts or [n >= 2]  # a bare "winning streak" is two sessions or more
    verdict = ("supported" if all(parts) and n else
               "partly_supported" if any(parts) else "contradicted")  # fmt: skip
    stated = {"length": p.length.words() if p.length else None, "since": p.longest_since}
    return Finding(verdict, f"{text}.", stated, observed, date_range=(iso(start), iso(last)))
