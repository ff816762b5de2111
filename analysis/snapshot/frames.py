"""The common frame every parser returns, and the rules it is held to.

Every layout's rows become a float frame on a ``DatetimeIndex`` named ``date`` (:func:`table`),
with dates in :data:`MIN_DATE`..:data:`MAX_DATE`, unique and increasing, finite values,
positive prices where asked (:func:`validate`, a pandera schema), and the units and source in
``frame.attrs`` (:func:`finish`). Each problem is one :class:`~analysis.errors.DataError` line
naming the file and the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.errors import DataError
from analysis.snapshot.files import show

if TYPE_CHECKING:
    import pandera.pandas as pandera

MIN_DATE = date(1900, 1, 1)  # earliest date accepted in any layout
MAX_DATE = date(2100, 12, 31)  # latest: a 9999-12-31 row must not make a forecast "due"
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def plain_numbers(cells: list[str]) -> np.ndarray | None:
    """A column whose every cell is a plain finite number, converted at C speed; ``None`` for
    anything else (a missing value, text, an infinity, ``1_000``), which the careful path then
    reads cell by cell and reports with its line."""
    if any("_" in cell for cell in cells):
        return None
    try:
        values = np.array(cells, dtype="float64")
    except ValueError:
        return None
    return values if np.isfinite(values).all() else None


def table(
    name: str,
    rows: list[list[str]],
    first_line: int | Sequence[int],
    columns: list[str],
    *,
    parse_dates: Callable[[pd.Series], pd.Series],
    date_hint: str,
    missing: Sequence[str] = ("",),
) -> tuple[pd.DataFrame, np.ndarray]:
    """Turn split rows into a float frame indexed by date; return it with each row's file line.

    ``first_line`` is the file line of the first row, or the file line of every row.
    """
    if isinstance(first_line, int):
        lines = np.arange(first_line, first_line + len(rows))
    else:
        lines = np.asarray(first_line)
    width = len(columns) + 1
    for i, row in enumerate(rows):
        if len(row) != width:
            hint = " (truncated file?)" if len(row) < width and i == len(rows) - 1 else ""
            raise DataError(name, f"has {len(row)} fields, expected {width}{hint}", line=lines[i])
    if not rows:
        raise DataError(name, "has a header but no data rows, expected at least one row")
    table = pd.DataFrame(rows, dtype=object)
    cells = table.iloc[:, 1:].set_axis(columns, axis=1)
    dates = parse_dates(table[0])
    outside = (dates < pd.Timestamp(MIN_DATE)) | (dates > pd.Timestamp(MAX_DATE))
    if (bad := (dates.isna() | outside).to_numpy()).any():
        i = int(np.flatnonzero(bad)[0])
        problem = (
            f"is outside {MIN_DATE}..{MAX_DATE}, expected a date in that range"
            if outside.iloc[i]
            else f"is not a real date, expected {date_hint}"
        )
        raise DataError(name, f"date {show(rows[i][0])} {problem}", line=lines[i])
    values = pd.DataFrame(index=pd.DatetimeIndex(dates, name="date"))
    for col in columns:
        fast = plain_numbers(cells[col].tolist())
        if fast is not None:
            values[col] = fast
            continue
        raw = cells[col]
        is_missing = raw.isin(list(missing))
        num = pd.to_numeric(raw.where(~is_missing), errors="coerce")
        bad = num.isna() & ~is_missing  # text, and "nan" too: to_numeric reads it as NaN
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            problem = f"{col} is {show(raw.iloc[i])}, expected a number"
            raise DataError(name, problem, line=lines[i], field=col)
        values[col] = num.to_numpy(dtype="float64")
    return values, lines


def schema(columns: Sequence[str], *, positive: Sequence[str] = ()) -> pandera.DataFrameSchema:
    """The frame contract: float columns, finite values, positive where asked (pandera is
    imported here, when a file is parsed: a cached frame needs none of it)."""
    import pandera.pandas as pa

    finite = pa.Check(lambda s: ~np.isinf(s), error="a finite number (not an infinity)")
    positive_check = pa.Check.gt(0, ignore_na=True, error="a positive price")
    return pa.DataFrameSchema(
        {
            c: pa.Column(
                float, checks=[finite, positive_check] if c in positive else [finite], nullable=True
            )
            for c in columns
        },
        strict=True,
    )


def validate(
    name: str, frame: pd.DataFrame, lines: np.ndarray, *, positive: Sequence[str] = ()
) -> pd.DataFrame:
    """Apply the common rules: dates increasing and unique, values finite, positive where asked."""
    step = np.diff(frame.index.asi8)
    if (step <= 0).any():
        i = int(np.flatnonzero(step <= 0)[0]) + 1
        day, before = f"{frame.index[i]:%Y-%m-%d}", f"{frame.index[i - 1]:%Y-%m-%d}"
        problem = (
            f"date {day} repeats, expected unique dates"
            if step[i - 1] == 0
            else f"date {day} goes backwards (after {before}), expected increasing dates"
        )
        raise DataError(name, problem, line=int(lines[i]))
    from pandera.errors import SchemaErrors

    try:
        schema(list(frame.columns), positive=positive).validate(frame, lazy=True)
    except SchemaErrors as exc:
        first = exc.failure_cases.dropna(subset=["index"]).iloc[0]
        column = first["column"]
        i = int(np.flatnonzero(frame.index == first["index"])[0])
        raise DataError(
            name,
            f"{column} is {float(first['failure_case']):g}, expected {first['check']}",
            line=int(lines[i]),
            field=column,
        ) from exc
    return frame


def finish(frame: pd.DataFrame, name: str, units: dict[str, str], **attrs) -> pd.DataFrame:
    frame.attrs["units"] = units
    frame.attrs["source"] = name
    frame.attrs.update(attrs)
    return frame


def iso_dates(s: pd.Series) -> pd.Series:
    ok = s.str.match(ISO_DATE.pattern)
    return pd.to_datetime(s.where(ok), format="%Y-%m-%d", errors="coerce")
