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

import json
import os
import shutil
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis import paths
from analysis.errors import RunError
from analysis.run import reuse
from analysis.run.model import RunSummary, ThemeRun
from analysis.run.output import check_out, fatal, new_stage, recover, replace_folder
from analysis.run.plan import base_parameters, check_arguments, parse_parameter, plan_jobs

if TYPE_CHECKING:
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
    ``ParameterError`` before anything runs. A run with every input unchanged since the last
    good run into ``out`` keeps that report as it is (:mod:`~analysis.run.reuse`).
    """
    jobs = jobs or os.cpu_count() or 1
    notebooks_dir, notes_dir, out = Path(notebooks_dir), Path(notes_dir), Path(out).absolute()
    options = {"as_of": as_of, "alpha": alpha, "only": only, "show_code": show_code,
               "parameters": parameters, "warnings": list(warnings)}  # fmt: skip
    key = reuse.run_key(
        Path(snapshot),
        Path(claims),
        notes_dir,
        notebooks_dir,
        {**options, "only": sorted(only or []), "parameters": parameters or {}},
    )
    if not force and jobs >= 1 and (kept := _kept_report(out, key, Path(snapshot), progress)):
        return replace(kept, warnings=tuple(warnings))
    with _template() as template:  # the kernels' imports, paid while this process plans
        return _run(snapshot, claims, out, key, jobs=jobs, force=force, template=template,
                    notebooks_dir=notebooks_dir, notes_dir=notes_dir, progress=progress,
                    **options)  # fmt: skip


def _run(snapshot, claims, out: Path, key: str, *, jobs: int, force: bool, template, as_of,
         alpha: float, only, show_code: bool, parameters, warnings, notebooks_dir: Path,
         notes_dir: Path, progress: bool) -> RunSummary:  # fmt: skip
    """The run once the report cannot be kept as it is: load, check, plan, reuse what can be,
    execute the rest, write the report."""
    snap, registry = _load(snapshot, claims)
    as_of, themes = check_arguments(
        registry, alpha=alpha, jobs=jobs, as_of=as_of, only=only, parameters=parameters
    )
    base = base_parameters(snap.root, Path(claims), as_of, alpha, notes_dir, parameters)
    planned = plan_jobs(themes, base, notebooks_dir, out, article=registry.article.id)
    check_out(out, (snap.root, paths.NOTEBOOKS, paths.DATA, notebooks_dir))
    common = reuse.common_inputs(snap.root, registry, show_code)
    evaluation = reuse.evaluation_key(snap.root, Path(claims), as_of, alpha)
    prime = cache(partial(_prime, template, snap.root, Path(claims).absolute(), as_of, alpha))
    evaluated = None if force else _evaluate(registry, snap, as_of, alpha, out, evaluation, prime)
    with _staged(out, progress) as stage:
        inputs = reuse.theme_inputs(registry, evaluated, notes_dir)
        runs = _stage_themes(planned, common, inputs, stage, out, force=force)
        todo = [job for job in planned if job.theme not in runs]
        if todo:  # the notebooks' evaluation, done once for all (cached: at most once a run)
            prime()
        if progress:  # at once: the first notebook takes a while to finish on a fresh machine
            print(f"workbook: {_plan_line(snap, todo, len(runs), jobs)}", file=sys.stderr)
        runs |= _execute(todo, stage, snap, template, jobs=jobs, show_code=show_code,
                         progress=progress)  # fmt: skip
        _fingerprint_executed(todo, runs, common, registry, stage, notes_dir)
        ordered = tuple(_final_paths(runs[t], stage, out) for t in themes)
        _write(stage, out, ordered, registry, snap, alpha, as_of, warnings, show_code, notes_dir)
        if not any(r.status == "failed" for r in ordered):  # a failure is never kept as it is
            reuse.record_run(stage, key, evaluation, ordered, template.evaluation_seconds)
    return RunSummary(out, out / "index.html", out / "results.json", snap.root, ordered,
                      tuple(warnings))  # fmt: skip


@contextmanager
def _template() -> Iterator[Any]:
    """The process the kernels are forked from (:mod:`~analysis.run.template`), started at
    once so that it imports the analysis stack while this process loads and checks; ended with
    the run, whatever happens."""
    from analysis.run.kernels import WARM_MODULES, Zygote

    template = Zygote(WARM_MODULES)
    template.start()
    try:
        yield template
    finally:
        template.close()


def _load(snapshot: str | Path, claims: str | Path) -> tuple[Snapshot, Any]:
    """The snapshot, every file of it validated (a bad one stops the run before any kernel
    starts), and the claims (pandas, pydantic: not imported for a report kept as it is)."""
    from analysis.claims import load_claims
    from analysis.snapshot import Snapshot

    snap, registry = Snapshot(snapshot), load_claims(claims)
    snap.validate(snap.files)
    return snap, registry


def _kept_report(out: Path, key: str, snapshot: Path, progress: bool) -> RunSummary | None:
    """The previous report, kept as it is, when the last good run had the same run key."""
    try:
        for line in recover(out):
            if progress:
                print(f"workbook: {line}", file=sys.stderr)
    except OSError:
        return None  # the full path says what is wrong with --out
    themes = reuse.unchanged_run(out, key)
    if themes is None:
        return None
    if progress:
        print(f"workbook: nothing changed since the last run; {out} is kept as it is "
              "(--force re-runs)", file=sys.stderr)  # fmt: skip
    runs = tuple(
        ThemeRun(
            t["theme"],
            "reused",
            Path(t["notebook"]),
            ipynb=out / f"{t['theme']}.ipynb",
            html=out / f"{t['theme']}.html",
        )  # fmt: skip
        for t in themes
    )
    return RunSummary(out, out / "index.html", out / "results.json", snapshot.absolute(), runs)


def _prime(template, snapshot: Path, claims: Path, as_of, alpha: float) -> list[dict] | None:
    """The claims evaluated once in the template process, for the kernels forked from it
    (:mod:`analysis.checks.primed`); their results as JSON records, or None when the template
    could not (the notebooks then evaluate for themselves)."""
    from analysis.run.kernels import KernelError

    day = as_of.isoformat() if as_of else None
    try:
        return template.prime(str(snapshot), str(claims), day, alpha)
    except KernelError:
        return None


def _evaluate(registry, snap, as_of, alpha, out: Path, key: str, prime) -> dict[str, list] | None:
    """The claims' results as the notebooks record them (JSON form), per theme: those of the
    last good run when the evaluation's inputs are the same, else evaluated now (by ``prime``,
    in the template process; in this one when it cannot); None when the evaluation fails
    (every theme then runs, and its notebook shows why)."""
    if (previous := reuse.previous_results(out, key, registry.themes)) is not None:
        return previous
    records = prime()
    if records is None:
        from analysis.checks import Context, evaluate_all

        try:
            results = evaluate_all(registry, snap, Context(until=as_of, alpha=alpha))
            records = json.loads(json.dumps([r.to_dict() for r in results]))
        except Exception as exc:
            if fatal(exc):
                raise
            return None
    by_theme: dict[str, list] = {}
    for record in records:
        by_theme.setdefault(record["theme"], []).append(record)
    return by_theme


def _execute(todo, stage: Path, snap, template, *, jobs: int, show_code: bool, progress: bool):
    """Run the jobs (papermill and nbconvert are imported only when a run executes)."""
    if not todo:
        return {}
    from analysis.run import execute

    page = {"synthetic": snap.synthetic, "note": snap.describe()}
    return execute.run_jobs(todo, stage, jobs=jobs, show_code=show_code, page=page,
                            progress=progress, template=template)  # fmt: skip


def _write(stage, out, runs, registry, snap, alpha, as_of, warnings, show_code, notes_dir):
    from analysis.run.write import write_report

    write_report(
        stage, out, runs, registry=registry, snapshot=snap, alpha=alpha,
        until=as_of.isoformat() if as_of else None, warnings=warnings,
        show_code=show_code, notes_dir=notes_dir,
    )  # fmt: skip


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


def _stage_themes(
    planned, common, inputs, stage: Path, out: Path, *, force: bool
) -> dict[str, ThemeRun]:
    """Fingerprint every job; copy the unchanged themes' outputs into the stage (reused)."""
    runs: dict[str, ThemeRun] = {}
    for job in planned:
        job.fingerprint = reuse.fingerprint(common, job.notebook, job.parameters, inputs[job.theme])
        if not force and reuse.reusable(out, job.theme, job.fingerprint):
            reuse.copy_previous(out, stage, job.theme)
            runs[job.theme] = ThemeRun(job.theme, "reused", job.notebook)
        else:
            job.parameters["results_path"] = str(stage / ".results" / f"{job.theme}.json")
    return runs


def _fingerprint_executed(todo, runs, common, registry, stage: Path, notes_dir: Path) -> None:
    """Record the fingerprint of each theme that ran well, from the results its notebook
    recorded (what its page shows), for the next run's reuse."""
    recorded: dict[str, list] = {}
    for job in todo:
        if runs[job.theme].status != "ok":
            continue
        try:
            doc = json.loads((stage / ".results" / f"{job.theme}.json").read_text("utf-8"))
            recorded[job.theme] = list(doc["claims"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # unreadable results: the report says so, and the theme is never reused
    inputs = reuse.theme_inputs(registry, recorded, notes_dir)
    for job in todo:
        if job.theme in recorded:
            fingerprint = reuse.fingerprint(common, job.notebook, job.parameters, inputs[job.theme])
            record = {"fingerprint": fingerprint, "seconds": runs[job.theme].seconds}
            path = stage / ".fingerprints" / f"{job.theme}.json"
            path.write_text(json.dumps(record) + "\n", encoding="utf-8")


def _final_paths(run: ThemeRun, stage: Path, out: Path) -> ThemeRun:
    """The run with its notebook and page paths as they will be in ``out``."""
    t = run.theme
    return replace(
        run,
        ipynb=out / f"{t}.ipynb" if (stage / f"{t}.ipynb").is_file() else None,
        html=out / f"{t}.html" if (stage / f"{t}.html").is_file() else None,
    )
