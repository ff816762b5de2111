"""The machinery every check shares: data access cut at the evaluation date, findings, the
one-sided verdict rule, and the small formatters summaries use.

A check (one per kind, in :mod:`analysis.kinds`) is ``check(claim, params, data, ctx) ->
Finding``. It never decides ``needs_data`` or ``error`` itself: a missing file or series raises
:class:`MissingData`, anything else that raises ends as ``error`` with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis.errors import WorkbookError
from analysis.results import StatResult, Verdict

if TYPE_CHECKING:
    from analysis.claims import Claim
    from analysis.snapshot import Snapshot


class MissingData(WorkbookError):
    """A file (or a series inside a user file) that a check needs is not in the snapshot."""

    def __init__(self, file: str, what: str | None = None) -> None:
        self.file = file
        self.what = what
        super().__init__(f"{file} ({what})" if what else file)


@dataclass(frozen=True)
class Context:
    """Run-wide settings.

    ``until`` is the evaluation date (no data after it is used; forecasts not yet due are
    pending); ``publication`` is the article's date: a claim about the moment of publication
    (any claim not marked ``forecast``) reads no data after it, or after its own ``as_of``.
    """

    until: date | None = None
    alpha: float = 0.05
    publication: date | None = None

    def cut_for(self, claim: Claim) -> date | None:
        """The last date of data a check of ``claim`` may read."""
        if claim.forecast:
            return self.until
        moment = claim.as_of or self.publication
        if moment is None or self.until is None:
            return moment or self.until
        return min(moment, self.until)


class NotYet(WorkbookError):
    """The claim speaks of a period that ends after the evaluation date: ``pending``."""


def directional(head: str, pvalue: float, alpha: float, words: dict[str, str]):
    """The run-wide rule for a one-sided test of the claim's direction, as a ``decide``.

    ``supported`` when the claimed direction's adjusted p-value is below ``alpha``,
    ``contradicted`` when the opposite direction's is, ``inconclusive`` otherwise; ``words``
    gives, for each of the three, what follows ``head`` in the summary.
    """

    def decide(p_adj: float, p_opp: float | None) -> tuple[Verdict, str]:
        if p_adj < alpha:
            return "supported", (
                f"{head}: {words['supported']} (one-sided p {pvalue:.3g}, adjusted {p_adj:.3g})."
            )
        if p_opp is not None and p_opp < alpha:
            return "contradicted", (
                f"{head}: {words['contradicted']} (p {p_opp:.3g} for the "
                "opposite direction, adjusted)."
            )
        return "inconclusive", (
            f"{head}: {words['inconclusive']} (one-sided p {pvalue:.3g}, adjusted {p_adj:.3g})."
        )

    return decide


def not_yet(day, ctx: Context) -> None:
    """Raise :class:`NotYet` (the claim is ``pending``) when the evaluation date comes before
    ``day``, the last date the claim speaks of; a check calls it before reading that far."""
    if ctx.until is not None and pd.Timestamp(ctx.until) < pd.Timestamp(day):
        raise NotYet(
            f"the claim speaks of data through {iso(day)}, after the evaluation date "
            f"{iso(ctx.until)}"
        )


def require_through(series: pd.Series, day, rel: str, ctx: Context) -> None:
    """Refuse to judge a period the data do not reach (three days of slack for a weekend).

    Raises :class:`NotYet` when the evaluation date comes before ``day`` (the claim's date has
    not come), else :class:`MissingData` naming the file and the date it must reach.
    """
    day = pd.Timestamp(day)
    last = series.index[-1] if len(series) else None
    not_yet(day, ctx)
    if last is not None and last >= day - pd.Timedelta(days=3):
        return
    ends = f"it ends {iso(last)}" if last is not None else "it is empty"
    raise MissingData(rel, f"data through {iso(day)}; {ends}")


@dataclass(frozen=True)
class Finding:
    """What a check found, before the run-wide p-value adjustment.

    ``pvalue`` is the decisive test's raw p-value for the claim's direction and
    ``pvalue_opposite`` the one for the opposite direction; when given with ``decide``, the
    verdict and summary are re-decided as ``decide(p_adjusted, p_opposite_adjusted)``, each
    adjusted with Benjamini-Hochberg across the whole run (one family per direction, so that
    neither "supported" nor "contradicted" rests on an unadjusted p-value).
    """

    verdict: Verdict
    summary: str
    stated: Any = None
    observed: Any = None
    tests: tuple[StatResult, ...] = ()
    date_range: tuple[str, str] | None = None
    fragile: bool = False
    pvalue: float | None = None
    decide: Callable[[float, float | None], tuple[Verdict, str]] | None = None
    pvalue_opposite: float | None = None


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
        if rel.startswith("fred/") and column == "Close":  # the default of price kinds
            column = None  # a FRED file holds one series: that one
        if column is not None and column not in frame:
            if rel.startswith("user/"):
                raise MissingData(rel, f"series {column}")
            if column == "Close" and "Adj Close" in frame:
                column = "Adj Close"
            else:
                raise MissingData(rel, f"column {column}")
        return self._cut(rel, self.snapshot.series(rel, column))

    def announced(self, rel: str, *, by: date, days: int = 3) -> pd.Series:
        """``rel``'s series up to ``days`` after ``by``, even past the cut: for facts announced
        by ``by`` that the data record a little later (a policy decision takes effect, and
        enters FRED's target range, the day after it is announced). Never past the evaluation
        date."""
        if not self.snapshot.has(rel):
            raise MissingData(rel)
        if rel not in self.used:
            self.used.append(rel)
        limit = pd.Timestamp(by) + pd.Timedelta(days=days)
        if self.until is not None and self.until < pd.Timestamp(by):
            limit = self.until
        return self.snapshot.series(rel).loc[:limit]

    def span(self) -> tuple[str, str] | None:
        if self.first is None or self.last is None:
            return None
        return (f"{self.first:%Y-%m-%d}", f"{self.last:%Y-%m-%d}")


def iso(day) -> str:
    """A date as ``YYYY-MM-DD``."""
    return f"{pd.Timestamp(day):%Y-%m-%d}"


def pct(x: float, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.1234 -> '12.3%'``."""
    return f"{100 * x:.{digits}f}%"


def latest(series: pd.Series, day, rel: str, *, max_age_days: int) -> tuple[float, pd.Timestamp]:
    """The value on ``day`` or the last one before it, no older than ``max_age_days``.

    A value older than that is not evidence about ``day``: it raises :class:`MissingData`
    naming the file, the series and the newest value's date (the claim is ``needs_data``).
    """
    upto = series.loc[: pd.Timestamp(day)]
    if upto.empty:
        raise MissingData(rel, f"{series.name or 'a value'} on or before {iso(day)}")
    when = upto.index[-1]
    if (pd.Timestamp(day) - when).days > max_age_days:
        raise MissingData(
            rel,
            f"{series.name or 'a value'} within {max_age_days} days of {iso(day)}; the newest "
            f"is from {iso(when)}",
        )
    return float(upto.iloc[-1]), when


def bp(x: float) -> str:
    """A fraction as signed basis points: ``0.0251 -> '+251 bp'``."""
    return f"{10_000 * x:+,.0f} bp"


def series_name(rel: str) -> str:
    """A snapshot file's series name: ``prices/^RUT.csv -> '^RUT'``."""
    return rel.split("/")[-1].removesuffix(".csv")
