"""The ``drawdown`` check kind: how far below its peak a series stood on a date, in percent
("down 10% from its record: correction territory", "within 1% of its all-time high").

The peak is the highest value up to the date, over all history or the last N years; the
drawdown is ``(peak - value) / peak`` in percent, a positive number.

Examples from market news::

    # "the Nasdaq entered correction territory, down more than 10% from its record"
    params: {series: prices/^IXIC.csv, date: 2025-03-10, compare: {op: at least, value: "10%"}}
    # "the S&P 500 is within 1% of its record"
    params: {series: prices/^GSPC.csv, date: 2025-12-31, compare: {op: less than, value: "1%"}}
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
from pydantic import Field

from analysis.checks.base import Context, Data, Finding, iso, require_through, series_name
from analysis.kinds.level import value_on
from analysis.kinds.params import ParamsBase
from analysis.kinds.registry import register
from analysis.kinds.vocabulary import Comparison

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """``series`` on ``date``, below its peak by ``compare`` percent."""

    series: str
    column: str | None = None
    date: date
    lookback_years: int | None = Field(None, gt=0)
    compare: Comparison


@register(
    "drawdown",
    Params,
    chart="plot_levels",
    decides=(
        "the distance below the peak (all-time or over N years) on a date, in percent: "
        "correction territory, a bear market, within 1% of a record"
    ),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """Supported when the drawdown satisfies the comparison, else contradicted."""
    series = data.series(p.series, p.column)
    require_through(series, p.date, p.series, ctx)
    value, when, note = value_on(series, p.date, p.series)
    history = series.loc[:when]
    if p.lookback_years is not None:
        history = history.loc[when - pd.DateOffset(years=p.lookback_years) :]
    peak_day, peak = history.idxmax(), float(history.max())
    down = 100 * (peak - value) / peak
    scope = "its record" if p.lookback_years is None else f"its {p.lookback_years}-year high"
    verdict = "supported" if p.compare.holds(down) else "contradicted"
    summary = (
        f"{series_name(p.series)} at {value:,.2f} on {iso(when)}{note} was {down:.2f}% below "
        f"{scope} of {peak:,.2f} ({iso(peak_day)}), against {p.compare.words()}."
    )
    observed = {"drawdown": round(down, 6), "peak": peak, "peak_date": iso(peak_day)}
    return Finding(verdict, summary, {"compare": p.compare.words()}, observed,
                   date_range=(iso(history.index[0]), iso(when)))  # fmt: skip
