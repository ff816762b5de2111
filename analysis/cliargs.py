"""Helpers of the command line, kept apart so that ``analysis.cli`` stays small: argument
rewriting, the snapshot a run uses, and a corpus run's report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from analysis.errors import WorkbookError

SOURCE_NAMES = ("fred", "yahoo", "french")  # as analysis.snapshot.fetch.sources.SOURCES


class FetchCommand(click.Command):
    """Accepts space-separated ``--sources`` and turns usage errors into one line (exit 2)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, expand_sources(list(args)))
        except click.UsageError as exc:
            raise WorkbookError(exc.format_message()) from exc


def fetch_sources(values: tuple[str, ...]) -> list[str]:
    """``--sources`` as a list of known source names, in order, each once (all when none)."""
    names = [v.strip().lower() for value in values for v in value.split(",") if v.strip()]
    if unknown := [n for n in names if n not in SOURCE_NAMES]:
        raise WorkbookError(
            f"--sources {unknown[0]!r} is not a source, expected any of {', '.join(SOURCE_NAMES)}"
        )
    return list(dict.fromkeys(names)) or list(SOURCE_NAMES)


def expand_sources(args: list[str]) -> list[str]:
    """Let ``--sources fred yahoo`` (space-separated, as in DESIGN.md) mean ``--sources fred
    --sources yahoo``: the command takes no positional argument, so a bare word after
    ``--sources`` can only be another source.
    """
    out: list[str] = []
    taking = skip_value = False
    for arg in args:
        if skip_value:
            out.append(arg)
            skip_value = False
        elif arg == "--":
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


def run_corpus_command(snapshot: Path, claims: list[Path], kwargs: dict) -> None:
    """``workbook run`` on a corpus: a line per article, the corpus scorecard's path."""
    from analysis.run import run_corpus

    summary = run_corpus(snapshot, claims, **kwargs)
    for name, article in summary.articles:
        states = [t.status for t in article.themes]
        done = ", ".join(
            f"{states.count(s)} {s}" for s in ("ok", "reused", "failed") if s in states
        )
        click.echo(f"{name:<32} {done}")
    click.echo(f"index: {summary.index}")
    if summary.failed:
        failed = ", ".join(f"{a}/{t}" for a, t in summary.failed)
        click.secho(f"{len(summary.failed)} notebook(s) failed: {failed}", err=True, fg="red")
        sys.exit(1)


def run_snapshot(path: Path | None, fresh: bool, claims: Path) -> tuple[Path, list[str]]:
    """The snapshot a run uses (fetched first with ``--fresh``) and the warnings to show;
    nothing heavy is imported for a named snapshot (a rerun that reuses all stays fast)."""
    if path is not None and not fresh:
        return path, []
    from analysis.snapshot import default_snapshot

    if fresh:
        from analysis.snapshot.fetch.run import fetch_fresh

        path, why = fetch_fresh(claims, echo=say)
        if path is not None:
            say(f"snapshot: {path} (fetched now)")
            return path, []
        fallback, _ = default_snapshot()
        warning = (
            f"fetching fresh data failed ({why}); this report uses the newest existing "
            f"snapshot, {fallback}, instead"
        )
        click.secho(f"WARNING: {warning}", err=True, fg="red", bold=True)
        return fallback, [warning]
    if path is None:
        path, why = default_snapshot()
        say(f"snapshot: {path} ({why})")
    return path, []


def say(line: str) -> None:
    click.echo(line, err=True)
