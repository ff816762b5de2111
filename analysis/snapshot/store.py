"""A snapshot folder: its files, its manifest, and the parsed frames the checks read.

A snapshot is never changed by the workbook: this module only reads.

Examples
--------
>>> from analysis.snapshot import Snapshot
>>> snap = Snapshot("data/demo")  # doctest: +SKIP
>>> snap.load("prices/^RUT.csv")["Close"].tail(1)  # doctest: +SKIP
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.errors import DataError
from analysis.snapshot.manifest import MANIFEST, Manifest, read_manifest, verify_manifest
from analysis.snapshot.parsers import LAYOUTS, parse_file


class Snapshot:
    """A folder in snapshot layout (``fred/``, ``prices/``, ``french/``, ``user/``).

    Parameters
    ----------
    root
        The folder.

    Raises
    ------
    DataError
        When the folder is missing, is not a folder, or holds no data file.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        if not self.root.exists():
            raise DataError(self.root, "snapshot folder does not exist")
        if not self.root.is_dir():
            raise DataError(self.root, "is not a folder, expected a snapshot folder")
        if not self.files:
            raise DataError(
                self.root,
                "snapshot folder holds no data file, expected CSV files under "
                + ", ".join(f"{layout}/" for layout in LAYOUTS),
            )
        self._frames: dict[str, pd.DataFrame] = {}

    def __repr__(self) -> str:
        return f"Snapshot({str(self.root)!r}, files={len(self.files)})"

    @cached_property
    def files(self) -> list[str]:
        """Data files as ``<layout>/<name>.csv``, sorted."""
        return sorted(
            f"{layout}/{p.name}"
            for layout in LAYOUTS
            if (self.root / layout).is_dir()
            for p in (self.root / layout).iterdir()
            if p.suffix.lower() == ".csv" and p.is_file()
        )

    @cached_property
    def manifest(self) -> Manifest | None:
        """The parsed ``manifest.json``, or ``None`` for a folder without one."""
        return read_manifest(self.root)

    @property
    def synthetic(self) -> bool:
        """True when the manifest marks the data as generated."""
        return bool(self.manifest and self.manifest.synthetic)

    def has(self, rel: str) -> bool:
        """Whether the snapshot holds the data file ``rel`` (e.g. ``"fred/DGS10.csv"``)."""
        return (self.root / rel).is_file()

    def load(self, rel: str) -> pd.DataFrame:
        """Parse a data file (once; later calls return a copy of the cached frame)."""
        if rel not in self._frames:
            if not self.has(rel):
                raise DataError(f"{self.root}/{rel}", "file is missing from the snapshot")
            self._frames[rel] = parse_file(self.root / rel, name=rel)
        frame = self._frames[rel].copy()
        frame.attrs = dict(self._frames[rel].attrs)
        return frame

    def series(self, rel: str, column: str | None = None) -> pd.Series:
        """One column of a data file as a float series without missing values.

        ``column`` defaults to the only column (FRED), or ``Close`` then ``Adj Close`` (prices).
        """
        frame = self.load(rel)
        if column is None:
            if len(frame.columns) == 1:
                column = frame.columns[0]
            else:
                column = next((c for c in ("Close", "Adj Close") if c in frame), None)
        if column not in frame:
            raise DataError(
                rel,
                f"has no column {column!r}, expected one of {list(frame.columns)}",
                field=str(column),
            )
        out = frame[column].dropna()
        out.name = column
        out.attrs = {"source": rel, "unit": frame.attrs.get("units", {}).get(column, "")}
        return out

    def check(self) -> list[DataError]:
        """Validate every data file and the manifest; return the problems (empty when clean)."""
        problems: list[DataError] = []
        for rel in self.files:
            try:
                parse_file(self.root / rel, name=rel)
            except DataError as exc:
                problems.append(exc)
        try:
            manifest = self.manifest
        except DataError as exc:
            return [*problems, exc]
        if manifest is not None:
            problems.extend(verify_manifest(self.root, manifest, self.files))
        return problems

    def describe(self) -> str:
        """One line saying what this snapshot is, for the top of every output."""
        kind = "synthetic demo data" if self.synthetic else "market data"
        created = (
            f", written {self.manifest.created_at:%Y-%m-%d %H:%M} UTC" if self.manifest else ""
        )
        note = "" if self.manifest else f", no {MANIFEST}"
        return f"{self.root} ({kind}, {len(self.files)} files{created}{note})"


def default_snapshot() -> tuple[Path, str]:
    """The snapshot a run uses when none is given, and why.

    The newest folder under ``data/snapshots/`` (by name, which is a UTC timestamp), else the
    shipped demo in ``data/demo/``.
    """
    if paths.SNAPSHOTS.is_dir():
        fetched = sorted(
            p for p in paths.SNAPSHOTS.iterdir() if p.is_dir() and not p.name.startswith(".")
        )
        if fetched:
            return fetched[-1], "the newest snapshot under data/snapshots/"
    return paths.DEMO, "the shipped demo snapshot (no snapshot under data/snapshots/)"
