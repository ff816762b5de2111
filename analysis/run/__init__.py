"""Stage 5, the run: ``workbook run`` as a list of named steps.

:func:`run_all` runs one article's claims file into a report folder; :func:`run_corpus` runs
many into one folder each, plus a corpus scorecard (:mod:`~analysis.run.corpus`). Both check
everything before a kernel starts (:mod:`~analysis.run.plan`, :mod:`~analysis.run.article`),
reuse the themes whose inputs are unchanged (:mod:`~analysis.run.reuse`), execute the others
(on this machine, :mod:`~analysis.run.executors`; or as Dask tasks on a cluster,
:mod:`~analysis.run.cluster`) and export their pages (:mod:`~analysis.run.execute`), then write
``results.json`` and the scorecard (:mod:`~analysis.run.write`) and put each staged folder in
place of the previous report (:mod:`~analysis.run.output`, which also says what ``--out`` may
be).

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
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis import paths
from analysis.errors import RunError
from analysis.run import reuse
from analysis.run.article import ArticleRun, Settings, plan_line, say
from analysis.run.model import RunSummary, ThemeRun
from analysis.run.output import new_stage, recover, replace_folder
from analysis.run.plan import parse_parameter

if TYPE_CHECKING:
    from analysis.snapshot import Snapshot

__all__ = ["RunSummary", "Settings", "ThemeRun", "parse_parameter", "run_all", "run_corpus"]


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
    executor: str = "local",
    scheduler: str | None = None,
) -> RunSummary:
    """Execute the theme notebooks and write the report folder ``out``.

    ``snapshot`` and ``claims`` are the data and the claims file; ``as_of`` evaluates as on that
    date; ``only`` runs only those themes; ``jobs`` notebooks run at once (default: the CPUs;
    with ``executor="dask"`` and no ``scheduler``, the workers of the local cluster); ``out`` is
    replaced as a whole when the run ends; ``force`` re-executes unchanged themes;
    ``show_code`` keeps code cells in the pages; ``parameters`` are more notebook parameters;
    ``warnings`` are shown at the top of the scorecard. Raises ``DataError`` (any file of the
    snapshot, used or not, that does not parse), ``ClaimsError``, ``RunError`` or
    ``ParameterError`` before anything runs. A run with every input unchanged since the last
    good run into ``out`` keeps that report as it is (:mod:`~analysis.run.reuse`).
    """
    settings = settings_for(as_of=as_of, alpha=alpha, only=only, jobs=jobs, force=force,
                            show_code=show_code, notebooks_dir=notebooks_dir,
                            notes_dir=notes_dir, parameters=parameters, warnings=warnings,
                            progress=progress)  # fmt: skip
    out, claims = Path(out).absolute(), Path(claims)
    key = reuse.run_key(Path(snapshot), claims, settings.notes_dir, settings.notebooks_dir,
                        settings.key_options())  # fmt: skip
    if not force and (kept := kept_report(out, key, Path(snapshot), progress)):
        return replace(kept, warnings=tuple(warnings))
    with open_executor(executor, scheduler, settings.jobs) as ex:
        if (force or not reuse.has_evaluation(out)) and not isinstance(settings.as_of, str):
            ex.anticipate(Path(snapshot), claims, settings.as_of, settings.alpha)
        snap = load_snapshot(snapshot)
        article = ArticleRun.plan(snap, claims, out, key, settings, ex.evaluator(snap.root))
        return execute_articles([article], snap, ex, settings)[0]


def run_corpus(snapshot: str | Path, claims: Sequence[str | Path], **kwargs: Any):
    """Run many articles' claims files (see :func:`analysis.run.corpus.run_corpus`)."""
    from analysis.run.corpus import run_corpus as run

    return run(snapshot, claims, **kwargs)


def settings_for(*, jobs: int | None, notebooks_dir, notes_dir, **kwargs: Any) -> Settings:
    """The run's :class:`Settings` (``jobs`` defaults to the CPUs)."""
    return Settings(jobs=jobs or os.cpu_count() or 1, notebooks_dir=Path(notebooks_dir),
                    notes_dir=Path(notes_dir), **kwargs)  # fmt: skip


@contextmanager
def open_executor(name: str, scheduler: str | None, jobs: int) -> Iterator[Any]:
    """The executor of a run, started at once (the local one's template imports the analysis
    stack while this process loads and checks), ended with the run whatever happens."""
    if name not in ("local", "dask"):
        raise RunError(f"--executor {name}: expected local or dask")
    if scheduler is not None and name != "dask":
        raise RunError(f"--scheduler {scheduler}: a scheduler is for --executor dask")
    if name == "dask":
        from analysis.run.cluster import DaskExecutor

        executor = DaskExecutor(scheduler, workers=jobs)
    else:
        from analysis.run.executors import LocalExecutor

        executor = LocalExecutor(jobs)
    with executor:
        yield executor


def execute_articles(articles: Sequence[ArticleRun], snap, executor, settings: Settings):
    """Stage every article, execute all their jobs together, finish each; one
    :class:`RunSummary` per article, in order. The staged folders replace their reports only
    once every article is written (a full disk while writing leaves every previous report as
    it was; the renames themselves are one per article, not one for all)."""
    with ExitStack() as stack:
        todo = []
        for article in articles:
            jobs = article.stage(stack.enter_context(_staged(article.out, settings.progress)))
            if jobs:
                executor.ready(article)
            todo += jobs
        reused = sum(len(a.reused) for a in articles)
        say(plan_line(snap, todo, reused, settings.jobs, where=executor.where), settings.progress)
        page = {"synthetic": snap.synthetic, "note": snap.describe(brief=True)}
        executed = executor.execute(todo, show_code=settings.show_code, page=page,
                                    progress=settings.progress)  # fmt: skip
        return [article.finish(executed) for article in articles]


def load_snapshot(snapshot: str | Path) -> Snapshot:
    """The snapshot, every file of it validated (a bad one stops the run before any kernel
    starts; pandas is not imported for a report kept as it is)."""
    from analysis.snapshot import Snapshot

    snap = Snapshot(snapshot)
    snap.validate(snap.files)
    return snap


def kept_report(out: Path, key: str, snapshot: Path, progress: bool) -> RunSummary | None:
    """The previous report, kept as it is, when the last good run had the same run key."""
    try:
        for line in recover(out):
            say(line, progress)
    except OSError:
        return None  # the full path says what is wrong with --out
    themes = reuse.unchanged_run(out, key)
    if themes is None:
        return None
    say(f"nothing changed since the last run; {out} is kept as it is (--force re-runs)", progress)
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


@contextmanager
def _staged(out: Path, progress: bool) -> Iterator[Path]:
    """A staging folder beside ``out`` (after repairing what an interrupted run left), put in
    place of ``out`` when the block ends; removed on any failure, the previous report kept."""
    try:
        for line in recover(out):
            say(line, progress)
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
        if isinstance(exc, OSError):  # a full disk, a read-only folder, a file gone meanwhile
            raise RunError(
                f"--out {out}: {exc.strerror or exc} while writing the report; "
                "the previous report is kept"
            ) from exc
        raise
