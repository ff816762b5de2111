"""How well a draft finds what an analyst would check: each claim reduced to its series, its
date (or period) and its stated value, matched against hand labels (``tests/draft_gold``).

A label is ``{series: ^DJI, when: 2024-05-17, value: "40,003.59"}``: ``series`` a gazetteer key;
``when`` the session (ISO date), or the period as ``2025-12`` (a month), ``2024`` (a year),
``2025Q4``, ``week <date>``, ``since <date>``, ``ytd``, ``past 1 month`` or a named span;
``value`` the number as written (a fall negative: "-2.6%"; the comparison words left out), a
range as ``3.5-3.75``, a Fed decision as ``cut 25 bp``, ``hike``, ``hold``, a count of cuts as
``cut x3``, a rank as ``best since 2008``, a record with no level as ``record``, a lead with no
number as ``up``. Two indices' forward multiples are ``{series: "^RUT vs ^GSPC", when: <date>,
value: "15x vs 22x"}``; their growth for a year ``{series: "^RUT vs ^GSPC", when: "2026",
value: "17-22% vs 14-15%"}``; a fed funds forecast ``{series: DFF, when: <first day of the
month meant>, value: "3%"}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


def _num(text: object) -> str:
    from analysis.kinds.vocabulary import Stated

    raw = str(text).strip()
    unit = "bp" if raw.endswith("bp") else ""
    try:
        stated = Stated.parse(raw.replace("pp", "%"))
    except ValueError:
        return raw.lower()
    return f"{stated.value:g} {stated.unit if not unit else 'bp'}"


def when(period: dict) -> str:
    """A period in the label's words."""
    (key, value), *_ = period.items()
    if key in ("session", "month", "quarter", "year", "named"):
        return str(value)
    if key == "year_to_date":
        return "ytd"
    if key == "past":
        return f"past {value}"
    return f"{key} {value}"


def signature(entry: dict) -> tuple[str, str, str]:
    """``(series, when, value)`` of a claims-file entry the drafter writes."""
    kind, p = entry["kind"], entry["params"]
    key = str(p.get("series") or p.get("upper") or p.get("lower") or p.get("realized"))
    key = key.rsplit("/", 1)[-1]
    key = key.removesuffix(".csv")
    if kind == "level":
        return key, str(p["date"]), _num(p["compare"]["value"])
    if kind == "change":
        c = p["compare"]
        value = c["op"] if c.get("value") is None else _num(c["value"])
        return key, when(p["period"]), value
    if kind == "record":
        level = p.get("level")
        return key, when(p["set_in"]), _num(level["value"]) if level else "record"
    if kind == "target_range":
        return "DFEDTARL", str(p["date"]), f"{p['stated_lower']:g}-{p['stated_upper']:g}"
    if kind == "policy_decision":
        if p.get("period"):
            return key, when(p["period"]), f"{p['action']} x{p['count']}"
        size = f" {p['size_bp']} bp" if p.get("size_bp") else ""
        return key, str(p["meeting"]), f"{p['action']}{size}"
    if kind == "period_rank":
        period = when(p["period"]) if p.get("period") else str(p["through"])
        return key, period, f"{p['rank']} since {p['since']}"
    if kind == "streak":
        return key, str(p["end"]), f"streak {p['direction']} {p['length']['value']}"
    if kind == "valuation_point":
        pair = " vs ".join(_index(p[side].removesuffix("_fwd_pe")) for side in ("small", "large"))
        return pair, str(p["date"]), f"{p['stated_small']:g}x vs {p['stated_large']:g}x"
    if kind == "earnings_forecast":
        sides = ("small", "large")
        pair = " vs ".join(_index(p[f"{side}_estimate"].split("_eps")[0]) for side in sides)
        ranges = " vs ".join(_span(*p[f"stated_{side}"]) for side in sides)
        return pair, str(p["year"]), ranges
    if kind == "rate_forecast":
        return key, str(p["target_date"]), _num(f"{p['stated']:g}%")
    return key, "", kind


def _index(user: str) -> str:
    """The gazetteer key of an index by its name in user files (``russell2000 -> ^RUT``)."""
    from analysis.report.names import gazetteer

    return next((k for k, v in gazetteer().items() if v.user == user), user)


def _span(low: float, high: float) -> str:
    return f"{low:g}-{high:g}%"


def _side(text: str) -> str:
    """One side of an ``A vs B`` label: ``15x``, or a growth range (one number covers its
    precision, as the drafter reads it: 18% is 17.5-18.5%)."""
    text = text.strip()
    if text.endswith("x"):
        return f"{float(text[:-1]):g}x"
    body = text.rstrip("%")
    if "-" in body[1:]:
        low, high = body[0] + body[1:].split("-", 1)[0], body[1:].split("-", 1)[1]
        return _span(float(low), float(high))
    decimals = len(body.split(".")[1]) if "." in body else 0
    half = 0.5 * 10**-decimals
    return _span(round(float(body) - half, 6), round(float(body) + half, 6))


def label(item: dict) -> tuple[str, str, str]:
    """``(series, when, value)`` of a hand label."""
    value = str(item["value"])
    if " vs " in value:
        return str(item["series"]), str(item["when"]), " vs ".join(map(_side, value.split(" vs ")))
    words = value.split()
    if words[0] in ("cut", "hike", "hold", "best", "worst", "record", "up", "down", "streak"):
        return str(item["series"]), str(item["when"]), value
    if "-" in value[1:] and "%" not in value and "," not in value:
        low, high = value[0] + value[1:].split("-", 1)[0], value[1:].split("-", 1)[1]
        return str(item["series"]), str(item["when"]), f"{float(low):g}-{float(high):g}"
    return str(item["series"]), str(item["when"]), _num(value)


@dataclass(frozen=True)
class Score:
    """Matches of one or more articles: labels found, drafted claims that are right."""

    labels: int
    found: int
    drafted: int
    right: int
    missed: tuple = ()
    wrong: tuple = ()

    @property
    def recall(self) -> float:
        return self.found / self.labels if self.labels else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.drafted if self.drafted else 1.0

    def __add__(self, other: Score) -> Score:
        return Score(self.labels + other.labels, self.found + other.found,
                     self.drafted + other.drafted, self.right + other.right,
                     self.missed + other.missed, self.wrong + other.wrong)  # fmt: skip


def score(entries: list[dict], labels: list[dict], published: date | None = None) -> Score:
    """Recall and precision of a draft's claim entries against an article's labels."""
    gold = {label(item) for item in labels}
    drafted = [signature(e) for e in entries]
    found = gold & set(drafted)
    wrong = tuple(d for d in drafted if d not in gold)
    return Score(len(gold), len(found), len(drafted), len(drafted) - len(wrong),
                 tuple(sorted(gold - found)), wrong)  # fmt: skip
