"""One claims file's part of a run: planned before anything executes, staged, then finished.

:class:`ArticleRun` holds what :func:`~analysis.run.run_all` (one article) and
:func:`~analysis.run.run_corpus` (many) do for each article, around the execution they share:

1. :meth:`ArticleRun.plan`: the claims loaded, the arguments and every notebook's parameters
   checked, the claims evaluated (or the last good run's results reused) for the themes'
   fingerprints;
2. :meth:`ArticleRun.stage`: each theme fingerprinted; the unchanged ones copied from the
   previous report into the staging folder, the others returned as jobs to execute;
3. :meth:`ArticleRun.finish`: the executed themes fingerprinted from what their notebooks
   recorded, ``results.json`` and the scorecard written, the run recorded for the next one.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from analysis import paths
from analysis.run import reuse
from analysis.run.model import Job, RunSummary, ThemeRun
from analysis.run.output import check_out, fatal
from analysis.run.plan import base_parameters, check_arguments, plan_jobs


@dataclass(frozen=True)
class Settings:
    """A run's options, the same for every article of a corpus."""

    as_of: date | str | None = None
    alpha: float = 0.05
    only: Sequence[str] | None = None
    jobs: int = 1
    force: bool = False
    show_code: bool = False
    notebooks_dir: Path = paths.NOTEBOOKS
    notes_dir: Path = paths.NOTES
    parameters: Mapping[str, Any] | None = None
    warnings: Sequence[str] = ()
    progress: bool = True

    def key_options(self) -> dict[str, Any]:
        """The options as the run key records them."""
        return {"as_of": self.as_of, "alpha": self.alpha, "only": sorted(self.only or []),
                "show_code": self.show_code, "parameters": dict(self.parameters or {}),
                "warnings": list(self.warnings)}  # fmt: skip


@dataclass(frozen=True)
class Evaluation:
    """An article's claims evaluated by the executor: the results as JSON records, and the
    seconds it took where it ran."""

    records: list[dict]
    seconds: float


# (claims file, as-of date, level) -> a function evaluating them (None when it cannot)
Evaluator = Callable[[Path, date | None, float], Callable[[], Evaluation | None]]


@dataclass
class ArticleRun:
    """One article of a run (see the module docstring); ``label`` prefixes its themes in the
    progress lines of a corpus."""

    claims: Path
    out: Path
    key: str
    snap: Any
    registry: Any
    settings: Settings
    as_of: date | None
    themes: list[str]
    planned: list[Job]
    common: dict[str, Any]
    evaluation: str
    evaluated: dict[str, list] | None
    evaluate: Callable[[], Evaluation | None]
    label: str = ""
    reused: dict[str, ThemeRun] = field(default_factory=dict)
    stage_dir: Path | None = None

    @classmethod
    def plan(cls, snap, claims: Path, out: Path, key: str, settings: Settings,
             evaluator: Evaluator, *, label: str = "", registry=None) -> ArticleRun:  # fmt: skip
        """Load (unless ``registry`` is the claims file loaded already) and check everything
        about this article before any kernel starts; raises ``ClaimsError``, ``RunError`` or
        ``ParameterError``. ``evaluator(claims, as_of, alpha)`` gives a function that evaluates
        the claims (JSON records, or None when it cannot)."""
        from analysis.claims import load_claims

        s = settings
        registry = registry if registry is not None else load_claims(claims)
        as_of, themes = check_arguments(registry, alpha=s.alpha, jobs=s.jobs, as_of=s.as_of,
                                        only=s.only, parameters=s.parameters)  # fmt: skip
        base = base_parameters(snap.root, claims, as_of, s.alpha, s.notes_dir, s.parameters)
        planned = plan_jobs(themes, base, s.notebooks_dir, out, article=registry.article.id)
        check_out(out, (snap.root, paths.NOTEBOOKS, paths.DATA, s.notebooks_dir))
        common = reuse.common_inputs(snap, registry, s.show_code)
        evaluation = reuse.evaluation_key(snap, registry, claims, as_of, s.alpha)
        evaluate = evaluator(claims.absolute(), as_of, s.alpha)
        evaluated = None
        if not s.force:
            evaluated = _evaluated(registry, snap, as_of, s.alpha, out, evaluation, evaluate)
        return cls(claims, out, key, snap, registry, s, as_of, themes, planned, common,
                   evaluation, evaluated, evaluate, label)  # fmt: skip

    def stage(self, stage: Path) -> list[Job]:
        """Fingerprint every theme; copy the unchanged ones' outputs into ``stage`` (reused);
        return the jobs to execute, their results and pages written into ``stage``."""
        self.stage_dir = stage
        inputs = reuse.theme_inputs(self.registry, self.evaluated, self.settings.notes_dir)
        todo = []
        for job in self.planned:
            job.fingerprint = reuse.fingerprint(
                self.common, job.notebook, job.parameters, inputs[job.theme]
            )
            job.stage, job.key = stage, f"{self.label}{job.theme}"
            job.expected = reuse.last_seconds(self.out, job.theme)
            if not self.settings.force and reuse.reusable(self.out, job.theme, job.fingerprint):
                reuse.copy_previous(self.out, stage, job.theme)
                self.reused[job.theme] = ThemeRun(job.theme, "reused", job.notebook)
            else:
                job.parameters["results_path"] = str(stage / ".results" / f"{job.theme}.json")
                todo.append(job)
        return todo

    def finish(self, executed: Mapping[str, ThemeRun]) -> RunSummary:
        """Write the report into the stage from the reused and the executed themes (``executed``
        keyed by job key); record the run when no notebook failed."""
        stage, out = self.stage_dir, self.out
        runs = dict(self.reused)
        for job in self.planned:
            if job.theme not in runs:
                runs[job.theme] = replace(executed[job.key], theme=job.theme)
        self._fingerprint_executed(runs)
        ordered = tuple(_final_paths(runs[t], stage, out) for t in self.themes)
        from analysis.run.write import write_report

        s = self.settings
        write_report(stage, out, ordered, registry=self.registry, snapshot=self.snap,
                     alpha=s.alpha, until=self.as_of.isoformat() if self.as_of else None,
                     warnings=s.warnings, show_code=s.show_code, notes_dir=s.notes_dir)  # fmt: skip
        if not any(r.status == "failed" for r in ordered):  # a failure is never kept as it is
            done = self.evaluate() if any(r.status == "ok" for r in ordered) else None
            seconds = done.seconds if done is not None else None
            reuse.record_run(stage, self.key, self.evaluation, ordered, seconds)
        return RunSummary(out, out / "index.html", out / "results.json", self.snap.root, ordered,
                          tuple(s.warnings))  # fmt: skip

    def _fingerprint_executed(self, runs: Mapping[str, ThemeRun]) -> None:
        """Record the fingerprint of each theme that ran well, from the results its notebook
        recorded (what its page shows), for the next run's reuse."""
        stage, recorded = self.stage_dir, {}
        executed = [job for job in self.planned if job.theme not in self.reused]
        for job in executed:
            if runs[job.theme].status != "ok":
                continue
            try:
                doc = json.loads((stage / ".results" / f"{job.theme}.json").read_text("utf-8"))
                recorded[job.theme] = list(doc["claims"])
            except (OSError, ValueError, KeyError, TypeError):
                continue  # unreadable results: the report says so, and it is never reused
        inputs = reuse.theme_inputs(self.registry, recorded, self.settings.notes_dir)
        for job in executed:
            if job.theme in recorded:
                fingerprint = reuse.fingerprint(
                    self.common, job.notebook, job.parameters, inputs[job.theme]
                )
                record = {"fingerprint": fingerprint, "seconds": runs[job.theme].seconds}
                path = stage / ".fingerprints" / f"{job.theme}.json"
                path.write_text(json.dumps(record) + "\n", encoding="utf-8")


def _evaluated(registry, snap, as_of, alpha, out: Path, key: str, evaluate) -> dict | None:
    """The claims' results as the notebooks record them (JSON form), per theme: those of the
    last good run when the evaluation's inputs are the same, else ``evaluate()``'s (and in this
    process when it cannot); None when the evaluation fails (every theme then runs, and its
    notebook shows why)."""
    if (previous := reuse.previous_results(out, key, registry.themes)) is not None:
        return previous
    done = evaluate()
    records = done.records if done is not None else _evaluate_here(registry, snap, as_of, alpha)
    if records is None:
        return None
    by_theme: dict[str, list] = {}
    for record in records:
        by_theme.setdefault(record["theme"], []).append(record)
    return by_theme


def _evaluate_here(registry, snap, as_of, alpha) -> list[dict] | None:
    from analysis.checks import Context, evaluate_all

    try:
        results = evaluate_all(registry, snap, Context(until=as_of, alpha=alpha))
        return json.loads(json.dumps([r.to_dict() for r in results]))
    except Exception as exc:
        if fatal(exc):
            raise
        return None


def plan_line(snap, todo: Sequence[Job], reused: int, jobs: int, *, where: str = "") -> str:
    """What the run is about to do, in one line: the notebooks, how many at once, on what."""
    kept = f"; {reused} unchanged, reused" if reused else ""
    if not todo:
        return f"nothing to run on {snap.root}{kept}"
    names = ", ".join(job.key for job in todo)
    at_once = f"{min(jobs, len(todo))} at a time" if not where else where
    return f"running {len(todo)} notebook(s) on {snap.root}, {at_once}{kept}: {names}"


def say(line: str, progress: bool) -> None:
    if progress:
        print(f"workbook: {line}", file=sys.stderr, flush=True)


def _final_paths(run: ThemeRun, stage: Path, out: Path) -> ThemeRun:
    """The run with its notebook and page paths as they will be in ``out``."""
    t = run.theme
    return replace(
        run,
        ipynb=out / f"{t}.ipynb" if (stage / f"{t}.ipynb").is_file() else None,
        html=out / f"{t}.html" if (stage / f"{t}.html").is_file() else None,
    )
