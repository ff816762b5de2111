"""Drafting a claims file from an article's text (``workbook draft``, docs/drafting.md).

:func:`draft` reads the article (:mod:`~analysis.draft.text`), finds the series it names
(:mod:`~analysis.draft.entities`, the gazetteer as data), its numbers
(:mod:`~analysis.draft.numbers`) and dates (:mod:`~analysis.draft.dates`), maps each
statement to a claim of the claim language (:mod:`~analysis.draft.extract`,
:mod:`~analysis.draft.rules`) and writes the claims file (:mod:`~analysis.draft.write`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from analysis.draft.extract import Drafted, Skipped, read_sentence
from analysis.draft.write import write_atomic

__all__ = ["Draft", "Drafted", "Skipped", "draft", "draft_text", "write_atomic"]


@dataclass
class Draft:
    """The claims drafted from an article and the statements left out."""

    claims: list[Drafted]
    skipped: list[Skipped]

    def render(self, source: str, published: date) -> str:
        from analysis.draft.write import render

        return render(source, published, self.claims, self.skipped)


def draft_text(text: str, published: date, gazetteer: Path | None = None) -> Draft:
    """The draft of an article's (cleaned) text published on ``published``."""
    from analysis.draft.entities import load_gazetteer
    from analysis.draft.text import clean, sentences

    gaz = load_gazetteer(gazetteer)
    cleaned = clean(text)
    claims: list[Drafted] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    previous = None
    for sentence in sentences(cleaned):
        if sentence in seen:
            continue
        if _furniture(sentence, cleaned):
            seen.add(sentence)
            if teaser := _teaser(sentence, gaz):
                skipped.append(teaser)
            continue
        seen.add(sentence)
        found, left, previous = read_sentence(sentence, published, gaz, previous)
        claims += found
        skipped += left
    return Draft(_unique(claims), list(dict.fromkeys(skipped)))


def _furniture(sentence: str, text: str) -> bool:
    """A headline, teaser or menu: a line with a " | " separator, or one the page repeats."""
    return " | " in sentence or (len(sentence) > 20 and text.count(sentence) > 1)


def _teaser(sentence: str, gaz) -> Skipped | None:
    """A page-furniture line that reads like a claim ("TA-125 Index Hits Historic High"): said,
    not drafted, since it is another article's headline and its date is that article's."""
    from analysis.draft.rules import CHECKABLE

    head = sentence.split(" | ")[-1].strip() if " | " in sentence else sentence
    if not (gaz.find(head) and CHECKABLE.search(head)):
        return None
    return Skipped(head, "a headline of another article on the page (a teaser or a menu line): "
                         "its claims are that article's, with its own date; draft it from its "
                         "own text")  # fmt: skip


def _unique(claims: list[Drafted]) -> list[Drafted]:
    """The claims, each check once (the first sentence that makes it)."""
    import json

    out, keys = [], set()
    leveled = {(c.params["series"], str(c.params["set_in"])) for c in claims if "level" in c.params}
    sized = {(c.params["meeting"], c.params["action"]) for c in claims if "size_bp" in c.params}
    for c in claims:
        if c.kind == "policy_decision" and "meeting" in c.params and "size_bp" not in c.params:
            if (c.params["meeting"], c.params["action"]) in sized:
                continue  # "the Fed cut rates" said again with its size: one claim
        if c.kind == "record" and "level" not in c.params:
            if (c.params["series"], str(c.params["set_in"])) in leveled:
                continue  # "hit a record" said again with its level: one claim
        key = json.dumps([c.kind, c.params], sort_keys=True, default=str)
        if key not in keys:
            keys.add(key)
            out.append(c)
    return out


def draft(path: Path, published: date, gazetteer: Path | None = None) -> Draft:
    """The draft of the article at ``path`` (plain text or HTML)."""
    from analysis.draft.text import read_article

    return draft_text(read_article(path), published, gazetteer)
