"""Stage 5, the run: ``workbook run`` as a list of named steps.

:func:`run_all` checks everything before a kernel starts (:mod:`~analysis.run.plan`), reuses the
themes whose inputs are unchanged (:mod:`~analysis.run.reuse`), executes the others with papermill
and exports their pages (:mod:`~analysis.run.execute`), then writes ``results.json`` and the
scorecard (:mod:`~analysis.run.write`) and puts the staged folder in place of the previous report
(:mod:`~analysis.run.output`, which also says what ``--out`` may be).

The contract with the notebooks (``notebooks/<theme>.ipynb``, or ``notebooks/claims.ipynb`` for a
theme without its own): the first code cell is tagged ``parameters`` and declares, with type
annotations, ``snapshot: str``, ``claims: str``, ``as_of: str | None``, ``alpha: float``,
``theme: str``, ``results_path: str | None`` and ``notes_dir: str``; the notebook writes
``{"theme": ..., "claims": [ClaimResult.to_dict(), ...]}`` to ``results_path``, and marks each
claim's section with ``<a id="<claim id>"></a>``.

Examples
--------
>>> summary = run_all("data/demo", out="reports/latest", jobs=2)  # doctest: +SKIP
>>> [t.status for t in summary.themes]  # doctest: +SKIP
['ok', 'ok', 'reused', ...]
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.claims import load_claims
from analysis.errors import RunError
from analysis.run import reuse
from analysis.run.model import RunSummary, ThemeRun
from analysis.run.output import check_out, fatal, new_stage, recover, replace_folder
from analysis.run.plan import base_parameters, check_arguments, parse_parameter, plan_jobs
from analysis.run.write import write_report
from analysis.snapshot import Snapshot

__all__ = ["RunSummary", "ThemeRun", "parse_parameter", "run_all"]


def run_all(
    snapshot: str | Path,
    *,
    claims: str | Path = paths.DEFAULT_CLAIMS,
    as_of: date | str | None = None,
    alpha: float = 0.05,
    only: Sequence[str] | None = None,
    jobs: int | None = None,
    out: str | Path = paths.DEFAULT_OUT,
    force: bool = False,
    show_code: bool = False,
    notebooks_dir: str | Path = paths.NOTEBOOKS,
    notes_dir: str | Path = paths.NOTES,
    parameters: Mapping[str, Any] | None = None,
    warnings: Sequence[str] = (),
    progress: bool = True,
) -> RunSummary:
    """Execute the theme notebooks and write the report folder ``out``.

    ``snapshot`` and ``claims`` are the data and the claims file; ``as_of`` evaluates as on that
    date; ``only`` runs only those themes; ``jobs`` notebooks run at once (default: the CPUs);
    ``out`` is replaced as a whole when the run ends; ``force`` re-executes unchanged themes;
    ``show_code`` keeps code cells in the pages; ``parameters`` are more notebook parameters;
    ``warnings`` are shown at the top of the scorecard. Raises ``DataError`` (any file of the
    snapshot, used or not, that does not parse), ``ClaimsError``, ``RunError`` or
    ``ParameterError`` before anything runs.
    """
    snap, registry = Snapshot(snapshot), load_claims(claims)
    snap.validate(snap.files)  # a bad file stops the run here, before any kernel starts
    jobs = jobs or os.cpu_count() or 1
    as_of, themes = check_arguments(
        registry, alpha=alpha, jobs=jobs, as_of=as_of, only=only, parameters=parameters
    )
    notebooks_dir, notes_dir, out = Path(notebooks_dir), Path(notes_dir), Path(out).absolute()
    base = base_parameters(snap.root, Path(claims), as_of, alpha, notes_dir, parameters)
    planned = plan_jobs(themes, base, notebooks_dir, out, article=registry.article.id)
    check_out(out, (snap.root, paths.NOTEBOOKS, paths.DATA, notebooks_dir))
    common = reuse.common_inputs(snap.root, Path(claims), notes_dir, show_code)
    with _staged(out, progress) as stage:
        runs = _stage_themes(planned, common, stage, out, force=force)
        todo = [job for job in planned if job.theme not in runs]
        if progress:  # at once: the first notebook takes a while to finish on a fresh machine
            print(f"workbook: {_plan_line(snap, todo, len(runs), jobs)}", file=sys.stderr)
        from analysis.run import execute  # papermill and nbconvert: only when a run executes

        page = {"synthetic": snap.synthetic, "note": snap.describe()}
        runs |= execute.run_jobs(
            todo, stage, jobs=jobs, show_code=show_code, page=page, progress=progress
        )
        ordered = tuple(_final_paths(runs[t], stage, out) for t in themes)
        write_report(
            stage, out, ordered, registry=registry, snapshot=snap, alpha=alpha,
            until=as_of.isoformat() if as_of else None, warnings=warnings,
            show_code=show_code, notes_dir=notes_dir,
        )  # fmt: skip
    return RunSummary(
        out, out / "index.html", out / "results.json", snap.root, ordered, tuple(warnings)
    )


def _plan_line(snap: Snapshot, todo: Sequence, reused: int, jobs: int) -> str:
    """What the run is about to do, in one line: the notebooks, how many at once, on what."""
    kept = f"; {reused} unchanged, reused" if reused else ""
    if not todo:
        return f"nothing to run on {snap.root}{kept}"
    names = ", ".join(job.theme for job in todo)
    at_once = min(jobs, len(todo))
    return f"running {len(todo)} notebook(s) on {snap.root}, {at_once} at a time{kept}: {names}"


@contextmanager
def _staged(out: Path, progress: bool) -> Iterator[Path]:
    """A staging folder beside ``out`` (after repairing what an interrupted run left), put in
    place of ``out`` when the block ends; removed on any failure, the previous report kept."""
    try:
        for line in recover(out):
            if progress:
                print(f"workbook: {line}", file=sys.stderr)
        stage = new_stage(out)
    except OSError as exc:
        raise RunError(
            f"--out {out}: cannot write there ({exc.strerror or exc}); nothing was changed"
        ) from exc
    try:
        yield stage
        replace_folder(stage, out)
    except BaseException as exc:
        shutil.rmtree(stage, ignore_errors=True)
        if fatal(exc):  # a full disk, a read-only folder: say so, keep the previous report
            raise RunError(
                f"--out {out}: {exc.strerror or exc} while writing the report; "
                "the previous report is kept"
            ) from exc
        raise


def _stage_themes(planned, common, stage: Path, out: Path, *, force: bool) -> dict[str, ThemeRun]:
    """Fingerprint every job; copy the unchanged themes' outputs into the stage (reused)."""
    runs: dict[str, ThemeRun] = {}
    for job in planned:
        job.fingerprint = reuse.fingerprint(common, job.notebook, job.parameters)
        if not force and reuse.reusable(out, job.theme, job.fingerprint):
            reuse.copy_previous(out, stage, job.theme)
            runs[job.theme] = ThemeRun(job.theme, "reused", job.notebook)
        else:
            job.parameters["results_path"] = str(stage / ".results" / f"{job.theme}.json")
    return runs


def _final_paths(run: ThemeRun, stage: Path, out: Path) -> ThemeRun:
    """The run with its notebook and page paths as they will be in ``out``."""
    t = run.theme
    return replace(
        run,
        ipynb=out / f"{t}.ipynb" if (stage / f"{t}.ipynb").is_file() else None,
        html=out / f"{t}.html" if (stage / f"{t}.html").is_file() else None,
    )
