"""Snapshot folders: which files they hold, what check() reports, and reading series."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import analysis.paths as paths_module
from analysis.errors import DataError
from analysis.snapshot import Snapshot, default_snapshot

CLEAN = {
    "prices/^RUT.csv": "Date,High,Close\n2025-12-31,2490.00,2481.91\n2026-01-02,2509.72,2508.22\n",
    "prices/IWM.csv": "Date,Adj Close\n2025-12-31,246.10\n2026-01-02,249.00\n",
    "fred/DGS2.csv": "observation_date,DGS2\n2025-12-31,3.47\n2026-01-01,.\n2026-01-02,3.48\n",
    "french/FF_daily.CSV": "notes\n\n,SMB\n20251231,0.10\n20260102,-0.20\n\nCopyright 2026\n",
    "user/eps.csv": "date,series,value,unit,source\n2025-12-31,sp500_eps_ttm,250.1,USD,FactSet\n",
}


def make(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(text.encode())
    return root


def test_missing_folder(tmp_path):
    with pytest.raises(DataError, match=r": snapshot folder does not exist$"):
        Snapshot(tmp_path / "nowhere")


def test_a_file_is_not_a_folder(tmp_path):
    (tmp_path / "x.csv").write_text("Date,Close\n")
    with pytest.raises(DataError, match=r"x\.csv: is not a folder, expected a snapshot folder$"):
        Snapshot(tmp_path / "x.csv")


@pytest.mark.parametrize(
    "files",
    [
        {},
        {"notes.csv": "Date,Close\n2026-01-02,1\n", "prices/README.md": "no data here"},
        {"other/^RUT.csv": "Date,Close\n2026-01-02,1\n"},
    ],
    ids=["empty", "no-csv-in-layout-folders", "csv-outside-layout-folders"],
)
def test_a_folder_without_data_files(tmp_path, files):
    make(tmp_path, files)
    expected = (
        f"{tmp_path}: snapshot folder holds no data file, expected CSV files under "
        "fred/, prices/, french/, user/"
    )
    with pytest.raises(DataError, match=f"^{re.escape(expected)}$"):
        Snapshot(tmp_path)


def test_files_are_the_csv_files_of_the_layout_folders_sorted(tmp_path):
    make(tmp_path, {**CLEAN, "SOURCES.md": "x", "prices/notes.txt": "x", "misc/a.csv": "x"})
    snap = Snapshot(tmp_path)
    assert snap.files == sorted(CLEAN)
    assert snap.has("prices/^RUT.csv") and not snap.has("prices/KRE.csv")
    assert repr(snap) == f"Snapshot({str(tmp_path)!r}, files=5)"


def test_a_clean_folder_checks_clean_and_describes_itself(tmp_path):
    snap = Snapshot(make(tmp_path, CLEAN))
    assert snap.check() == []
    assert snap.manifest is None and not snap.synthetic
    assert snap.describe() == f"{tmp_path} (market data, 5 files, no manifest.json)"


def test_check_reports_one_problem_per_bad_file_naming_file_and_line(tmp_path):
    bad = {
        **CLEAN,
        "prices/^RUT.csv": "Date,High,Close\n2025-12-31,2490.00,2481.91\n2026-01-02,2509.72,n/a\n",
        "fred/DGS2.csv": "observation_date,DGS2\n2025-12-31,3.47\n2025-12-31,3.48\n",
        "fred/DGS10.csv": "",
        "french/FF_daily.CSV": "notes\n\n,SMB\n20251231,0.10\n20260102,-0.20\n",
    }
    problems = Snapshot(make(tmp_path, bad)).check()
    assert [str(p) for p in problems] == [
        "fred/DGS10.csv: file is empty, expected a CSV header and rows",
        "fred/DGS2.csv line 3: date 2025-12-31 repeats, expected unique dates",
        "french/FF_daily.CSV line 5: ends without Ken French's closing copyright line "
        "(truncated file?)",
        "prices/^RUT.csv line 3: Close is 'n/a', expected a number",
    ]
    assert [p.line for p in problems] == [None, 3, 5, 3]


def test_load_parses_once_and_returns_copies(tmp_path):
    snap = Snapshot(make(tmp_path, CLEAN))
    first = snap.load("prices/^RUT.csv")
    first.loc[:, "Close"] = 0.0
    first.attrs["units"] = {}
    again = snap.load("prices/^RUT.csv")
    assert again.loc["2026-01-02", "Close"] == 2508.22
    assert again.attrs["units"]["Close"] == "price in the symbol's currency"
    assert again.attrs["source"] == "prices/^RUT.csv"


def test_load_of_a_missing_file(tmp_path):
    snap = Snapshot(make(tmp_path, CLEAN))
    with pytest.raises(DataError, match=r"prices/KRE\.csv: file is missing from the snapshot$"):
        snap.load("prices/KRE.csv")


def test_series_defaults_and_drops_missing(tmp_path):
    snap = Snapshot(make(tmp_path, CLEAN))
    rut = snap.series("prices/^RUT.csv")
    assert rut.name == "Close" and rut.iloc[-1] == 2508.22
    assert rut.attrs == {"source": "prices/^RUT.csv", "unit": "price in the symbol's currency"}
    assert snap.series("prices/IWM.csv").name == "Adj Close"
    dgs2 = snap.series("fred/DGS2.csv")
    assert dgs2.name == "DGS2"
    assert list(dgs2.index) == list(pd.to_datetime(["2025-12-31", "2026-01-02"]))  # '.' dropped
    assert dgs2.attrs["unit"] == "percent"
    assert snap.series("prices/^RUT.csv", "High").iloc[-1] == 2509.72


def test_series_of_an_absent_column(tmp_path):
    snap = Snapshot(make(tmp_path, CLEAN))
    with pytest.raises(
        DataError, match=re.escape("prices/IWM.csv: has no column 'Open', expected one of")
    ):
        snap.series("prices/IWM.csv", "Open")


def test_default_snapshot_prefers_the_newest_fetched(tmp_path, monkeypatch):
    snapshots = tmp_path / "snapshots"
    monkeypatch.setattr(paths_module, "SNAPSHOTS", snapshots)
    monkeypatch.setattr(paths_module, "DEMO", tmp_path / "demo")
    path, why = default_snapshot()
    assert path == tmp_path / "demo" and "demo" in why
    for name in ("2026-01-02T000000Z", "2026-01-05T000000Z", ".partial"):
        (snapshots / name).mkdir(parents=True)
    path, why = default_snapshot()
    assert path == snapshots / "2026-01-05T000000Z"
    assert why == "the newest snapshot under data/snapshots/"


@pytest.mark.real_data
def test_the_real_snapshot_checks_clean(real_snapshot):
    assert real_snapshot.check() == []
    # SOURCES.md lists 32 files: 12 fred, 1 french, 16 prices, 3 user
    assert len(real_snapshot.files) == 32
    assert sum(f.startswith("user/") for f in real_snapshot.files) == 3
    assert "french/F-F_Research_Data_5_Factors_2x3_daily.csv" in real_snapshot.files
    assert real_snapshot.manifest is None


@pytest.mark.real_data
def test_real_series_values(real_snapshot):
    # ../shared/data/real/prices/^RUT.csv, Interactive Brokers feed via heliar-k/market-base
    assert real_snapshot.series("prices/^RUT.csv").loc["2026-01-02"] == 2508.22
    # ../shared/data/real/fred/DFEDTARU.csv, FRED via heliar-k/market-base
    assert real_snapshot.series("fred/DFEDTARU.csv").loc["2025-12-31"] == 3.75
    # ../shared/data/real/fred/SP500.csv (native fredgraph.csv): the 2021-05-31 holiday is
    # empty in the file, so the series (missing values dropped) skips it
    sp500 = real_snapshot.series("fred/SP500.csv")
    assert pd.Timestamp("2021-05-31") not in sp500.index
    assert pd.Timestamp("2021-05-28") in sp500.index
    # ../shared/data/real/prices/IWM.csv: only Adj Close, which series() falls back to
    assert real_snapshot.series("prices/IWM.csv").name == "Adj Close"
