"""An article's text: read with a bound, HTML reduced to its words, control characters stripped,
then cut into sentences (and the sentences into clauses where one holds several claims).

The text is untrusted: at most :data:`MAX_BYTES` are read, it must decode as UTF-8, and escape
sequences and control characters are removed (:func:`analysis.claims.model.strip_controls`)
before anything else looks at it.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

from analysis.errors import WorkbookError

MAX_BYTES = 1_000_000  # an article larger than this is refused, not truncated
MAX_SENTENCE = 1_000  # characters of one sentence kept (a longer run of text is cut)

_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head"}
_BLOCK_TAGS = {"p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section"}
# abbreviations whose full stop ends no sentence
_ABBREVIATIONS = re.compile(
    r"\b(U\.S|U\.K|E\.U|Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|Inc|Corp|Co|Ltd|Mr|Ms|Mrs|Dr|"
    r"St|vs|approx|No|a\.m|p\.m)\.",
)
_DOT = "\u2024"  # a one-dot leader stands in for a protected full stop while splitting
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9•*-])|\n\s*\n|\n\s*[•*-]\s+")


class _Words(HTMLParser):
    """The visible words of an HTML page, a blank line at every block boundary."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or bool(re.search(r"<(p|div|body)\b", head))


def html_to_text(text: str) -> str:
    parser = _Words()
    parser.feed(text)
    parser.close()
    return html.unescape("".join(parser.parts))


def clean(text: str) -> str:
    """``text`` without escape sequences and control characters, typographic spaces and dashes
    made plain, runs of spaces collapsed (newlines kept)."""
    from analysis.claims.model import strip_controls

    text = strip_controls(text).replace("\t", " ")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\ufeff", "")
    text = text.replace("\u00a0", " ").replace("\u2009", " ").replace("\u202f", " ")
    text = re.sub(r"[ ]{2,}", " ", text)
    return re.sub(r"\n[ ]+", "\n", text)


def read_article(path: Path) -> str:
    """The article's text (HTML reduced to words), bounded and cleaned; a
    :class:`~analysis.errors.WorkbookError` (one line) when it cannot be read."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise WorkbookError(f"article {path}: {exc.strerror or exc}") from exc
    if len(raw) > MAX_BYTES:
        raise WorkbookError(f"article {path}: larger than {MAX_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WorkbookError(f"article {path}: not UTF-8 text (byte {exc.start})") from exc
    if "\x00" in text:
        raise WorkbookError(f"article {path}: a binary file, not text")
    text = clean(html_to_text(text) if looks_like_html(text) else text)
    if not text.strip():
        raise WorkbookError(f"article {path}: no text")
    return text


def sentences(text: str) -> list[str]:
    """The text's sentences, in order, each on one line, at most :data:`MAX_SENTENCE` long."""
    protected = _ABBREVIATIONS.sub(lambda m: m[0][:-1] + _DOT, text)
    protected = re.sub(r"(?<=\d)\.(?=\d)", _DOT, protected)
    out = []
    for piece in _SENTENCE_END.split(protected):
        piece = " ".join(piece.replace(_DOT, ".").split()).strip(" •*-")
        if piece:
            out.append(piece[:MAX_SENTENCE])
    return out
