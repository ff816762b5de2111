"""The rules that turn the words around a number into a claim's kind and parameters (see
:mod:`analysis.draft.extract`); every parameter records the words that set it (``because``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from analysis.draft.dates import find_day, find_period
from analysis.draft.numbers import count_word

if TYPE_CHECKING:
    from analysis.draft.entities import Entity
    from analysis.draft.extract import Drafted, Sentence, Skipped
    from analysis.draft.numbers import Number

UP = (r"rose|rise|rises|rising|gained|gain|gains|added|adds|climbed|climb|jumped|jump|advanced"
      r"|advance|rallied|rally|surged|surge|soared|increased|rebounded|up|higher|spiked|popped"
      r"|rebound|increase|leapt|jumps|rallies|climbs|advances|adding|gaining|rising|climbing"
      r"|jumping|advancing|rallying|surging|soaring|soars|surges|edged up|ticked up|gaining"
      r"|climbing|rebounding|rose as much as")  # fmt: skip
DOWN = (r"fell|fall|falls|falling|lost|loss|losses|dropped|drop|drops|declined|decline|declines"
        r"|slid|slide|shed|tumbled|tumble|sank|plunged|plunge|plummeted|slipped|slip|retreated"
        r"|down|lower|eased|slumped|slump|sell-off|selloff|skidded|sinks|tumbles|losing"
        r"|falling|dropping|sliding|shedding|sinking|tumbling|plunging|edged down|ticked down"
        r"|dipped|dip|dips|gave up|eased|slipping|easing|dipping|declining|retreating|sagging"
        r"|sagged|slumping")  # fmt: skip
_MOVE = re.compile(rf"\b(?P<up>{UP})\b|\b(?P<down>{DOWN})\b", re.IGNORECASE)
MOVE_BEFORE = re.compile(rf"\b(?:{UP}|{DOWN})\b", re.IGNORECASE)
_LEVEL_CUE = re.compile(
    r"\b(?P<cue>to|at|of|near|hit|reached|topped|touched|above|below|under|over|past)\s+"
    r"(?:a\s+|an\s+|the\s+)?(?:fresh\s+|new\s+)?(?:record\s+|all-time\s+)?"
    r"(?:closing\s+|intraday\s+)?(?:high\s+|close\s+|level\s+|mark\s+)?(?:of\s+)?"
    r"(?:about\s+|nearly\s+|roughly\s+|around\s+|more than\s+|almost\s+)?$",
    re.IGNORECASE,
)
_RECORD = re.compile(r"\brecord\b|\ball-time high\b|\bhistoric high\b", re.IGNORECASE)
CHECKABLE = re.compile(
    rf"\b(?:{UP}|{DOWN}|record|closed|ended|cut|hike|held|historic high|all-time high)\b", re.I
)
_RATES = r"(?:its\s+|the\s+)?(?:key\s+|benchmark\s+|policy\s+)?(?:interest\s+|overnight\s+)?rates?"
_ACTION = re.compile(
    rf"\b(?P<cut>cut|cuts|lowered|lowers|reduced|trimmed)\s+(?:{_RATES}|by)\b"
    rf"|\b(?P<hike>raised|raises|hiked|hikes|increased|lifted)\s+(?:{_RATES}|by)\b"
    r"|\b(?P<hold>held|holds|kept|keeps|left|leaves)\s+(?:\w+\s+){0,5}?(?:steady|unchanged)\b"
    r"|\b(?P<hold2>stood pat|on hold)\b",
    re.IGNORECASE,
)
_MODAL = re.compile(
    r"\b(?:to|will|would|could|may|might|can|should|expected|expects|likely|must)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
_ONE_DECISION = re.compile(r"\b(?:cut|raised|hiked|lowered|reduced)\b", re.IGNORECASE)
_POLICY_COUNT = re.compile(
    r"\b(?P<n>\w+)\s+(?:straight\s+|consecutive\s+|successive\s+)?(?:interest[- ])?(?:rate\s+)?"
    r"(?P<what>cuts|reductions|hikes|increases)\b",
    re.IGNORECASE,
)
_RANK = re.compile(
    r"\b(?P<rank>best|worst)\s+(?P<span>day|session|week|month|quarter|year|start to (?:a|the) "
    r"year)\s+since\s+(?P<since>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_STREAK = re.compile(
    r"\b(?P<n>\w+)\s+(?:straight|consecutive)\s+(?:(?:trading\s+)?(?:session|day)s?\s+of\s+)?"
    r"(?P<what>gains?|advances?|increases?|declines?|losses|drops?|(?:trading\s+)?sessions?|"
    r"days?|(?:winning|losing)\s+sessions?)\b",
    re.IGNORECASE,
)


_DAY_AFTER = re.compile(r"\b(?:a|one|the)\s+day\s+after\b", re.IGNORECASE)


def decision_day(s: Sentence) -> tuple[str, str]:
    """The day of a Fed decision the sentence names: "a day after the Fed cut" is the day
    before publication; else the day named (:func:`day_named`)."""
    from datetime import timedelta

    m = _DAY_AFTER.search(s.text)
    action = _ACTION.search(s.text)
    if m and action and m.start() < action.start():
        return (s.published - timedelta(days=1)).isoformat(), m[0] + " (the day before)"
    return day_named(s)


def day_named(s: Sentence, text: str | None = None) -> tuple[str, str]:
    """The session a sentence speaks of (ISO) and the words behind it."""
    found = find_day(text if text is not None else s.text, s.published)
    if found is None:
        return s.published.isoformat(), "no day named: the publication date"
    return found[0].isoformat(), found[1].strip()


def claim(s: Sentence, kind: str, params: dict, because: dict, confidence: float) -> Drafted:
    from analysis.draft.extract import Drafted

    if "publication date" in " ".join(because.values()):
        confidence -= 0.15
    return Drafted(s.text, kind, params, because, round(max(confidence, 0.1), 2))


def _compare(n: Number, sign: str = "") -> tuple[dict, str]:
    value = n.text if n.text.startswith("-") else f"{sign}{n.text}"
    value = value.replace(" pp", " pp").strip()
    words = f"{n.op_words} {n.words}".strip()
    return {"op": n.op, "value": value}, f"{words} (op {n.op}, by the tolerance table)"


def used_by(policy: Drafted | None, n: Number) -> bool:
    """Whether the policy claim already read this number (its size)."""
    return policy is not None and n.unit == " bp" and "size_bp" in policy.params


def is_count(s: Sentence, n: Number) -> bool:
    """A bare small number counting cuts, sessions or gains (read by the count rules)."""
    follows = re.match(
        r"\s*(?:straight|consecutive|rate|cuts|hikes|record|times|sessions|days|of the|more)\b",
        s.masked[n.end :],
    )
    return n.unit == "" and bool(follows)


def _direction(gap: str, after: str) -> tuple[str | None, str]:
    moves = list(_MOVE.finditer(gap))
    if moves:
        m = moves[-1]
    else:
        m = _MOVE.match(after.lstrip(" -"))
        if m is None:
            return None, ""
    return ("-" if m["down"] else ""), m[0]


def _period(s: Sentence, text: str, near: int | None = None) -> tuple[dict, str, float]:
    """The period of a number's clause: the named span or day nearest the number, else one the
    sentence opens with ("For the week, ..."), else the day of publication."""
    found = find_period(text, s.published, near)
    day = find_day(text, s.published)
    if day is not None and near is not None:
        at = text.find(day[1])
        gap = at - near if at >= near else near - at - len(day[1]) + 5
        if found is None or gap < abs(found.start - near):
            return {"session": day[0].isoformat()}, day[1].strip(), 0.9
    if found is not None:
        return found.period, found.words, 0.9
    opening = s.text[: s.entities[0].start] if s.entities else ""
    lead = find_period(opening, s.published) if opening else None
    if lead is not None:
        return lead.period, lead.words, 0.85
    day_iso, words = day_named(s, text if day is not None else s.text)
    return {"session": day_iso}, words, 0.85


_CLAUSE_AFTER = re.compile(
    r"[;:]|,\s+(?:following|after|while|but|as|compared|versus|and|its|the|with|bringing)\b"
    r"|\s+(?:but|while|as)\s"
)


def _near(s: Sentence, who: Entity, n: Number) -> tuple[str, int]:
    """The number's clause (to the next clause boundary after it) and its place in it."""
    start = min(who.start, n.start)
    clause = s.clause(who, n)
    end = _CLAUSE_AFTER.search(clause, n.end - start)
    return clause[: end.start() if end else len(clause)], n.end - start


def change(
    s: Sentence, who: Entity, n: Number, *, benchmark: Entity | None = None, verb: str = ""
) -> Drafted | Skipped:
    """A move over a period (a lead over ``benchmark`` when given)."""
    from analysis.draft.extract import Skipped

    clause, near = _near(s, who, n)
    if benchmark is None:
        sign, verb = _direction(s.masked[who.end : n.start], s.masked[n.end : n.end + 20])
        if sign is None:
            return Skipped(s.text, f"no data kind: {n.words!r} with no move or level word")
    else:
        sign = "-" if re.match(r"lag|trail|under", verb, re.I) else ""
    period, pwords, conf = _period(s, clause, near)
    compare, cwords = _compare(n, sign)
    params = {"series": who.file, "period": period, "compare": compare}
    because = {"series": who.words, "period": pwords, "compare": f"{verb} {cwords}"}
    if benchmark is not None:
        params["benchmark"] = benchmark.file
        because["benchmark"] = benchmark.words
    return claim(s, "change", params, because, conf)


def _record(s: Sentence, who: Entity, n: Number | None, clause: str, near: int = 0) -> Drafted:
    period, pwords, conf = _period(s, clause, near)
    if re.search(r"\bintraday\b|\b(?:hit|touched|reached)\b", clause, re.I) and not re.search(
        r"\bclos\w*|\bended|\bfinished|\bsettled", clause, re.I
    ):
        measure, mwords = "intraday", "hit/touched/reached, no closing word"
    else:
        measure, mwords = "close", "a closing word (or none: a close)"
    params = {"series": who.file, "measure": measure, "set_in": period}
    because = {"series": who.words, "set_in": pwords, "measure": mwords}
    if n is not None:
        params["level"], because["level"] = _compare(n)
    return claim(s, "record", params, because, conf - 0.05)


def by_words(s: Sentence, who: Entity, n: Number) -> Drafted | Skipped:
    """A level, a record or a change, by the words between the series and the number."""
    from analysis.draft.extract import Skipped

    gap = s.masked[who.end : n.start] if who.end <= n.start else ""
    clause, near = _near(s, who, n)
    cue = _LEVEL_CUE.search(gap[-60:])
    level_unit = n.unit == "" or (n.unit == "%" and who.unit == "percent")
    if level_unit and _RECORD.search(gap[-60:] + s.masked[n.end : n.end + 25]):
        return _record(s, who, n, clause, near)
    if cue and level_unit:
        day, dwords = day_named(s, clause)
        compare, cwords = _compare(n)
        params = {"series": who.file, "date": day, "compare": compare}
        because = {"series": who.words, "date": dwords, "compare": f"{cue['cue']} {cwords}"}
        return claim(s, "level", params, because, 0.9)
    if n.unit in ("%", " bp", " pp", " points"):
        return change(s, who, n)
    return Skipped(s.text, f"no data kind: {n.words!r} with no move or level word")


def target_range(s: Sentence, who: Entity, n: Number) -> Drafted:
    """The policy range in force: the day after a decision named in the sentence, else the day."""
    from datetime import date, timedelta

    day, dwords = decision_day(s)
    decision = _ONE_DECISION.search(s.text)
    if decision and not _MODAL.search(s.text[max(0, decision.start() - 30) : decision.start()]):
        day = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
        dwords += " (a decision: the range takes effect the next day)"
    lower, upper = (float(x.rstrip("%")) for x in (n.text, n.high or n.text))
    params = {"lower": "fred/DFEDTARL.csv", "upper": "fred/DFEDTARU.csv", "date": day,
              "stated_lower": lower, "stated_upper": upper}  # fmt: skip
    because = {"series": who.words, "date": dwords, "stated": n.words}
    drafted = claim(s, "target_range", params, because, 0.85)
    if "next day" in dwords:  # the claim speaks of the day after the article's
        drafted.as_of = date.fromisoformat(day)
    return drafted


def policy(s: Sentence) -> Drafted | None:
    """A Fed decision: at a meeting ("cut by a quarter point on Wednesday") or a count over a
    period ("three rate cuts in 2025")."""
    count = _POLICY_COUNT.search(s.text)
    action = _ACTION.search(s.text)
    if count and count_word(count["n"]) is not None:
        kind = "cut" if count["what"].lower() in ("cuts", "reductions") else "hike"
        found = find_period(s.text, s.published, count.start())
        year = re.search(r"\b((?:19|20)\d\d)\b", s.text)
        if found is None and year is None:
            return None
        period = found.period if found else {"year": int(year[1])}
        params = {"upper": "fred/DFEDTARU.csv", "action": kind, "period": period,
                  "count": count_word(count["n"])}  # fmt: skip
        because = {"action": count[0], "count": count[0],
                   "period": found.words if found else year[0]}  # fmt: skip
        return claim(s, "policy_decision", params, because, 0.8)
    if action is None or _MODAL.search(s.text[max(0, action.start() - 30) : action.start()]):
        return None
    kind = next(k for k in ("cut", "hike", "hold", "hold2") if action[k])[:4]
    day, dwords = decision_day(s)
    if day not in scheduled_meetings():
        return None  # an unscheduled decision: read_sentence says so
    params = {"upper": "fred/DFEDTARU.csv", "action": kind, "meeting": day}
    because = {"action": action[0], "meeting": dwords}
    size = next((n for n in s.nums if n.unit == " bp"), None)
    if size is not None and kind != "hold":
        params["size_bp"] = int(size.value)
        because["size_bp"] = size.words
    return claim(s, "policy_decision", params, because, 0.85)


def scheduled_meetings() -> set[str]:
    """The scheduled FOMC decision days (ISO), from ``analysis/resources/fomc_meetings.csv``."""
    from analysis.paths import RESOURCES

    lines = (RESOURCES / "fomc_meetings.csv").read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if re.match(r"\d{4}-\d\d-\d\d$", line.strip())}


def unscheduled(s: Sentence) -> str | None:
    """The reason a Fed decision named in the sentence is left out, if it is."""
    action = _ACTION.search(s.text)
    if action is None or _MODAL.search(s.text[max(0, action.start() - 30) : action.start()]):
        return None
    day, _ = decision_day(s)
    if day in scheduled_meetings():
        return None
    return f"no data kind: a Fed decision on {day}, not a scheduled FOMC meeting"


def no_number_kinds(s: Sentence) -> list[Drafted]:
    """Ranks ("best day since 2008"), streaks ("a fifth straight gain") and records with no
    level ("closed at a record")."""
    out = []
    for m in _RANK.finditer(s.text):
        if (who := _owner_at(s, m.start())) is not None:
            out.append(_rank(s, who, m))
    for m in _STREAK.finditer(s.text):
        n = count_word(m["n"])
        if n and n > 1 and (who := _owner_at(s, m.start())) is not None:
            down = re.search(
                rf"\b(?:{DOWN}|losing)\b", m["what"] + s.text[who.end : m.start()], re.I
            )
            day, dwords = day_named(s)
            params = {"series": who.file, "direction": "down" if down else "up", "end": day,
                      "length": {"op": "exactly", "value": str(n)}}  # fmt: skip
            because = {"series": who.words, "length": m[0], "end": dwords}
            out.append(claim(s, "streak", params, because, 0.8))
    out += _leads(s)
    for m in _RECORD.finditer(s.text):
        who = _owner_at(s, m.start())
        if who is not None and not any(who.end <= n.start for n in s.nums if n.unit in ("", "%")):
            end = _CLAUSE_AFTER.search(s.text, m.end())
            out.append(_record(s, who, None, s.text[who.start : end.start() if end else None]))
    return out


_LEAD = re.compile(
    r"\b(?P<verb>outperform\w*|outpac\w*|beat|beating|lagg\w*|trail\w*|underperform\w*)\b", re.I
)


def _leads(s: Sentence) -> list[Drafted]:
    """ "A outpaced B over P" with no number: A's change beat B's (``op: up``)."""
    out = []
    for m in _LEAD.finditer(s.text):
        who = _owner_at(s, m.start())
        after = [e for e in s.entities if e.start >= m.end() and e.key not in FED]
        if (
            who is None
            or not after
            or re.search(r"\bby\b|\d", s.masked[m.end() : after[0].end + 8])
        ):
            continue
        behind = re.match(r"lag|trail|under", m["verb"], re.I)
        tail = s.text[after[0].end :]
        found = find_period(
            tail[: (_CLAUSE.search(tail) or re.search("$", tail)).start()], s.published, 0
        )
        if found is None:
            continue  # a lead over no named period is not checkable as written
        params = {"series": who.file, "benchmark": after[0].file, "period": found.period,
                  "compare": {"op": "down" if behind else "up"}}  # fmt: skip
        because = {"series": who.words, "benchmark": after[0].words, "period": found.words,
                   "compare": f"{m[0]!r} (a direction, no number)"}  # fmt: skip
        out.append(claim(s, "change", params, because, 0.75))
    return out


_CLAUSE = re.compile(r"[;:]|,\s+(?:while|but|as|bolstered|driven|helped)\b")
FED = ("DFEDTARL", "DFEDTARU", "DFF")


def _owner_at(s: Sentence, at: int) -> Entity | None:
    before = [e for e in s.entities if e.end <= at and e.key not in FED]
    return before[-1] if before else None


def _rank(s: Sentence, who: Entity, m: re.Match) -> Drafted:
    day, dwords = day_named(s)
    span = m["span"].lower()
    d = day
    if span.startswith("start"):
        params = {"series": who.file, "through": d}
    else:
        quarter = f"{d[:4]}Q{(int(d[5:7]) - 1) // 3 + 1}"
        period = {"day": {"session": d}, "session": {"session": d}, "week": {"week": d},
                  "month": {"month": d[:7]}, "year": {"year": int(d[:4])},
                  "quarter": {"quarter": quarter}}[span]  # fmt: skip
        params = {"series": who.file, "period": period}
    params |= {"rank": m["rank"].lower(), "since": int(m["since"])}
    because = {"series": who.words, "rank": m[0], "period": dwords}
    return claim(s, "period_rank", params, because, 0.8)
