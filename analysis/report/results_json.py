"""Writing results: ``results.json``, the schema of DESIGN.md, written atomically."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from analysis.claims import Registry
from analysis.results import VERDICTS, ClaimResult
from analysis.snapshot import Snapshot
from analysis.snapshot.manifest import utc_now
from analysis.system import write_text_atomic


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
            "source": registry.article.source,
            "outlet": registry.article.outlet,
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
        "multiple_testing": "directional Benjamini-Hochberg (Benjamini and Yekutieli 2005) over "
        "the claims file's tested claims, on two-sided p-values; "
        "verdicts decided on the adjusted ones",
        "counts": {v: sum(r.verdict == v for r in results) for v in VERDICTS},
        "claims": [r.to_dict() for r in results],
    }


def write_json(path: Path, document: dict[str, Any]) -> Path:
    """Write JSON atomically: a temporary file beside ``path``, then a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return write_text_atomic(path, text)
