"""Reuse: a theme whose inputs are unchanged since the last run is copied, not re-executed.

A theme's fingerprint covers its notebook's bytes, its parameters, the snapshot's files, the
claims file, the notes and the ``analysis`` package's code and package data.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from analysis import paths

_FINGERPRINT_VERSION = 1


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


def common_inputs(snapshot: Path, claims: Path, notes_dir: Path, show_code: bool) -> dict[str, Any]:
    """The inputs every theme of a run shares."""
    return {
        "version": _FINGERPRINT_VERSION,
        "snapshot": _tree_digest(snapshot),
        "claims": hashlib.sha256(Path(claims).read_bytes()).hexdigest(),
        "notes": _tree_digest(notes_dir, "*.md"),
        "code": code_digest(),
        "show_code": show_code,
    }


def fingerprint(common: Mapping[str, Any], notebook: Path, parameters: Mapping[str, Any]) -> str:
    """One theme's fingerprint (its ``results_path`` left out: it differs every run)."""
    inputs = {k: v for k, v in parameters.items() if k != "results_path"}
    digest = hashlib.sha256(notebook.read_bytes()).hexdigest()
    return _fingerprint({**common, "notebook": digest, "params": inputs})


def copy_previous(out: Path, stage: Path, theme: str) -> None:
    """Copy a reused theme's outputs from the previous report into the stage."""
    for rel in outputs(theme):
        shutil.copy2(out / rel, stage / rel)
