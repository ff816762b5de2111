"""Fixtures shared by the test modules."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# a `workbook warm` the developer left running must not serve the tests' runs (a test that
# counts processes or breaks the template expects its own); tests/test_warm.py starts its own
os.environ["WORKBOOK_WARM"] = "0"

PROJECT = Path(__file__).resolve().parent.parent
REAL = PROJECT.parent / "shared" / "data" / "real"
DEMO = PROJECT / "data" / "demo"


@pytest.fixture(scope="session")
def real_dir() -> Path:
    """The real market-data snapshot beside the project (../shared/data/real)."""
    if not (REAL / "prices" / "^RUT.csv").is_file():
        pytest.skip(
            f"real data snapshot not found at {REAL} (it lives beside the project, not in it)"
        )
    return REAL


@pytest.fixture(scope="session")
def real_snapshot(real_dir):
    from analysis.snapshot import Snapshot

    return Snapshot(real_dir)


@pytest.fixture(scope="session")
def demo_snapshot():
    from analysis.snapshot import Snapshot

    if not (DEMO / "manifest.json").is_file():
        pytest.fail(f"demo snapshot missing at {DEMO}: run `make demo`")
    return Snapshot(DEMO)
