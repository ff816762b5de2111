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

from analysis.claims import load_claims
from analysis.errors import WorkbookError
from analysis.options import alpha_option, as_of_option, claims_option, snapshot_option
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


@main.command("check")
@snapshot_option
@as_of_option
@claims_option()
@click.option(
    "--json",
    "json_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the results here in the results.json schema.",
)
@alpha_option
def check_cmd(snapshot_path, as_of, claims_path, json_path, alpha) -> None:
    """Evaluate every claim in-process and print a verdict table (exit 0 whatever the verdicts)."""
    from analysis.checks import Context, evaluate_all
    from analysis.output import print_table, results_document, write_json

    registry = load_claims(claims_path)
    snap = _open_snapshot(snapshot_path)
    until = as_of.date() if as_of else None
    results = evaluate_all(registry, snap, Context(until=until, alpha=alpha))
    title = f"{registry.article.title}: {len(results)} claims on {snap.describe()}"
    if snap.synthetic:
        title = "SYNTHETIC DEMO DATA, NOT MARKET DATA. " + title
    print_table(results, title=title)
    if json_path is not None:
        doc = results_document(
            results,
            registry=registry,
            snapshot=snap,
            alpha=alpha,
            until=until.isoformat() if until else None,
        )
        click.echo(f"results: {write_json(json_path, doc)}")


@main.command("claims")
@claims_option()
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


def _register_subcommands() -> None:
    """Commands that live in their own modules (imported here, after ``main`` exists)."""
    from analysis.fetch.command import fetch_cmd
    from analysis.run_command import run_cmd

    main.add_command(run_cmd)
    main.add_command(fetch_cmd)


_register_subcommands()
