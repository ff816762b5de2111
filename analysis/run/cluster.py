"""A run on a Dask cluster (``workbook run --executor dask [--scheduler ADDRESS]``).

Each article's evaluation and each theme notebook is a Dask task; the runner (this process)
plans, decides reuse, stages and writes, as with the local executor, so the reports are the same.

- **Where**: ``--scheduler ADDRESS`` (or ``DASK_SCHEDULER_ADDRESS``) connects to a running
  ``distributed`` scheduler; without one, a ``LocalCluster`` of ``--jobs`` worker processes (one
  thread each) is started for the run and closed after it.
- **What workers need**: the project installed (the same ``analysis`` code) and the snapshot,
  the claims files, the notebooks and the notes readable at the very paths the runner gives (a
  shared file system, or the same checkout at the same place). Nothing is written on a worker
  but temporary files: a task returns its executed notebook, its page and its results as text,
  and the runner writes them into its staging folder.
- **On a worker**, notebooks run as on this machine: in a warm kernel forked from a template
  process of the worker's own (:mod:`~analysis.run.template`), which evaluates each article's
  claims once for all the kernels it forks.
- **Failures**: a notebook that fails is that theme's failure, as locally; a task that raises is
  retried once; a worker lost mid-task has its task rescheduled by Dask on another worker (up
  to ``distributed.scheduler.allowed-failures`` times), and a task that still cannot finish
  fails its theme only: one failing article never sinks the others.
"""

from __future__ import annotations

import atexit
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache, partial
from pathlib import Path
from typing import Any

from analysis.errors import RunError
from analysis.run.article import ArticleRun, Evaluation
from analysis.run.model import Job, ThemeRun, longest_first

CONNECT_TIMEOUT = "10s"  # to reach a scheduler given by address
WORKER_TIMEOUT = 60  # seconds for a scheduler without workers to get one (else: exit 2)
RETRIES = 1  # a task that raises (not a notebook that fails: that is a result) runs again


class DaskExecutor:
    """Notebooks and evaluations as tasks on a ``distributed`` cluster (module docstring)."""

    def __init__(self, scheduler: str | None, *, workers: int) -> None:
        import os

        self.scheduler = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
        self.workers = workers
        self.client = self.cluster = None
        self.where = ""

    def __enter__(self) -> DaskExecutor:
        import logging

        from distributed import Client, LocalCluster

        try:
            if self.scheduler is None:
                self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1,
                                            processes=True, dashboard_address=None,
                                            silence_logs=logging.ERROR)  # fmt: skip
                self.client = Client(self.cluster)
                self.where = f"on a local Dask cluster of {self.workers} worker(s)"
            else:
                self.client = Client(self.scheduler, timeout=CONNECT_TIMEOUT)
                self.client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
                workers = len(self.client.scheduler_info()["workers"])
                self.where = f"on the Dask cluster at {self.scheduler} ({workers} worker(s))"
        except (OSError, TimeoutError, ValueError, RuntimeError) as exc:  # no port, no start
            self.__exit__()
            where = f"--scheduler {self.scheduler}" if self.scheduler else "a local Dask cluster"
            why = "no worker" if self.client is not None else "cannot connect"
            raise RunError(f"{where}: {why} ({exc})") from exc
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def evaluator(self, snapshot: Path):
        """For :meth:`ArticleRun.plan`: the claims evaluated as a task, submitted at once."""

        def make(claims: Path, as_of: date | None, alpha: float):
            day = as_of.isoformat() if as_of else None
            future = self.client.submit(remote_evaluate, str(snapshot.resolve()),
                                        str(claims.resolve()), day, alpha, pure=False,
                                        retries=RETRIES)  # fmt: skip
            return cache(partial(_evaluation, future))

        return make

    def anticipate(self, snapshot: Path, claims: Path, as_of: date | None, alpha: float) -> None:
        """Nothing to do here: the evaluator submits the evaluation as soon as it is made."""

    def ready(self, article: ArticleRun) -> None:
        """Nothing to do here: each worker's template evaluates the article when it needs to."""

    def execute(self, todo: Sequence[Job], *, show_code: bool, page: Mapping[str, Any],
                progress: bool) -> dict[str, ThemeRun]:  # fmt: skip
        from distributed import as_completed

        futures = {}
        ordered = longest_first(todo)
        for job in ordered:
            spec = {"theme": job.theme, "notebook": str(job.notebook), "page": dict(page),
                    "parameters": job.parameters, "show_code": show_code}  # fmt: skip
            key = f"notebook-{job.key}-{time.monotonic_ns()}"
            future = self.client.submit(remote_execute, spec, pure=False, retries=RETRIES, key=key,
                                        priority=len(ordered) - len(futures))  # fmt: skip
            futures[future] = job
        runs: dict[str, ThemeRun] = {}
        for n, future in enumerate(as_completed(futures), start=1):
            job = futures[future]
            try:
                answer = future.result()
            except Exception as exc:  # the task never finished (its workers kept dying)
                answer = {"error": f"notebook failed on the cluster: {type(exc).__name__}: {exc}"}
            _write_back(job, answer)
            error, seconds = answer.get("error"), float(answer.get("seconds") or 0.0)
            runs[job.key] = ThemeRun(job.theme, "failed" if error else "ok", job.notebook,
                                     error=error, seconds=round(seconds, 2))  # fmt: skip
            if progress:
                line = f"[{n}/{len(todo)}] {job.key}: {error or f'ok ({seconds:.1f} s)'}"
                print(line, file=sys.stderr, flush=True)
        return runs


def _evaluation(future) -> Evaluation | None:
    """An evaluation task's answer (None when it failed: the runner evaluates for itself)."""
    try:
        answer = future.result()
    except Exception:  # a lost task
        return None
    return Evaluation(**answer) if answer else None


def _write_back(job: Job, answer: Mapping[str, Any]) -> None:
    """Write what the task returned into the job's stage, where the runner reads it."""
    targets = {"ipynb": job.stage / f"{job.theme}.ipynb", "html": job.stage / f"{job.theme}.html",
               "results": Path(job.parameters["results_path"])}  # fmt: skip
    for name, path in targets.items():
        if isinstance(answer.get(name), str):
            path.write_text(answer[name], encoding="utf-8")


# ---------------------------------------------------------------- on a worker

_LOCK = threading.Lock()
_TEMPLATE: Any = None  # this worker's template process, started on its first task


def _template():
    """The worker's template process (started once, ended when the worker ends)."""
    global _TEMPLATE
    with _LOCK:
        if _TEMPLATE is None or _TEMPLATE.broken:
            from analysis.run.kernels import WARM_MODULES, Zygote

            _TEMPLATE = Zygote(WARM_MODULES)
            atexit.register(_TEMPLATE.close)
        return _TEMPLATE


def remote_evaluate(snapshot: str, claims: str, as_of: str | None, alpha: float) -> dict | None:
    """A task: the article's claims evaluated in this worker's template (so that its kernels
    inherit them); ``{"records", "seconds"}``, or None when the evaluation fails (the notebooks
    then show why)."""
    from analysis.run.kernels import KernelError

    try:
        records, seconds = _template().prime(snapshot, claims, as_of, alpha)
    except KernelError:
        return None
    return {"records": records, "seconds": seconds}


def remote_execute(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A task: one theme notebook executed in a warm kernel of this worker, its page exported;
    the executed notebook, the page and the results as text, with the error and the seconds."""
    from analysis.run.execute import KERNEL_ARGS, _execute, _quiet_papermill
    from analysis.run.kernels import KernelError, KernelPool

    params = dict(spec["parameters"])
    template = _template()
    try:
        template.prime(params["snapshot"], params["claims"], params["as_of"], params["alpha"])
    except KernelError:
        pass  # the notebook evaluates for itself, and shows why if that fails too
    with tempfile.TemporaryDirectory(prefix="workbook-task-") as tmp:
        stage = Path(tmp)
        params["results_path"] = str(stage / "results.json")
        notebook = Path(spec["notebook"])
        job = Job(spec["theme"], notebook, params, stage=stage, key=spec["theme"])
        with (
            _quiet_papermill(),
            KernelPool(
                notebook.parent, size=1, total=1, extra_arguments=KERNEL_ARGS, zygote=template
            ) as pool,
        ):
            job.kernels = pool
            error, seconds = _execute(job, spec["show_code"], dict(spec["page"]))
        answer: dict[str, Any] = {"error": error, "seconds": seconds}
        for name, path in {"ipynb": stage / f"{job.theme}.ipynb",
                           "html": stage / f"{job.theme}.html",
                           "results": stage / "results.json"}.items():  # fmt: skip
            answer[name] = path.read_text(encoding="utf-8") if path.is_file() else None
        return answer
