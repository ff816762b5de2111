"""Planning: the run's arguments checked and one job per theme, every notebook's parameters
cell checked against the values it will get, before any kernel starts."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.errors import RunError
from analysis.run.model import Job
from analysis.run.parameters import CONTRACT, validate_parameters

if TYPE_CHECKING:
    from analysis.claims import Registry

GENERIC = "claims.ipynb"  # walks through the claims of any theme given as a parameter


def notebook_for(theme: str, article: str, notebooks_dir: Path) -> Path:
    """The notebook that walks through ``theme`` of ``article``: ``<theme>.ipynb`` when it was
    written for that article (its metadata ``workbook.article`` names it), else the generic
    ``claims.ipynb``, which renders any theme from the claims file alone."""
    own = notebooks_dir / f"{theme}.ipynb"
    if own.is_file() and own.name != GENERIC:
        try:
            meta = json.loads(own.read_text(encoding="utf-8")).get("metadata", {})
        except (OSError, ValueError) as exc:
            raise RunError(f"{own}: not a readable notebook ({exc})") from exc
        if (meta.get("workbook") or {}).get("article") == article:
            return own
    return notebooks_dir / GENERIC


def plan_jobs(
    themes: Sequence[str],
    base: Mapping[str, Any],
    notebooks_dir: Path,
    out: Path,
    *,
    article: str,
) -> list[Job]:
    """One job per theme, every notebook's parameters cell checked against its values."""
    jobs = []
    for theme in themes:
        notebook = notebook_for(theme, article, notebooks_dir)
        if not notebook.is_file():
            raise RunError(
                f"no notebook for theme {theme!r}: neither {theme}.ipynb nor "
                f"{GENERIC} in {notebooks_dir}"
            )
        values = {**base, "theme": theme, "results_path": str(out / ".results" / f"{theme}.json")}
        validate_parameters(notebook, values)
        jobs.append(Job(theme, notebook.resolve(), values))
    return jobs


def check_arguments(
    registry: Registry,
    *,
    alpha: float,
    jobs: int,
    as_of: date | str | None,
    only: Sequence[str] | None,
    parameters: Mapping[str, Any] | None,
) -> tuple[date | None, list[str]]:
    """Refuse a bad argument with one line (``RunError``); return the evaluation date and the
    themes to run, in registry order."""
    if not 0 < alpha < 1:
        raise RunError(f"alpha must be between 0 and 1, but {alpha!r} was passed")
    if jobs < 1:
        raise RunError(f"jobs must be at least 1, but {jobs} was passed")
    if isinstance(as_of, str):
        try:
            as_of = date.fromisoformat(as_of)
        except ValueError as exc:
            raise RunError(f"as_of {as_of!r} is not an ISO date (YYYY-MM-DD)") from exc
    if unknown := [t for t in only or () if t not in registry.themes]:
        raise RunError(
            f"unknown theme {unknown[0]!r}, expected one of {', '.join(registry.themes)}"
        )
    if taken := sorted(set(parameters or ()) & set(CONTRACT)):
        raise RunError(
            f"parameter {taken[0]!r} is set by the run itself, not by --parameter "
            "(use its own option)"
        )
    return as_of, [t for t in registry.themes if not only or t in only]


def parse_parameter(text: str) -> tuple[str, object]:
    """``NAME=VALUE`` from ``--parameter``; the value is read as YAML (3, 0.1, true, text)."""
    import yaml

    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise RunError(f"--parameter {text!r}: expected NAME=VALUE")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    return name.strip(), value


def base_parameters(
    snapshot: Path,
    claims: Path,
    as_of: date | None,
    alpha: float,
    notes_dir: Path,
    extra: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The parameters every notebook of the run gets (absolute paths; ``--parameter`` extras)."""
    return {
        "snapshot": str(snapshot.resolve()),
        "claims": str(claims.resolve()),
        "as_of": as_of.isoformat() if as_of else None,
        "alpha": float(alpha),
        "notes_dir": str(notes_dir.resolve()),
        **{k: str(v) if isinstance(v, Path) else v for k, v in (extra or {}).items()},
    }
