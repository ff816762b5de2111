"""The machinery every check shares: data access cut at the evaluation date, findings, and the
turning of a finding into a :class:`~analysis.results.ClaimResult`.

A check is a function ``check(claim, params, data, ctx) -> Finding`` registered for one kind with
:func:`register`. It never decides ``needs_data`` or ``error`` itself: a missing file or series
raises :class:`MissingData`, anything else that raises ends as ``error`` with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from analysis.claims import Claim
from analysis.errors import WorkbookError
from analysis.results import StatResult, Verdict
from analysis.snapshot import Snapshot


class MissingData(WorkbookError):
    """A file (or a series inside a user file) that a check needs is not in the snapshot."""

    def __init__(self, file: str, what: str | None = None) -> None:
        self.file = file
        self.what = what
        super().__init__(f"{file} ({what})" if what else file)


@dataclass(frozen=True)
class Context:
    """Run-wide settings: the evaluation date (data after it is not used) and the test level."""

    until: date | None = None
    alpha: float = 0.05


@dataclass(frozen=True)
class Finding:
    """What a check found, before the run-wide p-value adjustment.

    ``pvalue`` is the decisive test's raw p-value; when given with ``decide``, the verdict and
    summary are re-decided with the Benjamini-Hochberg adjusted p-value of the whole run.
    """

    verdict: Verdict
    summary: str
    stated: Any = None
    observed: Any = None
    tests: tuple[StatResult, ...] = ()
    date_range: tuple[str, str] | None = None
    fragile: bool = False
    pvalue: float | None = None
    decide: Callable[[float], tuple[Verdict, str]] | None = None


class Data:
    """Read access to a snapshot for one check, cut at ``until``; remembers what it read."""

    def __init__(self, snapshot: Snapshot, *, until: date | None = None) -> None:
        self.snapshot = snapshot
        self.until = pd.Timestamp(until) if until else None
        self.used: list[str] = []
        self.first: pd.Timestamp | None = None
        self.last: pd.Timestamp | None = None

    def _cut(self, rel: str, obj):
        if rel not in self.used:
            self.used.append(rel)
        if self.until is not None:
            obj = obj.loc[: self.until]
        if len(obj):
            self.first = min(filter(None, [self.first, obj.index[0]]))
            self.last = max(filter(None, [self.last, obj.index[-1]]))
        return obj

    def frame(self, rel: str) -> pd.DataFrame:
        """The whole parsed file."""
        if not self.snapshot.has(rel):
            raise MissingData(rel)
        return self._cut(rel, self.snapshot.load(rel))

    def series(self, rel: str, column: str | None = None) -> pd.Series:
        """One column without missing values (prices: Close, else Adj Close; user: a series)."""
        if not self.snapshot.has(rel):
            raise MissingData(rel)
        frame = self.snapshot.load(rel)
        if column is not None and column not in frame:
            if rel.startswith("user/"):
                raise MissingData(rel, f"series {column}")
            if column == "Close" and "Adj Close" in frame:
                column = "Adj Close"
            else:
                raise MissingData(rel, f"column {column}")
        return self._cut(rel, self.snapshot.series(rel, column))

    def span(self) -> tuple[str, str] | None:
        if self.first is None or self.last is None:
            return None
        return (f"{self.first:%Y-%m-%d}", f"{self.last:%Y-%m-%d}")


CheckFunction = Callable[[Claim, Any, Data, Context], Finding]
CHECKS: dict[str, CheckFunction] = {}


def register(kind: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register ``check`` as the function for claims of ``kind``."""

    def wrap(fn: CheckFunction) -> CheckFunction:
        CHECKS[kind] = fn
        return fn

    return wrap


def iso(day) -> str:
    """A date as ``YYYY-MM-DD``."""
    return f"{pd.Timestamp(day):%Y-%m-%d}"


def pct(x: float, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.1234 -> '12.3%'``."""
    return f"{100 * x:.{digits}f}%"
