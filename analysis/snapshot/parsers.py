"""Parsers for the four snapshot layouts: ``fred``, ``prices``, ``french`` and ``user``.

Every parser returns the same shape (the contract the checks rely on):

* a ``DatetimeIndex`` named ``date``, sorted, unique;
* ``float64`` columns, ``NaN`` for a missing value;
* ``frame.attrs["units"]``: a dict from column to its unit, ``frame.attrs["source"]``: the file.

Each accepts the real providers' oddities (a UTF-8 byte-order mark, CRLF line ends, FRED's old
``DATE`` header, ``.`` or an empty value for missing, Ken French's preamble, notes and annual
table) and rejects anything else with a :class:`~analysis.errors.DataError` whose message names
the file, the line and what was expected.

Every file is read through :func:`~analysis.snapshot.files.read_lines`, within the limits
documented there (size, lines, line and cell length, control characters; inside ``root=``).
Here, every date must lie in :data:`MIN_DATE` .. :data:`MAX_DATE`, and a column or user series
name (they become identifiers in frames, plots and pages) must be 1 to :data:`MAX_NAME_CHARS`
characters of :data:`NAME_CHARACTERS`. Values echoed in messages are cut and escaped.

Examples
--------
>>> from analysis.snapshot.parsers import parse_file
>>> rut = parse_file("../shared/data/real/prices/^RUT.csv")  # doctest: +SKIP
>>> float(rut.loc["2026-01-02", "Close"])  # doctest: +SKIP
2508.22
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import DataError
from analysis.snapshot.files import printable, read_lines, show, split_rows
from analysis.snapshot.frames import (
    finish,
    iso_dates,
    table,
    validate,
)

LAYOUTS = ("fred", "prices", "french", "user")
PRICE_COLUMNS = ("Open", "High", "Low", "Close", "Adj Close")
USER_COLUMNS = ("date", "series", "value", "unit", "source")

# Units of the FRED series the workbook uses; anything else is "as published by FRED".
FRED_UNITS = {
    "DFEDTARL": "percent",
    "DFEDTARU": "percent",
    "DFF": "percent",
    "FEDFUNDS": "percent",
    "DGS2": "percent",
    "DGS10": "percent",
    "DTWEXBGS": "index, Jan 2006 = 100",
    "SP500": "index points",
    "NASDAQCOM": "index points",
}

# ------------------------------------------------------------------------------ the limits
MAX_NAME_CHARS = 64  # longest column name or user series name
NAME_CHARACTERS = "ASCII letters, digits, space and _-.^=()%/&+"  # what such a name may hold

_FRENCH_ROW = re.compile(r"^[ \t]*([0-9]{8}|[0-9]{6})[ \t]*,")
_NAME = re.compile(r"[A-Za-z0-9 _\-.^=()%/&+]+")


def parse_file(
    path: str | Path,
    *,
    layout: str | None = None,
    name: str | None = None,
    root: str | Path | None = None,
):
    """Parse one snapshot file by its layout.

    Parameters
    ----------
    path
        The CSV file.
    layout : {"fred", "prices", "french", "user"}, optional
        Defaults to the name of the folder the file is in.
    name
        How the file is named in messages (defaults to ``<layout>/<file name>``).
    root
        The snapshot folder ``path`` lies in: when given, ``path`` is opened only once it
        resolved inside it (a file or folder linked to outside the snapshot is refused).

    Returns
    -------
    pandas.DataFrame
        In the common shape described in the module docstring.

    Raises
    ------
    DataError
        Naming the file, the line or column, and what was expected.
    """
    path = Path(path)
    layout = layout or path.parent.name
    if layout not in PARSERS:
        raise ValueError(
            f"The value for `layout` must be one of {set(LAYOUTS)}, but {layout!r} was passed."
        )
    name = printable(name or f"{layout}/{path.name}")
    return PARSERS[layout](path, name, root=None if root is None else Path(root))


def check_name(name: str, value: str, *, what: str, line: int, field: str) -> None:
    """Refuse a column or series name that is empty, too long or outside :data:`_NAME`."""
    if not value:
        problem = "is empty, expected a name"
    elif len(value) > MAX_NAME_CHARS:
        problem = (
            f"{show(value)} is {len(value)} characters long, expected at most {MAX_NAME_CHARS}"
        )
    elif not _NAME.fullmatch(value):
        bad = next(ch for ch in value if not _NAME.fullmatch(ch))
        problem = f"{show(value)} holds {bad!r}, expected only {NAME_CHARACTERS}"
    else:
        return
    raise DataError(name, f"{what} {problem}", line=line, field=field)


def _no_repeats(name: str, columns: Sequence[str], *, line: int) -> None:
    for i, c in enumerate(columns):
        if c in columns[:i]:
            problem = f"column {show(c)} appears twice, expected each column once"
            raise DataError(name, problem, line=line, field=c)


# ----------------------------------------------------------------------------------- layouts
def parse_fred(path: Path, name: str, *, root: Path | None = None) -> pd.DataFrame:
    """FRED's fredgraph.csv: ``observation_date,<ID>`` (older files ``DATE,<ID>``)."""
    rows = split_rows(name, read_lines(path, name, root=root))
    series = path.stem
    header = rows[0]
    if len(header) != 2 or header[0] not in ("observation_date", "DATE"):
        raise DataError(
            name,
            f"header is {show(','.join(header))}, expected {show(f'observation_date,{series}')}",
            line=1,
        )
    check_name(name, header[1], what="column name", line=1, field=header[1])
    if header[1] != series:
        raise DataError(
            name,
            f"header names series {show(header[1])}, expected {show(series)} (the file's name)",
            line=1,
        )
    frame, lines = table(
        name,
        rows[1:],
        2,
        [series],
        parse_dates=iso_dates,
        date_hint="YYYY-MM-DD",
        missing=("", "."),
    )
    frame = validate(name, frame, lines)
    return finish(frame, name, {series: FRED_UNITS.get(series, "as published by FRED")})


def parse_prices(path: Path, name: str, *, root: Path | None = None) -> pd.DataFrame:
    """Yahoo-style prices: ``Date`` plus any of Open, High, Low, Close, Adj Close, Volume."""
    rows = split_rows(name, read_lines(path, name, root=root))
    header = rows[0]
    if not header or header[0] != "Date":
        raise DataError(
            name,
            f"first column is {show(header[0] if header else '')}, expected 'Date'",
            line=1,
            field="Date",
        )
    columns = header[1:]
    _no_repeats(name, columns, line=1)
    unknown = [c for c in columns if c not in (*PRICE_COLUMNS, "Volume")]
    if unknown:
        raise DataError(
            name,
            f"unknown column {show(unknown[0])}, expected any of "
            f"{', '.join((*PRICE_COLUMNS, 'Volume'))}",
            line=1,
            field=unknown[0],
        )
    if "Close" not in columns and "Adj Close" not in columns:
        raise DataError(
            name, "has neither Close nor Adj Close, expected at least one", line=1, field="Close"
        )
    frame, lines = table(
        name,
        rows[1:],
        2,
        columns,
        parse_dates=iso_dates,
        date_hint="YYYY-MM-DD",
        missing=("", "null"),
    )
    frame = validate(name, frame, lines, positive=[c for c in columns if c in PRICE_COLUMNS])
    if "Volume" in frame and (frame["Volume"] < 0).any():
        i = int(np.flatnonzero((frame["Volume"] < 0).to_numpy())[0])
        raise DataError(
            name, "Volume is negative, expected zero or more", line=lines[i], field="Volume"
        )
    symbol = path.stem
    units = {c: ("shares" if c == "Volume" else "price in the symbol's currency") for c in columns}
    return finish(frame, name, units, symbol=symbol)


def parse_french(path: Path, name: str, *, root: Path | None = None) -> pd.DataFrame:
    """Ken French's CSV as published: preamble, ``,<factors>`` header, rows in percent, notes.

    The first table (daily ``YYYYMMDD`` or monthly ``YYYYMM``) is read; the annual table and the
    copyright notes that follow it are skipped. Monthly rows are dated at the month's end.
    ``-99.99`` and ``-999`` are the library's missing-value codes.
    """
    lines = read_lines(path, name, root=root)
    start = next(
        (
            i
            for i, ln in enumerate(lines[:-1])
            if ln.startswith(",") and _FRENCH_ROW.match(lines[i + 1])
        ),
        None,
    )
    if start is None:
        raise DataError(
            name,
            "no header row starting with ',' followed by YYYYMMDD or YYYYMM rows, "
            "expected Ken French's CSV layout",
        )
    columns = [c.strip() for c in lines[start].split(",")[1:]]
    for c in columns:
        check_name(name, c, what="column name", line=start + 1, field=c)
    _no_repeats(name, columns, line=start + 1)
    end = start + 1
    while end < len(lines) and lines[end].strip() and _FRENCH_ROW.match(lines[end]):
        end += 1
    if end < len(lines) and lines[end].strip() and lines[end].lstrip()[:1].isdigit():
        raise DataError(
            name, f"row {lines[end].strip()[:20]!r} is not YYYYMMDD or YYYYMM data", line=end + 1
        )
    if not any("copyright" in ln.lower() for ln in lines[end:]):
        raise DataError(
            name,
            "ends without Ken French's closing copyright line (truncated file?)",
            line=len(lines),
        )
    rows = split_rows(name, lines[start + 1 : end], start + 2)
    daily = len(rows[0][0]) == 8

    def dates(s: pd.Series) -> pd.Series:
        if daily:
            return pd.to_datetime(s.where(s.str.len() == 8), format="%Y%m%d", errors="coerce")
        month = pd.to_datetime(s.where(s.str.len() == 6), format="%Y%m", errors="coerce")
        return month + pd.offsets.MonthEnd(0)

    frame, idx = table(
        name,
        rows,
        start + 2,
        columns,
        parse_dates=dates,
        date_hint="YYYYMMDD" if daily else "YYYYMM",
    )
    frame = frame.mask(frame.isin([-99.99, -999.0]))
    frame = validate(name, frame, idx)
    return finish(
        frame, name, dict.fromkeys(columns, "percent"), frequency="daily" if daily else "monthly"
    )


def parse_user(path: Path, name: str, *, root: Path | None = None) -> pd.DataFrame:
    """A user's tidy file: ``date,series,value,unit,source`` (one row per date and series).

    Returned wide: one column per series, its unit in ``attrs["units"]`` and its source in
    ``attrs["sources"]``. Within a series, dates must be unique and increasing.
    """
    rows = split_rows(name, read_lines(path, name, root=root))
    header = rows[0]
    missing = [c for c in USER_COLUMNS if c not in header]
    if missing:
        raise DataError(
            name,
            f"missing column {missing[0]!r}, expected columns {','.join(USER_COLUMNS)}",
            line=1,
            field=missing[0],
        )
    pos = {c: header.index(c) for c in USER_COLUMNS}
    body = rows[1:]
    if not body:
        raise DataError(name, "has a header but no data rows, expected at least one row")
    for i, row in enumerate(body):
        if len(row) != len(header):
            raise DataError(name, f"has {len(row)} fields, expected {len(header)}", line=i + 2)
    units: dict[str, str] = {}
    sources: dict[str, str] = {}
    by_series: dict[str, list[list[str]]] = {}
    lines_of: dict[str, list[int]] = {}
    for i, row in enumerate(body):
        series, unit = row[pos["series"]], row[pos["unit"]]
        for field in ("series", "unit", "source"):
            if not row[pos[field]]:
                raise DataError(name, f"{field} is empty, expected a name", line=i + 2, field=field)
        if series not in units:
            check_name(name, series, what="series name", line=i + 2, field="series")
        if units.setdefault(series, unit) != unit:
            raise DataError(
                name,
                f"unit of {show(series)} is {show(unit)}, expected {show(units[series])} as on "
                "its earlier rows",
                line=i + 2,
                field="unit",
            )
        sources.setdefault(series, row[pos["source"]])
        by_series.setdefault(series, []).append([row[pos["date"]], row[pos["value"]]])
        lines_of.setdefault(series, []).append(i + 2)
    frames = []
    for series, srows in by_series.items():
        frame, lines = table(
            name, srows, lines_of[series], [series], parse_dates=iso_dates, date_hint="YYYY-MM-DD"
        )
        frames.append(validate(name, frame, lines))
    wide = pd.concat(frames, axis=1, sort=True)
    wide.index.name = "date"
    return finish(wide, name, units, sources=sources)


PARSERS: dict[str, Callable[..., pd.DataFrame]] = {
    "fred": parse_fred,
    "prices": parse_prices,
    "french": parse_french,
    "user": parse_user,
}
