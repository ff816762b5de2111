"""What the command line prints: the verdict table of ``workbook check`` and the claims table of
``workbook claims`` (rich tables, one colour per verdict on a terminal)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from analysis.claims import Registry
from analysis.report.banners import SYNTHETIC_SHORT
from analysis.results import VERDICT_COLOURS, VERDICTS, ClaimResult
from analysis.snapshot import Snapshot


def verdict_table(results: Sequence[ClaimResult], *, title: str) -> Table:
    """A rich table: id, verdict (coloured), summary."""
    table = Table(title=title, show_lines=False)
    table.add_column("claim", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("summary")
    for r in results:
        label = r.verdict + (" (fragile)" if r.fragile else "")
        table.add_row(r.id, Text(label, style=f"bold {VERDICT_COLOURS[r.verdict]}"), r.summary)
    return table


def print_table(results: Sequence[ClaimResult], *, title: str, synthetic: bool = False) -> None:
    """Print the verdict table and the count of each verdict (the demo's warning first)."""
    if synthetic:
        title = f"{SYNTHETIC_SHORT}. {title}"
    console = Console(width=None if Console().is_terminal else 160)
    console.print(verdict_table(results, title=title))
    counts = ", ".join(f"{v}: {n}" for v in VERDICTS if (n := sum(r.verdict == v for r in results)))
    console.print(counts)


def claims_table(registry: Registry, snapshot: Snapshot | None = None) -> Table:
    """id, theme, kind, the files each claim needs (and whether ``snapshot`` has them)."""
    table = Table(
        title=f"{registry.article.title} ({len(registry.claims)} claims, "
        f"as of {registry.article.as_of})"
    )
    drafts = any(claim.draft for claim in registry.claims)
    for col in ("id", "theme", "kind", "needs"):
        table.add_column(col)
    if drafts:  # a file from `workbook draft`: which claims are still drafts, how sure
        table.add_column("draft")
    if snapshot is not None:
        table.add_column(f"in {snapshot.root}")
    for claim in registry.claims:
        row = [claim.id, claim.theme, claim.kind, " ".join(claim.data)]
        if drafts:
            sure = f" ({claim.confidence:.2f})" if claim.confidence is not None else ""
            row.append(f"draft{sure}" if claim.draft else "")
        if snapshot is not None:
            missing = [f for f in claim.data if not snapshot.has(f)]
            row.append("yes" if not missing else "missing " + " ".join(missing))
        table.add_row(*row)
    return table


def run_warnings(registry: Registry, snapshot: Snapshot | None, notebooks_dir: Path) -> list[str]:
    """What ``workbook run`` would do differently from what a reader may expect: the themes
    that run through the generic notebook, and the claims that would be ``needs_data``."""
    from analysis.run.plan import notebook_for

    lines = []
    for theme in registry.themes:
        notebook = notebook_for(theme, registry.article.id, notebooks_dir)
        if notebook.name == "claims.ipynb":
            lines.append(f"theme {theme}: runs through the generic notebooks/claims.ipynb")
    if snapshot is not None:
        for claim in registry.claims:
            lacking = [f for f in claim.data if not snapshot.has(f)]
            usable = [
                f
                for f in lacking
                if f in claim.proxies and all(map(snapshot.has, claim.proxies[f].files()))
            ]
            if len(usable) < len(lacking):
                lines.append(
                    f"claim {claim.id}: needs_data until the snapshot has "
                    + ", ".join(f for f in lacking if f not in usable)
                )
    return lines
