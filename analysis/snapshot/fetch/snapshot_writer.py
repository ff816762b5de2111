"""Write a fetched snapshot atomically: all of it, checked, or nothing at all.

:func:`fetch_snapshot` downloads into a hidden temporary folder beside the destination
(``.<name>.partial-<pid>``, in the same parent so the final :func:`os.rename` is atomic and
``default_snapshot`` never picks it), writes ``manifest.json``, validates the folder with
:meth:`analysis.snapshot.Snapshot.check` (the code behind ``workbook snapshot check``) and only
then renames it into place. On any failure, Ctrl-C or SIGTERM the temporary folder is removed
and nothing is left at the destination. Previous snapshots are never touched. The whole fetch
runs within ``policy.total_seconds`` (``WORKBOOK_FETCH_TOTAL_SECONDS``): a file still arriving
when it runs out is a failure like any other.

Examples
--------
>>> from datetime import date
>>> from analysis.snapshot.fetch.snapshot_writer import fetch_snapshot
>>> fetch_snapshot(  # doctest: +SKIP
...     "data/snapshots/20260201T060000Z",
...     {"fred": ["DGS10"]},
...     start=date(2000, 1, 1),
...     end=date(2026, 1, 31),
... )
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from pathlib import Path

import requests

from analysis.errors import WorkbookError
from analysis.snapshot import Snapshot
from analysis.snapshot.fetch.policy import ENV, Deadline, FetchError, FetchPolicy, Missing
from analysis.snapshot.fetch.sources import SOURCES, Fetched, new_session
from analysis.snapshot.manifest import (
    Manifest,
    MissingEntry,
    describe_file,
    utc_now,
    write_manifest,
)
from analysis.system import process_alive

PACKAGES = ("pandas", "requests", "tenacity", "yfinance", "workbook")
_PARTIAL = re.compile(r"^\.(?P<name>.+)\.partial-(?P<pid>\d+)$")


class SnapshotRefused(WorkbookError):
    """The fetched folder is not a valid snapshot (or holds nothing); it was not kept."""


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived during a fetch; ``signum`` says which."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


@dataclass(frozen=True, slots=True)
class FetchReport:
    """What a fetch wrote: the snapshot folder, its files and what the providers lacked."""

    out: Path
    files: list[Fetched]
    missing: list[MissingEntry]
    seconds: float


def partial_folder(out: Path) -> Path:
    """The temporary folder a fetch into ``out`` writes to (hidden, beside ``out``)."""
    return out.parent / f".{out.name}.partial-{os.getpid()}"


def stale_partials(parent: Path) -> list[Path]:
    """Temporary folders left by fetches that were killed outright (SIGKILL, power loss)."""
    found = []
    if parent.is_dir():
        for path in sorted(parent.iterdir()):
            match = _PARTIAL.match(path.name)
            if match and path.is_dir() and not process_alive(int(match["pid"])):
                found.append(path)
    return found

    return True


def package_versions() -> dict[str, str]:
    """Versions of the packages that shaped the files, for the manifest."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@contextlib.contextmanager
def signals_interrupt() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into :class:`Interrupted` for the duration (main thread only).

    After the first signal both are ignored, so the clean-up that follows is not cut short;
    the previous handlers are restored on exit.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Interrupted(signum)

    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    for s in previous:
        signal.signal(s, handler)
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def fetch_snapshot(
    out: str | Path,
    items: Mapping[str, list[str]],
    *,
    start: date,
    end: date,
    strict: bool = False,
    policy: FetchPolicy | None = None,
    session: requests.Session | None = None,
    base_urls: Mapping[str, str] | None = None,
    echo: Callable[[str], None] | None = None,
) -> FetchReport:
    """Fetch ``items`` into a new snapshot at ``out``, atomically.

    Parameters
    ----------
    out
        The snapshot folder to create; it must not exist.
    items
        Source name (``fred``, ``yahoo``, ``french``) to the identifiers to fetch.
    start, end
        The date range asked of FRED and Yahoo, both ends included.
    strict
        Fail when a provider does not have an identifier (default: record it as missing).
    policy
        Timeouts and retries (default: :meth:`FetchPolicy.from_env`).
    session
        The HTTP session (default: a new one).
    base_urls
        Source name to base URL, overriding ``WORKBOOK_FRED_URL`` / ``WORKBOOK_FRENCH_URL``.
    echo
        Called with one progress line per file (and per retry).

    Returns
    -------
    FetchReport

    Raises
    ------
    FileExistsError
        When ``out`` exists (nothing is fetched).
    FetchError
        When a provider stays down, answers something unusable, passes a bound (a body's size,
        a file's or the fetch's time budget), or (``strict``) lacks an item.
    SnapshotRefused
        When nothing could be fetched, or the folder does not pass ``Snapshot.check``.
    Interrupted
        On SIGINT or SIGTERM. In every failing case nothing is left at ``out``.
    """
    out = Path(out)
    if out.exists() or out.is_symlink():
        raise FileExistsError(f"{out} already exists; a fetch never overwrites a snapshot")
    say = echo or (lambda line: None)
    policy = policy or FetchPolicy.from_env()
    own_session = session is None
    session = session or new_session()
    base_urls = base_urls or {}
    started = time.monotonic()
    deadline = Deadline.after(policy.total_seconds, ENV["total_seconds"], "fetch")
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in stale_partials(out.parent):
        say(f"note: {stale} is left from a fetch that was killed; it is safe to delete")
    tmp = partial_folder(out)
    with signals_interrupt():
        try:
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir()
            files, missing = _fetch_all(
                tmp, items, start, end, strict, policy, session, base_urls, say, deadline
            )
            _write_manifest(tmp, files, missing, items, start, end)
            if out.exists():
                raise FileExistsError(f"{out} appeared during the fetch; not replaced")
            os.rename(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        finally:
            if own_session:
                session.close()
    return FetchReport(out=out, files=files, missing=missing, seconds=time.monotonic() - started)


def _fetch_all(
    tmp: Path,
    items: Mapping[str, list[str]],
    start: date,
    end: date,
    strict: bool,
    policy: FetchPolicy,
    session: requests.Session,
    base_urls: Mapping[str, str],
    say: Callable[[str], None],
    deadline: Deadline | None = None,
) -> tuple[list[Fetched], list[MissingEntry]]:
    files: list[Fetched] = []
    missing: list[MissingEntry] = []
    total = sum(len(ids) for ids in items.values())
    done = 0
    for name, identifiers in items.items():
        source = SOURCES[name](
            policy=policy,
            session=session,
            base_url=base_urls.get(name),
            on_retry=lambda line: say(f"  {line}"),
            deadline=deadline,
        )
        for identifier in identifiers:
            done += 1
            rel = source.rel(identifier)
            try:
                got = source.fetch(identifier, tmp, start, end)
            except Missing as exc:
                if strict:
                    raise FetchError(
                        source.label, identifier, f"not available ({exc.reason}); --strict is set"
                    ) from exc
                missing.append(MissingEntry(source=name, identifier=identifier, reason=exc.reason))
                say(f"[{done}/{total}] {rel}: missing ({exc.reason})")
                continue
            files.append(got)
            span = f"{got.first_date}..{got.last_date}" if got.rows else "no rows"
            tries = f", {got.attempts} attempts" if got.attempts > 1 else ""
            say(f"[{done}/{total}] {rel}: {got.rows} rows {span} ({got.seconds:.1f} s{tries})")
    return files, missing


def _write_manifest(
    tmp: Path,
    files: list[Fetched],
    missing: list[MissingEntry],
    items: Mapping[str, list[str]],
    start: date,
    end: date,
) -> None:
    if not files:
        asked = ", ".join(f"{name} ({len(ids)})" for name, ids in items.items()) or "nothing"
        raise SnapshotRefused(
            f"no file could be fetched (asked: {asked}; every item is missing), "
            "so no snapshot was written"
        )
    for folder in tmp.iterdir():
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()  # a layout whose every item was missing
    entries = {
        f.rel: describe_file(
            tmp,
            f.rel,
            source=f.source,
            identifier=f.identifier,
            url=f.url,
            retrieved_at=f.retrieved_at,
        )
        for f in files
    }
    dated = [SOURCES[name].label for name in items if name != "french"]
    what = [f"{' and '.join(dated)} from {start} to {end}"] if dated else []
    if "french" in items:
        what.append("Ken French's data library (whole files)")
    manifest = Manifest(
        created_at=utc_now(),
        synthetic=False,
        description=f"Market data fetched by `workbook fetch`: {'; '.join(what)}.",
        generator=f"workbook fetch {package_versions()['workbook']}",
        files=entries,
        missing=missing,
        packages=package_versions(),
    )
    write_manifest(tmp, manifest)
    problems = Snapshot(tmp).check()
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise SnapshotRefused(f"the fetched folder does not check clean: {problems[0]}{more}")
