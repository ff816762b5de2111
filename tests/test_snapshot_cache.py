"""The cache of parsed frames (analysis.snapshot.cache): a hit gives the very frame, changed
bytes are a miss, a planted or broken entry is never trusted, and it can be turned off."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.snapshot import Snapshot, cache
from analysis.snapshot.parsers import parse_file

FILE = "Date,Close\n2026-01-02,2508.22\n2026-01-05,2500.5\n"


@pytest.fixture
def cached(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBOOK_CACHE", str(tmp_path / "cache"))
    (tmp_path / "snap" / "prices").mkdir(parents=True)
    (tmp_path / "snap" / "prices" / "X.csv").write_text(FILE)
    return tmp_path


def entries(root):
    return sorted((root / "cache" / "frames").glob("*.npz"))


def test_a_second_snapshot_reads_the_cached_frame_equal_to_a_parse(cached):
    first = Snapshot(cached / "snap").load("prices/X.csv")
    assert len(entries(cached)) == 1
    again = Snapshot(cached / "snap").load("prices/X.csv")
    pd.testing.assert_frame_equal(again, first)
    assert again.attrs == first.attrs == parse_file(cached / "snap" / "prices" / "X.csv",
                                                    name="prices/X.csv").attrs  # fmt: skip


def test_changed_bytes_are_a_miss(cached):
    Snapshot(cached / "snap").load("prices/X.csv")
    (cached / "snap" / "prices" / "X.csv").write_text(FILE.replace("2500.5", "2400.5"))
    frame = Snapshot(cached / "snap").load("prices/X.csv")
    assert frame["Close"].iloc[-1] == 2400.5
    assert len(entries(cached)) == 2


def test_a_broken_or_planted_entry_is_a_miss_not_a_frame(cached):
    Snapshot(cached / "snap").load("prices/X.csv")
    (entry,) = entries(cached)
    entry.write_bytes(b"not an npz")
    assert Snapshot(cached / "snap").load("prices/X.csv")["Close"].iloc[0] == 2508.22
    # an entry holding a pickled object is refused (allow_pickle=False), never unpickled
    np.savez(entry, dates=np.array([object()], dtype=object), values=np.zeros((1, 1)),
             columns=np.array(["Close"]), attrs=np.array("{}"))  # fmt: skip
    assert cache.load(entry.stem) is None


def test_the_cache_can_be_turned_off(cached, monkeypatch):
    monkeypatch.setenv("WORKBOOK_CACHE", "off")
    Snapshot(cached / "snap").load("prices/X.csv")
    assert not (cached / "cache").exists()
