"""The ``indicator`` check kind: a technical indicator on a date: RSI (14 sessions, Wilder's
smoothing), a simple or exponential moving average, or the price above or below its moving
average ("above its 200-day").

RSI: the average gain over the average loss of the last ``window`` sessions, each smoothed
with Wilder's recursion (``avg = avg + (x - avg) / window``, seeded by the simple mean of the
first ``window`` changes); RSI = 100 - 100 / (1 + gain / loss) (Wilder 1978, *New Concepts in
Technical Trading Systems*).

Examples from market news::

    # "the Nasdaq's 14-day RSI rose above 70, overbought territory"
    params: {series: prices/^IXIC.csv, date: 2024-07-10, indicator: rsi,
             compare: {op: more than, value: "70"}}
    # "the Russell 2000 closed above its 200-day moving average"
    params: {series: prices/^RUT.csv, date: 2025-07-03, indicator: sma, window: 200,
             relation: above}
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from analysis.checks.base import Context, Data, Finding, iso, require_through, series_name
from analysis.kinds.params import ParamsBase
from analysis.kinds.registry import register
from analysis.kinds.vocabulary import Comparison

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """``indicator`` of ``series`` on ``date``: against ``compare``, or the price ``relation``
    to it (for a moving average)."""

    series: str
    column: str | None = None
    date: date
    indicator: Literal["rsi", "sma", "ema"]
    window: int = Field(14, ge=2, le=1000)
    compare: Comparison | None = None
    relation: Literal["above", "below"] | None = None

    @model_validator(mode="after")
    def _one(self) -> Params:
        if (self.compare is None) == (self.relation is None):
            raise ValueError("give compare (a value) or relation (above/below), one of them")
        if self.relation is not None and self.indicator == "rsi":
            raise ValueError("relation compares the price with a moving average, not with RSI")
        return self


def rsi(close: pd.Series, window: int = 14) -> pd.Series:
    """Wilder's RSI (see the module docstring); NaN until ``window`` changes exist."""
    change = close.diff().to_numpy()[1:]
    gain, loss = np.clip(change, 0, None), np.clip(-change, 0, None)
    out = np.full(len(close), np.nan)
    if len(change) < window:
        return pd.Series(out, index=close.index)
    g, lo = gain[:window].mean(), loss[:window].mean()
    for i in range(window, len(change) + 1):
        if i > window:
            g += (gain[i - 1] - g) / window
            lo += (loss[i - 1] - lo) / window
        out[i] = 100.0 if lo == 0 else 100 - 100 / (1 + g / lo)
    return pd.Series(out, index=close.index)


def indicator_series(close: pd.Series, kind: str, window: int) -> pd.Series:
    if kind == "rsi":
        return rsi(close, window)
    if kind == "sma":
        return close.rolling(window, min_periods=window).mean()
    return close.ewm(span=window, adjust=False, min_periods=window).mean()


@register(
    "indicator",
    Params,
    chart="plot_levels",
    decides=(
        "a technical indicator on a date (RSI with Wilder's smoothing, a simple or "
        "exponential moving average) against a value, or the price above or below its average"
    ),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """Supported when the indicator (or the price's relation to it) holds, else contradicted."""
    close = data.series(p.series, p.column)
    require_through(close, p.date, p.series, ctx)
    upto = close.loc[: pd.Timestamp(p.date)]
    values = indicator_series(upto, p.indicator, p.window)
    if values.dropna().empty or np.isnan(values.iloc[-1]):
        raise ValueError(
            f"{p.indicator} over {p.window} sessions needs more than {len(upto)} closes"
        )
    value, price, when = float(values.iloc[-1]), float(upto.iloc[-1]), upto.index[-1]
    label = {"rsi": f"{p.window}-session RSI", "sma": f"{p.window}-day average",
             "ema": f"{p.window}-day exponential average"}[p.indicator]  # fmt: skip
    name = series_name(p.series)
    observed = {"indicator": round(value, 4), "close": price, "date": iso(when)}
    if p.relation is not None:
        holds = price > value if p.relation == "above" else price < value
        side = "above" if price > value else "below"
        text = f"{name} closed at {price:,.2f} on {iso(when)}, {side} its {label} of {value:,.2f}"
        stated = {"relation": p.relation, "indicator": label}
    else:
        holds = p.compare.holds(value)
        text = f"{name}'s {label} was {value:.2f} on {iso(when)}, against {p.compare.words()}"
        stated = {"compare": p.compare.words(), "indicator": label}
    first = upto.index[max(0, len(upto) - p.window - 1)]
    verdict = "supported" if holds else "contradicted"
    return Finding(verdict, f"{text}.", stated, observed, date_range=(iso(first), iso(when)))
