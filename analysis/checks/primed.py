"""A run's evaluation, done once and handed to every notebook's kernel.

``workbook run`` evaluates the claims in its template process (:mod:`analysis.run.kernels`),
the process every notebook's kernel is forked from: :func:`prime` loads the claims and the
snapshot, evaluates them and keeps the three here, so that each kernel inherits them and
:meth:`Workbook.open <analysis.report.notebook.Workbook.open>` finds them with :func:`lookup`
instead of evaluating the 23 claims again in each of 8 notebooks. The notebook then shows
exactly the results the runner fingerprinted.

A primed evaluation is used only for the very same inputs: the same snapshot folder and claims
file (resolved paths), as-of date and level, and the same size and modification time of the
claims file and of every file of the snapshot (taken when it was primed). Anything else, as in
a kernel that was not forked from the template or a file changed since, evaluates as usual.

>>> records = prime("data/demo", "data/claims/russell2000_2026.yaml", None, 0.05)  # doctest: +SKIP
>>> lookup("data/demo", "data/claims/russell2000_2026.yaml", None, 0.05)  # doctest: +SKIP
(Registry(...), Snapshot('data/demo', files=...), {...})
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.claims import Registry
    from analysis.results import ClaimResult
    from analysis.snapshot import Snapshot

Evaluation = tuple["Registry", "Snapshot", dict[str, "ClaimResult"]]
# inputs -> (the files' stats, the evaluation, its JSON records, the seconds it took)
_PRIMED: dict[tuple, tuple[tuple, Evaluation, list[dict], float]] = {}


def _inputs(snapshot: str | Path, claims: str | Path, as_of: Any, alpha: float) -> tuple:
    day = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    return (str(Path(snapshot).resolve()), str(Path(claims).resolve()), day, float(alpha))


def _stats(snapshot: Snapshot, claims: Path) -> tuple:
    """Size and modification time of the claims file and of each of the snapshot's files."""

    def stat(path: Path) -> tuple[int, int] | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return st.st_size, st.st_mtime_ns

    return stat(claims), tuple((rel, stat(snapshot.root / rel)) for rel in snapshot.files)


def prime(
    snapshot: str | Path,
    claims: str | Path,
    as_of: Any,
    alpha: float,
    *,
    workers: int = 1,
    meanwhile: Callable[[], object] = lambda: None,
) -> tuple[list[dict], float]:
    """Evaluate the claims of ``claims`` on ``snapshot`` (as ``workbook check`` does, in
    ``workers`` processes) and keep the evaluation for :func:`lookup`; return the results as
    JSON records (``ClaimResult.to_dict()``, in the claims file's order) and the seconds the
    evaluation took; when these inputs were evaluated before and their files are unchanged,
    the kept records and seconds. ``meanwhile()`` is called while forked workers evaluate
    (:func:`~analysis.checks.evaluate.evaluate_all`; not when the evaluation is serial, nor
    when nothing is evaluated). Raises what loading or evaluating raises."""
    import time

    from analysis.checks import Context, evaluate_all
    from analysis.claims import load_claims
    from analysis.snapshot import Snapshot

    key = _inputs(snapshot, claims, as_of, alpha)
    if lookup(snapshot, claims, as_of, alpha) is not None:
        return list(_PRIMED[key][2]), _PRIMED[key][3]
    started = time.monotonic()
    registry, snap = load_claims(claims), Snapshot(snapshot)
    stats = _stats(snap, Path(claims))  # before reading: a file changed meanwhile misses
    results = evaluate_all(
        registry, snap, Context(until=key[2], alpha=alpha), workers=workers, meanwhile=meanwhile
    )
    for rel in {rel for r in results for rel in r.data if snap.has(rel)}:
        snap.load(rel)  # parsed here once, not in each kernel (forked workers kept their own)
    records = json.loads(json.dumps([r.to_dict() for r in results]))
    seconds = round(time.monotonic() - started, 3)
    _PRIMED[key] = (stats, (registry, snap, {r.id: r for r in results}), records, seconds)
    return records, seconds


def lookup(snapshot: str | Path, claims: str | Path, as_of: Any, alpha: float) -> Evaluation | None:
    """The primed evaluation for exactly these inputs, files unchanged since; else None."""
    try:
        stats, evaluation, _, _ = _PRIMED[_inputs(snapshot, claims, as_of, alpha)]
    except (KeyError, OSError, ValueError, TypeError):
        return None
    return evaluation if _stats(evaluation[1], Path(claims)) == stats else None
