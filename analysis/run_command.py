"""The ``workbook run`` command (register it with ``main.add_command(run_cmd)``).

Exit status: 0 when every notebook ran, whatever the verdicts; 1 when a notebook failed (the
others still ran and are in the report); 2 for bad arguments or bad data, with one line on
stderr. The command handles its own :class:`~analysis.errors.WorkbookError` (exit 2) so it
behaves the same in any click group.
"""

from __future__ import annotations

from pathlib import Path

import click
import yaml

from analysis.claims import load_claims
from analysis.errors import WorkbookError
from analysis.options import alpha_option, as_of_option, claims_option, snapshot_option
from analysis.runner import DEFAULT_OUT, NOTEBOOKS, NOTES, RunError, run_all
from analysis.snapshot import default_snapshot


def _fetch_fresh(claims_path: Path) -> tuple[Path | None, str | None]:
    """Fetch a fresh snapshot of what the claims need (2000-01-01 to today, UTC) into
    ``data/snapshots/<UTC time>/``; on failure return ``(None, why)`` and the run falls back."""
    from datetime import UTC, datetime

    from analysis.fetch import fetch_snapshot
    from analysis.fetch.command import DEFAULT_START, default_out
    from analysis.fetch.plan import plan_fetch

    plan = plan_fetch(load_claims(claims_path))
    try:
        report = fetch_snapshot(
            default_out(),
            plan.items,
            start=DEFAULT_START,
            end=datetime.now(UTC).date(),
            echo=lambda line: click.echo(line, err=True),
        )
    except Exception as exc:  # the network, a provider, a parse: fall back, loudly
        return None, f"{type(exc).__name__}: {exc}"
    return Path(report.out), None


def _parameter(text: str) -> tuple[str, object]:
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise RunError(f"--parameter {text!r}: expected NAME=VALUE")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    return name.strip(), value


@click.command("run")
@snapshot_option
@click.option(
    "--fresh",
    is_flag=True,
    help="Fetch a new snapshot first; if that fails, run on the newest existing one and say so.",
)
@as_of_option
@click.option(
    "--only",
    multiple=True,
    metavar="THEME",
    help="Run only these themes: --only a b, --only a --only b or --only a,b.",
)
@click.argument("more_themes", nargs=-1, metavar="", required=False)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Notebooks run at once, each in its own kernel (default: the number of CPUs).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_OUT,
    show_default="reports/latest",
    help="Report folder (replaced as a whole when the run ends).",
)
@click.option("--force", is_flag=True, help="Re-execute notebooks whose inputs are unchanged.")
@click.option("--show-code", is_flag=True, help="Keep the code cells in the HTML pages.")
@claims_option()
@alpha_option
@click.option(
    "--notebooks",
    "notebooks_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=NOTEBOOKS,
    show_default="notebooks",
    help="Where the theme notebooks are.",
)
@click.option(
    "--notes",
    "notes_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=NOTES,
    show_default="notes",
    help="Analysts' notes, <claim id>.md, shown on the scorecard.",
)
@click.option(
    "-p",
    "--parameter",
    "extra",
    multiple=True,
    metavar="NAME=VALUE",
    help="Another notebook parameter (the value is read as YAML: 3, 0.1, true, text).",
)
@click.pass_context
def run_cmd(
    ctx: click.Context,
    snapshot_path,
    fresh,
    as_of,
    only,
    more_themes,
    jobs,
    out,
    force,
    show_code,
    claims_path,
    alpha,
    notebooks_dir,
    notes_dir,
    extra,
) -> None:
    """Execute the theme notebooks; write their HTML pages, index.html and results.json.

    Exit status 0 when every notebook ran (whatever the verdicts), 1 when one failed, 2 for
    bad arguments or data.
    """
    try:
        if more_themes and not only:
            raise click.UsageError(
                f"unexpected argument {more_themes[0]!r} (themes go after --only)"
            )
        if fresh and snapshot_path is not None:
            raise click.UsageError("--snapshot and --fresh exclude each other")
        themes = [t for item in (*only, *more_themes) for t in item.split(",") if t.strip()]
        warnings = []
        if fresh:
            snapshot_path, why = _fetch_fresh(claims_path)
            if snapshot_path is None:
                fallback, _ = default_snapshot()
                warning = (
                    f"fetching fresh data failed ({why}); this report uses the newest existing "
                    f"snapshot, {fallback}, instead"
                )
                click.secho(f"WARNING: {warning}", err=True, fg="red", bold=True)
                warnings.append(warning)
                snapshot_path = fallback
            else:
                click.echo(f"snapshot: {snapshot_path} (fetched now)", err=True)
        if snapshot_path is None:
            snapshot_path, why = default_snapshot()
            click.echo(f"snapshot: {snapshot_path} ({why})", err=True)
        summary = run_all(
            snapshot_path,
            claims=claims_path,
            as_of=as_of.date() if as_of else None,
            alpha=alpha,
            only=[t.strip() for t in themes] or None,
            jobs=jobs,
            out=out,
            force=force,
            show_code=show_code,
            notebooks_dir=notebooks_dir,
            notes_dir=notes_dir,
            parameters=dict(_parameter(p) for p in extra),
            warnings=warnings,
        )
    except WorkbookError as exc:
        click.echo(f"workbook: {exc}", err=True)
        ctx.exit(2)
    for run in summary.themes:
        line = f"{run.theme:<24} {run.status:<7}"
        line += f" {run.error}" if run.error else (f" {run.seconds:.1f} s" if run.seconds else "")
        click.echo(line)
    click.echo(f"index: {summary.index}")
    if summary.failed:
        click.secho(
            f"{len(summary.failed)} notebook(s) failed: "
            + ", ".join(t.theme for t in summary.failed),
            err=True,
            fg="red",
        )
        ctx.exit(1)
