"""The four snapshot parsers: the common shape, the providers' oddities, and every rejection.

Malformed files are built in ``tmp_path``; the real files of ../shared/data/real are only read.
Every rejection is pinned to its exact one-line message: the file, the line and what was expected.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.errors import DataError
from analysis.snapshot.parsers import parse_file

# A monthly Ken French file laid out as the real F-F_Research_Data_Factors.CSV is: preamble, a
# header row starting with a comma, YYYYMM rows, then " Annual Factors: January-December " and
# the annual table (years, not months), then the copyright line. CRLF line ends, as published.
FRENCH_MONTHLY = (
    "This file was created by CMPT_ME_BEME_RETS using the 202601 CRSP database.\r\n"
    "The 1-month TBill return is from Ibbotson and Associates, Inc.\r\n"
    "\r\n"
    ",Mkt-RF,SMB,HML,RF\r\n"
    "202510,    1.95,   -0.53,   -3.10,    0.36\r\n"
    "202511,    0.65,    1.03,    3.77,    0.30\r\n"
    "202512,   -0.36,   -1.06,    2.42,    0.34\r\n"
    "202601,    1.02,    2.21,   -0.82,    0.30\r\n"
    "\r\n"
    " Annual Factors: January-December \r\n"
    ",Mkt-RF,SMB,HML,RF\r\n"
    "  2024,   20.00,   -5.00,   -3.00,    5.20\r\n"
    "  2025,   17.00,   -4.00,    1.00,    4.20\r\n"
    "\r\n"
    "Copyright 2026 Eugene F. Fama and Kenneth R. French\r\n"
)

FRENCH_DAILY = (
    "This file was created by using the 202601 CRSP database.\n"
    "The Tbill return is the simple daily rate.\n"
    "\n"
    ",Mkt-RF,SMB,HML,RF\n"
    "20260128,   -0.10,   -0.82,    0.39,    0.02\n"
    "20260129,   -0.26,  -99.99,    1.39,    0.02\n"
    "20260130,   -0.55,   -0.48,    0.35,    0.02\n"
    "\n"
    "Copyright 2026 Eugene F. Fama and Kenneth R. French\n"
)


def write(root: Path, rel: str, content: str | bytes) -> Path:
    """Write ``content`` byte for byte (no newline translation) at ``root/rel``."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def assert_common_shape(frame: pd.DataFrame, source: str) -> None:
    """The contract every parser keeps (see analysis/snapshot/parsers.py)."""
    assert isinstance(frame.index, pd.DatetimeIndex)
    assert frame.index.name == "date"
    assert frame.index.is_monotonic_increasing
    assert frame.index.is_unique
    assert len(frame) > 0
    assert all(dtype == np.float64 for dtype in frame.dtypes), dict(frame.dtypes)
    assert set(frame.attrs["units"]) == set(frame.columns)
    assert all(isinstance(u, str) and u for u in frame.attrs["units"].values())
    assert frame.attrs["source"] == source


# ------------------------------------------------------------------------------ accepted
def test_prices_with_bom_and_crlf_parse(tmp_path):
    path = write(
        tmp_path,
        "prices/^RUT.csv",
        b"\xef\xbb\xbfDate,Open,High,Low,Close,Volume\r\n"
        b"2025-12-31,2500.00,2510.00,2480.00,2481.91,0\r\n"
        b"2026-01-02,2491.82,2509.72,2481.59,2508.22,1200\r\n",
    )
    frame = parse_file(path)
    assert_common_shape(frame, "prices/^RUT.csv")
    assert list(frame.columns) == ["Open", "High", "Low", "Close", "Volume"]
    assert frame.loc["2026-01-02", "Close"] == 2508.22
    assert frame.attrs["units"]["Volume"] == "shares"
    assert frame.attrs["units"]["Close"] == "price in the symbol's currency"
    assert frame.attrs["symbol"] == "^RUT"


def test_prices_with_only_adj_close_and_missing_values_parse(tmp_path):
    path = write(
        tmp_path,
        "prices/IWM.csv",
        "Date,Adj Close\n2025-12-30,250.10\n2025-12-31,null\n2026-01-02,\n2026-01-05,252.00\n",
    )
    frame = parse_file(path)
    assert_common_shape(frame, "prices/IWM.csv")
    assert list(frame.columns) == ["Adj Close"]
    assert frame["Adj Close"].isna().tolist() == [False, True, True, False]


@pytest.mark.parametrize("header", ["observation_date", "DATE"])
def test_fred_new_and_old_header_with_dot_and_empty_missing(tmp_path, header):
    path = write(
        tmp_path,
        "fred/DGS10.csv",
        f"{header},DGS10\r\n2025-12-24,4.15\r\n2025-12-25,.\r\n2025-12-26,\r\n2025-12-29,4.12\r\n",
    )
    frame = parse_file(path)
    assert_common_shape(frame, "fred/DGS10.csv")
    assert list(frame.columns) == ["DGS10"]
    assert frame.attrs["units"] == {"DGS10": "percent"}
    assert frame.loc["2025-12-24", "DGS10"] == 4.15
    assert math.isnan(frame.loc["2025-12-25", "DGS10"])
    assert math.isnan(frame.loc["2025-12-26", "DGS10"])
    assert len(frame) == 4


def test_fred_unknown_series_gets_a_generic_unit(tmp_path):
    path = write(tmp_path, "fred/T10Y2Y.csv", "observation_date,T10Y2Y\n2026-01-02,0.7\n")
    assert parse_file(path).attrs["units"] == {"T10Y2Y": "as published by FRED"}


def test_french_monthly_reads_the_monthly_table_at_month_ends_and_skips_the_annual(tmp_path):
    path = write(tmp_path, "french/F-F_Research_Data_Factors.CSV", FRENCH_MONTHLY)
    frame = parse_file(path)
    assert_common_shape(frame, "french/F-F_Research_Data_Factors.CSV")
    assert list(frame.columns) == ["Mkt-RF", "SMB", "HML", "RF"]
    assert list(frame.index) == list(
        pd.to_datetime(["2025-10-31", "2025-11-30", "2025-12-31", "2026-01-31"])
    )
    assert frame.loc["2025-12-31", "SMB"] == -1.06
    assert frame.loc["2026-01-31", "Mkt-RF"] == 1.02
    # the annual rows (2024: 20.00, 2025: 17.00) are not in the frame
    assert not frame.isin([20.0, 17.0, 5.2, 4.2]).any().any()
    assert frame.index.min() >= pd.Timestamp("2025-10-01")
    assert frame.attrs["frequency"] == "monthly"
    assert frame.attrs["units"] == dict.fromkeys(["Mkt-RF", "SMB", "HML", "RF"], "percent")


def test_french_daily_with_missing_code(tmp_path):
    path = write(tmp_path, "french/FF_daily.csv", FRENCH_DAILY)
    frame = parse_file(path)
    assert_common_shape(frame, "french/FF_daily.csv")
    assert frame.attrs["frequency"] == "daily"
    assert list(frame.index) == list(pd.to_datetime(["2026-01-28", "2026-01-29", "2026-01-30"]))
    assert math.isnan(frame.loc["2026-01-29", "SMB"])  # -99.99 is the library's missing code
    assert frame.loc["2026-01-30", "SMB"] == -0.48


def test_user_file_is_returned_wide_with_units_and_sources(tmp_path):
    path = write(
        tmp_path,
        "user/forward_pe.csv",
        "date,series,value,unit,source\n"
        "2025-11-28,russell2000_fwd_pe,15.4,multiple,FactSet\n"
        "2025-11-28,sp500_fwd_pe,22.3,multiple,Yardeni\n"
        "2025-12-31,russell2000_fwd_pe,15.1,multiple,FactSet\n"
        "2025-12-31,sp500_fwd_pe,,multiple,Yardeni\n"
        "2026-01-30,russell2000_fwd_pe,15.6,multiple,FactSet\n",
    )
    frame = parse_file(path)
    assert_common_shape(frame, "user/forward_pe.csv")
    assert list(frame.columns) == ["russell2000_fwd_pe", "sp500_fwd_pe"]
    assert frame.attrs["units"] == {"russell2000_fwd_pe": "multiple", "sp500_fwd_pe": "multiple"}
    assert frame.attrs["sources"] == {"russell2000_fwd_pe": "FactSet", "sp500_fwd_pe": "Yardeni"}
    assert frame.loc["2025-12-31", "russell2000_fwd_pe"] == 15.1
    assert math.isnan(frame.loc["2025-12-31", "sp500_fwd_pe"])
    assert math.isnan(frame.loc["2026-01-30", "sp500_fwd_pe"])  # that series has no such row


def test_layout_is_taken_from_the_folder_or_given(tmp_path):
    path = write(tmp_path, "elsewhere/DGS2.csv", "observation_date,DGS2\n2026-01-02,3.47\n")
    with pytest.raises(ValueError, match="layout"):
        parse_file(path)
    frame = parse_file(path, layout="fred", name="fred/DGS2.csv")
    assert frame.attrs["source"] == "fred/DGS2.csv"
    assert frame.loc["2026-01-02", "DGS2"] == 3.47


# ------------------------------------------------------------------------------ rejected
GOOD_PRICES = "Date,Open,High,Low,Close\n2025-12-31,1,2,0.5,1.5\n"

REJECTED = [
    # (id, file, content, exact message, line)
    (
        "prices-without-close",
        "prices/^RUT.csv",
        "Date,Open,High,Low\n2026-01-02,1,2,0.5\n",
        "prices/^RUT.csv line 1: has neither Close nor Adj Close, expected at least one",
        1,
    ),
    (
        "prices-first-column-not-date",
        "prices/^RUT.csv",
        "Day,Close\n2026-01-02,1\n",
        "prices/^RUT.csv line 1: first column is 'Day', expected 'Date'",
        1,
    ),
    (
        "prices-unknown-column",
        "prices/^RUT.csv",
        "Date,Close,Dividends\n2026-01-02,1,0\n",
        "prices/^RUT.csv line 1: unknown column 'Dividends', expected any of Open, High, Low, "
        "Close, Adj Close, Volume",
        1,
    ),
    (
        "user-without-unit",
        "user/eps.csv",
        "date,series,value,source\n2025-12-31,sp500_eps_ttm,250.1,FactSet\n",
        "user/eps.csv line 1: missing column 'unit', expected columns "
        "date,series,value,unit,source",
        1,
    ),
    (
        "text-for-a-number-prices",
        "prices/^RUT.csv",
        GOOD_PRICES + "2026-01-02,1,2,0.5,n/a\n",
        "prices/^RUT.csv line 3: Close is 'n/a', expected a number",
        3,
    ),
    (
        "text-for-a-number-fred",
        "fred/DGS2.csv",
        "observation_date,DGS2\n2025-12-31,3.47\n2026-01-02,n/a\n",
        "fred/DGS2.csv line 3: DGS2 is 'n/a', expected a number",
        3,
    ),
    (
        "nan-text-is-not-a-missing-marker",
        "prices/^RUT.csv",
        GOOD_PRICES + "2026-01-02,1,2,0.5,NaN\n",
        "prices/^RUT.csv line 3: Close is 'NaN', expected a number",
        3,
    ),
    (
        "text-for-a-number-user",
        "user/eps.csv",
        "date,series,value,unit,source\n"
        "2025-09-30,sp500_eps_ttm,240.0,USD,FactSet\n"
        "2025-12-31,sp500_eps_ttm,n/a,USD,FactSet\n",
        "user/eps.csv line 3: sp500_eps_ttm is 'n/a', expected a number",
        3,
    ),
    (
        "impossible-iso-date",
        "fred/DGS2.csv",
        "observation_date,DGS2\n2025-02-28,4.1\n2025-02-30,4.2\n",
        "fred/DGS2.csv line 3: date '2025-02-30' is not a real date, expected YYYY-MM-DD",
        3,
    ),
    (
        "impossible-iso-date-prices",
        "prices/^RUT.csv",
        "Date,Close\n2025-02-30,1\n",
        "prices/^RUT.csv line 2: date '2025-02-30' is not a real date, expected YYYY-MM-DD",
        2,
    ),
    (
        "non-iso-date",
        "prices/^RUT.csv",
        "Date,Close\n2026-01-02,1\n01/05/2026,1\n",
        "prices/^RUT.csv line 3: date '01/05/2026' is not a real date, expected YYYY-MM-DD",
        3,
    ),
    (
        "impossible-french-daily-date",
        "french/FF_daily.csv",
        FRENCH_DAILY.replace("20260129", "20250230"),
        "french/FF_daily.csv line 6: date '20250230' is not a real date, expected YYYYMMDD",
        6,
    ),
    (
        "impossible-french-month",
        "french/FF.csv",
        FRENCH_MONTHLY.replace("202512,", "202513,"),
        "french/FF.csv line 7: date '202513' is not a real date, expected YYYYMM",
        7,
    ),
    (
        "french-row-neither-daily-nor-monthly",
        "french/FF_daily.csv",
        FRENCH_DAILY.replace("20260129", "2026012"),
        "french/FF_daily.csv line 6: row '2026012,   -0.26,  -' is not YYYYMMDD or YYYYMM data",
        6,
    ),
    (
        "repeated-date",
        "fred/DGS2.csv",
        "observation_date,DGS2\n2025-12-30,3.5\n2025-12-31,3.4\n2025-12-31,3.4\n",
        "fred/DGS2.csv line 4: date 2025-12-31 repeats, expected unique dates",
        4,
    ),
    (
        "backwards-date",
        "prices/^RUT.csv",
        "Date,Close\n2025-12-30,1\n2025-12-31,1\n2025-12-29,1\n",
        "prices/^RUT.csv line 4: date 2025-12-29 goes backwards (after 2025-12-31), "
        "expected increasing dates",
        4,
    ),
    (
        "repeated-french-date",
        "french/FF_daily.csv",
        FRENCH_DAILY.replace("20260130", "20260129"),
        "french/FF_daily.csv line 7: date 2026-01-29 repeats, expected unique dates",
        7,
    ),
    (
        "repeated-user-date-within-a-series",
        "user/etf_flows.csv",
        "date,series,value,unit,source\n"
        "2025-12-30,IWM,100,USD mn,ETF.com\n"
        "2025-12-30,IJR,50,USD mn,ETF.com\n"
        "2025-12-30,IWM,120,USD mn,ETF.com\n",
        "user/etf_flows.csv line 4: date 2025-12-30 repeats, expected unique dates",
        4,
    ),
    (
        "backwards-user-date-within-a-series",
        "user/forward_pe.csv",
        "date,series,value,unit,source\n"
        "2025-11-28,russell2000_fwd_pe,15.4,multiple,FactSet\n"
        "2025-11-28,sp500_fwd_pe,22.3,multiple,FactSet\n"
        "2025-12-31,sp500_fwd_pe,22.0,multiple,FactSet\n"
        "2025-10-31,sp500_fwd_pe,21.0,multiple,FactSet\n",
        "user/forward_pe.csv line 5: date 2025-10-31 goes backwards (after 2025-12-31), "
        "expected increasing dates",
        5,
    ),
    (
        "zero-price",
        "prices/^RUT.csv",
        GOOD_PRICES + "2026-01-02,1,2,0.5,0\n",
        "prices/^RUT.csv line 3: Close is 0, expected a positive price",
        3,
    ),
    (
        "negative-price",
        "prices/^RUT.csv",
        GOOD_PRICES + "2026-01-02,-1.25,2,0.5,1\n",
        "prices/^RUT.csv line 3: Open is -1.25, expected a positive price",
        3,
    ),
    (
        "negative-volume",
        "prices/ZQN26.csv",
        "Date,Close,Volume\n2026-01-02,96.7,10\n2026-01-05,96.7,-3\n",
        "prices/ZQN26.csv line 3: Volume is negative, expected zero or more",
        3,
    ),
    (
        "infinity-prices",
        "prices/^RUT.csv",
        GOOD_PRICES + "2026-01-02,1,inf,0.5,1\n",
        "prices/^RUT.csv line 3: High is inf, expected a finite number (not an infinity)",
        3,
    ),
    (
        "infinity-fred",
        "fred/DGS2.csv",
        "observation_date,DGS2\n2025-12-31,-inf\n",
        "fred/DGS2.csv line 2: DGS2 is -inf, expected a finite number (not an infinity)",
        2,
    ),
    (
        "infinity-french",
        "french/FF_daily.csv",
        FRENCH_DAILY.replace("    0.35,", "     inf,"),
        "french/FF_daily.csv line 7: HML is inf, expected a finite number (not an infinity)",
        7,
    ),
    (
        "fred-header-names-another-series",
        "fred/DGS10.csv",
        "observation_date,DGS2\n2026-01-02,3.47\n",
        "fred/DGS10.csv line 1: header names series 'DGS2', expected 'DGS10' (the file's name)",
        1,
    ),
    (
        "fred-header-not-a-date-column",
        "fred/DGS10.csv",
        "when,DGS10\n2026-01-02,4.19\n",
        "fred/DGS10.csv line 1: header is 'when,DGS10', expected 'observation_date,DGS10'",
        1,
    ),
    (
        "truncated-last-row-prices",
        "prices/^RUT.csv",
        GOOD_PRICES + "2026-01-02,2491.82,2509",
        "prices/^RUT.csv line 3: has 3 fields, expected 5 (truncated file?)",
        3,
    ),
    (
        "truncated-last-row-fred",
        "fred/DFF.csv",
        "observation_date,DFF\n2026-01-01,3.64\n2026-01-02",
        "fred/DFF.csv line 3: has 1 fields, expected 2 (truncated file?)",
        3,
    ),
    (
        "short-row-in-the-middle",
        "prices/^RUT.csv",
        "Date,Open,Close\n2026-01-02,1\n2026-01-05,1,1\n",
        "prices/^RUT.csv line 2: has 2 fields, expected 3",
        2,
    ),
    (
        "user-row-with-a-missing-field",
        "user/eps.csv",
        "date,series,value,unit,source\n2025-12-31,sp500_eps_ttm,250.1,USD\n",
        "user/eps.csv line 2: has 4 fields, expected 5",
        2,
    ),
    (
        "user-unit-changes-within-a-series",
        "user/eps.csv",
        "date,series,value,unit,source\n"
        "2025-09-30,sp500_eps_ttm,240.0,USD,FactSet\n"
        "2025-12-31,sp500_eps_ttm,2.5,percent,FactSet\n",
        "user/eps.csv line 3: unit of 'sp500_eps_ttm' is 'percent', expected 'USD' as on its "
        "earlier rows",
        3,
    ),
    (
        "user-empty-unit",
        "user/eps.csv",
        "date,series,value,unit,source\n2025-12-31,sp500_eps_ttm,250.1,,FactSet\n",
        "user/eps.csv line 2: unit is empty, expected a name",
        2,
    ),
    (
        "french-without-copyright-footer",
        "french/FF_daily.csv",
        FRENCH_DAILY.split("\n\nCopyright")[0] + "\n",
        "french/FF_daily.csv line 7: ends without Ken French's closing copyright line "
        "(truncated file?)",
        7,
    ),
    (
        "french-cut-inside-the-table",
        "french/FF.csv",
        FRENCH_MONTHLY.split("202512,")[0] + "202512,   -0.3",
        "french/FF.csv line 7: ends without Ken French's closing copyright line (truncated file?)",
        7,
    ),
]


@pytest.mark.parametrize(
    ("rel", "content", "message", "line"),
    [pytest.param(*case[1:], id=case[0]) for case in REJECTED],
)
def test_rejected_with_file_line_and_expectation(tmp_path, rel, content, message, line):
    path = write(tmp_path, rel, content)
    with pytest.raises(DataError, match=f"^{re.escape(message)}$") as excinfo:
        parse_file(path)
    assert excinfo.value.line == line
    assert excinfo.value.path == rel
    assert "\n" not in str(excinfo.value)


WHOLE_FILE_REJECTED = [
    ("empty", b"", "file is empty, expected a CSV header and rows"),
    ("blank-lines-only", b"\r\n  \r\n\n", "file is empty, expected a CSV header and rows"),
    (
        "html-page",
        b"<!DOCTYPE html>\n<html><head><title>Error</title></head><body>Not found</body></html>",
        "is an HTML page saved as CSV (an error or login page?), expected CSV",
    ),
    (
        "html-page-with-bom-and-whitespace",
        b"\xef\xbb\xbf\r\n  <html>\r\n<body>Please log in</body></html>\r\n",
        "is an HTML page saved as CSV (an error or login page?), expected CSV",
    ),
    (
        "not-utf8",
        b"Date,Close\n2026-01-02,\xe9\n",
        "is not UTF-8 text (byte 22), expected a CSV file",
    ),
]


@pytest.mark.parametrize(
    "layout", ["fred/DGS2.csv", "prices/^RUT.csv", "french/FF.csv", "user/x.csv"]
)
@pytest.mark.parametrize(
    ("content", "message"),
    [pytest.param(c, m, id=i) for i, c, m in WHOLE_FILE_REJECTED],
)
def test_rejected_whole_files_in_every_layout(tmp_path, layout, content, message):
    path = write(tmp_path, layout, content)
    with pytest.raises(DataError, match=f"^{re.escape(f'{layout}: {message}')}$") as excinfo:
        parse_file(path)
    assert excinfo.value.line is None


@pytest.mark.parametrize(
    ("rel", "header"),
    [
        ("fred/DGS2.csv", "observation_date,DGS2\n"),
        ("prices/^RUT.csv", "Date,Close\n"),
        ("user/eps.csv", "date,series,value,unit,source\n"),
    ],
)
def test_header_without_rows_is_rejected(tmp_path, rel, header):
    path = write(tmp_path, rel, header)
    expected = f"{rel}: has a header but no data rows, expected at least one row"
    with pytest.raises(DataError, match=f"^{re.escape(expected)}$"):
        parse_file(path)


def test_french_without_a_header_row_is_rejected(tmp_path):
    path = write(tmp_path, "french/FF.csv", "Some notes\n\nMkt-RF,SMB\n1,2\n\nCopyright 2026\n")
    with pytest.raises(
        DataError,
        match=re.escape(
            "french/FF.csv: no header row starting with ',' followed by YYYYMMDD or YYYYMM rows, "
            "expected Ken French's CSV layout"
        ),
    ):
        parse_file(path)


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match=r"^prices/NONE\.csv: file is missing$"):
        parse_file(tmp_path / "prices" / "NONE.csv")


# --------------------------------------------------------------- edge cases once found as bugs
@pytest.mark.parametrize("rel", ["fred/DGS2.csv", "prices/^RUT.csv", "user/x.csv"])
def test_bom_only_file_is_empty(tmp_path, rel):
    path = write(tmp_path, rel, b"\xef\xbb\xbf")
    with pytest.raises(DataError, match=re.escape(f"{rel}: file is empty")):
        parse_file(path)


def test_prices_starting_with_a_blank_line_is_a_data_error(tmp_path):
    path = write(tmp_path, "prices/^RUT.csv", "\nDate,Close\n2026-01-02,1\n")
    with pytest.raises(DataError, match=re.escape("prices/^RUT.csv line 1: first column is ''")):
        parse_file(path)


@pytest.mark.parametrize(
    ("rel", "content"),
    [
        ("prices/^RUT.csv", "Date,Close,Close\n2026-01-02,1,1\n"),
        ("french/FF.csv", "notes\n\n,SMB,SMB\n20260102,1,2\n\nCopyright 2026\n"),
    ],
    ids=["prices", "french"],
)
def test_repeated_column_is_a_data_error(tmp_path, rel, content):
    path = write(tmp_path, rel, content)
    with pytest.raises(DataError, match=rf"^{re.escape(rel)} line \d+: .*'(Close|SMB)'"):
        parse_file(path)


# ------------------------------------------------------------------------------ real data
@pytest.mark.real_data
def test_every_real_file_parses_in_the_common_shape(real_dir):
    files = sorted(
        p for layout in ("fred", "prices", "french", "user") for p in (real_dir / layout).glob("*")
    )
    assert len(files) >= 19
    for path in files:
        rel = f"{path.parent.name}/{path.name}"
        assert_common_shape(parse_file(path, name=rel), rel)


@pytest.mark.real_data
def test_real_rut_close_and_intraday_high(real_dir):
    # ../shared/data/real/prices/^RUT.csv, Interactive Brokers feed via heliar-k/market-base
    rut = parse_file(real_dir / "prices" / "^RUT.csv")
    assert list(rut.columns) == ["Open", "High", "Low", "Close"]
    assert rut.loc["2026-01-02", "Close"] == 2508.22
    # ../shared/data/real/prices/^RUT.csv (same feed): the record intraday high, 2025-12-12
    assert rut.loc["2025-12-12", "High"] == 2595.98
    assert rut.loc[:"2026-01-02", "High"].max() == 2595.98
    # SOURCES.md: Yahoo history joined before the IB feed, from 1987-09-10
    assert rut.index[0] == pd.Timestamp("1987-09-10")
    assert rut.loc["1987-09-10", "Close"] == 168.97


@pytest.mark.real_data
def test_real_fed_target_upper_bound(real_dir):
    # ../shared/data/real/fred/DFEDTARU.csv, FRED series via heliar-k/market-base
    # (data/fred/rates/rates.csv)
    upper = parse_file(real_dir / "fred" / "DFEDTARU.csv")
    assert upper.loc["2025-12-31", "DFEDTARU"] == 3.75
    assert upper.attrs["units"] == {"DFEDTARU": "percent"}


@pytest.mark.real_data
def test_real_french_daily_factors(real_dir):
    # ../shared/data/real/french/F-F_Research_Data_5_Factors_2x3_daily.csv, Ken French data
    # library (202601 CRSP vintage) via michaelshpan/autoresearch-portfolio; CRLF line ends
    ff = parse_file(real_dir / "french" / "F-F_Research_Data_5_Factors_2x3_daily.csv")
    assert list(ff.columns) == ["Mkt-RF", "SMB", "HML", "RMW", "CMA", "RF"]
    assert ff.attrs["frequency"] == "daily"
    assert ff.loc["2026-01-30", "SMB"] == -0.48
    assert ff.index[0] == pd.Timestamp("1963-07-01")
    assert ff.index[-1] == pd.Timestamp("2026-01-30")


@pytest.mark.real_data
def test_real_fred_sp500_has_missing_holidays(real_dir):
    # ../shared/data/real/fred/SP500.csv, native fredgraph.csv via
    # XinyuLiu2403/acc102-macro-dashboard: empty values on holidays (Memorial Day 2021-05-31)
    sp = parse_file(real_dir / "fred" / "SP500.csv")
    assert pd.Timestamp("2021-05-31") in sp.index
    assert math.isnan(sp.loc["2021-05-31", "SP500"])
    assert sp["SP500"].isna().sum() > 10
    assert sp.attrs["units"] == {"SP500": "index points"}


@pytest.mark.real_data
def test_real_iwm_has_only_adj_close(real_dir):
    # ../shared/data/real/prices/IWM.csv, ETF adjusted closes via heliar-k/market-base
    # (data/etf/pool_prices.csv)
    iwm = parse_file(real_dir / "prices" / "IWM.csv")
    assert list(iwm.columns) == ["Adj Close"]
    assert iwm.attrs["symbol"] == "IWM"
