"""Record highs: the highest close and intraday high in a period, against all earlier history.

Descriptive (no test): a level is a record when it is strictly above every earlier level of the
same kind (close against closes, intraday high against intraday highs).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from analysis.errors import InsufficientDataError
from analysis.results import ResultBase, html_table
from analysis.stats._common import as_date
from analysis.stats.windows import as_series, iso


@dataclass(frozen=True, slots=True)
class Peak(ResultBase):
    """The highest level in the period and how it compares with every earlier level."""

    kind: Literal["close", "high"]
    value: float
    date: pd.Timestamp
    is_record: bool  # strictly above every earlier level
    ties_record: bool  # equal to the earlier maximum
    previous_record: float
    previous_record_date: pd.Timestamp
    records_in_period: int  # sessions in the period that set a new record
    n_history: int  # earlier observations compared against

    def summary(self) -> str:
        state = "a record" if self.is_record else "no record"
        state = "ties the record" if self.ties_record else state
        return (
            f"max {self.kind} {self.value:.2f} on {iso(self.date)}: {state} (previous record "
            f"{self.previous_record:.2f} on {iso(self.previous_record_date)})."
        )


@dataclass(frozen=True, slots=True)
class RecordHigh(ResultBase):
    """Record close and record intraday high inside a period, against all earlier history."""

    period_start: pd.Timestamp
    period_end: pd.Timestamp
    history_start: pd.Timestamp
    close: Peak
    high: Peak | None

    def summary(self) -> str:
        high = f" Intraday: {self.high.summary()}" if self.high else ""
        return (
            f"{iso(self.period_start)} to {iso(self.period_end)}, history from "
            f"{iso(self.history_start)}. Close: {self.close.summary()}{high}"
        )

    def _repr_html_(self) -> str:
        peaks = [p for p in (self.close, self.high) if p is not None]
        return f"<p>{html.escape(self.summary())}</p>" + "".join(
            html_table(f"Record {p.kind}", p.to_dict()) for p in peaks
        )


def _peak(period: pd.Series, levels: pd.Series, kind: str) -> Peak:
    date = period.idxmax()
    value, earlier = float(period.loc[date]), levels.loc[levels.index < date]
    prev_date = earlier.idxmax()
    prev = float(earlier.loc[prev_date])
    new = (levels > levels.cummax().shift(1)) & levels.index.isin(period.index)
    count = int(new.sum())
    return Peak(
        kind, value, date, value > prev, value == prev, prev, prev_date, count, len(earlier)
    )


def record_high(
    close: pd.Series,
    *,
    high: pd.Series | None = None,
    period_start: Any,
    period_end: Any,
    history_start: Any = None,
) -> RecordHigh:
    """The highest close (and intraday high) in a period and whether each is an all-time record.

    Descriptive (no test). A level is a record when it is strictly above every earlier level
    from ``history_start`` on; equal to the earlier maximum is reported as a tie, not a record.
    The peak's date is the first session the period's maximum was reached. Intraday highs are
    compared with every earlier high and close (a close is a traded level too, which matters where
    highs are missing).

    Parameters
    ----------
    close, high
        Closes and (optional) intraday highs with a DatetimeIndex.
    period_start, period_end
        The period (inclusive) in which to look for the peak.
    history_start
        Ignore data before this date (e.g. a series' inception). Default: all.

    Returns
    -------
    RecordHigh
        ``close`` and ``high`` (:class:`Peak`: value, date, is_record, ties_record, previous
        record and its date, record sessions in the period).

    Raises
    ------
    InsufficientDataError
        No close (or high) in the period, or nothing before it to compare against.
    ValueError
        Bad series, or period_start after period_end.
    """
    lo, hi = as_date(period_start, "period_start"), as_date(period_end, "period_end")
    if lo > hi:
        raise ValueError(f"period_start {iso(lo)} is after period_end {iso(hi)}")
    start = None if history_start is None else as_date(history_start, "history_start")
    s = as_series(close, "close", positive=True).loc[start:]
    series = {"close": s}
    if high is not None:
        series["high"] = as_series(high, "high", positive=True).loc[start:]
    peaks = []
    for kind, values in series.items():
        period = values.loc[lo:hi]
        if period.empty:
            raise InsufficientDataError(f"no {kind} between {iso(lo)} and {iso(hi)}")
        levels = (
            values if kind == "close" else pd.concat([values, s], axis=1, sort=True).max(axis=1)
        )
        if not (levels.index < period.index[0]).any():
            raise InsufficientDataError(
                f"a record {kind} needs at least 1 level before {iso(period.index[0])} to compare "
                "against, got 0"
            )
        peaks.append(_peak(period, levels, kind))
    first = s.loc[lo:hi].index
    return RecordHigh(
        first[0], first[-1], s.index[0], peaks[0], peaks[1] if high is not None else None
    )
