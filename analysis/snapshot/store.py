"""A snapshot folder: its files, its manifest, and the parsed frames the checks read.

A snapshot is never changed by the workbook: this module only reads. It reads only inside the
folder: a data file or layout folder that is a link to outside it is refused (see
:func:`~analysis.snapshot.files.resolve_inside`), and every file is held to the limits of
:mod:`~analysis.snapshot.manifest` and :mod:`~analysis.snapshot.parsers`.

Examples
--------
>>> from analysis.snapshot import Snapshot
>>> snap = Snapshot("data/demo")  # doctest: +SKIP
>>> snap.load("prices/^RUT.csv")["Close"].tail(1)  # doctest: +SKIP
"""

from __future__ import annotations

import stat
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.errors import DataError
from analysis.snapshot import cache
from analysis.snapshot.files import MAX_FILE_BYTES, printable, resolve_inside
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
            if self._listing[1]:  # say why rather than "no data file"
                first = self._listing[1][0]
                raise DataError(self.root / first.path, first.problem)
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
        """Data files as ``<layout>/<name>.csv``, sorted.

        A ``.csv`` entry that is a link is listed whatever it points to, so that reading it is
        refused loudly when it leads outside the folder; a layout folder that is a link to
        outside the folder is not looked into (it is one of :meth:`check`'s problems).
        """
        return self._listing[0]

    @cached_property
    def _listing(self) -> tuple[list[str], list[DataError]]:
        files: list[str] = []
        refused: list[DataError] = []
        for layout in LAYOUTS:
            folder = self.root / layout
            if folder.is_symlink():
                try:
                    resolve_inside(self.root, layout)
                except DataError as exc:
                    refused.append(exc)
                    continue
            if not folder.is_dir():
                continue
            try:
                entries = list(folder.iterdir())
            except OSError as exc:
                refused.append(DataError(layout, f"cannot be listed ({exc.strerror}); refused"))
                continue
            files.extend(
                f"{layout}/{p.name}"
                for p in entries
                if p.suffix.lower() == ".csv" and (p.is_symlink() or p.is_file())
            )
        return sorted(files), refused

    @cached_property
    def manifest(self) -> Manifest | None:
        """The parsed ``manifest.json``, or ``None`` for a folder without one."""
        return read_manifest(self.root)

    @property
    def synthetic(self) -> bool:
        """True when the manifest marks the data as generated."""
        return bool(self.manifest and self.manifest.synthetic)

    def has(self, rel: str) -> bool:
        """Whether the snapshot holds the data file ``rel`` (e.g. ``"fred/DGS10.csv"``).

        True for a link too, even one to outside the folder: :meth:`load` then refuses it,
        rather than the file passing for absent.
        """
        path = self.root / rel
        return path.is_file() or path.is_symlink()

    def load(self, rel: str) -> pd.DataFrame:
        """Parse a data file (once; later calls return a copy of the cached frame).

        The file is opened only after its path resolved inside the snapshot folder.
        """
        if rel not in self._frames:
            parts = Path(rel).parts
            if len(parts) != 2 or parts[0] not in LAYOUTS:
                raise DataError(
                    printable(rel),
                    "is not a data file of the snapshot, expected <layout>/<name> with layout "
                    f"one of {', '.join(LAYOUTS)}",
                )
            if not self.has(rel):
                raise DataError(
                    f"{self.root}/{printable(rel)}", "file is missing from the snapshot"
                )
            self._frames[rel] = _parse_cached(self.root, rel)
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

    def validate(self, files: Iterable[str], *, missing_ok: bool = True) -> None:
        """Parse every file of ``files`` now, so that a bad one stops a run before it starts.

        Parameters
        ----------
        files
            Paths relative to the snapshot (``"prices/^RUT.csv"``), e.g. every file a run's
            claims and pages will read, or :attr:`files` for all of them.
        missing_ok
            Skip a file the snapshot does not hold (a claim without its data is reported as
            such, not an error); when False, a missing file is a :class:`DataError`.

        Raises
        ------
        DataError
            The first problem, in the order of ``files``: the same one-line error that
            :meth:`load` would raise later (the parsed frames are kept for it).
        """
        for rel in dict.fromkeys(files):
            if missing_ok and not self.has(rel):
                continue
            self.load(rel)

    def check_files(self, files: Iterable[str], *, missing_ok: bool = True) -> list[DataError]:
        """Like :meth:`validate`, but return every file's problem (empty when all are clean)."""
        problems: list[DataError] = []
        for rel in dict.fromkeys(files):
            try:
                self.validate([rel], missing_ok=missing_ok)
            except DataError as exc:
                problems.append(exc)
        return problems

    def check(self) -> list[DataError]:
        """Validate every data file and the manifest; return the problems (empty when clean).

        A layout folder linked to outside the snapshot is one problem; a data file that is
        refused (a link to outside, too big, a bad row) is one problem each. Nothing is cached.
        """
        problems: list[DataError] = list(self._listing[1])
        for rel in self.files:
            try:
                parse_file(self.root / rel, name=rel, root=self.root)
            except DataError as exc:
                problems.append(exc)
        try:
            manifest = self.manifest
        except DataError as exc:
            return [*problems, exc]
        if manifest is not None:
            problems.extend(verify_manifest(self.root, manifest, self.files))
        return problems

    def describe(self, *, brief: bool = False) -> str:
        """One line saying what this snapshot is, for the top of every output; ``brief``: its
        folder and kind only (a run's theme pages, which are reused while the files they read
        are unchanged, whatever else the snapshot gains)."""
        kind = "synthetic demo data" if self.synthetic else "market data"
        if brief:
            return f"{self.root} ({kind})"
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


def _parse_cached(root: Path, rel: str) -> pd.DataFrame:
    """``parse_file``, through the cache of parsed frames (:mod:`analysis.snapshot.cache`)."""
    path = resolve_inside(root, rel)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            raise OSError("not a plain file within the size cap")
        found = cache.key(path, rel)
    except OSError:  # let the parser refuse it, in its words
        return parse_file(root / rel, name=rel, root=root)
    frame = cache.load(found)
    if frame is None:
        frame = parse_file(root / rel, name=rel, root=root)
        cache.save(found, frame)
    return frame
