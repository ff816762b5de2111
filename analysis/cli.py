"""The ``workbook`` command line (see DESIGN.md, "Commands").

Exit status: 0 on success, 2 for bad arguments or bad data (one line on stderr naming the file,
the line or field, and what was expected).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from analysis.claims import DEFAULT_CLAIMS, load_claims
from analysis.errors import WorkbookError
from analysis.snapshot import Snapshot, default_snapshot


def _fail(message: str) -> None:
    click.echo(f"workbook: {message}", err=True)
    sys.exit(2)


class _Group(click.Group):
    """Turns any :class:`WorkbookError` into its one-line message and exit status 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except WorkbookError as exc:
            _fail(str(exc))


def _open_snapshot(path: Path | None) -> Snapshot:
    if path is None:
        path, why = default_snapshot()
        click.echo(f"snapshot: {path} ({why})", err=True)
    return Snapshot(path)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="workbook")
def main() -> None:
    """Check what a market article claims against data, with the statistics shown."""


@main.group(cls=_Group)
def snapshot() -> None:
    """Inspect snapshot folders."""


@snapshot.command("check")
@click.argument("path", type=click.Path(path_type=Path))
def snapshot_check(path: Path) -> None:
    """Validate every file of the snapshot at PATH (and its manifest); writes nothing.

    Prints one line per problem; exits 0 when clean, 2 otherwise.
    """
    snap = Snapshot(path)
    problems = snap.check()
    for problem in problems:
        click.echo(f"{snap.root}/{problem}")
    if problems:
        click.echo(f"{len(problems)} problem(s) in {len(snap.files)} file(s)", err=True)
        sys.exit(2)
    click.echo(f"ok: {snap.describe()}")


@main.command("claims")
@click.option(
    "--claims",
    "claims_path",
    type=click.Path(path_type=Path),
    default=DEFAULT_CLAIMS,
    show_default="data/claims/russell2000_2026.yaml",
    help="The claims registry.",
)
@click.option(
    "--snapshot",
    "snapshot_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Show whether this snapshot has each claim's files.",
)
def claims_cmd(claims_path: Path, snapshot_path: Path | None) -> None:
    """List the claims: id, theme, check kind, the files each needs, and whether they are there."""
    registry = load_claims(claims_path)
    snap = Snapshot(snapshot_path) if snapshot_path is not None else None
    table = Table(
        title=f"{registry.article.title} ({len(registry.claims)} claims, "
        f"as of {registry.article.as_of})"
    )
    for col in ("id", "theme", "kind", "needs"):
        table.add_column(col)
    if snap is not None:
        table.add_column(f"in {snap.root}")
    for claim in registry.claims:
        row = [claim.id, claim.theme, claim.kind, " ".join(claim.data)]
        if snap is not None:
            missing = [f for f in claim.data if not snap.has(f)]
            row.append("yes" if not missing else "missing " + " ".join(missing))
        table.add_row(*row)
    Console(width=200 if not sys.stdout.isatty() else None).print(table)
