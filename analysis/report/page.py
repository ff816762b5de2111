"""The parts of a theme page around its claims, as HTML strings: the theme at a glance (verdict
first, one line per claim, linking to it: the page's table of contents), the previous/next links
between themes, the folded tests, and data tables that mark every row they leave out and carry
the data used as an embedded CSV.

Every text from a claims file, a note or a snapshot is escaped here; the classes are styled by
:func:`analysis.report.banners.page_css`.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from html import escape as esc

import pandas as pd

from analysis.report.banners import verdict_badge
from analysis.report.names import label
from analysis.results import ClaimResult

CSV_ROWS = 20_000  # rows of data embedded as a CSV per table; more are named, not embedded
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def first_sentence(text: str, limit: int = 320) -> str:
    """The first sentence of a summary (its finding), whole when it has one sentence."""
    head = _SENTENCE_END.split(text.strip(), maxsplit=1)[0]
    return head if len(head) <= limit else head[: limit - 1].rstrip() + "…"


def glance(rows: Sequence[tuple[str, str, ClaimResult]], *, title: str = "At a glance") -> str:
    """The theme's verdicts first: one row per claim (badge, the claim's words linking to it,
    the finding's first sentence). ``rows`` are ``(claim id, claim text, result)``."""
    body = "".join(
        f"<tr><td>{verdict_badge(r.verdict)}</td>"
        f"<td><a href='#{esc(cid)}'>{esc(text)}</a></td>"
        f"<td>{esc(first_sentence(r.summary))}</td></tr>"
        for cid, text, r in rows
    )
    return (
        f"<section class='glance' aria-label='{esc(title)}'><h2>{esc(title)}</h2>"
        "<table class='glance'><thead><tr><th scope='col'>Verdict</th>"
        "<th scope='col'>Claim</th><th scope='col'>Finding</th></tr></thead>"
        f"<tbody>{body}</tbody></table></section>"
    )


def theme_nav(themes: Sequence[str], theme: str, titles: dict[str, str], *,
              scorecard: bool = True) -> str:  # fmt: skip
    """Links to the scorecard (unless ``scorecard`` is False: the exported pages' strip has
    its own) and to the previous and next themes' pages."""
    if theme not in themes:
        return ""
    i = themes.index(theme)
    parts = ["<a href='index.html'>Scorecard</a>"] if scorecard else []
    if i > 0:
        prev = themes[i - 1]
        parts.append(f"<a rel='prev' href='{esc(prev)}.html'>&larr; {esc(titles[prev])}</a>")
    if i + 1 < len(themes):
        nxt = themes[i + 1]
        parts.append(f"<a rel='next' href='{esc(nxt)}.html'>{esc(titles[nxt])} &rarr;</a>")
    return f"<nav class='themes' aria-label='themes'>{' · '.join(parts)}</nav>"


def folded(summary: str, inner: str, *, open_: bool = False) -> str:
    """``inner`` under a ``<details>`` whose ``summary`` says what it holds."""
    flag = " open" if open_ else ""
    return f"<details class='fold'{flag}><summary>{esc(summary)}</summary>{inner}</details>"


def data_table(frame: pd.DataFrame, *, file: str, claim_id: str, rows: int = 8,
               span: tuple[str, str] | None = None) -> str:  # fmt: skip
    """The data a claim used (``frame``, already cut at its as-of date): the rows of ``span``
    (the dates checked), head and tail, with a marked row wherever rows are left out, and a
    link that carries every row used as CSV (:data:`CSV_ROWS` at most)."""
    frame = frame.dropna(axis=1, how="all")
    used = frame.loc[pd.Timestamp(span[0]) : pd.Timestamp(span[1])] if span else frame
    if len(used) == 0:
        used = frame.tail(rows)
    before = int((frame.index < used.index[0]).sum()) if len(used) else 0
    after = int((frame.index > used.index[-1]).sum()) if len(used) else 0
    shown, middle = used, 0
    if len(used) > rows:
        shown, middle = (
            pd.concat([used.head(rows // 2), used.tail(rows - rows // 2)]),
            len(used) - rows,
        )
    cols = list(shown.columns)
    head = "".join(f"<th scope='col' title='{esc(str(c))}'>{esc(label(str(c)))}</th>" for c in cols)
    lines = []
    if before:
        lines.append(_gap(before, "earlier rows, before the dates checked", len(cols)))
    for i, (day, row) in enumerate(shown.iterrows()):
        if middle and i == rows // 2:
            lines.append(_gap(middle, "rows", len(cols)))
        cells = "".join(f"<td>{esc(_cell(v))}</td>" for v in row)
        lines.append(f"<tr><th scope='row'>{day:%Y-%m-%d}</th>{cells}</tr>")
    if after:
        lines.append(_gap(after, "later rows, up to the as-of date", len(cols)))
    caption = f"{esc(file)}: {_rows(len(used))} used"
    return (
        f"<div class='data'><table class='data'><caption>{caption}</caption>"
        f"<thead><tr><th scope='col'>date</th>{head}</tr></thead><tbody>{''.join(lines)}"
        f"</tbody></table>{_csv_link(used, file, claim_id)}</div>"
    )


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def _gap(n: int, what: str, ncols: int) -> str:
    return f"<tr class='gap'><td colspan='{ncols + 1}'>… {n:,} {esc(what)} …</td></tr>"


def _cell(value) -> str:
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{value:,.2f}"
    return str(value)


def _csv_link(used: pd.DataFrame, file: str, claim_id: str) -> str:
    """A download link that carries the rows used as CSV, in the page itself."""
    part = used.head(CSV_ROWS)
    text = part.to_csv(index_label="date", date_format="%Y-%m-%d")
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", file.rsplit("/", 1)[-1].removesuffix(".csv"))
    name = f"{claim_id}-{stem}.csv"
    cut = (
        f" (the first {CSV_ROWS:,} of {len(used):,}; the rest are in {esc(file)})"
        if len(used) > CSV_ROWS
        else ""
    )
    return (
        f"<p class='csv'><a download='{esc(name)}' href='data:text/csv;base64,{data}'>"
        f"The {_rows(len(part))} used, as CSV</a>{cut}</p>"
    )
