"""The ``change`` check kind: a series' change over a period, in percent, points or basis points
(or its change against a benchmark's), held against the stated number at its stated precision.

Examples from market news, as a claims file writes them::

    # "The S&P 500 is up 1.5% year to date"
    params: {series: prices/^GSPC.csv, period: {year_to_date: true},
             compare: {op: exactly, value: "1.5%"}}
    # "The 10-year yield climbed 25 basis points in December"
    params: {series: fred/DGS10.csv, period: {month: 2025-12}, unit: bp,
             compare: {op: about, value: "25 bp"}}
    # "Small caps beat the Nasdaq by nearly 600 bp over the past month"
    params: {series: prices/^RUT.csv, benchmark: prices/^IXIC.csv,
             period: {past: "1 month"}, compare: {op: nearly, value: "600 bp"}}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import pandas as pd

from analysis.checks.base import Context, Data, Finding, iso, require_through, series_name
from analysis.kinds.params import ParamsBase
from analysis.kinds.registry import register
from analysis.kinds.vocabulary import Comparison, Period, Span, Stated

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """A change of ``series`` over ``period`` (minus ``benchmark``'s, when given)."""

    series: str
    column: str | None = None  # prices: Close (else Adj Close); fred: the series
    benchmark: str | None = None
    period: Period
    unit: Literal["percent", "points", "bp"] | None = None
    compare: Comparison


def _unit(p: Params) -> str:
    """The unit the change is measured in: the params', else the stated number's, else %."""
    stated = p.compare.stated
    if p.unit is not None:
        return p.unit
    if stated is not None and stated.unit in ("percent", "points", "bp"):
        return stated.unit
    return "percent"


def measure(close: pd.Series, span: Span, unit: str) -> tuple[float, pd.Timestamp, pd.Timestamp]:
    """The change from the last close on or before ``span.anchor`` to the last on or before
    ``span.end``, in ``unit`` (percent of the start; points of the level; bp of the level when
    the series is a rate in percent); with the two sessions used."""
    before = close.loc[: pd.Timestamp(span.anchor)]
    upto = close.loc[: pd.Timestamp(span.end)]
    if before.empty:
        raise ValueError(f"no close on or before {span.anchor}, the day before the period")
    a, b = float(before.iloc[-1]), float(upto.iloc[-1])
    change = {"percent": 100 * (b / a - 1), "points": b - a, "bp": 100 * (b - a)}[unit]
    return change, before.index[-1], upto.index[-1]


def moved(value: float, unit: str, digits: int) -> str:
    """'rose 1.45%', 'fell 0.4%', 'rose 25 bp', 'was unchanged'."""
    if round(value, digits) == 0:
        return "was unchanged"
    mark = {"percent": "%", "points": " points", "bp": " bp"}[unit]
    return f"{'rose' if value > 0 else 'fell'} {abs(value):,.{digits}f}{mark}"


def led(value: float, unit: str, digits: int, other: str) -> str:
    """'led ^IXIC by 251 bp', 'trailed ^GSPC by 1.2 percentage points', 'matched ^GSPC'."""
    if round(value, digits) == 0:
        return f"matched {other}"
    mark = {"percent": " percentage points", "points": " points", "bp": " bp"}[unit]
    return f"{'led' if value > 0 else 'trailed'} {other} by {abs(value):,.{digits}f}{mark}"


def digits_for(stated: Stated | None, unit: str) -> int:
    """Decimals to print an observed value with: one more than the stated number's."""
    if stated is None:
        return 1 if unit == "bp" else 2
    shown = stated.text.split(".")[1] if "." in stated.text else ""
    return len("".join(ch for ch in shown if ch.isdigit())) + 1


@register(
    "change",
    Params,
    chart="plot_relative",
    decides=(
        "a change over a period (a session, week, month, quarter, year, year to date, since a "
        "date, the past N units, a named span) in percent, points or bp, or against a benchmark, "
        "held against the stated number at its precision or the tolerance its words give"
    ),
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """Supported when the observed change satisfies the comparison, else contradicted."""
    as_of = claim.as_of or ctx.publication or ctx.until
    close = data.series(p.series, p.column)
    span = p.period.resolve(as_of, close.index)
    require_through(close, span.end, p.series, ctx)
    unit = _unit(p)
    value, start, end = measure(close, span, unit)
    what, how = series_name(p.series), moved
    observed = {"change": round(value, 6), "unit": unit, "from": iso(start), "to": iso(end)}
    if p.benchmark is not None:
        bench = data.series(p.benchmark)
        require_through(bench, span.end, p.benchmark, ctx)
        other, _, _ = measure(bench, span, "percent" if unit != "points" else unit)
        own = value if unit != "bp" else measure(close, span, "percent")[0]
        value = (own - other) * (100 if unit == "bp" else 1)
        name = series_name(p.benchmark)
        how = lambda v, u, d: led(v, u, d, name)  # noqa: E731
        observed |= {"change": round(value, 6), "benchmark_change": round(other, 6)}
    digits = digits_for(p.compare.stated, unit)
    verdict = "supported" if p.compare.holds(value) else "contradicted"
    text = (
        f"{what} {how(value, unit, digits)} from the close of {iso(start)} to {iso(end)} "
        f"({p.period.words()}), against {p.compare.words()}"
    )
    low, high, _, _ = p.compare.interval()
    shown = digits + 1
    accepted = "" if p.compare.op in ("up", "down") else f" (accepted: {_range(low, high, shown)})"
    stated = {"compare": p.compare.words(), "period": p.period.words()}
    return Finding(
        verdict, f"{text}{accepted}.", stated, observed, date_range=(iso(start), iso(end))
    )


def _range(low: float, high: float, digits: int) -> str:
    """'1.45 to 1.55', 'from 8', 'up to 3' with the digits the stated number needs."""

    def fmt(x: float) -> str:
        return f"{x:,.{digits}f}".rstrip("0").rstrip(".")

    if low == float("-inf"):
        return f"up to {fmt(high)}"
    if high == float("inf"):
        return f"from {fmt(low)}"
    return f"{fmt(low)} to {fmt(high)}"
