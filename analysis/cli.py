"""The ``workbook`` command line, every command in one place (see DESIGN.md, "Commands").

Each command checks its arguments, calls one stage of the package and prints what it did;
imports that only one command needs are made inside it, so ``workbook --help`` starts at once.
One error path: a :class:`~analysis.errors.WorkbookError` anywhere becomes one line on stderr,
``workbook: <message>``, and its exit status (2 for bad arguments or bad data; ``fetch``: 1 when
a provider failed, 128 + signal when interrupted). ``run`` exits 1 when a notebook failed.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from analysis import paths
from analysis.cliargs import FetchCommand, fetch_sources
from analysis.errors import WorkbookError

_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _fail(exc: WorkbookError) -> None:
    click.echo(f"workbook: {exc}", err=True)
    sys.exit(exc.exit_code)


class _Group(click.Group):
    """The one place where a :class:`WorkbookError` becomes a message and an exit status."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except WorkbookError as exc:
            _fail(exc)


def _say(line: str) -> None:
    click.echo(line, err=True)


def _open_snapshot(path: Path | None):
    from analysis.snapshot import Snapshot, default_snapshot

    if path is None:
        path, why = default_snapshot()
        _say(f"snapshot: {path} ({why})")
    return Snapshot(path)


# ---------------------------------------------------------------- shared options
def claims_option(help: str = "The claims registry."):
    return click.option(
        "--claims",
        "claims_path",
        type=click.Path(path_type=Path),
        default=paths.DEFAULT_CLAIMS,
        show_default="data/claims/russell2000_2026.yaml",
        help=help,
    )


snapshot_option = click.option(
    "--snapshot",
    "snapshot_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Snapshot folder (default: newest under data/snapshots/, else data/demo/).",
)
as_of_option = click.option(
    "--as-of",
    "as_of",
    type=_DATE,
    default=None,
    help="Evaluate as on this date: later data is not used, later forecasts are pending.",
)
alpha_option = click.option(
    "--alpha",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.05,
    show_default=True,
    help="Test level, applied to Benjamini-Hochberg adjusted p-values.",
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="workbook")
def main() -> None:
    """Check what a market article claims against data, with the statistics shown."""
    from analysis.system import skip_slow_iri_checker

    skip_slow_iri_checker()


# ---------------------------------------------------------------- snapshot check
@main.group(cls=_Group)
def snapshot() -> None:
    """Inspect snapshot folders."""


@snapshot.command("check")
@click.argument("path", type=click.Path(path_type=Path))
def snapshot_check(path: Path) -> None:
    """Validate every file of the snapshot at PATH (and its manifest); writes nothing.

    Prints one line per problem; exits 0 when clean, 2 otherwise.
    """
    from analysis.snapshot import Snapshot

    snap = Snapshot(path)
    problems = snap.check()
    for problem in problems:
        click.echo(f"{snap.root}/{problem}")
    if problems:
        _say(f"{len(problems)} problem(s) in {len(snap.files)} file(s)")
        sys.exit(2)
    click.echo(f"ok: {snap.describe()}")


# ---------------------------------------------------------------- check
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
    from analysis.claims import load_claims
    from analysis.report.results_json import results_document, write_json
    from analysis.report.terminal import print_table

    registry = load_claims(claims_path)
    snap = _open_snapshot(snapshot_path)
    until = as_of.date() if as_of else None
    ctx = Context(until=until, alpha=alpha)
    results = evaluate_all(registry, snap, ctx, workers=os.cpu_count() or 1)
    title = f"{registry.article.title}: {len(results)} claims on {snap.describe()}"
    print_table(results, title=title, synthetic=snap.synthetic)
    if json_path is not None:
        iso_until = until.isoformat() if until else None
        doc = results_document(
            results, registry=registry, snapshot=snap, alpha=alpha, until=iso_until
        )
        try:
            click.echo(f"results: {write_json(json_path, doc)}")
        except OSError as exc:
            raise WorkbookError(f"--json {json_path}: {exc.strerror or exc}") from exc


# ---------------------------------------------------------------- claims
@main.command("claims")
@claims_option()
@click.option(
    "--snapshot",
    "snapshot_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Show whether this snapshot has each claim's files.",
)
@click.option(
    "--schema", is_flag=True, help="Print the claims file's JSON Schema (for editors) and stop."
)
def claims_cmd(claims_path: Path, snapshot_path: Path | None, schema: bool) -> None:
    """List the claims: id, theme, check kind, the files each needs, and whether they are there."""
    import json

    from rich.console import Console

    from analysis.claims import load_claims, registry_schema
    from analysis.report.terminal import claims_table, run_warnings

    if schema:
        click.echo(json.dumps(registry_schema(), indent=2))
        return
    registry = load_claims(claims_path)
    snap = None
    if snapshot_path is not None:
        from analysis.snapshot import Snapshot

        snap = Snapshot(snapshot_path)
    Console(width=200 if not sys.stdout.isatty() else None).print(claims_table(registry, snap))
    for line in run_warnings(registry, snap, paths.NOTEBOOKS):
        _say(f"note: {line}")


# ---------------------------------------------------------------- draft
@main.command("draft")
@click.argument("article", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--date", "published", type=_DATE, required=True, help="Its publication date.")
@click.option("--out", type=click.Path(path_type=Path), help="Write here, not to stdout.")
@click.option("--gazetteer", type=click.Path(path_type=Path), help="More series names (YAML).")
def draft_cmd(article: Path, published, out: Path | None, gazetteer: Path | None) -> None:
    """Draft a claims file from ARTICLE (text or HTML) published on --date (docs/drafting.md)."""
    from analysis.draft import draft, write_atomic

    result = draft(article, published.date(), gazetteer)
    text = result.render(str(article), published.date())
    if out is None:
        return click.echo(text, nl=False)
    write_atomic(out, text)
    _say(f"{out}: {len(result.claims)} drafted claim(s), {len(result.skipped)} left out")


# ---------------------------------------------------------------- run
@main.command("run")
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
    default=paths.DEFAULT_OUT,
    show_default="reports/latest",
    help="Report folder (replaced as a whole when the run ends).",
)
@click.option("--force", is_flag=True, help="Re-execute notebooks whose inputs are unchanged.")
@click.option("--show-code", is_flag=True, help="Keep the code cells in the HTML pages.")
@click.option(
    "--claims",
    "claims_paths",
    type=click.Path(path_type=Path),
    multiple=True,
    help="The claims registry (default data/claims/russell2000_2026.yaml). Several files, a "
    "folder of them or a corpus file (corpus: [files]) run a corpus: a report folder per "
    "article in --out, and a corpus scorecard.",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where notebooks run: this machine, or Dask tasks (--scheduler; else a local cluster "
    "of --jobs workers).",
)
@click.option(
    "--scheduler",
    envvar="DASK_SCHEDULER_ADDRESS",
    default=None,
    metavar="ADDRESS",
    help="A running Dask scheduler (tcp://host:8786) for --executor dask "
    "[env DASK_SCHEDULER_ADDRESS].",
)
@alpha_option
@click.option(
    "--notebooks",
    "notebooks_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=paths.NOTEBOOKS,
    show_default="notebooks",
    help="Where the theme notebooks are.",
)
@click.option(
    "--notes",
    "notes_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=paths.NOTES,
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
def run_cmd(snapshot_path, fresh, as_of, only, more_themes, extra, **options) -> None:
    """Execute the theme notebooks; write their HTML pages, index.html and results.json.

    Exit status 0 when every notebook ran (whatever the verdicts), 1 when one failed, 2 for
    bad arguments or data.
    """
    from analysis.cliargs import run_corpus_command, run_snapshot
    from analysis.run import parse_parameter, run_all
    from analysis.run.corpus import is_corpus_file

    if more_themes and not only:
        raise click.UsageError(f"unexpected argument {more_themes[0]!r} (themes go after --only)")
    if fresh and snapshot_path is not None:
        raise click.UsageError("--snapshot and --fresh exclude each other")
    themes = [t.strip() for item in (*only, *more_themes) for t in item.split(",") if t.strip()]
    claims = list(options.pop("claims_paths")) or [paths.DEFAULT_CLAIMS]
    if options["executor"] != "dask":  # DASK_SCHEDULER_ADDRESS in the environment: not used
        given = click.get_current_context().get_parameter_source("scheduler")
        if options["scheduler"] and given == click.core.ParameterSource.COMMANDLINE:
            raise click.UsageError("--scheduler is for --executor dask")
        options["scheduler"] = None
    corpus = len(claims) > 1 or claims[0].is_dir() or is_corpus_file(claims[0])
    if corpus and fresh:  # fetching reads one claims file's needs
        raise click.UsageError("--fresh fetches for one claims file; for a corpus, run workbook "
                               "fetch first, then --snapshot the folder it wrote")  # fmt: skip
    snapshot_path, warnings = run_snapshot(snapshot_path, fresh, claims[0])
    kwargs = {"as_of": as_of.date() if as_of else None, "only": themes or None,
              "parameters": dict(parse_parameter(p) for p in extra), "warnings": warnings,
              **options}  # fmt: skip
    if corpus:
        run_corpus_command(snapshot_path, claims, kwargs)
        return
    summary = run_all(snapshot_path, claims=claims[0], **kwargs)
    for run in summary.themes:
        line = f"{run.theme:<24} {run.status:<7}"
        line += f" {run.error}" if run.error else (f" {run.seconds:.1f} s" if run.seconds else "")
        click.echo(line)
    click.echo(f"index: {summary.index}")
    if summary.failed:
        failed = ", ".join(t.theme for t in summary.failed)
        click.secho(f"{len(summary.failed)} notebook(s) failed: {failed}", err=True, fg="red")
        sys.exit(1)


# ---------------------------------------------------------------- warm
@main.command("warm")
@click.option("--idle", type=click.FloatRange(0, min_open=True), default=120, show_default=True,
              help="Minutes without a run after which it ends.")  # fmt: skip
def warm_cmd(idle: float) -> None:
    """Keep the analysis stack imported for the runs and checks to come (1 s off each).

    `workbook run` and `check` of this very code, Python, packages and environment are forked
    from it, with their templates, instead of importing pandas, scipy, statsmodels, the charts,
    papermill and nbconvert again; what they write is the same. It imports changed code again.
    WORKBOOK_WARM=0 makes a command ignore it."""
    from analysis.run.warm import become_server

    become_server(idle)


# ---------------------------------------------------------------- fetch
@main.command("fetch", cls=FetchCommand)
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
    default="2000-01-01",
    show_default=True,
    help="First date asked of FRED and Yahoo: far enough back for every check's history "
    "(records and percentiles compare against all earlier windows).",
)
@click.option("--end", type=_DATE, default=None, help="Last date asked (default: today, UTC).")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="The new snapshot folder; must not exist "
    "(default: data/snapshots/<UTC time YYYYMMDDTHHMMSSZ>/).",
)
@claims_option("The claims registry whose data needs say what to fetch.")
@click.option("--dry-run", is_flag=True, help="List what would be fetched, per source.")
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
    `workbook snapshot check`, given a manifest.json and renamed into place. On any failure,
    Ctrl-C or SIGTERM nothing is left at --out. Progress goes to stderr; the new folder's path
    is printed on stdout.

    \b
    Environment: WORKBOOK_FRED_URL, WORKBOOK_FRENCH_URL (mirrors, test servers);
    WORKBOOK_FETCH_MAX_SECONDS (time budget per file, retries included, 180),
    WORKBOOK_FETCH_TOTAL_SECONDS (budget of the whole fetch, 1800),
    WORKBOOK_FETCH_MAX_BYTES (largest body or unzipped file, 64 MiB),
    WORKBOOK_FETCH_BACKOFF (first retry wait), WORKBOOK_FETCH_TIMEOUT (read timeout),
    WORKBOOK_FETCH_ATTEMPTS (attempts per file).

    Exit status: 0 written (or listed); 1 a provider failed, or --strict and something is
    missing; 2 bad arguments; 130/143 interrupted.
    """
    from rich.console import Console

    from analysis.snapshot.fetch import run as fetch

    start_day, end_day = start.date(), (end.date() if end else datetime.now(UTC).date())
    plan, policy, out = fetch.prepare(claims_path, fetch_sources(sources), start_day, end_day, out)
    if dry_run:
        for line in fetch.describe_plan(plan, claims_path, start_day, end_day, out):
            click.echo(line)
        return
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    written = fetch.fetch_for_claims(
        plan,
        policy,
        out,
        start=start_day,
        end=end_day,
        strict=strict,
        echo=lambda line: console.print(line, markup=False),
    )
    click.echo(str(written))


def entry() -> None:
    """``workbook`` and ``python -m analysis``: :func:`main` (run by ``workbook warm`` when one
    serves this code: :func:`~analysis.run.warm.delegate`), then, whatever its exit status,
    :func:`~analysis.system.freeze_objects` (the exit's last collection skips its objects)."""
    from analysis.run.warm import delegate
    from analysis.system import freeze_objects

    if (status := delegate(sys.argv)) is not None:
        sys.exit(status)
    try:
        main(prog_name="workbook")
    finally:
        freeze_objects()
