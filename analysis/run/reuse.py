"""Reuse: what is unchanged since the last run is kept, not re-executed.

Two levels, both decided before a kernel starts:

- the **run key** (:func:`run_key`) covers every input of a whole run as bytes and arguments:
  the snapshot's files, the claims file, the notes, the notebooks, the ``analysis`` package's
  code and package data, the parameters and the options. When it matches the key the last
  successful run recorded (:func:`unchanged_run`), the report is kept as it is: nothing is
  imported, parsed or evaluated, so a rerun with nothing changed costs a few hashes;
- otherwise the claims are evaluated (or the last run's results reused, when the files they
  read are unchanged) and each theme gets a **fingerprint** (:func:`fingerprint`): its
  notebook's bytes, its parameters, the snapshot's files its article reads
  (:func:`article_files`), the code, the article, the themes' order, its claims as written,
  their evaluated results (adjusted p-values and verdicts included: Benjamini-Hochberg decides
  the claims together, so a change to one claim can change another theme's results) and its
  claims' notes. A theme whose fingerprint is unchanged is copied from the previous report;
  the others are executed.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from analysis import paths

_FINGERPRINT_VERSION = 3
RUN_RECORD = ".fingerprints/run.json"  # the run key and the themes of the last good run
RUN_OUTPUTS = ("index.html", "results.json", ".workbook-report")


def outputs(theme: str) -> list[str]:
    """What a run keeps of a theme, relative to the report folder."""
    return [
        f"{theme}.ipynb",
        f"{theme}.html",
        f".results/{theme}.json",
        f".fingerprints/{theme}.json",
    ]


def _digest(paths: Sequence[Path], root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _tree_digest(root: Path, pattern: str = "**/*") -> str:
    if not root.is_dir():
        return "absent"
    files = [p for p in root.glob(pattern) if p.is_file() and "__pycache__" not in p.parts]
    return _digest(files, root)


def code_digest() -> str:
    """SHA-256 over the ``analysis`` package's code (``**/*.py``) and its ``resources/``."""
    files = [p for p in paths.PACKAGE.rglob("*.py") if "__pycache__" not in p.parts]
    files += [p for p in paths.RESOURCES.glob("*") if p.is_file()]
    return _digest(files, paths.PACKAGE)


def _fingerprint(inputs: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def reusable(out: Path, theme: str, fingerprint: str) -> bool:
    if not all((out / rel).is_file() for rel in outputs(theme)):
        return False
    record = out / ".fingerprints" / f"{theme}.json"
    try:
        return json.loads(record.read_text(encoding="utf-8")).get("fingerprint") == fingerprint
    except ValueError:
        return False


def article_files(snapshot, registry) -> dict[str, Any]:
    """What an article reads of a snapshot: the bytes of every file its claims name (their
    proxies' included; "absent" for one that is not there, which makes ``needs_data``) and
    whether the snapshot is synthetic (every page says so). A snapshot updated in place
    re-executes only the articles that read a changed file."""
    names = {rel for c in registry.claims for rel in (*c.data, *c.proxy_files())}
    names |= {rel for c in registry.claims for _, rel in c.files_in_params()}
    files = {}
    for rel in sorted(names):
        path = snapshot.root / rel
        files[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if snapshot.has(rel) else None
    return {"files": files, "synthetic": snapshot.synthetic}


def common_inputs(snapshot, registry, show_code: bool) -> dict[str, Any]:
    """The inputs every theme of an article shares: the files it reads, the code, the article,
    the themes."""
    return {
        "version": _FINGERPRINT_VERSION,
        "snapshot": article_files(snapshot, registry),
        "code": code_digest(),
        "show_code": show_code,
        "article": registry.article.model_dump(mode="json"),
        "themes": registry.themes,
    }


def theme_inputs(
    registry, results: Mapping[str, Sequence[Mapping[str, Any]]] | None, notes_dir: Path
) -> dict[str, Any]:
    """Per theme, what its page shows that the run-wide inputs do not cover: its claims as
    written, their results (``ClaimResult.to_dict()`` in JSON form, per theme; None when not
    evaluated) and their notes' bytes."""
    by_id = {r["id"]: r for records in (results or {}).values() for r in records}
    inputs: dict[str, Any] = {}
    for theme in registry.themes:
        claims = registry.by_theme(theme)
        notes = {}
        for claim in claims:
            note = Path(notes_dir) / f"{claim.id}.md"
            digest = hashlib.sha256(note.read_bytes()).hexdigest() if note.is_file() else None
            notes[claim.id] = digest
        inputs[theme] = {
            "claims": [c.model_dump(mode="json") for c in claims],
            "results": [by_id.get(c.id) for c in claims] if results is not None else None,
            "notes": notes,
        }
    return inputs


def fingerprint(
    common: Mapping[str, Any],
    notebook: Path,
    parameters: Mapping[str, Any],
    theme: Mapping[str, Any],
) -> str:
    """One theme's fingerprint (its ``results_path`` left out: it differs every run)."""
    inputs = {k: v for k, v in parameters.items() if k != "results_path"}
    digest = hashlib.sha256(notebook.read_bytes()).hexdigest()
    return _fingerprint({**common, "notebook": digest, "params": inputs, "theme": theme})


def run_key(
    snapshot: Path, claims: Path, notes_dir: Path, notebooks_dir: Path, options: Mapping[str, Any]
) -> str:
    """The whole run's inputs as one digest, from bytes and arguments alone (nothing parsed)."""
    claims_bytes = Path(claims).read_bytes() if Path(claims).is_file() else b""
    return _fingerprint(
        {
            "version": _FINGERPRINT_VERSION,
            "paths": [str(Path(p).resolve()) for p in (snapshot, claims, notes_dir, notebooks_dir)],
            "snapshot": _tree_digest(Path(snapshot)),
            "claims": hashlib.sha256(claims_bytes).hexdigest(),
            "notes": _tree_digest(Path(notes_dir), "*.md"),
            "notebooks": _tree_digest(Path(notebooks_dir), "*.ipynb"),
            "code": code_digest(),
            "options": json.loads(json.dumps(options, sort_keys=True, default=str)),
        }
    )


def _last_run(out: Path) -> dict[str, Any]:
    try:
        record = json.loads((out / RUN_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def evaluation_key(snapshot, registry, claims: Path, as_of: Any, alpha: float) -> str:
    """What the claims' evaluation depends on: the files they read, the claims file, the code,
    the date and the level."""
    return _fingerprint(
        {
            "version": _FINGERPRINT_VERSION,
            "snapshot": article_files(snapshot, registry),
            "claims": hashlib.sha256(Path(claims).read_bytes()).hexdigest(),
            "code": code_digest(),
            "as_of": str(as_of) if as_of else None,
            "alpha": alpha,
        }
    )


def has_evaluation(out: Path) -> bool:
    """Whether the last good run into ``out`` recorded an evaluation, which a run with the same
    inputs reuses (:func:`previous_results`)."""
    return bool(_last_run(out).get("evaluation"))


def previous_results(out: Path, key: str, themes: Sequence[str]) -> dict[str, list] | None:
    """The results the last good run recorded for ``themes``, when its evaluation had the same
    inputs (:func:`evaluation_key`): the claims need no evaluating again. Else None."""
    if _last_run(out).get("evaluation") != key:
        return None
    results: dict[str, list] = {}
    for theme in themes:
        try:
            doc = json.loads((out / ".results" / f"{theme}.json").read_text(encoding="utf-8"))
            results[theme] = list(doc["claims"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
    return results


def unchanged_run(out: Path, key: str) -> list[dict[str, Any]] | None:
    """The themes the last run recorded (``theme``, ``notebook``, ``seconds``) when its key is
    ``key`` and every file it wrote is still there; else None."""
    record = _last_run(out)
    if record.get("key") != key:
        return None
    themes = record.get("themes") or []
    files = [*RUN_OUTPUTS, *(rel for t in themes for rel in outputs(t["theme"]))]
    return themes if all((out / rel).is_file() for rel in files) else None


def record_run(
    stage: Path, key: str, evaluation: str, runs: Sequence, seconds: float | None = None
) -> None:
    """Record the run key, the evaluation key and the themes, for the next run's
    :func:`unchanged_run` and :func:`previous_results`, with the seconds the claims' evaluation
    took in the template process (None: not evaluated there)."""
    themes = [{"theme": r.theme, "notebook": str(r.notebook), "seconds": r.seconds} for r in runs]
    record = {"key": key, "evaluation": evaluation, "themes": themes, "evaluation_seconds": seconds}
    text = json.dumps(record, indent=1) + "\n"
    (stage / RUN_RECORD).write_text(text, encoding="utf-8")


def last_seconds(out: Path, theme: str) -> float | None:
    """The seconds the theme's notebook took when it last ran well into ``out`` (its
    fingerprint record, kept while the theme is reused), or None."""
    try:
        record = json.loads((out / ".fingerprints" / f"{theme}.json").read_text("utf-8"))
        seconds = float(record["seconds"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def copy_previous(out: Path, stage: Path, theme: str) -> None:
    """Copy a reused theme's outputs from the previous report into the stage."""
    for rel in outputs(theme):
        shutil.copy2(out / rel, stage / rel)
