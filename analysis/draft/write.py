"""A draft as a claims file: the claims (validated by the claims model before anything is
written), then a comment block listing every statement left out and why. Written with
``yaml.safe_dump``; a file is written whole or not at all (a temporary file renamed into place).
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import WorkbookError

if TYPE_CHECKING:
    from analysis.draft.extract import Drafted, Skipped

THEMES = {"level": "levels", "change": "changes", "record": "records", "streak": "streaks",
          "period_rank": "ranks", "policy_decision": "fed_policy",
          "target_range": "fed_policy"}  # fmt: skip
MAX_COMMENT = 300  # characters of a sentence quoted in the comment block


def slug(text: str, fallback: str = "article") -> str:
    """An id: ``[a-z][a-z0-9_]*``, at most 40 characters."""
    out = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40].strip("_")
    return out if out[:1].isalpha() else (f"{fallback}_{out}" if out else fallback)


def claim_entries(drafted: list[Drafted]) -> list[dict]:
    """Each drafted claim as a claims-file entry, with a unique id."""
    out, seen = [], {}
    for d in drafted:
        key = d.params.get("series") or d.params.get("upper") or d.kind
        base = f"{slug(key.rsplit('/', 1)[-1].removesuffix('.csv'), 's')}_{d.kind}"
        seen[base] = seen.get(base, 0) + 1
        entry = {"id": f"{base}_{seen[base]}", "theme": THEMES.get(d.kind, "drafted"),
                 "text": d.text, "kind": d.kind, "data": d.data, "params": d.params,
                 "draft": True, "confidence": d.confidence, "because": d.because}  # fmt: skip
        if d.as_of is not None:
            entry["as_of"] = d.as_of
        out.append(entry)
    return out


def valid(article: dict, entries: list[dict]) -> tuple[list[dict], list[tuple[str, str]]]:
    """The entries the claims model accepts, and ``(text, reason)`` for the others."""
    from pydantic import TypeAdapter, ValidationError

    from analysis.claims.model import AnyClaim, Article

    Article.model_validate(article)
    adapter = TypeAdapter(AnyClaim)
    good, bad = [], []
    for entry in entries:
        try:
            adapter.validate_python(entry)
            good.append(entry)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"][1:])
            bad.append((entry["text"], f"drafted parameters invalid ({where}: {first['msg']})"))
    return good, bad


def _comment(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_COMMENT else text[: MAX_COMMENT - 3] + "..."


def render(source: str, published: date, drafted: list[Drafted], skipped: list[Skipped]) -> str:
    """The claims file's text."""
    import yaml

    title = source.rsplit("/", 1)[-1]
    article = {"id": slug(Path(title).stem), "title": f"Draft of {title}"[:200],
               "source": source[:500], "as_of": published}  # fmt: skip
    entries, invalid = valid(article, claim_entries(drafted))
    left: dict[str, list[str]] = {}
    for text, reason in [(s.text, s.reason) for s in skipped] + invalid:
        left.setdefault(text, []).append(reason)
    head = (
        f"# Drafted by `workbook draft` from {_comment(source)} (published {published}).\n"
        "# Every claim is `draft: true`: read each against the article, and its `because`\n"
        "# (the words that set each parameter), before relying on it.\n"
    )
    body = yaml.safe_dump(
        {"article": article, "claims": entries}, sort_keys=False, allow_unicode=True, width=100
    )
    if not entries:
        body = yaml.safe_dump({"article": article}, sort_keys=False, allow_unicode=True)
        body += "claims: []  # nothing checkable was found\n"
    tail = "\n# Not drafted: statements that could not be mapped, and why.\n" if left else ""
    for text, reasons in left.items():
        tail += f"#  - {_comment(text)!r}\n"
        tail += "".join(f"#    reason: {_comment(r)}\n" for r in dict.fromkeys(reasons))
    return head + body + tail


def write_atomic(path: Path, text: str) -> Path:
    """``text`` at ``path``, whole or not at all."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise WorkbookError(f"--out {path}: no folder {folder}")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        os.replace(tmp, path)
    except OSError as exc:
        if "tmp" in locals() and os.path.exists(tmp):
            os.unlink(tmp)
        raise WorkbookError(f"--out {path}: {exc.strerror or exc}") from exc
    return path
