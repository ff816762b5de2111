"""Command-line options shared by ``workbook check``, ``run`` and ``fetch``: one definition each,
so the commands spell and document them alike."""

from __future__ import annotations

from pathlib import Path

import click

from analysis.claims import DEFAULT_CLAIMS


def claims_option(help: str = "The claims registry."):
    return click.option(
        "--claims",
        "claims_path",
        type=click.Path(path_type=Path),
        default=DEFAULT_CLAIMS,
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
    type=click.DateTime(formats=["%Y-%m-%d"]),
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
