"""Where a run's notebooks execute: on this machine (:class:`LocalExecutor`, the default) or as
Dask tasks on a cluster (:class:`~analysis.run.cluster.DaskExecutor`, ``--executor dask``).

An executor gives the planner an ``evaluator`` (how an article's claims are evaluated for the
themes' fingerprints), is told an article is about to ``execute`` its jobs (``ready``), and
executes jobs of any number of articles at once, returning each job's :class:`ThemeRun` under
its key. Both are context managers: what they started ends with the block, whatever happens.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from datetime import date
from pathlib import Path
from typing import Any

from analysis.run.article import ArticleRun, Evaluation
from analysis.run.model import Job, ThemeRun


class LocalExecutor:
    """``jobs`` notebooks at once on this machine, each in a warm kernel forked from one
    template process (:mod:`~analysis.run.template`), which evaluates each article's claims
    once for all its kernels."""

    def __init__(self, jobs: int) -> None:
        from analysis.run.template import WARM_MODULES, Zygote  # not jupyter_client yet

        self.jobs = jobs
        self.where = ""  # the plan line says how many at a time
        self.template = Zygote(WARM_MODULES)
        self._preparing: threading.Thread | None = None  # the notebooks' execution (ready)
        self._evaluations: dict[tuple, Future] = {}  # by their inputs
        self._asking = ThreadPoolExecutor(max_workers=1, thread_name_prefix="evaluation")

    def __enter__(self) -> LocalExecutor:
        self.template.start()  # it imports the evaluation's stack while this loads and checks
        return self

    def __exit__(self, *exc: object) -> None:
        self.template.close()  # an evaluation still asked for ends with it
        self._asking.shutdown(cancel_futures=True)

    def anticipate(self, snapshot: Path, claims: Path, as_of: date | None, alpha: float) -> None:
        """These claims will be evaluated (``--force``, or no earlier evaluation to reuse): ask
        the template now, while this process loads and checks everything else."""
        self._evaluation(snapshot, claims.absolute(), as_of, alpha)

    def evaluator(self, snapshot: Path):
        """For :meth:`ArticleRun.plan`: the claims evaluated in the template (at most once)."""

        def make(claims: Path, as_of: date | None, alpha: float):
            return lambda: self._evaluation(snapshot, claims, as_of, alpha).result()

        return make

    def _evaluation(self, *inputs: Any) -> Future:
        """The template's evaluation of ``inputs`` (:func:`_prime`), asked for once."""
        if inputs not in self._evaluations:
            self._evaluations[inputs] = self._asking.submit(_prime, self.template, *inputs)
        return self._evaluations[inputs]

    def ready(self, article: ArticleRun) -> None:
        """The article's kernels will inherit its evaluation: do it now (once). Meanwhile this
        process, which only waits for the template, prepares the notebooks' execution in a
        thread of its own (:func:`prepare_execution`), which :meth:`execute` waits for (an
        import that fails there fails again, with its error, when the notebooks execute)."""
        if self._preparing is None:
            self._preparing = threading.Thread(target=prepare_execution, daemon=True,
                                               args=(article.settings.show_code,))  # fmt: skip
            self._preparing.start()
        article.evaluate()

    def execute(self, todo: Sequence[Job], *, show_code: bool, page: Mapping[str, Any],
                progress: bool) -> dict[str, ThemeRun]:  # fmt: skip
        if not todo:
            return {}
        # the preparation's imports done (it is done long before, but for the smallest runs):
        # two threads importing the same modules at once can deadlock where those modules
        # import each other (jupyter_client's do), and Python then raises in one of them;
        # waited for in short steps, so that Ctrl-C still stops the run at once
        while self._preparing is not None and self._preparing.is_alive():
            self._preparing.join(0.1)
        from analysis.run import execute  # papermill and nbconvert: only when a run executes

        return execute.run_jobs(todo, jobs=self.jobs, show_code=show_code, page=dict(page),
                                progress=progress, template=self.template)  # fmt: skip


def _prime(template, snapshot: Path, claims: Path, as_of, alpha: float) -> Evaluation | None:
    """The claims evaluated once in the template process, for the kernels forked from it
    (:mod:`analysis.checks.primed`), or None when the template could not (the notebooks then
    evaluate for themselves)."""
    from analysis.run.template import KernelError

    day = as_of.isoformat() if as_of else None
    try:
        records, seconds = template.prime(str(snapshot.resolve()), str(claims.resolve()), day,
                                          alpha)  # fmt: skip
    except KernelError:
        return None
    return Evaluation(records, seconds)


def prepare_execution(show_code: bool) -> None:
    """Import what executing the notebooks needs (papermill, nbconvert, jupyter_client), find
    the kernel's spec (which imports IPython's paths here) and export a first, small page
    (:func:`~analysis.report.htmlexport.warm_up`): paid while the template imports and
    evaluates, not by the run's first kernels and pages."""
    with suppress(Exception):  # a speed-up only
        from jupyter_client.kernelspec import KernelSpecManager

        from analysis.report.htmlexport import warm_up
        from analysis.run.execute import KERNEL_NAME

        KernelSpecManager().get_kernel_spec(KERNEL_NAME)
        warm_up(show_code=show_code)
