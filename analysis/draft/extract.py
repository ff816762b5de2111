"""One sentence to drafted claims: each number is given to the series named before it (its
clause), and the words between them pick the kind: a move word ("rose", "fell", "a 12% surge")
makes a ``change``, "closed at", "to", "at" a ``level``, "record" a ``record``, a Fed action
("cut", "raised", "held") a ``policy_decision`` and a rate range a ``target_range``; "best day
since 2008" is a ``period_rank`` and "a fifth straight gain" a ``streak``. What cannot be mapped
is skipped with the reason, never guessed (:class:`Skipped`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from analysis.draft import measures, rules
from analysis.draft.entities import Entity, Gazetteer
from analysis.draft.hints import qualitative
from analysis.draft.numbers import Number, numbers

FED = {"DFEDTARL", "DFEDTARU", "DFF"}
_FORECAST = re.compile(
    r"\b(expect\w*|forecast\w*|project(?:s|ed|ion|ions)|predict\w*|could|would|may|might|will|"
    r"should|outlook|estimates?|anticipat\w*|target(?:s|ed)?|likely|poised|potential|"
    r"consensus|see[sn]?|bets?|priced in|odds|impl(?:y|ies|ied))\b",
    re.IGNORECASE,
)
_OPINION = re.compile(
    r"\b(we (?:think|believe)|in our view|said|says|according to|argued|noted|told)\b", re.I
)
_RELATIVE = re.compile(
    r"\b(?P<verb>outperform\w*|outpac\w*|beat(?:s|ing)?|lagg\w*|trail\w*|underperform\w*)\b", re.I
)
_MULTIPLE = "x"
_ANAPHOR = re.compile(
    r"\b(?i:the|that|this)\s+(?:index|benchmark|gauge|average|blue-chip average|small-cap index)\b"
    r"|^(?:It|It's|Its)\b",
)
_CLAUSE_END = re.compile(r"[,;:]|\s(?:while|but|as|and)\s")


@dataclass
class Drafted:
    """A drafted claim: the article's words, its kind and parameters, the words behind each."""

    text: str
    kind: str
    params: dict
    because: dict[str, str] = field(default_factory=dict)
    confidence: float = 0.9
    as_of: date | None = None
    forecast: bool = False

    @property
    def data(self) -> list[str]:
        found = [v for k, v in sorted(self.params.items()) if isinstance(v, str) and "/" in v]
        return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Skipped:
    """A statement left out, and why."""

    text: str
    reason: str


@dataclass
class Sentence:
    """A sentence being read: its text, a copy with the series names masked (their digits are no
    numbers), the series and numbers found, and the publication date."""

    text: str
    published: date
    entities: list[Entity]
    masked: str = ""
    nums: list[Number] = field(default_factory=list)

    def __post_init__(self) -> None:
        chars = list(self.text)
        for e in self.entities:
            chars[e.start : e.end] = "#" * (e.end - e.start)
        self.masked = "".join(chars)
        self.nums = numbers(self.masked)

    def owner(self, n: Number) -> Entity | None:
        """The series a number speaks of: the last named before it, else the first after it."""
        before = [e for e in self.entities if e.end <= n.start]
        if before:
            return before[-1]
        return next((e for e in self.entities if e.start >= n.end), None)

    def clause(self, who: Entity, n: Number) -> str:
        """From the series' name to the next series named after the number (or the end)."""
        nxt = next((e.start for e in self.entities if e.start > max(n.end, who.end)), None)
        return self.text[min(who.start, n.start) : nxt or len(self.text)]


_ASIDE = re.compile(
    r",\s*(?:which|who|that)\b[^,]*,"
)  # "the yield, which tracks rate expectations,"


def _forecast(s: Sentence, who: Entity | None, n: Number) -> bool:
    start = min(who.start, n.start) if who else 0
    end = _CLAUSE_END.search(s.masked, n.end)
    span = _ASIDE.sub(",", s.masked[start : end.start() if end else len(s.text)])
    if _FORECAST.search(span):
        return True
    opening = s.masked[:start]
    return bool(_FORECAST.search(opening) and not rules.MOVE_BEFORE.search(opening))


def _relative(s: Sentence, who: Entity, n: Number) -> tuple[Entity, Entity, str] | None:
    """``(series, benchmark, verb)`` when the number is a lead or lag over another series."""
    if who.end > n.start:
        return None
    before = [e for e in s.entities if e.end <= who.start]
    m = _RELATIVE.search(s.text[before[-1].end : who.start]) if before else None
    if m and re.search(r"\bby\s+(?:\w+\s+){0,2}$", s.masked[who.end : n.start]):
        return before[-1], who, m["verb"]
    return None


def _with_anaphor(text: str, found: list[Entity], previous: Entity | None) -> list[Entity]:
    """The series found, plus "the index" (or a leading "It") standing for ``previous``."""
    m = _ANAPHOR.search(text)
    if previous is None or m is None or any(e.start < m.start() for e in found):
        return found
    words = f"{m[0]} ({previous.words}, named before)"
    stand_in = Entity(previous.key, previous.file, previous.unit, words, m.start(), m.end())
    return sorted([*found, stand_in], key=lambda e: e.start)


def subject(entities: list[Entity], previous: Entity | None) -> Entity | None:
    """The series a later "the index" stands for: the last index or ETF named."""
    named = [e for e in entities if e.key not in FED and e.unit in ("index", "usd")]
    return named[-1] if named else previous


def read_sentence(
    text: str, published: date, gaz: Gazetteer, previous: Entity | None = None
) -> tuple[list[Drafted], list[Skipped], Entity | None]:
    """The claims drafted from one sentence, the statements skipped (with reasons), and the
    series a later "the index" stands for."""
    entities = _with_anaphor(text, gaz.find(text), previous)
    s = Sentence(text, published, entities)
    drafted: list[Drafted] = []
    skipped: list[Skipped] = []
    policy = rules.policy(s) if any(e.key in FED for e in s.entities) else None
    if policy is not None:
        drafted.append(policy)
    elif any(e.key in FED for e in s.entities) and (why := rules.unscheduled(s)):
        skipped.append(Skipped(text, why))
    drafted += rules.no_number_kinds(s)
    used: set[int] = set()
    for measure in (measures.valuation, measures.earnings):
        made, taken = measure(s)
        drafted += [m for m in made if isinstance(m, Drafted)]
        skipped += [m for m in made if isinstance(m, Skipped)]
        used |= taken
    for n in s.nums:
        if n.start in used:
            continue
        made = _one_number(s, n, policy)
        if isinstance(made, Skipped):
            skipped.append(made)
        elif made is not None:
            drafted.append(made)
    skipped += qualitative(text)
    if not drafted and not skipped and s.entities and rules.CHECKABLE.search(text):
        skipped.append(Skipped(text, "no checkable number or period (an opinion or description)"))
    return drafted, list(dict.fromkeys(skipped)), subject(entities, previous)


def _one_number(s: Sentence, n: Number, policy: Drafted | None) -> Drafted | Skipped | None:
    who = s.owner(n)
    if rules.used_by(policy, n) or rules.is_count(s, n):
        return None
    if who is None:
        if len(s.text.split()) < 6 or n.unit == "":
            return None  # a byline, a reading time, a count: no statement about a series
        return Skipped(s.text, f"unknown entity: no series in the gazetteer for {n.words!r}")
    if _forecast(s, who, n):
        if (expected := measures.rate_forecast(s, who, n)) is not None:
            return expected
        return Skipped(s.text, f"a forecast or an expectation ({n.words!r}): nothing to check yet")
    if n.unit == _MULTIPLE:
        return Skipped(s.text, f"no data kind: a valuation multiple ({n.words!r})")
    if n.high is not None:
        if who.key in FED:
            return rules.target_range(s, who, n)
        return Skipped(s.text, f"no data kind: a range ({n.words!r}) for {who.words}")
    relative = _relative(s, who, n)
    if relative is not None:
        return rules.change(s, relative[0], n, benchmark=relative[1], verb=relative[2])
    return rules.by_words(s, who, n)
