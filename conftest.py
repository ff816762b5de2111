"""Marks given by collection, for every test path (tests/ and the nbval items of notebooks/).

This conftest sits at the project root so that the marks hold however pytest is started, also
on ``pytest notebooks`` alone, which does not load tests/conftest.py. The fixtures live in
tests/conftest.py.
"""

from __future__ import annotations

import os
import tempfile

import pytest

# parsed frames are cached in a folder of this test process, not in the user's ~/.cache
os.environ.setdefault("WORKBOOK_CACHE", tempfile.mkdtemp(prefix="workbook-test-cache-"))

# the fixtures of tests/conftest.py that read ../shared/data/real
REAL_DATA_FIXTURES = {"real_dir", "real_snapshot"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.suffix == ".ipynb":  # an nbval cell: runs in a Jupyter kernel
            item.add_marker(pytest.mark.notebook)
        # the fixture closure: a fixture that depends on real_dir counts too
        if REAL_DATA_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.real_data)
