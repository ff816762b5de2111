"""``workbook run``: execute the theme notebooks with papermill, export them, write the scorecard.

The contract with the notebooks (``notebooks/<theme>.ipynb``, or ``notebooks/claims.ipynb`` for a
theme without its own): the first code cell is tagged ``parameters`` and declares, with type
annotations, ``snapshot: str``, ``claims: str``, ``as_of: str | None``, ``alpha: float``,
``theme: str``, ``results_path: str | None`` and ``notes_dir: str``; the notebook writes
``{"theme": ..., "claims": [ClaimResult.to_dict(), ...]}`` to ``results_path``, and marks each
claim's section with ``<a id="<claim id>"></a>``.

Everything is checked before a kernel starts (the snapshot, the claims, every notebook's
parameters cell against the values it will get); everything is written into a temporary folder
beside ``out`` that replaces ``out`` only at the end, so a reader never sees a half-written
report. A notebook whose inputs (its bytes, parameters, snapshot, claims, notes, the
``analysis`` code) are unchanged since the last run is reused, not re-executed.

Examples
--------
>>> from analysis.runner import run_all
>>> summary = run_all("data/demo", out="reports/latest", jobs=2)  # doctest: +SKIP
>>> [t.status for t in summary.themes]  # doctest: +SKIP
['ok', 'ok', 'reused', ...]
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

from analysis.claims import DEFAULT_CLAIMS, Registry, load_claims
from analysis.errors import RunError
from analysis.htmlexport import export_notebook, page_banner
from analysis.output import results_document, write_json
from analysis.parameters import CONTRACT, validate_parameters
from analysis.results import ClaimResult, StatResult
from analysis.scorecard import write_scorecard
from analysis.snapshot import PROJECT_ROOT, Snapshot

NOTEBOOKS = PROJECT_ROOT / "notebooks"
NOTES = PROJECT_ROOT / "notes"
DEFAULT_OUT = PROJECT_ROOT / "reports" / "latest"
GENERIC = "claims.ipynb"  # walks through the claims of any theme given as a parameter
CELL_TIMEOUT = 1800  # seconds; a cell that runs longer is a bug, not a slow statistic
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]  # kernel chatter would bury the progress bar
# the parameters every notebook declares and the run sets (see the module docstring)
_FINGERPRINT_VERSION = 1
Status = Literal["ok", "failed", "reused"]


@dataclass(frozen=True, slots=True)
class ThemeRun:
    """The fate of one theme's notebook in a run; paths are in the final ``out`` folder."""

    theme: str
    status: Status
    notebook: Path
    ipynb: Path | None = None
    html: Path | None = None
    error: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What a run wrote: the report folder, its scorecard and results, one entry per theme."""

    out: Path
    index: Path
    results: Path
    snapshot: Path
    themes: tuple[ThemeRun, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def failed(self) -> tuple[ThemeRun, ...]:
        """The themes whose notebook failed."""
        return tuple(t for t in self.themes if t.status == "failed")

    @property
    def ok(self) -> bool:
        """True when every notebook ran (whatever the verdicts)."""
        return not self.failed


@dataclass(slots=True)
class _Job:
    theme: str
    notebook: Path
    parameters: dict[str, Any]
    fingerprint: str = ""


def _outputs(theme: str) -> list[str]:
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
    """SHA-256 over the ``analysis`` package's code (``**/*.py``) and data (``data/*``)."""
    package = Path(__file__).resolve().parent
    files = [p for p in package.rglob("*.py") if "__pycache__" not in p.parts]
    files += [p for p in (package / "data").glob("*") if p.is_file()]
    return _digest(files, package)


def _fingerprint(inputs: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def _reusable(out: Path, theme: str, fingerprint: str) -> bool:
    if not all((out / rel).is_file() for rel in _outputs(theme)):
        return False
    record = out / ".fingerprints" / f"{theme}.json"
    try:
        return json.loads(record.read_text(encoding="utf-8")).get("fingerprint") == fingerprint
    except ValueError:
        return False


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


def _execute(job: _Job, stage: Path, show_code: bool, page: dict) -> tuple[str | None, float]:
    """Run one notebook into ``stage`` and export its page; return ``(error, seconds)``.

    Never raises: papermill writes the notebook up to the failing cell before it raises, and
    that notebook is exported too, so the page shows the error where it happened.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    started, error = time.monotonic(), None
    ipynb = stage / f"{job.theme}.ipynb"
    try:
        papermill.execute_notebook(
            str(job.notebook),
            str(ipynb),
            parameters=job.parameters,
            kernel_name="python3",
            cwd=str(job.notebook.parent),
            progress_bar=False,
            log_output=False,
            execution_timeout=CELL_TIMEOUT,
            extra_arguments=KERNEL_ARGS,
        )
    except PapermillExecutionError as exc:
        error = f"notebook failed: {exc.ename}: {exc.evalue}"
    except Exception as exc:  # a dead kernel, a timeout: report it, run the others
        error = f"notebook failed: {type(exc).__name__}: {exc}"
    if error is None and not Path(job.parameters["results_path"]).is_file():
        error = "notebook failed: it ran but wrote no results to results_path"
    if ipynb.is_file():
        try:
            banner = page_banner(**page, error=(error or "").removeprefix("notebook failed: "))
            export_notebook(ipynb, stage / f"{job.theme}.html", show_code=show_code, banner=banner)
        except Exception as exc:
            error = error or f"HTML export failed: {exc}"
    return error, time.monotonic() - started


def _claim_result(data: Mapping[str, Any]) -> ClaimResult:
    """A :class:`ClaimResult` back from its ``to_dict()`` form (unknown keys are dropped)."""
    names = {f.name for f in fields(ClaimResult)}
    kw = {k: v for k, v in data.items() if k in names}
    stat_names = {f.name for f in fields(StatResult)}
    kw["tests"] = tuple(
        StatResult(
            **{k: (tuple(v) if k == "ci" and v else v) for k, v in t.items() if k in stat_names}
        )
        for t in kw.get("tests") or ()
    )
    for key in ("data", "missing"):
        kw[key] = tuple(kw.get(key) or ())
    if kw.get("date_range"):
        kw["date_range"] = tuple(kw["date_range"])
    return ClaimResult(**kw)


def _error_result(claim, summary: str) -> ClaimResult:
    return ClaimResult(
        id=claim.id,
        theme=claim.theme,
        text=claim.text,
        kind=claim.kind,
        verdict="error",
        summary=summary,
        data=tuple(claim.data),
    )


def _gather(registry: Registry, runs: Sequence[ThemeRun], stage: Path) -> list[ClaimResult]:
    """The run's results in registry order: what each notebook recorded, errors for the rest."""
    by_id: dict[str, ClaimResult] = {}
    for run in runs:
        claims = registry.by_theme(run.theme)
        if run.status == "failed":
            by_id.update({c.id: _error_result(c, run.error or "notebook failed") for c in claims})
            continue
        path = stage / ".results" / f"{run.theme}.json"
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            recorded = {d["id"]: _claim_result(d) for d in doc["claims"]}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problem = f"the notebook wrote unreadable results ({type(exc).__name__}: {exc})"
            by_id.update({c.id: _error_result(c, problem) for c in claims})
            continue
        for claim in claims:
            by_id[claim.id] = recorded.get(claim.id) or _error_result(
                claim, "the notebook wrote no result for this claim"
            )
    return [by_id[c.id] for c in registry.claims if c.id in by_id]


def _replace_folder(stage: Path, out: Path) -> None:
    """Move ``stage`` to ``out``, replacing a previous report in one rename each way.

    The stage was made private (``mkdtemp``, ``mkstemp``); the report gets the usual modes.
    """
    umask = os.umask(0)
    os.umask(umask)
    for path in [stage, *stage.rglob("*")]:
        path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.replace(out, old / out.name)
    os.replace(stage, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise RunError(f"--out {out}: is a file, expected a report folder")
    if out.is_dir() and any(out.iterdir()):
        if not ((out / ".fingerprints").is_dir() or (out / "index.html").is_file()):
            raise RunError(
                f"--out {out}: holds files that are not a workbook report, and a run replaces "
                "its --out folder; choose an empty or new folder"
            )


def _plan(
    themes: Sequence[str], base: Mapping[str, Any], notebooks_dir: Path, out: Path
) -> list[_Job]:
    """One job per theme, every notebook's parameters cell checked against its values."""
    jobs = []
    for theme in themes:
        notebook = notebooks_dir / f"{theme}.ipynb"
        notebook = notebook if notebook.is_file() else notebooks_dir / GENERIC
        if not notebook.is_file():
            raise RunError(
                f"no notebook for theme {theme!r}: neither {theme}.ipynb nor "
                f"{GENERIC} in {notebooks_dir}"
            )
        values = {**base, "theme": theme, "results_path": str(out / ".results" / f"{theme}.json")}
        validate_parameters(notebook, values)
        jobs.append(_Job(theme, notebook.resolve(), values))
    return jobs


def _run_jobs(
    todo: Sequence[_Job], stage: Path, *, jobs: int, show_code: bool, page: dict, progress: bool
) -> dict[str, ThemeRun]:
    """Execute the jobs, ``jobs`` at a time, with a progress bar (a line each when not a tty)."""
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
    workers = ThreadPoolExecutor(max_workers=max(1, min(jobs, len(todo))))
    with _quiet_papermill(), bar, workers as pool:
        futures = {pool.submit(_execute, job, stage, show_code, page): job for job in todo}
        for n, future in enumerate(as_completed(futures), start=1):
            job, (error, seconds) = futures[future], future.result()
            status: Status = "failed" if error else "ok"
            runs[job.theme] = ThemeRun(
                job.theme, status, job.notebook, error=error, seconds=round(seconds, 2)
            )
            if status == "ok":
                record = {"fingerprint": job.fingerprint, "seconds": round(seconds, 2)}
                write_json(stage / ".fingerprints" / f"{job.theme}.json", record)
            bar.update()
            bar.set_postfix_str(f"{job.theme}: {status}")
            line = f"[{n}/{len(todo)}] {job.theme}: {error or f'ok ({seconds:.1f} s)'}"
            if progress and not tty:
                print(line, file=sys.stderr, flush=True)
            elif progress and error:
                bar.write(line, file=sys.stderr)
    return runs


def run_all(
    snapshot: str | Path,
    *,
    claims: str | Path = DEFAULT_CLAIMS,
    as_of: date | str | None = None,
    alpha: float = 0.05,
    only: Sequence[str] | None = None,
    jobs: int | None = None,
    out: str | Path = DEFAULT_OUT,
    force: bool = False,
    show_code: bool = False,
    notebooks_dir: str | Path = NOTEBOOKS,
    notes_dir: str | Path = NOTES,
    parameters: Mapping[str, Any] | None = None,
    warnings: Sequence[str] = (),
    progress: bool = True,
) -> RunSummary:
    """Execute the theme notebooks and write the report folder ``out``.

    Parameters
    ----------
    snapshot, claims
        The snapshot folder and the claims registry.
    as_of
        Evaluate as on this date (ISO string or date); ``None``: all data.
    alpha
        Test level, applied to Benjamini-Hochberg adjusted p-values.
    only
        Run only these themes (the report then holds only their claims).
    jobs
        Notebooks run at once, each in its own kernel (default ``os.cpu_count()``).
    out
        The report folder, replaced as a whole when the run ends.
    force
        Re-execute notebooks whose inputs are unchanged.
    show_code
        Keep code cells in the HTML pages.
    notebooks_dir, notes_dir
        Where the notebooks and the analysts' notes (``<claim id>.md``) are.
    parameters
        More parameters for every notebook (each must be declared by its parameters cell).
    warnings
        Shown at the top of the scorecard (e.g. a failed ``--fresh`` fetch).
    progress
        Show progress on stderr.

    Returns
    -------
    RunSummary

    Raises
    ------
    DataError, ClaimsError
        When the snapshot or the claims are bad (before anything runs).
    RunError, ParameterError
        For a bad argument, or a notebook whose parameters cell refuses its values (before
        anything runs).
    """
    snap, registry = Snapshot(snapshot), load_claims(claims)
    if not 0 < alpha < 1:
        raise RunError(f"alpha must be between 0 and 1, but {alpha!r} was passed")
    jobs = jobs or os.cpu_count() or 1
    if jobs < 1:
        raise RunError(f"jobs must be at least 1, but {jobs} was passed")
    if isinstance(as_of, str):
        try:
            as_of = date.fromisoformat(as_of)
        except ValueError as exc:
            raise RunError(f"as_of {as_of!r} is not an ISO date (YYYY-MM-DD)") from exc
    if unknown := [t for t in only or () if t not in registry.themes]:
        raise RunError(
            f"unknown theme {unknown[0]!r}, expected one of {', '.join(registry.themes)}"
        )
    themes = [t for t in registry.themes if not only or t in only]
    if taken := sorted(set(parameters or ()) & set(CONTRACT)):
        raise RunError(
            f"parameter {taken[0]!r} is set by the run itself, not by --parameter "
            "(use its own option)"
        )
    notebooks_dir, notes_dir, out = Path(notebooks_dir), Path(notes_dir), Path(out).absolute()
    base = {
        "snapshot": str(snap.root.resolve()),
        "claims": str(Path(claims).resolve()),
        "as_of": as_of.isoformat() if as_of else None,
        "alpha": float(alpha),
        "notes_dir": str(notes_dir.resolve()),
        **{k: str(v) if isinstance(v, Path) else v for k, v in (parameters or {}).items()},
    }
    planned = _plan(themes, base, notebooks_dir, out)
    _check_out(out)

    common = {
        "version": _FINGERPRINT_VERSION,
        "snapshot": _tree_digest(snap.root),
        "claims": hashlib.sha256(Path(claims).read_bytes()).hexdigest(),
        "notes": _tree_digest(notes_dir, "*.md"),
        "code": code_digest(),
        "show_code": show_code,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.run-", dir=out.parent))
    try:
        (stage / ".results").mkdir()
        (stage / ".fingerprints").mkdir()
        runs: dict[str, ThemeRun] = {}
        todo = []
        for job in planned:
            inputs = {k: v for k, v in job.parameters.items() if k != "results_path"}
            notebook = hashlib.sha256(job.notebook.read_bytes()).hexdigest()
            job.fingerprint = _fingerprint({**common, "notebook": notebook, "params": inputs})
            if not force and _reusable(out, job.theme, job.fingerprint):
                for rel in _outputs(job.theme):
                    shutil.copy2(out / rel, stage / rel)
                runs[job.theme] = ThemeRun(job.theme, "reused", job.notebook)
            else:
                job.parameters["results_path"] = str(stage / ".results" / f"{job.theme}.json")
                todo.append(job)
        page = {"synthetic": snap.synthetic, "note": snap.describe()}
        runs |= _run_jobs(todo, stage, jobs=jobs, show_code=show_code, page=page, progress=progress)
        ordered = tuple(
            replace(
                runs[t],
                ipynb=out / f"{t}.ipynb" if (stage / f"{t}.ipynb").is_file() else None,
                html=out / f"{t}.html" if (stage / f"{t}.html").is_file() else None,
            )
            for t in themes
        )
        document = results_document(
            _gather(registry, ordered, stage),
            registry=registry,
            snapshot=snap,
            alpha=alpha,
            until=as_of.isoformat() if as_of else None,
        )
        document["run"] = {
            "notebooks": [
                {
                    "theme": r.theme,
                    "status": r.status,
                    "notebook": str(r.notebook),
                    "page": r.html.name if r.html else None,
                    "error": r.error,
                    "seconds": r.seconds,
                }
                for r in ordered
            ],
            "warnings": list(warnings),
            "show_code": show_code,
        }
        write_json(stage / "results.json", document)
        write_scorecard(stage / "index.html", document, snapshot=snap, notes_dir=notes_dir)
        _replace_folder(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return RunSummary(
        out=out,
        index=out / "index.html",
        results=out / "results.json",
        snapshot=snap.root,
        themes=ordered,
        warnings=tuple(warnings),
    )
