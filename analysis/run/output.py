"""The report folder: what ``--out`` may be, and how a run replaces it without losing it.

A report folder is one this program wrote: it holds the marker file :data:`MARKER`. A run writes
into a staging folder beside ``--out`` (``.<name>.run-<pid>-*``) and, once everything is written,
renames the previous report aside (``.<name>.old-<pid>-*``) and the stage into place. ``--out``
is refused (one line, nothing touched) when it is a file, when it is, contains or lies inside the
snapshot, ``notebooks/`` or ``data/``, or when it is a non-empty folder without the marker. A run
killed between the two renames is repaired by the next one: the previous report is put back, and
staging folders whose process is gone are removed.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from analysis.errors import RunError
from analysis.system import process_alive

MARKER = ".workbook-report"
# errors of the disk or the folder, not of a notebook: the run stops and the old report stays
FATAL_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT}


def _related(a: Path, b: Path) -> bool:
    return a == b or a in b.parents or b in a.parents


def check_protected(out: Path, protected: Iterable[Path]) -> None:
    """Refuse an ``--out`` that is, holds or lies inside one of the ``protected`` folders."""
    target = out.resolve()
    for root in protected:
        if _related(target, root.resolve()):
            raise RunError(
                f"--out {out}: is, holds or lies inside {root}, which a run never writes; "
                "choose a folder of its own (default reports/latest)"
            )


def check_out(out: Path, protected: Iterable[Path]) -> None:
    """Refuse an ``--out`` the run does not own (see the module docstring)."""
    check_protected(out, protected)
    if out.exists() and not out.is_dir():
        raise RunError(f"--out {out}: is a file, expected a report folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise RunError(
            f"--out {out}: holds files that are not a workbook report (no {MARKER}), and a run "
            "replaces its --out folder; choose an empty or new folder"
        )

    return True


def _owner(path: Path, kind: str, name: str) -> int | None:
    """The pid in ``.<name>.<kind>-<pid>-*``, or None when the name is not ours."""
    head = f".{name}.{kind}-"
    pid, _, _ = path.name.removeprefix(head).partition("-")
    return int(pid) if path.name.startswith(head) and pid.isdigit() else None


def recover(out: Path) -> list[str]:
    """Put back a previous report left aside by a run killed between its renames, and remove
    the staging folders of runs that are gone; return what was done, a line each."""
    done: list[str] = []
    if not out.parent.is_dir():
        return done
    for path in sorted(out.parent.iterdir()):
        for kind in ("old", "run"):
            pid = _owner(path, kind, out.name)
            if pid is None or process_alive(pid) or not path.is_dir():
                continue
            kept = path / out.name
            if kind == "old" and not out.exists() and (kept / MARKER).is_file():
                os.replace(kept, out)
                done.append(f"restored the previous report at {out} (a run was interrupted)")
            shutil.rmtree(path, ignore_errors=True)
            done.append(f"removed {path.name}, left by an interrupted run")
    return done


def new_stage(out: Path) -> Path:
    """A private staging folder beside ``out``, with the marker in it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.run-{os.getpid()}-", dir=out.parent))
    (stage / MARKER).write_text(json.dumps({"written_by": "workbook run"}) + "\n")
    (stage / ".results").mkdir()
    (stage / ".fingerprints").mkdir()
    return stage


def replace_folder(stage: Path, out: Path) -> None:
    """Move ``stage`` to ``out``, replacing a previous report in one rename each way.

    The stage was made private (``mkdtemp``, ``mkstemp``); the report gets the usual modes.
    """
    umask = os.umask(0)
    os.umask(umask)
    for path in [stage, *stage.rglob("*")]:
        path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-{os.getpid()}-", dir=out.parent))
        os.replace(out, old / out.name)
    os.replace(stage, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def fatal(exc: BaseException) -> bool:
    """Whether ``exc`` is the disk's or the folder's fault (full, read-only, no permission)."""
    return isinstance(exc, OSError) and exc.errno in FATAL_ERRNOS
