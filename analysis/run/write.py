"""Writing: the results gathered from the notebooks, ``results.json``, the scorecard, and the
staged folder renamed over the previous report."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from analysis.claims import Registry
from analysis.results import ClaimResult, StatResult
from analysis.run.model import ThemeRun


def _claim_result(data: Mapping[str, Any]) -> ClaimResult:
    """A :class:`ClaimResult` back from its ``to_dict()`` form (unknown keys are dropped)."""
    names = {f.name for f in fields(ClaimResult)}
    kw = {k: v for k, v in data.items() if k in names}
    stat_names = {f.name for f in fields(StatResult)}
    kw["tests"] = tuple(
        StatResult(
            **{k: (tuple(v) if k == "ci" and v else v) for k, v in t.items() if k in stat_names}
        )
        for t in kw.get("tests") or ()
    )
    for key in ("data", "missing"):
        kw[key] = tuple(kw.get(key) or ())
    if kw.get("date_range"):
        kw["date_range"] = tuple(kw["date_range"])
    return ClaimResult(**kw)


def _error_result(claim, summary: str) -> ClaimResult:
    return ClaimResult(
        id=claim.id,
        theme=claim.theme,
        text=claim.text,
        kind=claim.kind,
        verdict="error",
        summary=summary,
        data=tuple(claim.data),
    )


def gather(registry: Registry, runs: Sequence[ThemeRun], stage: Path) -> list[ClaimResult]:
    """The run's results in registry order: what each notebook recorded, errors for the rest."""
    by_id: dict[str, ClaimResult] = {}
    for run in runs:
        claims = registry.by_theme(run.theme)
        if run.status == "failed":
            by_id.update({c.id: _error_result(c, run.error or "notebook failed") for c in claims})
            continue
        path = stage / ".results" / f"{run.theme}.json"
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            recorded = {d["id"]: _claim_result(d) for d in doc["claims"]}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problem = f"the notebook wrote unreadable results ({type(exc).__name__}: {exc})"
            by_id.update({c.id: _error_result(c, problem) for c in claims})
            continue
        for claim in claims:
            by_id[claim.id] = recorded.get(claim.id) or _error_result(
                claim, "the notebook wrote no result for this claim"
            )
    return [by_id[c.id] for c in registry.claims if c.id in by_id]


def write_report(
    stage: Path,
    out: Path,
    runs: Sequence[ThemeRun],
    *,
    registry: Registry,
    snapshot,
    alpha: float,
    until: str | None,
    warnings: Sequence[str],
    show_code: bool,
    notes_dir: Path,
) -> None:
    """``results.json`` and the scorecard into the stage (the runs' paths are in ``out``)."""
    from analysis.report.results_json import results_document, write_json
    from analysis.report.scorecard import write_scorecard

    document = results_document(
        gather(registry, runs, stage),
        registry=registry,
        snapshot=snapshot,
        alpha=alpha,
        until=until,
    )
    document["run"] = {
        "notebooks": [
            {
                "theme": r.theme,
                "status": r.status,
                "notebook": str(r.notebook),
                "page": r.html.name if r.html else None,
                "error": r.error,
                "seconds": r.seconds,
            }
            for r in runs
        ],
        "warnings": list(warnings),
        "show_code": show_code,
    }
    write_json(stage / "results.json", document)
    write_scorecard(stage / "index.html", document, snapshot=snapshot, notes_dir=notes_dir)
