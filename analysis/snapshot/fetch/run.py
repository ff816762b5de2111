"""A whole fetch for a claims file: the plan, the download into a new folder, what to tell.

The command line (``workbook fetch`` and ``workbook run --fresh``) calls :func:`fetch_for_claims`
and :func:`fetch_fresh`; every failure is a :class:`~analysis.errors.WorkbookError` with its exit
status (2 bad arguments, 1 a provider, 128 + signal when interrupted) and nothing at ``out``.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from analysis import paths
from analysis.claims import load_claims
from analysis.errors import FetchFailed, WorkbookError
from analysis.snapshot.fetch.plan import FetchPlan, plan_fetch
from analysis.snapshot.fetch.policy import FetchError, FetchPolicy
from analysis.snapshot.fetch.snapshot_writer import Interrupted, SnapshotRefused, fetch_snapshot
from analysis.snapshot.fetch.sources import SOURCES

DEFAULT_START = date(2000, 1, 1)


def default_out() -> Path:
    """A new folder under ``data/snapshots/`` named by the UTC time (``20260201T060000Z``)."""
    return paths.SNAPSHOTS / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def describe_plan(plan: FetchPlan, claims: Path, start: date, end: date, out: Path) -> list[str]:
    """The lines ``workbook fetch --dry-run`` prints: per source, where from and what."""
    lines = [f"fetch plan for {claims}: {start} to {end}, into {out}"]
    for name, ids in plan.items.items():
        source = SOURCES[name]
        url = (os.environ.get(source.env, "").strip() if source.env else "") or source.default_url
        where = f"from {url.rstrip('/')}" if url else "via yfinance"
        note = ""
        if name == "french":
            note = " (whole files, not cut to the dates)"
            if plan.french_default:
                note += "; the default file, as no claim names a french/ file"
        lines.append(f"{name} ({len(ids)}) {where}{note}: {' '.join(ids) or '-'}")
    lines += [
        f"not selected: {name} ({len(ids)}): {' '.join(ids)}"
        for name, ids in plan.skipped.items()
        if ids
    ]
    if plan.user:
        lines.append(
            f"not fetched: {' '.join(plan.user)} (user/ files are data you bring yourself, "
            "licensed or hand-entered; their checks say needs_data until they are added)"
        )
    return lines


def prepare(
    claims: Path, sources: Sequence[str], start: date, end: date, out: Path | None
) -> tuple[FetchPlan, FetchPolicy, Path]:
    """Check the arguments and plan the fetch; every problem is a one-line error (exit 2)."""
    if start > end:
        raise WorkbookError(f"--start {start} is after --end {end}")
    out = out if out is not None else default_out()
    if out.exists() or out.is_symlink():
        raise WorkbookError(f"--out {out} already exists; a fetch never overwrites a snapshot")
    try:
        return plan_fetch(load_claims(claims), list(sources)), FetchPolicy.from_env(), out
    except ValueError as exc:
        raise WorkbookError(str(exc)) from exc


def fetch_for_claims(
    plan: FetchPlan,
    policy: FetchPolicy,
    out: Path,
    *,
    start: date,
    end: date,
    strict: bool,
    echo: Callable[[str], None],
) -> Path:
    """Download the plan into the new folder ``out`` and return it.

    Raises :class:`~analysis.errors.FetchFailed` (exit 1, or 128 + signal) saying what was left.
    """
    if plan.user:
        echo(f"not fetched (user/ files, bring them yourself): {' '.join(plan.user)}")
    echo(f"fetching {plan.count} files ({start} to {end}) into {out}")
    started = time.monotonic()
    try:
        report = fetch_snapshot(
            out, plan.items, start=start, end=end, strict=strict, policy=policy, echo=echo
        )
    except (FetchError, SnapshotRefused, OSError) as exc:  # OSError: --out raced, disk full
        raise FetchFailed(f"{exc} (nothing written at {out})") from exc
    except KeyboardInterrupt as exc:
        signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
        # --out did not exist before the fetch: if it does now, the rename had just happened.
        outcome = (
            f"the snapshot at {out} had just been written and is complete"
            if out.exists()
            else f"nothing written at {out}"
        )
        name = signal.Signals(signum).name
        raise FetchFailed(f"interrupted by {name}; {outcome}", 128 + signum) from exc
    missing = f", {len(report.missing)} missing" if report.missing else ""
    elapsed = time.monotonic() - started
    echo(f"snapshot: {report.out} ({len(report.files)} files{missing}, {elapsed:.1f} s)")
    return Path(report.out)


def fetch_fresh(claims: Path, echo: Callable[[str], None]) -> tuple[Path | None, str | None]:
    """``workbook run --fresh``: everything the claims need, 2000-01-01 to today (UTC), into a
    new folder; on any failure ``(None, why)``, and the run falls back to an older snapshot."""
    try:
        start, end = DEFAULT_START, datetime.now(UTC).date()
        plan, policy, out = prepare(claims, list(SOURCES), start, end, None)
        return fetch_for_claims(
            plan, policy, out, start=start, end=end, strict=False, echo=echo
        ), None
    except Exception as exc:  # the network, a provider, a parse: fall back, loudly
        cause = exc.__cause__ if isinstance(exc, FetchFailed) and exc.__cause__ else exc
        return None, f"{type(cause).__name__}: {cause}"
