"""``workbook fetch``: fresh data from FRED, Yahoo and Ken French into a new snapshot folder.

Register it on the main group with ``main.add_command(fetch_cmd)``; it also runs on its own as
``python -m analysis.fetch``.

Exit status: 0 when the snapshot was written (or ``--dry-run`` listed the plan); 1 when a
provider stayed down, answered something unusable, lacked an item under ``--strict``, or the
fetch was interrupted (130 for Ctrl-C, 143 for SIGTERM); 2 for bad arguments (including an
``--out`` that exists). Every failure is one line on stderr and leaves nothing at ``--out``.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import UTC, date, datetime
from pathlib import Path

import click
from rich.console import Console

from analysis import snapshot as snapshot_module
from analysis.claims import load_claims
from analysis.errors import WorkbookError
from analysis.fetch.plan import FetchPlan, plan_fetch
from analysis.fetch.policy import FetchError, FetchPolicy
from analysis.fetch.snapshot_writer import Interrupted, SnapshotRefused, fetch_snapshot
from analysis.fetch.sources import SOURCES
from analysis.options import claims_option

DEFAULT_START = date(2000, 1, 1)
_DATE = click.DateTime(formats=["%Y-%m-%d"])


class _ArgumentError(click.ClickException):
    """Bad arguments: one line on stderr, exit status 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"fetch: {self.format_message()}", err=True)


class _Failure(_ArgumentError):
    """The fetch failed: one line on stderr, exit status 1 (or 128 + signal)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def expand_sources(args: list[str]) -> list[str]:
    """Let ``--sources fred yahoo`` (space-separated, as in DESIGN.md) mean ``--sources fred
    --sources yahoo``: the command takes no positional argument, so a bare word after
    ``--sources`` can only be another source.
    """
    out: list[str] = []
    taking = False
    skip_value = False
    for arg in args:
        if skip_value:
            out.append(arg)
            skip_value = False
            continue
        if arg == "--":
            taking = False
            out.append(arg)
        elif arg == "--sources":
            out.append(arg)
            skip_value = taking = True
        elif arg.startswith("--sources="):
            out.append(arg)
            taking = True
        elif taking and not arg.startswith("-"):
            out.extend(["--sources", arg])
        else:
            taking = False
            out.append(arg)
    return out


class _FetchCommand(click.Command):
    """Accepts space-separated ``--sources`` and turns usage errors into one line (exit 2)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, expand_sources(list(args)))
        except click.UsageError as exc:
            raise _ArgumentError(exc.format_message()) from exc


def _sources(values: tuple[str, ...]) -> list[str]:
    names = [v.strip().lower() for value in values for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in SOURCES]
    if unknown:
        raise _ArgumentError(
            f"--sources {unknown[0]!r} is not a source, expected any of {', '.join(SOURCES)}"
        )
    return list(dict.fromkeys(names)) or list(SOURCES)


def default_out() -> Path:
    return snapshot_module.SNAPSHOTS / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _print_plan(plan: FetchPlan, claims: Path, start: date, end: date, out: Path) -> None:
    click.echo(f"fetch plan for {claims}: {start} to {end}, into {out}")
    for name, ids in plan.items.items():
        source = SOURCES[name]
        url = (os.environ.get(source.env, "").strip() if source.env else "") or source.default_url
        where = f"from {url.rstrip('/')}" if url else "via yfinance"
        note = ""
        if name == "french":
            note = " (whole files, not cut to the dates)"
            if plan.french_default:
                note += "; the default file, as no claim names a french/ file"
        click.echo(f"{name} ({len(ids)}) {where}{note}: {' '.join(ids) or '-'}")
    for name, ids in plan.skipped.items():
        if ids:
            click.echo(f"not selected: {name} ({len(ids)}): {' '.join(ids)}")
    if plan.user:
        click.echo(
            f"not fetched: {' '.join(plan.user)} (user/ files are data you bring yourself, "
            "licensed or hand-entered; their checks say needs_data until they are added)"
        )


@click.command("fetch", cls=_FetchCommand, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--sources",
    "sources",
    multiple=True,
    metavar="SOURCE[,SOURCE]",
    help="Providers to fetch from: fred, yahoo, french. Repeat the option, separate with "
    "commas or spaces (--sources fred french). Default: all three.",
)
@click.option(
    "--start",
    type=_DATE,
    default=DEFAULT_START.isoformat(),
    show_default=True,
    help="First date asked of FRED and Yahoo: far enough back for every check's history "
    "(records and percentiles compare against all earlier windows).",
)
@click.option(
    "--end", type=_DATE, default=None, help="Last date asked, included (default: today, UTC)."
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="The new snapshot folder; must not exist "
    "(default: data/snapshots/<UTC time YYYYMMDDTHHMMSSZ>/).",
)
@claims_option("The claims registry whose data needs say what to fetch.")
@click.option(
    "--dry-run", is_flag=True, help="List what would be fetched, per source; fetch nothing."
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail when a provider lacks a series or symbol (default: record it as missing).",
)
def fetch_cmd(sources, start, end, out, claims_path, dry_run, strict) -> None:
    """Fetch fresh data for the claims into a new snapshot folder.

    \b
    What is fetched follows from the claims' data needs:
      fred/<ID>.csv        FRED series <ID> (fredgraph.csv, stored as served)
      prices/<SYMBOL>.csv  Yahoo symbol <SYMBOL> (yfinance, Close and Adj Close)
      french/<NAME>.csv    Ken French file <NAME> (unzipped, stored as served)
      user/<NAME>.csv      not fetched: data you bring yourself

    The folder is written beside --out under a hidden temporary name, checked like
    `workbook snapshot check`, given a manifest.json (source, URL, time, sha256, rows and
    dates per file; what the providers lacked under "missing") and renamed into place. On any
    failure, Ctrl-C or SIGTERM nothing is left at --out. Progress goes to stderr; the new
    folder's path is printed on stdout.

    \b
    Environment: WORKBOOK_FRED_URL, WORKBOOK_FRENCH_URL (mirrors, test servers);
    WORKBOOK_FETCH_MAX_SECONDS (time budget per file, retries included),
    WORKBOOK_FETCH_BACKOFF (first retry wait), WORKBOOK_FETCH_TIMEOUT (read timeout),
    WORKBOOK_FETCH_ATTEMPTS (attempts per file).

    Exit status: 0 written (or listed); 1 a provider failed, or --strict and something is
    missing; 2 bad arguments; 130/143 interrupted.
    """
    names = _sources(sources)
    start_day = start.date()
    end_day = end.date() if end else datetime.now(UTC).date()
    if start_day > end_day:
        raise _ArgumentError(f"--start {start_day} is after --end {end_day}")
    out = out if out is not None else default_out()
    if out.exists() or out.is_symlink():
        raise _ArgumentError(f"--out {out} already exists; a fetch never overwrites a snapshot")
    try:
        policy = FetchPolicy.from_env()
        plan = plan_fetch(load_claims(claims_path), names)
    except (ValueError, WorkbookError) as exc:
        raise _ArgumentError(str(exc)) from exc
    if dry_run:
        _print_plan(plan, claims_path, start_day, end_day, out)
        return
    console = Console(stderr=True, highlight=False, soft_wrap=True)

    def echo(line: str) -> None:
        console.print(line, markup=False)

    if plan.user:
        echo(f"not fetched (user/ files, bring them yourself): {' '.join(plan.user)}")
    echo(f"fetching {plan.count} files ({start_day} to {end_day}) into {out}")
    started = time.monotonic()
    try:
        report = fetch_snapshot(
            out, plan.items, start=start_day, end=end_day, strict=strict, policy=policy, echo=echo
        )
    except (FetchError, SnapshotRefused, OSError) as exc:  # OSError: --out raced, disk full
        raise _Failure(f"{exc} (nothing written at {out})") from exc
    except KeyboardInterrupt as exc:
        signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
        # --out did not exist before the fetch: if it does now, the rename had just happened.
        outcome = (
            f"the snapshot at {out} had just been written and is complete"
            if out.exists()
            else f"nothing written at {out}"
        )
        raise _Failure(
            f"interrupted by {signal.Signals(signum).name}; {outcome}", 128 + signum
        ) from exc
    missing = f", {len(report.missing)} missing" if report.missing else ""
    echo(
        f"snapshot: {report.out} ({len(report.files)} files{missing}, "
        f"{time.monotonic() - started:.1f} s)"
    )
    click.echo(str(report.out))
