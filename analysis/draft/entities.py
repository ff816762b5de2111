"""Entities as data: the gazetteer's names and ``aliases`` (``analysis/resources/series.yaml``,
extended by the user's ``--gazetteer`` file) found in a sentence, longest spelling first.

A user gazetteer is YAML in the shipped file's shape: ``KEY: {name: ..., unit: ..., aliases:
[...], file: prices/KEY.csv}``; ``file`` is optional (a price file for an index or ETF, a FRED
file for a rate, by ``unit``). Its entries add to the shipped ones (a key already shipped gains
the aliases).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import WorkbookError

MAX_GAZETTEER_BYTES = 1_000_000
_FRED = re.compile(r"^[A-Z0-9]{2,20}$")
_PRICE_UNITS = {"index", "usd"}


@dataclass(frozen=True, slots=True)
class Entity:
    """A series named in a sentence: its snapshot file, unit, the words and where they stand."""

    key: str
    file: str
    unit: str
    words: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Spellings (lower case) to ``(key, file, unit)``, and one pattern finding them all."""

    spellings: dict[str, tuple[str, str, str]]
    pattern: re.Pattern

    def find(self, sentence: str) -> list[Entity]:
        """Every mention in ``sentence``, in order, none overlapping (the longest wins)."""
        out = []
        for m in self.pattern.finditer(sentence):
            key, file, unit = self.spellings[m[0].lower()]
            out.append(Entity(key, file, unit, m[0], m.start(), m.end()))
        return out


def _file_for(key: str, unit: str, given: str | None) -> str | None:
    if given:
        return given
    if unit in _PRICE_UNITS:
        return f"prices/{key}.csv"
    if unit == "percent" and _FRED.match(key):
        return f"fred/{key}.csv"
    return None


def _entries(raw: object, where: str) -> dict[str, dict]:
    if not isinstance(raw, dict):
        raise WorkbookError(f"gazetteer {where}: expected a mapping of series keys")
    for key, value in raw.items():
        if not isinstance(value, dict) or not isinstance(value.get("aliases", []), list):
            raise WorkbookError(f"gazetteer {where}: {str(key)[:40]!r} needs name, unit, aliases")
    return {str(k): v for k, v in raw.items()}


def _read_user(path: Path) -> dict[str, dict]:
    import yaml

    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_GAZETTEER_BYTES + 1)
        if len(raw) > MAX_GAZETTEER_BYTES:
            raise WorkbookError(f"gazetteer {path}: larger than {MAX_GAZETTEER_BYTES:,} bytes")
        return _entries(yaml.safe_load(raw.decode("utf-8")) or {}, str(path))
    except OSError as exc:
        raise WorkbookError(f"gazetteer {path}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise WorkbookError(f"gazetteer {path}: not YAML ({first[:120]})") from exc


def load_gazetteer(extra: Path | None = None) -> Gazetteer:
    """The shipped gazetteer, plus ``extra`` (a user file) when given."""
    from analysis.report.names import gazetteer

    merged: dict[str, dict] = {
        key: {"unit": s.unit, "aliases": list(s.aliases)} for key, s in gazetteer().items()
    }
    for key, entry in (_read_user(extra) if extra else {}).items():
        known = merged.setdefault(key, {"unit": str(entry.get("unit", "index")), "aliases": []})
        known["aliases"] = [*known["aliases"], *map(str, entry.get("aliases") or [])]
        known["file"] = entry.get("file")
    spellings: dict[str, tuple[str, str, str]] = {}
    for key, entry in merged.items():
        file = _file_for(key, entry["unit"], entry.get("file"))
        for alias in entry["aliases"]:
            if file and str(alias).strip():
                spellings[str(alias).strip().lower()[:100]] = (key, file, entry["unit"])
    words = sorted(spellings, key=len, reverse=True)
    body = "|".join(re.escape(w) for w in words) or r"(?!x)x"
    pattern = re.compile(r"(?<![\w&-])(?:" + body + r")(?![\w&]|-\d)", re.IGNORECASE)
    return Gazetteer(spellings, pattern)
