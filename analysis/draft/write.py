"""A draft as a claims file: the claims (validated by the claims model before anything is
written), then a comment block listing every statement left out and why. Written with
``yaml.safe_dump``; a file is written whole or not at all (a temporary file renamed into place).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import WorkbookError
from analysis.system import write_text_atomic

if TYPE_CHECKING:
    from analysis.draft.extract import Drafted, Skipped

THEMES = {"level": "levels", "change": "changes", "record": "records", "streak": "streaks",
          "period_rank": "ranks", "policy_decision": "fed_policy", "target_range": "fed_policy",
          "rate_forecast": "fed_policy", "valuation_point": "valuations",
          "earnings_forecast": "earnings"}  # fmt: skip
MAX_COMMENT = 300  # characters of a sentence quoted in the comment block


def slug(text: str, fallback: str = "article") -> str:
    """An id: ``[a-z][a-z0-9_]*``, at most 40 characters."""
    out = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40].strip("_")
    return out if out[:1].isalpha() else (f"{fallback}_{out}" if out else fallback)


def _token(value: object) -> str:
    """A stated value in an id: ``"2,508.22" -> "2508_22"``, ``"12%" -> "12pct"``, ``15.0 ->
    "15"``."""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    text = text.replace(",", "").replace("%", "pct").replace(" bp", "bp").replace("-", "m")
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _id_base(d: Drafted) -> str:
    """What a drafted claim's id says: its series, its measure and its stated value
    (``rut_level_2508_22``, ``rut_change_12pct``, ``fed_range_3_5_3_75``,
    ``russell2000_sp500_pe_15x_22x``)."""
    p = d.params
    key = str(p.get("series") or p.get("realized") or "")
    series = slug(key.rsplit("/", 1)[-1].removesuffix(".csv"), "s") if key else d.kind
    compare = p.get("compare") or p.get("level") or {}
    if d.kind in ("level", "change", "record"):
        value = compare.get("value") or compare.get("op") or "high"
        parts = [series, d.kind, _token(value)]
    elif d.kind == "target_range":
        parts = ["fed_range", _token(p["stated_lower"]), _token(p["stated_upper"])]
    elif d.kind == "policy_decision":
        size = f"{p['size_bp']}bp" if "size_bp" in p else f"x{p.get('count', 1)}"
        parts = ["fed", str(p["action"]), size]
    elif d.kind == "rate_forecast":
        parts = [series, "forecast", _token(p["stated"]) + "pct", str(p["target_date"])[:7]]
    elif d.kind == "valuation_point":
        names = [p[side].removesuffix("_fwd_pe") for side in ("small", "large")]
        parts = [*names, "pe", f"{_token(p['stated_small'])}x", f"{_token(p['stated_large'])}x"]
    elif d.kind == "earnings_forecast":
        names = [p[f"{side}_estimate"].split("_eps")[0] for side in ("small", "large")]
        parts = [*names, "eps_growth", str(p["year"])]
    else:
        parts = [series, d.kind]
    return slug("_".join(parts), "claim")[:56]


def claim_entries(drafted: list[Drafted]) -> list[dict]:
    """Each drafted claim as a claims-file entry, with a unique id (its series, measure and
    stated value; a number after it when two claims would share one)."""
    out, seen = [], {}
    for d in drafted:
        base = _id_base(d)
        seen[base] = seen.get(base, 0) + 1
        name = base if seen[base] == 1 else f"{base}_{seen[base]}"
        entry = {"id": name, "theme": THEMES.get(d.kind, "drafted"),
                 "text": d.text, "kind": d.kind, "data": d.data, "params": d.params,
                 "draft": True, "confidence": d.confidence, "because": d.because}  # fmt: skip
        if d.as_of is not None:
            entry["as_of"] = d.as_of
        if d.forecast:
            entry["forecast"] = True
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
        return write_text_atomic(folder / path.name, text)
    except OSError as exc:
        raise WorkbookError(f"--out {path}: {exc.strerror or exc}") from exc
