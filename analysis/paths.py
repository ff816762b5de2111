"""Where the project keeps things: one project root, and the folders every stage agrees on.

Everything here is a plain :class:`~pathlib.Path`; read them as ``paths.SNAPSHOTS`` (not
``from analysis.paths import SNAPSHOTS``) where a test may point them elsewhere.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA = PROJECT_ROOT / "data"
DEMO = DATA / "demo"  # the seeded synthetic snapshot shipped with the project
SNAPSHOTS = DATA / "snapshots"  # where `workbook fetch` writes new snapshots (git-ignored)
DEFAULT_CLAIMS = DATA / "claims" / "russell2000_2026.yaml"
NOTEBOOKS = PROJECT_ROOT / "notebooks"
NOTES = PROJECT_ROOT / "notes"
DEFAULT_OUT = PROJECT_ROOT / "reports" / "latest"
PACKAGE = Path(__file__).resolve().parent  # the analysis package itself
RESOURCES = PACKAGE / "resources"  # package data (the FOMC calendar)
