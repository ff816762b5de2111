"""Numbers in an article's sentence, by a small documented grammar (docs/drafting.md).

A number is digits with optional thousands commas and decimals (``2,508.22``, ``4.5``), an
optional unit word right after it (``%``, ``percent``, ``percentage point(s)``/``pp``, ``basis
point(s)``/``bp``/``bps``, ``point(s)``, ``x``) and, before it, optional comparison words
(:data:`OP_WORDS`: "about", "nearly", "more than", ...). Two numbers joined by a dash or "to"
with a percent sign make a range (``3.50%–3.75%``, ``3.5% to 3.75%``). "a quarter point", "a
half point" and "three-quarters of a point" are 25, 50 and 75 bp. A four-digit year (1900-2100
with no unit), a day of the month after a month's name and a time are no numbers. Words for
small counts ("three", "fifth") are read by :func:`count_word`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_NUMBER = re.compile(
    r"(?<![\w.,])(?P<sign>[+\-−])?(?P<cur>\$)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:(?P<range>\s*%?\s*(?:-|–|—)\s*|\s*%\s*to\s+)(?P<num2>\d+(?:\.\d+)?)(?![\d,]))?"
    r"(?P<unit>\s*(?:%|percent\b|percentage[- ]points?\b|pp\b|basis[- ]points?\b|bps?\b|"
    r"points?\b|x\b|times\b)|x\b)?",
    re.IGNORECASE,
)
_UNIT = {"%": "%", "percent": "%", "percentage point": " pp", "percentage points": " pp",
         "pp": " pp", "basis point": " bp", "basis points": " bp", "bp": " bp", "bps": " bp",
         "point": " points", "points": " points", "x": "x", "times": "x"}  # fmt: skip
_FRACTION_POINT = re.compile(
    r"\b(?P<what>a quarter|a half|half a|three[- ]quarters of a)[- ](?:percentage[- ])?point\b",
    re.IGNORECASE,
)
_FRACTION_BP = {"a quarter": 25, "a half": 50, "half a": 50, "three-quarters of a": 75}

# the words before a number that set the comparison (docs/writing-claims.md, the tolerance table)
OP_WORDS: dict[str, str] = {
    "about": "about", "approximately": "about", "roughly": "about", "around": "about",
    "some": "about", "an estimated": "about", "nearly": "nearly", "almost": "nearly",
    "close to": "nearly", "just shy of": "just shy of", "just under": "just shy of",
    "just below": "just shy of", "more than": "more than", "over": "more than",
    "above": "more than", "in excess of": "more than", "at least": "at least",
    "no less than": "at least", "less than": "less than", "under": "less than",
    "below": "less than", "at most": "at most", "no more than": "at most",
    "as much as": "at most", "up to": "at most",
}  # fmt: skip
_OP_BEFORE = re.compile(
    r"\b(?P<words>" + "|".join(sorted(map(re.escape, OP_WORDS), key=len, reverse=True)) + r")"
    r"\s+(?:a\s+|an\s+)?$",
    re.IGNORECASE,
)
_COUNTS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "first": 1,
           "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
           "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Number:
    """A number as the sentence wrote it: ``text`` in the claim language ("12%", "600 bp",
    "2,508.22", "15x", "500 points"), ``high`` the top of a range, ``op`` and the words that set
    it, and where it stands in the sentence."""

    text: str
    unit: str  # "%", " pp", " bp", " points", "x" or "" (a level)
    start: int
    end: int
    words: str
    high: str | None = None
    op: str = "exactly"
    op_words: str = ""

    @property
    def value(self) -> float:
        return float(re.sub(r"[^\d.]", "", self.text.split()[0].rstrip("%x")) or 0)


def _skip(sentence: str, m: re.Match) -> bool:
    """A year, a day of a month, a time, a money amount, a part of a word or date: no number."""
    num, unit, before = m["num"], (m["unit"] or "").strip(), sentence[: m.start()]
    if m["cur"] or (
        not unit and not m["num2"] and re.match(r"\s*(?:[ap]\.?m\b|:\d)", sentence[m.end() :])
    ):
        return True
    if not unit and not m["num2"] and re.fullmatch(r"(19|20)\d\d", num):
        return True
    if not unit and re.search(_MONTHS + r"\s*$", before, re.IGNORECASE):
        return True
    if re.match(r"[-–]?(?:year|month|week|day|session)", sentence[m.end() :].lstrip(), re.I):
        return not unit
    return bool(re.match(r"\s*(?:st|nd|rd|th)\b|[A-Za-z]", sentence[m.end() :]))


def _number(sentence: str, m: re.Match) -> Number:
    unit = _UNIT.get(re.sub(r"[- ]+", " ", (m["unit"] or "").strip().lower()), "")
    if not unit and m["range"] and "%" in m["range"]:
        unit = "%"
    sign = "-" if m["sign"] in ("-", "−") else ""
    text = f"{sign}{m['num']}{unit}"
    high = f"{m['num2']}{unit}" if m["num2"] else None
    found = _OP_BEFORE.search(sentence[max(0, m.start() - 30) : m.start()])
    op = OP_WORDS[found["words"].lower()] if found else "exactly"
    if high:
        op = "between"
    return Number(text, unit, m.start(), m.end(), m[0].strip(), high, op,
                  found["words"] if found else "")  # fmt: skip


def numbers(sentence: str) -> list[Number]:
    """Every number of ``sentence`` in order (see the module's grammar)."""
    out = [_number(sentence, m) for m in _NUMBER.finditer(sentence) if not _skip(sentence, m)]
    for m in _FRACTION_POINT.finditer(sentence):
        bp = _FRACTION_BP[
            re.sub(r"[- ]+", " ", m["what"].lower()).replace("three quarters", "three-quarters")
        ]
        out.append(Number(f"{bp} bp", " bp", m.start(), m.end(), m[0]))
    return sorted(out, key=lambda n: n.start)


def count_word(word: str) -> int | None:
    """``"three" -> 3``, ``"fifth" -> 5``, ``"4" -> 4``; ``None`` for anything else."""
    word = word.lower()
    return int(word) if word.isdigit() else _COUNTS.get(word)
