"""Drafting the measures of valuation, earnings and rate expectations (see :mod:`.extract`):

- two forward multiples of two indices ("small caps trade at about 15x forward earnings,
  against 22x for the S&P 500") make a ``valuation_point`` on ``user/forward_pe.csv``;
- a year's earnings growth stated for two indices ("2026 earnings growth of 17% to 22% for
  small caps, against 14% to 15% for the S&P 500") makes an ``earnings_forecast`` on
  ``user/eps.csv`` (``forecast: true``: the consensus at publication now, the realized growth
  once reported);
- a forecast of the fed funds rate at a stated time ("a terminal rate near 3.0% by mid-2026")
  makes a ``rate_forecast``: fed funds futures for that month at publication, then the realized
  monthly average of ``fred/DFF.csv``.

The user files' series are named as the README documents them, from each index's ``user`` name
in the gazetteer (``russell2000``, ``sp500``): ``<name>_fwd_pe``,
``<name>_eps_growth_est_<year>`` and ``<name>_eps_growth_<year>``. The first index named is the
``small`` side unless it is a large-cap index and the second a small-cap one.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from analysis.draft.rules import claim, day_named

if TYPE_CHECKING:
    from analysis.draft.entities import Entity
    from analysis.draft.extract import Drafted, Sentence, Skipped
    from analysis.draft.numbers import Number

SMALL_CAPS = {"^RUT", "IWM", "^SP600", "IJR", "VB", "^TASME60.TA"}
RATES = {"DFF", "DFEDTARU", "DFEDTARL"}
_EARNINGS = re.compile(
    r"\b(?:earnings|eps|profits?)(?:-per-share)?\s+(?:growth|(?:to|will|would)\s+"
    r"(?:rise|grow|increase|climb|jump|expand))|\bgrowth\s+in\s+(?:earnings|profits)",
    re.IGNORECASE,
)
_YEARS = re.compile(r"\b(20\d\d)\b|\b(this|next)\s+year\b", re.IGNORECASE)
_FORWARD = re.compile(r"\bforward\b|\bnext[- ]12[- ]months?\b|\bnext year'?s earnings\b", re.I)
_TRAILING = re.compile(r"\btrailing\b|\blast 12 months\b|\bpast earnings\b", re.I)
_RATE_WORDS = re.compile(
    r"\brates?\b|\bfed funds\b|\bfunds rate\b|\bterminal\b|\bpolicy rate\b", re.IGNORECASE
)
_NOT_RATE = re.compile(
    r"\b(?:inflation|unemployment|jobless|gdp|growth|prices|cpi|pce|payrolls?)\b", re.IGNORECASE
)
_FROM = re.compile(r"\bfrom\s+$", re.IGNORECASE)
_NOW = re.compile(r"\s*(?:now|currently|today|at present)\b", re.IGNORECASE)
_NEAR = re.compile(r"\b(?:near|about|around|roughly|approximately|close to)\s+$", re.I)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")  # fmt: skip
_FUTURES_CODE = "FGHJKMNQUVXZ"  # CME month codes, January to December
_TARGET = re.compile(
    r"\bmid-?(?P<mid>20\d\d)\b"
    r"|\bby\s+(?:the\s+)?(?:end\s+of\s+(?P<end>20\d\d|the\s+year|this\s+year)|year[- ]end)"
    rf"|\bby\s+(?P<month>{'|'.join(_MONTHS)})(?:\s+(?P<year>20\d\d))?\b",
    re.IGNORECASE,
)


def user_name(entity: Entity) -> str | None:
    """The index's name in user files (``russell2000``), from the gazetteer; None if it has none."""
    from analysis.report.names import gazetteer

    known = gazetteer().get(entity.key)
    return known.user if known and known.user else None


def _pair(s: Sentence, nums: list[Number], per_index: int = 1) -> tuple[list[Entity], bool] | str:
    """Two distinct indices with user names, in the order named, and whether the small-cap one
    came second (then the sides swap); or why not. ``per_index`` numbers each."""
    named: list[Entity] = []
    for e in s.entities:
        if user_name(e) and all(e.key != n.key for n in named):
            named.append(e)
    if len(named) != 2 or len(nums) != 2 * per_index:
        return (f"{len(nums)} number(s) for {len(named)} index(es) with user data, expected "
                f"{2 * per_index} for two")  # fmt: skip
    if named[0].key not in SMALL_CAPS and named[1].key in SMALL_CAPS:
        return [named[1], named[0]], True
    return named, False


def _sides(nums: list[Number], swapped: bool, per_index: int = 1) -> tuple[list, list]:
    """The numbers of the first index named and of the second (the first half and the second
    half: "8% this year and 22% in 2026, versus 11% and 13%"), small-cap side first."""
    first, second = nums[:per_index], nums[per_index:]
    return (second, first) if swapped else (first, second)


def valuation(s: Sentence) -> tuple[list[Drafted | Skipped], set[int]]:
    """Two forward multiples of two indices: a ``valuation_point`` (module docstring)."""
    from analysis.draft.extract import Skipped

    nums = [n for n in s.nums if n.unit == "x"]
    if not nums:
        return [], set()
    used = {n.start for n in nums}
    if _TRAILING.search(s.text) or not _FORWARD.search(s.text):
        why = "a trailing multiple" if _TRAILING.search(s.text) else "a multiple of no stated kind"
        return [Skipped(s.text, f"no data kind: {why} ({nums[0].words!r}); drafts read "
                                "forward P/E only")], used  # fmt: skip
    pair = _pair(s, nums)
    if isinstance(pair, str):
        return [Skipped(s.text, f"no data kind: a valuation comparison needs two indices' "
                                f"multiples ({pair})")], used  # fmt: skip
    (small, large), swapped = pair
    (n_small,), (n_large,) = _sides(nums, swapped)
    about = any(n.op == "about" for n in nums)
    day, dwords = day_named(s)
    params = {"file": "user/forward_pe.csv", "small": f"{user_name(small)}_fwd_pe",
              "large": f"{user_name(large)}_fwd_pe", "date": day,
              "stated_small": n_small.value, "stated_large": n_large.value,
              "tolerance": 1.0 if about else 0.5}  # fmt: skip
    because = {"small": f"{small.words}: {n_small.words}",
               "large": f"{large.words}: {n_large.words}", "date": dwords,
               "file": _FORWARD.search(s.text)[0] + " earnings: forward P/E",
               "tolerance": "about: 1x" if about else "a whole multiple: 0.5x"}  # fmt: skip
    return [claim(s, "valuation_point", params, because, 0.7)], used


def earnings(s: Sentence) -> tuple[list[Drafted | Skipped], set[int]]:
    """A year's earnings growth for two indices (or two years': "8% this year and 22% in 2026,
    versus 11% and 13%"): an ``earnings_forecast`` each (module docstring)."""
    from analysis.draft.extract import Skipped

    m = _EARNINGS.search(s.text)
    nums = [n for n in s.nums if n.unit == "%"]
    if m is None or not nums:
        return [], set()
    used = {n.start for n in nums}
    years = list(dict.fromkeys(_year(y, s.published) for y in _YEARS.finditer(s.masked)))
    pair = _pair(s, nums, max(1, len(years)))
    if not years or isinstance(pair, str):
        why = "no year named" if not years else pair
        return [Skipped(s.text, f"no data kind: earnings growth stated as this sentence does "
                                f"({why})")], used  # fmt: skip
    (small, large), swapped = pair
    smalls, larges = _sides(nums, swapped, len(years))
    out: list[Drafted | Skipped] = []
    for (y, ywords), n_small, n_large in zip(years, smalls, larges, strict=True):
        names = {side: user_name(e) for side, e in (("small", small), ("large", large))}
        params: dict = {"file": "user/eps.csv", "year": y, "as_of": s.published.isoformat()}
        for side, name in names.items():
            params[f"{side}_estimate"] = f"{name}_eps_growth_est_{y}"
            params[f"{side}_actual"] = f"{name}_eps_growth_{y}"
        params |= {"stated_small": _range(n_small), "stated_large": _range(n_large)}
        because = {"small": f"{small.words}: {n_small.words}",
                   "large": f"{large.words}: {n_large.words}", "year": f"{m[0]} ... {ywords}",
                   "as_of": "the consensus at publication"}  # fmt: skip
        drafted = claim(s, "earnings_forecast", params, because, 0.7)
        drafted.forecast = True
        out.append(drafted)
    return out, used


def _year(m: re.Match, published: date) -> tuple[int, str]:
    if m[1]:
        return int(m[1]), m[0]
    return published.year + (m[2].lower() == "next"), f"{m[0]} (from {published})"


def _range(n: Number) -> list[float]:
    """A stated range as written; one number covers its precision (12% is 11.5-12.5)."""
    if n.high is not None:
        return [n.value, float(n.high.rstrip("%x"))]
    digits = n.text.rstrip("%").split(".")
    half = 0.5 * 10 ** -(len(digits[1]) if len(digits) > 1 else 0)
    return [round(n.value - half, 6), round(n.value + half, 6)]


def rate_forecast(s: Sentence, who: Entity, n: Number) -> Drafted | None:
    """A fed funds rate forecast for a named month (module docstring), else None: the words
    before the number name a rate, not inflation or unemployment ("the Fed expects inflation
    at 2.5% by June" is no rate), and the month is named after the number, before the next
    one ("near 3.4% by June and around 3.1% by the end of 2026"), or between the rate and the
    number; a number "now" or "from" one is the rate today."""
    if who.key not in RATES or n.unit != "%" or n.high is not None:
        return None
    lead = s.masked[min(who.end, n.start) : n.start]
    if not _RATE_WORDS.search(s.text[max(0, n.start - 60) : n.start]) or _NOT_RATE.search(lead):
        return None
    if _FROM.search(s.text[max(0, n.start - 6) : n.start]) or _NOW.match(s.text[n.end :]):
        return None
    following = next((m.start for m in s.nums if m.start > n.start), len(s.text))
    target = _target(s.text[n.end : following], s.published) or _target(lead, s.published)
    if target is None:
        return None
    day, words = target
    near = _NEAR.search(s.text[max(0, n.start - 20) : n.start]) or n.op == "about"
    code = f"ZQ{_FUTURES_CODE[day.month - 1]}{day.year % 100:02d}"
    params = {"futures": f"prices/{code}.csv", "realized": "fred/DFF.csv",
              "as_of": s.published.isoformat(), "target_date": day.isoformat(),
              "stated": n.value, "tolerance": 0.125 if near else 0.0625}  # fmt: skip
    because = {"series": who.words, "target_date": f"{words}: the month's average",
               "stated": n.words, "futures": f"fed funds futures for {day:%B %Y} ({code})",
               "tolerance": "near: 12.5 bp" if near else "as written: 6.25 bp"}  # fmt: skip
    drafted = claim(s, "rate_forecast", params, because, 0.7)
    drafted.forecast = True
    return drafted


def _target(text: str, published: date) -> tuple[date, str] | None:
    """The first day of the month a forecast speaks of: mid-YYYY is July, the end of a year
    December, "by June" the next June from publication."""
    m = _TARGET.search(text)
    if m is None:
        return None
    if m["mid"]:
        return date(int(m["mid"]), 7, 1), m[0]
    if m["month"]:
        month = _MONTHS.index(m["month"].lower()) + 1
        year = int(m["year"]) if m["year"] else published.year + (month < published.month)
        return date(year, month, 1), m[0]
    year = int(m["end"]) if m["end"] and m["end"].isdigit() else published.year
    return date(year, 12, 1), m[0]
