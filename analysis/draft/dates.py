"""Dates and periods of a sentence, resolved against the article's publication date.

Named days ("Friday", "May 17", "May 17, 2024", "yesterday") go to ``dateparser`` (no model,
no download) with the day after publication as its base and past dates preferred, so
"Friday" in an article of Friday is that day. Periods ("in December", "in 2025", "year to
date", "the last month", "the final three weeks of December", "late December", "mid-2026",
"this week", "the fourth quarter", "since March 3") are read by the rules of :data:`_PERIODS`
into the claim language's periods (``analysis.kinds.vocabulary.Period``); a month or quarter
without a year is the latest one that began on or before the publication date.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]  # fmt: skip
_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"  # noqa: E501
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_NUM = r"(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_QUARTERS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_DAY = re.compile(
    r"\b(?:(?:on|last|this past|since)\s+)?(?P<phrase>(?:monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday)(?:,?\s+" + _MONTH.replace("?P<month>", "?:") + r"\s+\d{1,2})?"
    r"|"
    + _MONTH.replace("?P<month>", "?:")
    + r"\s+\d{1,2}(?!\d)(?:st|nd|rd|th)?(?:,?\s+(?:19|20)\d\d)?"
    r"|yesterday|today)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Found:
    """A period in the claim language (``{"month": "2025-12"}``), the words that set it and
    where they stand."""

    period: dict
    words: str
    start: int


def month_number(word: str) -> int:
    word = word.lower().rstrip(".")
    return next(i + 1 for i, m in enumerate(MONTHS) if m.startswith(word[:3]))


def _latest_year(month: int, published: date) -> int:
    return published.year if month <= published.month else published.year - 1


def day_of(phrase: str, published: date) -> date | None:
    """The day ``phrase`` names ("Friday", "May 17", "yesterday") against ``published``."""
    import dateparser

    if phrase.lower() == "today":
        return published
    base = datetime.combine(published, datetime.min.time()) + timedelta(days=1)
    if phrase.lower() == "yesterday":
        return published - timedelta(days=1)
    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "STRICT_PARSING": False}
    found = dateparser.parse(phrase, languages=["en"], settings=settings)
    return found.date() if found else None


def find_day(text: str, published: date) -> tuple[date, str] | None:
    """The first named day in ``text`` and its words, or ``None``."""
    for m in _DAY.finditer(text):
        day = day_of(m["phrase"], published)
        if day is not None and day <= published + timedelta(days=1):
            return day, m[0]
    return None


def _named_month(m: re.Match, p: date) -> dict:
    month = month_number(m["month"])
    year = int(m["year"]) if m["year"] else _latest_year(month, p)
    return {"named": f"{m['part'].lower()} {MONTHS[month - 1].title()} {year}"}


def _final_weeks(m: re.Match, p: date) -> dict:
    from analysis.draft.numbers import count_word

    month = month_number(m["month"])
    year = int(m["year"]) if m["year"] else _latest_year(month, p)
    n = count_word(m["n"])
    return {"named": f"final {n} weeks of {MONTHS[month - 1].title()} {year}"}


def _month(m: re.Match, p: date) -> dict:
    month = month_number(m["month"])
    year = int(m["year"]) if m["year"] else _latest_year(month, p)
    return {"month": f"{year}-{month:02d}"}


def _quarter(m: re.Match, p: date) -> dict:
    q = _QUARTERS[m["q"].lower()]
    year = int(m["year"]) if m["year"] else (p.year if 3 * q - 2 <= p.month else p.year - 1)
    return {"quarter": f"{year}Q{q}"}


def _past(m: re.Match, p: date) -> dict:
    from analysis.draft.numbers import count_word

    n = count_word(m["n"]) if m["n"] else 1
    return {"past": f"{n} {m['unit'].lower().rstrip('s')}{'s' if n != 1 else ''}"}


def _since(m: re.Match, p: date) -> dict | None:
    day = day_of(m["when"], p)
    return {"since": day} if day else None


_PERIODS: list[tuple[re.Pattern, Callable[[re.Match, date], dict | None]]] = [
    (rf"\b(?:final|last)\s+{_NUM}\s+weeks\s+of\s+{_MONTH}(?:\s+{_YEAR})?", _final_weeks),
    (rf"\b(?P<part>early|mid|late)[-\s]+{_MONTH}(?:\s+{_YEAR})?", _named_month),
    (rf"\b(?P<part>early|mid|late)[-\s]+{_YEAR}\b",
     lambda m, p: {"named": f"{m['part'].lower()}-{m['year']}"}),
    (r"\byear[-\s]to[-\s]date\b|\bso far (?:this|in) (?:the )?year\b|\bthis year\b|\bytd\b",
     lambda m, p: {"year_to_date": True}),
    (rf"\b(?P<q>first|second|third|fourth)[-\s]quarter(?:\s+of\s+{_YEAR})?", _quarter),
    (rf"\b(?:over|in|during)\s+the\s+(?:last|past|previous)\s+(?:{_NUM}\s+)?"
     r"(?P<unit>sessions?|days?|weeks?|months?|years?)\b", _past),
    (rf"\bsince\s+(?P<when>{_MONTH}\s+\d{{1,2}}(?!\d)(?:,?\s+(?:19|20)\d\d)?)", _since),
    (rf"\b(?:in|for|during|of|over)\s+(?:the\s+month\s+of\s+)?{_MONTH}(?:\s+{_YEAR})?(?!\s*\d)",
     _month),
    (rf"\b(?:in|for|during|over|ended|ending|concluded|finished|closed out|wrapped up)\s+"
     rf"(?:all\s+of\s+|calendar\s+)?{_YEAR}\b(?!\s*\d)", lambda m, p: {"year": int(m["year"])}),
    (r"\b(?:at|into)\s+(?:the\s+)?year[-\s]end\b",
     lambda m, p: {"month": f"{p.year if p.month == 12 else p.year - 1}-12"}),
    (r"\b(?:for|on|over|finished|ended|closed out)\s+the\s+(?:full\s+)?year\b|\bannual\b",
     lambda m, p: {"year": p.year if p.month > 6 else p.year - 1}),
    (r"\b(?:for|in|over)\s+the\s+month\b|\bmonthly\b",
     lambda m, p: {"month": f"{p.year}-{p.month:02d}"}),
    (r"\b(?:this|for the|on the)\s+week\b|\bweekly\b", lambda m, p: {"week": p}),
]  # fmt: skip
_COMPILED = [(re.compile(pat, re.IGNORECASE), rule) for pat, rule in _PERIODS]


def find_period(text: str, published: date, near: int | None = None) -> Found | None:
    """The period ``text`` names nearest to position ``near`` (one after it preferred when as
    near), else the first one; ``None`` when it names none."""
    found: list[Found] = []
    for pattern, rule in _COMPILED:
        for m in pattern.finditer(text):
            if any(f.start <= m.start() < f.start + len(f.words) for f in found):
                continue
            period = rule(m, published)
            if period is not None:
                found.append(Found(period, m[0].strip().rstrip("."), m.start()))
    if not found:
        return None
    if near is None:
        return min(found, key=lambda f: f.start)

    def distance(f: Found) -> int:
        return f.start - near if f.start >= near else near - f.start - len(f.words) + 5

    return min(found, key=distance)
