"""Execution: each notebook through papermill in a warm kernel of its own, then its HTML page.

The kernels come from a :class:`~analysis.run.kernels.KernelPool`: forked from a template
process that imported the analysis stack once, started ahead while the previous notebooks run,
one kernel per notebook, shut down after it. The working folder, the parameters, the cell
timeout and the error handling are papermill's, as with a kernel it starts itself.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager, nullcontext
from functools import partial
from pathlib import Path

import papermill
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError

from analysis.report.htmlexport import export_notebook, page_banner
from analysis.run.kernels import KernelError, KernelPool, Zygote
from analysis.run.model import Job, Status, ThemeRun, longest_first
from analysis.run.output import fatal

CELL_TIMEOUT = 1800  # seconds; a cell that runs longer is a bug, not a slow statistic
KERNEL_NAME = "python3"  # this Python's ipykernel: the template forks it
# kernel chatter would bury the progress bar; IPython's input history is for people typing: a
# notebook run keeps none, so parallel kernels do not contend for one history.sqlite ("database
# is locked", ipython/ipython#10753 and #12202) and none imports sqlite3 or opens it as it starts
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.enabled=False"]


class SavedAtEndEngine(NBClientEngine):
    """papermill's nbclient engine, but the executed notebook is written as it starts and as it
    ends, not also as each cell starts and ends: some 25 writes of the whole notebook, its
    charts and all, per notebook, that nobody reads (the run's notebooks are staged, and shown
    only once the run is over). papermill writes the notebook it returns, or the one with a
    failing cell; a timeout or a dead kernel raises past both, so the notebook is then written
    by papermill's ``notebook_complete``, up to where it stopped, for its page."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        path, nb_man.output_path = nb_man.output_path, None  # the cells' saves write nothing
        try:
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
        except BaseException:
            nb_man.output_path = path  # for notebook_complete, which papermill calls next
            raise


ENGINE = "workbook"
papermill_engines.register(ENGINE, SavedAtEndEngine)


@contextmanager
def _quiet_papermill() -> Iterator[None]:
    """papermill warns "Passed unknown parameter" for ``str | None``: the runner checks itself."""
    logger = logging.getLogger("papermill")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextmanager
def _kernel(job: Job) -> Iterator[object | None]:
    """The job's warm kernel from its pool, shut down after the notebook; or None: papermill
    then starts one itself (no pool, or the pool could not start one: papermill then tries,
    and its error is the notebook's, as without warm kernels)."""
    try:
        km = job.kernels.acquire() if job.kernels is not None else None
    except KernelError:
        km = None
    if job.announce is not None:  # as the notebook starts, not while it waits for a kernel
        job.announce()
    try:
        yield km
    finally:
        if km is not None:
            job.kernels.release(km)


def _pool(todo: Sequence[Job], jobs: int, template: Zygote | None) -> KernelPool | None:
    """A pool of warm kernels for the jobs (those whose notebooks share its folder use it),
    forked from ``template`` when given (else from a template process of its own)."""
    if not todo:
        return None
    cwd = todo[0].notebook.parent
    mine = [job for job in todo if job.notebook.parent == cwd]
    pool = KernelPool(cwd, size=min(jobs, len(mine)), total=len(mine), extra_arguments=KERNEL_ARGS,
                      zygote=template)  # fmt: skip
    for job in mine:
        job.kernels = pool
    return pool


def _execute(job: Job, show_code: bool, page: dict) -> tuple[str | None, float]:
    """Run one notebook into its job's stage and export its page; return ``(error, seconds)``.

    Never raises: papermill writes the notebook up to the failing cell before it raises, and
    that notebook is exported too, so the page shows the error where it happened.
    """
    started, error, stage = time.monotonic(), None, job.stage
    ipynb = stage / f"{job.theme}.ipynb"
    try:
        with _kernel(job) as km:
            started = time.monotonic()  # the wait for a free kernel is not the notebook's time
            papermill.execute_notebook(
                str(job.notebook),
                str(ipynb),
                parameters=job.parameters,
                kernel_name=KERNEL_NAME,
                engine_name=ENGINE,
                cwd=str(job.notebook.parent),
                progress_bar=False,
                log_output=False,
                execution_timeout=CELL_TIMEOUT,
                extra_arguments=KERNEL_ARGS,
                km=km,
            )
    except PapermillExecutionError as exc:
        error = f"notebook failed: {exc.ename}: {exc.evalue}"
    except Exception as exc:  # a dead kernel, a timeout: report it, run the others
        if fatal(exc):  # a full or read-only disk is no notebook's failure: stop the run
            raise
        error = f"notebook failed: {type(exc).__name__}: {exc}"
    if error is None and not Path(job.parameters["results_path"]).is_file():
        error = "notebook failed: it ran but wrote no results to results_path"
    if ipynb.is_file():
        try:
            banner = page_banner(**page, error=(error or "").removeprefix("notebook failed: "))
            export_notebook(ipynb, stage / f"{job.theme}.html", show_code=show_code, banner=banner)
        except Exception as exc:
            if fatal(exc):
                raise
            error = error or f"HTML export failed: {exc}"
    return error, time.monotonic() - started


@contextmanager
def _stopping(pool: ThreadPoolExecutor, kernels: KernelPool | None) -> Iterator[None]:
    """On Ctrl-C (or any error that ends the run), no notebook starts any more and those
    running end with their kernels, killed: leaving the block would otherwise wait for every
    notebook queued (the run's report is not written anyway; the previous one is kept)."""
    try:
        yield
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        if kernels is not None:
            kernels.stop()
        raise


def run_jobs(
    todo: Sequence[Job],
    *,
    jobs: int,
    show_code: bool,
    page: dict,
    progress: bool,
    template: Zygote | None = None,
) -> dict[str, ThemeRun]:
    """Execute the jobs, ``jobs`` at a time, each into its stage, with a progress bar (a line
    each when not a tty); their fates by job key."""
    from tqdm import tqdm

    tty = sys.stderr.isatty()
    runs: dict[str, ThemeRun] = {}
    bar = tqdm(
        total=len(todo),
        desc="notebooks",
        unit="nb",
        file=sys.stderr,
        disable=not (progress and tty and todo),
        dynamic_ncols=True,
    )
    kernels = _pool(todo, jobs, template)
    # with every kernel from the pool (at most `jobs` in use), twice as many threads: a page is
    # exported while the next notebook already runs in the kernel its notebook left free
    pooled = kernels is not None and all(job.kernels is kernels for job in todo)
    workers = ThreadPoolExecutor(max_workers=max(1, min(jobs * (1 + pooled), len(todo))))

    def work(job: Job) -> tuple[str | None, float]:
        if progress and not tty:  # a line as each starts: the first ends after a while
            job.announce = partial(print, f"[start] {job.key}", file=sys.stderr, flush=True)
        return _execute(job, show_code, page)

    with (
        _quiet_papermill(),
        bar,
        kernels or nullcontext(),
        workers as pool,
        _stopping(pool, kernels),
    ):
        futures = {pool.submit(work, job): job for job in longest_first(todo)}
        for n, future in enumerate(as_completed(futures), start=1):
            job, (error, seconds) = futures[future], future.result()
            status: Status = "failed" if error else "ok"
            runs[job.key] = ThemeRun(
                job.theme, status, job.notebook, error=error, seconds=round(seconds, 2)
            )
            bar.update()
            bar.set_postfix_str(f"{job.key}: {status}")
            line = f"[{n}/{len(todo)}] {job.key}: {error or f'ok ({seconds:.1f} s)'}"
            if progress and not tty:
                print(line, file=sys.stderr, flush=True)
            elif progress and error:
                bar.write(line, file=sys.stderr)
    return runs
