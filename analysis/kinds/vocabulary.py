"""The words market news uses, as parameter types: periods, stated numbers and comparisons.

Every kind of the claim language (``change``, ``level``, ``record``, ...) composes these, so that a
claims file says what the article says:

* a :class:`Period` names a span as the article does ("year to date", "since March 3", "the past
  three months", "the final three weeks of December 2025", "late December 2025", "mid-2026") and
  resolves, with the rule written in :meth:`Period.resolve`, to the sessions it covers;
* a :class:`Stated` number keeps the precision it was written with ("1.5%" covers 1.45-1.55%,
  "2,508.22" covers 2,508.215-2,508.225) and its unit (percent, points, basis points, a multiple);
* a :class:`Comparison` says how the observed value is held against it: equal within a tolerance
  (from the words of :data:`TOLERANCE_WORDS`, or the stated precision), at least, more than, at
  most, less than, between, or a direction only.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import pandas as pd
from pydantic import Field, model_validator

from analysis.kinds.params import ParamsBase

# ---------------------------------------------------------------- stated numbers
Unit = Literal["percent", "points", "bp", "level", "multiple"]
_NUMBER = re.compile(
    r"^\s*(?P<sign>[+-])?\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<unit>%|percent|percentage points?|pp|points?|bp|bps|basis points?|x)?\s*$",
    re.IGNORECASE,
)
# "pp" and "percentage points" are differences of percents: the unit is percent
_UNITS = {"%": "percent", "percent": "percent", "pp": "percent", "percentage point": "percent",
          "percentage points": "percent", "point": "points",
          "points": "points", "bp": "bp", "bps": "bp", "basis point": "bp",
          "basis points": "bp", "x": "multiple"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Stated:
    """A number as the article wrote it: its value, its unit and half its last digit's place.

    >>> Stated.parse("1.5%")
    Stated(value=1.5, unit='percent', precision=0.05, text='1.5%')
    >>> Stated.parse("2,508.22").precision
    0.005
    """

    value: float
    unit: str
    precision: float
    text: str

    @classmethod
    def parse(cls, text: str | float | int, unit: str | None = None) -> Stated:
        """Read ``"12%"``, ``"600 bp"``, ``"3.50"``, ``"15x"`` or a bare number (whose
        precision is that of its shortest decimal form: ``1.5`` -> 0.05)."""
        raw = str(text)
        match = _NUMBER.match(raw)
        if match is None:
            raise ValueError(f"{raw[:40]!r} is not a number such as 12%, 2,508.22, 600 bp or 15x")
        digits = match["num"].replace(",", "")
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        value = float(digits) * (-1 if match["sign"] == "-" else 1)
        found = _UNITS.get((match["unit"] or "").lower())
        return cls(value, found or unit or "level", 0.5 * 10.0**-decimals, raw.strip())

    def __str__(self) -> str:
        return self.text


# ---------------------------------------------------------------- comparisons
# The tolerance words, as one table (README, "Writing a claims file"): each maps the stated
# value v to the interval the observed value must fall in. "precision" is half the last digit.
TOLERANCE_WORDS: dict[str, tuple[str, str]] = {
    "exactly": ("v +- precision", "the number as written"),
    "about": ("v +- max(5% of |v|, precision)", "about, approximately, roughly, around, some"),
    "nearly": ("[v - max(10% of |v|, precision), v + precision]", "nearly, almost, close to"),
    "just shy of": ("[v - max(3% of |v|, precision), v)", "just shy of, just under, just below"),
    "more than": ("> v", "more than, over, above, in excess of"),
    "at least": (">= v", "at least, no less than (a threshold: exact, not rounded)"),
    "less than": ("< v", "less than, under, below"),
    "at most": ("<= v", "at most, up to, no more than, as much as (a threshold: exact)"),
}
_ONE_SIDED = ("nearly", "just shy of", "more than", "at least", "less than", "at most")
Op = Literal[
    "exactly", "about", "nearly", "just shy of", "more than", "at least", "less than",
    "at most", "between", "up", "down",
]  # fmt: skip


class Comparison(ParamsBase):
    """How an observed value is held against the stated one.

    ``op`` is one of the words of :data:`TOLERANCE_WORDS`, ``between`` (``value`` and ``high``,
    both ends at their precision) or a direction only (``up``: rose, climbed, gained; ``down``:
    fell, slid, a loss). ``value`` is text as the article wrote it ("12%", "2,508.22", "600 bp")
    or a number; ``tolerance`` overrides the words' interval with an explicit +- in the value's
    own unit.
    """

    op: Op = "exactly"
    value: str | float | None = None
    high: str | float | None = None
    tolerance: float | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _complete(self) -> Comparison:
        if self.op in ("up", "down"):
            if self.value is not None:
                raise ValueError(f"{self.op!r} is a direction only: give no value")
        elif self.value is None:
            raise ValueError(f"{self.op!r} needs a value")
        if (self.op == "between") != (self.high is not None):
            raise ValueError("'between' needs value and high; high goes with 'between' only")
        for v in (self.value, self.high):
            if v is not None:
                Stated.parse(v)
        return self

    @property
    def stated(self) -> Stated | None:
        return None if self.value is None else Stated.parse(self.value)

    def interval(self) -> tuple[float, float, bool, bool]:
        """``(low, high, low_open, high_open)`` that the observed value must fall in.

        The one-sided words speak of a size: for a negative stated value (a fall, a loss) they
        apply to the size of the fall ("nearly -20%" is a fall of 18-20%, "more than -8%" a
        fall of more than 8%), so the interval is the mirror of the one for ``-v``.
        """
        s = self.stated
        if s is not None and s.value < 0 and self.op in _ONE_SIDED and self.tolerance is None:
            mirror = self.model_copy(update={"value": s.text.replace("-", "", 1)})
            low, high, low_open, high_open = mirror.interval()
            return -high, -low, high_open, low_open
        inf = float("inf")
        if self.op == "up":
            return 0.0, inf, True, False
        if self.op == "down":
            return -inf, 0.0, False, True
        s = self.stated
        v, p = s.value, s.precision
        if self.tolerance is not None:
            return v - self.tolerance, v + self.tolerance, False, False
        spans = {
            "exactly": (v - p, v + p, False, False),
            "about": (v - max(0.05 * abs(v), p), v + max(0.05 * abs(v), p), False, False),
            "nearly": (v - max(0.10 * abs(v), p), v + p, False, False),
            "just shy of": (v - max(0.03 * abs(v), p), v, False, True),
            "more than": (v, inf, True, False),
            "at least": (v, inf, False, False),
            "less than": (-inf, v, False, True),
            "at most": (-inf, v, False, False),
        }
        if self.op == "between":
            hi = Stated.parse(self.high)
            return v - p, hi.value + hi.precision, False, False
        return spans[self.op]

    def holds(self, observed: float) -> bool:
        """Whether ``observed`` (in the stated unit) satisfies the comparison."""
        low, high, low_open, high_open = self.interval()
        above = observed > low if low_open else observed >= low - 1e-12
        below = observed < high if high_open else observed <= high + 1e-12
        return above and below

    def words(self) -> str:
        """The comparison as a reader would say it: "about 12%", "more than 8%", "rose"."""
        if self.op == "up":
            return "a rise"
        if self.op == "down":
            return "a fall"
        if self.op == "between":
            return f"between {self.stated} and {Stated.parse(self.high)}"
        return f"{'' if self.op == 'exactly' else self.op + ' '}{self.stated}"


# ---------------------------------------------------------------- periods
_PAST = re.compile(r"^\s*(\d+)\s+(session|day|week|month|year)s?\s*$", re.IGNORECASE)
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_NAMED_MONTH = re.compile(
    r"^\s*(?:the\s+)?(?:(final|last|first)\s+(one|two|three|four|\d)\s+weeks?\s+of|"
    r"(early|mid|late))[-\s]+(?P<month>[a-z]+)\s+(?P<year>\d{4})\s*$",
    re.IGNORECASE,
)
_NAMED_YEAR = re.compile(r"^\s*(early|mid|late)[-\s]+(?P<year>\d{4})\s*$", re.IGNORECASE)
_COUNT = {"one": 1, "two": 2, "three": 3, "four": 4}


@dataclass(frozen=True, slots=True)
class Span:
    """A resolved period: the change runs from the last close on or before ``anchor`` (the
    close before the period) to the last close on or before ``end``; ``first`` is the period's
    first day (sessions from ``first`` to ``end`` lie inside it)."""

    anchor: date
    first: date
    end: date
    rule: str


class Period(ParamsBase):
    """A span of time, named as market news names it; give exactly one of the fields.

    The rules (:meth:`resolve`, against ``as_of``, the date the claim speaks of):

    * ``session: D``: the session of D (a non-session date: the last session before it);
      the change is from the close before it.
    * ``week: D``: the calendar week (Monday-Sunday) holding D, from the last close of the week
      before; ``month: YYYY-MM``, ``quarter: YYYYQn``, ``year: YYYY`` likewise.
    * ``year_to_date: true``: from the last close of the previous year to ``as_of``.
    * ``since: D``: from the close of D (or the last session before it) to ``until`` or
      ``as_of``.
    * ``past: "N sessions|days|weeks|months|years"``: the N units that end on ``until`` or
      ``as_of`` (sessions are counted in the data; the others in the calendar).
    * ``named``: "final (last) N weeks of December 2025" (the N*7 days ending on the month's
      last day), "first N weeks of ...", "early / mid / late December 2025" (days 1-10, 11-20,
      21-end), "early / mid / late 2026" (January-April, May-August, September-December).
    """

    session: date | None = None
    week: date | None = None
    month: str | None = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    quarter: str | None = Field(None, pattern=r"^\d{4}Q[1-4]$")
    year: int | None = Field(None, ge=1900, le=2100)
    year_to_date: bool | None = None
    since: date | None = None
    past: str | None = None
    named: str | None = None
    until: date | None = None

    @model_validator(mode="after")
    def _one(self) -> Period:
        given = [k for k in _KINDS if getattr(self, k) not in (None, False)]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(_KINDS)}; got {given or 'none'}")
        if self.until is not None and given[0] not in ("since", "past"):
            raise ValueError("until goes with since or past only")
        if self.past is not None and not _PAST.match(self.past):
            raise ValueError(f"past {self.past!r}: expected 'N sessions|days|weeks|months|years'")
        if self.named is not None:
            _named(self.named)  # refuse words the rules do not cover, at load
        return self

    def resolve(self, as_of: date, sessions: pd.DatetimeIndex | None = None) -> Span:
        """The span this period covers when the claim speaks of ``as_of``."""
        if self.session is not None:
            return Span(self.session - timedelta(days=1), self.session, self.session, "session")
        if self.week is not None:
            monday = self.week - timedelta(days=self.week.weekday())
            return Span(monday - timedelta(days=1), monday, monday + timedelta(days=6), "week")
        if self.month is not None:
            y, m = map(int, self.month.split("-"))
            return _months(y, m, 1, "month")
        if self.quarter is not None:
            y, q = int(self.quarter[:4]), int(self.quarter[-1])
            return _months(y, 3 * q - 2, 3, "quarter")
        if self.year is not None:
            return _months(self.year, 1, 12, "year")
        if self.year_to_date:
            return Span(date(as_of.year - 1, 12, 31), date(as_of.year, 1, 1), as_of, "year to date")
        end = self.until or as_of
        if self.since is not None:
            return Span(self.since, self.since + timedelta(days=1), end, f"since {self.since}")
        if self.past is not None:
            return _past(self.past, end, sessions)
        return _named(self.named)

    def words(self) -> str:
        """The period in words: "year to date", "the past 3 months", "December 2025"."""
        if self.month is not None:
            y, m = self.month.split("-")
            return f"{calendar.month_name[int(m)]} {y}"
        forms = {
            "session": "the session of {}", "week": "the week of {}", "quarter": "{}",
            "year": "{}", "since": "since {}", "past": "the past {}", "named": "{}",
        }  # fmt: skip
        for key, form in forms.items():
            value = getattr(self, key)
            if value is not None:
                return form.format(value)
        return "year to date"


_KINDS = ("session", "week", "month", "quarter", "year", "year_to_date", "since", "past", "named")


def _months(year: int, month: int, count: int, rule: str) -> Span:
    first = date(year, month, 1)
    last_month = month + count - 1
    end = date(year, last_month, calendar.monthrange(year, last_month)[1])
    return Span(first - timedelta(days=1), first, end, rule)


def _past(text: str, end: date, sessions: pd.DatetimeIndex | None) -> Span:
    n, unit = _PAST.match(text).groups()
    n, unit = int(n), unit.lower()
    if unit == "session":
        if sessions is None:
            raise ValueError("'past N sessions' needs the series' sessions to resolve")
        upto = sessions[sessions <= pd.Timestamp(end)]
        if len(upto) <= n:
            raise ValueError(f"past {n} sessions: the data hold {len(upto)} sessions up to {end}")
        anchor = upto[-n - 1].date()
        return Span(anchor, anchor + timedelta(days=1), end, f"past {n} sessions")
    offset = {"day": pd.DateOffset(days=n), "week": pd.DateOffset(weeks=n),
              "month": pd.DateOffset(months=n), "year": pd.DateOffset(years=n)}[unit]  # fmt: skip
    anchor = (pd.Timestamp(end) - offset).date()
    return Span(anchor, anchor + timedelta(days=1), end, f"past {n} {unit}s")


def _named(text: str) -> Span:
    match = _NAMED_MONTH.match(text)
    if match:
        month = _MONTHS.get(match["month"].lower())
        if month is None:
            raise ValueError(f"named {text!r}: {match['month']!r} is not a month")
        year = int(match["year"])
        last = calendar.monthrange(year, month)[1]
        edge, count, part = match.group(1), match.group(2), match.group(3)
        if edge:
            weeks = _COUNT.get(count.lower(), None) or int(count)
            if edge.lower() == "first":
                first = date(year, month, 1)
                return Span(first - timedelta(days=1), first, first + timedelta(weeks=weeks) -
                            timedelta(days=1), f"first {weeks} weeks of the month")  # fmt: skip
            end = date(year, month, last)
            first = end - timedelta(weeks=weeks) + timedelta(days=1)
            return Span(first - timedelta(days=1), first, end, f"final {weeks} weeks of the month")
        lo, hi = {"early": (1, 10), "mid": (11, 20), "late": (21, last)}[part.lower()]
        first = date(year, month, lo)
        return Span(first - timedelta(days=1), first, date(year, month, hi), f"{part} month")
    match = _NAMED_YEAR.match(text)
    if match:
        year, part = int(match["year"]), match.group(1).lower()
        lo, hi = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[part]
        return _months(year, lo, hi - lo + 1, f"{part} year")
    raise ValueError(
        f"named {text[:60]!r}: expected 'final N weeks of <Month> <YYYY>', "
        "'early|mid|late <Month> <YYYY>' or 'early|mid|late <YYYY>'"
    )
