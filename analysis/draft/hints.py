"""Qualitative claims: statements with no number that a kind of the vocabulary can still check
once an analyst chooses its data ("record inflows into small-cap ETFs", "historically cheap",
"less vulnerable to a stronger dollar"). The drafter never drafts them (it would have to guess
the series, the window and the test); it lists each in the "Not drafted" block with the kind
that checks it and the data that kind reads, so that the analyst writes it by hand.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analysis.draft.extract import Skipped

# (pattern, kind, what the kind reads)
HINTS: tuple[tuple[re.Pattern, str, str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind, needs)
    for pattern, kind, needs in (
        (r"\brecord (?:net )?(?:in|out)?flows?\b", "flow_record",
         "daily fund flows (user/etf_flows.csv)"),
        (r"\bhistorically (?:cheap|expensive|inexpensive)\b|\b(?:cheap|expensive) relative to\b"
         r"|\bvaluation (?:gap|disparity|discount)\b", "valuation_gap",
         "a forward P/E history of both sides (user/forward_pe.csv)"),
        (r"\b(?:less|more) (?:vulnerable|sensitive|exposed) to\b|\binsensitiv\w*",
         "sensitivity", "weekly returns and the factor's series (a FRED file)"),
        (r"\b(?:rising|higher|falling|lower) (?:treasury |bond )?yields\b",
         "sensitivity", "weekly returns and the yield's changes (fred/DGS10.csv)"),
        (r"\bfloating-rate debt\b", "sensitivity",
         "weekly returns and the 2-year yield's changes (fred/DGS2.csv)"),
        (r"\b(?:increased|rising|higher|more|surge in|pickup in|wave of) (?:m&a|deal|merger)",
         "activity_change", "yearly deal counts (user/biotech_deals.csv)"),
        (r"\bdriven by strength in\b|\bled by (?:regional )?(?:banks|biotech|energy|tech)"
         r"|\btop performers\b", "sector_leaders", "the sectors' ETF prices (prices/KRE.csv, ...)"),
    )
)  # fmt: skip


def qualitative(sentence: str) -> list[Skipped]:
    """The qualitative claims of ``sentence``, each with the kind that checks it."""
    from analysis.draft.extract import Skipped

    out = []
    for pattern, kind, needs in HINTS:
        if m := pattern.search(sentence):
            out.append(Skipped(sentence, f"a qualitative claim ({m[0]!r}) with no number to "
                                         f"draft: the `{kind}` kind checks it, with {needs}; "
                                         "write it by hand"))  # fmt: skip
    return out
