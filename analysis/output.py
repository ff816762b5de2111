"""Writing results: ``results.json`` (the schema of DESIGN.md) and the terminal verdict table."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from analysis.claims import Registry
from analysis.manifest import utc_now
from analysis.results import VERDICT_COLOURS, VERDICTS, ClaimResult
from analysis.snapshot import Snapshot


def results_document(
    results: Sequence[ClaimResult],
    *,
    registry: Registry,
    snapshot: Snapshot,
    alpha: float,
    until: str | None = None,
) -> dict[str, Any]:
    """The ``results.json`` document: the run's context and one object per claim."""
    manifest = snapshot.manifest
    return {
        "article": {
            "id": registry.article.id,
            "title": registry.article.title,
            "as_of": registry.article.as_of.isoformat(),
            "claims_file": registry.path,
        },
        "snapshot": {
            "path": str(snapshot.root),
            "synthetic": snapshot.synthetic,
            "created_at": manifest.created_at.isoformat() if manifest else None,
            "files": snapshot.files,
        },
        "evaluated_until": until,
        "generated_at": utc_now().isoformat(),
        "alpha": alpha,
        "multiple_testing": "Benjamini-Hochberg across the run's decisive p-values; "
        "verdicts decided on the adjusted ones",
        "counts": {v: sum(r.verdict == v for r in results) for v in VERDICTS},
        "claims": [r.to_dict() for r in results],
    }


def write_json(path: Path, document: dict[str, Any]) -> Path:
    """Write JSON atomically: a temporary file beside ``path``, then a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(document, fh, indent=2, ensure_ascii=False, allow_nan=False)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def verdict_table(results: Sequence[ClaimResult], *, title: str) -> Table:
    """A rich table: id, theme, verdict (coloured), summary."""
    table = Table(title=title, show_lines=False)
    table.add_column("claim", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("summary")
    for r in results:
        label = r.verdict + (" (fragile)" if r.fragile else "")
        table.add_row(r.id, Text(label, style=f"bold {VERDICT_COLOURS[r.verdict]}"), r.summary)
    return table


def print_table(results: Sequence[ClaimResult], *, title: str) -> None:
    console = Console(width=None if Console().is_terminal else 160)
    console.print(verdict_table(results, title=title))
    counts = ", ".join(f"{v}: {n}" for v in VERDICTS if (n := sum(r.verdict == v for r in results)))
    console.print(counts)
