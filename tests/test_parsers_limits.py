"""The parsers' limits at their edges: dates, names, line and cell lengths, control characters.

Each limit is documented in analysis/snapshot/parsers.py; here the last accepted and the first
refused value of each, with the exact one-line message.
"""

from __future__ import annotations

import os
import re

import pandas as pd
import pytest

from analysis.errors import DataError
from analysis.snapshot.files import (
    MAX_CELL_CHARS,
    MAX_FILE_BYTES,
    MAX_LINE_CHARS,
    printable,
    show,
)
from analysis.snapshot.parsers import MAX_NAME_CHARS, parse_file
from tests.test_parsers import write

FRENCH = "notes\n\n,{columns}\n{rows}\n\nCopyright 2026 Eugene F. Fama and Kenneth R. French\n"
RANGE = "is outside 1900-01-01..2100-12-31, expected a date in that range"


def refused(tmp_path, rel: str, content: str | bytes) -> DataError:
    with pytest.raises(DataError) as excinfo:
        parse_file(write(tmp_path, rel, content))
    assert "\n" not in str(excinfo.value)
    return excinfo.value


# ------------------------------------------------------------------------------ dates
@pytest.mark.parametrize(
    ("rel", "content", "first", "last"),
    [
        ("prices/^RUT.csv", "Date,Close\n1900-01-01,1\n2100-12-31,2\n", "1900-01-01", "2100-12-31"),
        (
            "fred/DGS2.csv",
            "observation_date,DGS2\n1900-01-01,1\n2100-12-31,2\n",
            "1900-01-01",
            "2100-12-31",
        ),
        (
            "user/x.csv",
            "date,series,value,unit,source\n1900-01-01,a,1,u,s\n2100-12-31,a,2,u,s\n",
            "1900-01-01",
            "2100-12-31",
        ),
        (
            "french/daily.csv",
            FRENCH.format(columns="SMB", rows="19000101,1\n21001231,2"),
            "1900-01-01",
            "2100-12-31",
        ),
        (
            "french/monthly.csv",
            FRENCH.format(columns="SMB", rows="190001,1\n210012,2"),
            "1900-01-31",
            "2100-12-31",
        ),
    ],
    ids=["prices", "fred", "user", "french-daily", "french-monthly"],
)
def test_the_first_and_last_dates_accepted(tmp_path, rel, content, first, last):
    frame = parse_file(write(tmp_path, rel, content))
    assert frame.index[0] == pd.Timestamp(first)
    assert frame.index[-1] == pd.Timestamp(last)


@pytest.mark.parametrize(
    ("rel", "content", "date", "line"),
    [
        ("prices/^RUT.csv", "Date,Close\n1899-12-31,1\n", "1899-12-31", 2),
        ("prices/^RUT.csv", "Date,Close\n2026-01-02,1\n2101-01-01,2\n", "2101-01-01", 3),
        ("fred/DGS2.csv", "observation_date,DGS2\n0001-01-01,1\n", "0001-01-01", 2),
        ("user/x.csv", "date,series,value,unit,source\n9999-12-31,a,1,u,s\n", "9999-12-31", 2),
        ("french/d.csv", FRENCH.format(columns="SMB", rows="18991231,1"), "18991231", 4),
        ("french/m.csv", FRENCH.format(columns="SMB", rows="202601,1\n210101,2"), "210101", 5),
    ],
    ids=["prices-1899", "prices-2101", "fred-0001", "user-9999", "french-daily", "french-month"],
)
def test_dates_outside_the_range_are_refused_in_every_layout(tmp_path, rel, content, date, line):
    exc = refused(tmp_path, rel, content)
    assert str(exc) == f"{rel} line {line}: date '{date}' {RANGE}"
    assert exc.line == line


def test_non_ascii_digits_are_not_dates(tmp_path):
    exc = refused(tmp_path, "prices/^RUT.csv", "Date,Close\n٢٠٢٦-٠١-٠٢,1\n")
    assert "is not a real date, expected YYYY-MM-DD" in str(exc)


# ------------------------------------------------------------------------------ names
@pytest.mark.parametrize(
    "name",
    ["Mkt-RF", "SMALL LoBM", "ME1 BM2", "Lo 10", "a/b (x)", "^RUT", "x=1%", "R&D", "A+B", "s.p"],
)
def test_names_of_the_documented_characters_are_accepted(tmp_path, name):
    french = parse_file(
        write(tmp_path, "french/f.csv", FRENCH.format(columns=name, rows="202601,1"))
    )
    assert list(french.columns) == [name]
    user = parse_file(
        write(tmp_path, "user/u.csv", f"date,series,value,unit,source\n2026-01-02,{name},1,u,s\n")
    )
    assert list(user.columns) == [name]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("[/oops]", "'[/oops]' holds '['"),
        ("a<b>", "'a<b>' holds '<'"),
        ("naïve", "'naïve' holds 'ï'"),
        ("$(rm)", "'$(rm)' holds '$'"),
        (
            "x" * (MAX_NAME_CHARS + 1),
            f"{show('x' * 65)} is 65 characters long, expected at most 64",
        ),
    ],
    ids=["brackets", "html", "non-ascii", "dollar", "too-long"],
)
def test_other_names_are_refused_naming_file_line_and_column(tmp_path, name, problem):
    exc = refused(tmp_path, "french/f.csv", FRENCH.format(columns=f"SMB,{name}", rows="202601,1,2"))
    assert str(exc).startswith(f"french/f.csv line 3: column name {problem}")
    assert exc.field == name
    exc = refused(
        tmp_path,
        "user/u.csv",
        f"date,series,value,unit,source\n2026-01-02,ok,1,u,s\n2026-01-02,{name},1,u,s\n",
    )
    assert str(exc).startswith(f"user/u.csv line 3: series name {problem}")
    assert exc.field == "series"


def test_a_64_character_name_is_accepted_and_an_empty_column_name_is_not(tmp_path):
    name = "x" * MAX_NAME_CHARS
    assert list(
        parse_file(write(tmp_path, "french/f.csv", FRENCH.format(columns=name, rows="202601,1")))
    ) == [name]
    exc = refused(tmp_path, "french/g.csv", FRENCH.format(columns=",SMB", rows="202601,1,2"))
    assert str(exc) == "french/g.csv line 3: column name is empty, expected a name"


# --------------------------------------------------------------------- lines, cells, controls
def test_line_length_limit(tmp_path):
    source = "s" * (MAX_CELL_CHARS - 100)
    prefix = "2026-01-02,a,1,u,"
    ok = "date,series,value,unit,source\n" + prefix + source + "\n"
    assert len(prefix + source) < MAX_LINE_CHARS
    parse_file(write(tmp_path, "user/ok.csv", ok))
    long = "Date,Close\n2026-01-02," + "1" * (MAX_LINE_CHARS - 10) + "\n"
    exc = refused(tmp_path, "prices/^RUT.csv", long)
    assert str(exc) == (
        f"prices/^RUT.csv line 2: line is {MAX_LINE_CHARS + 1:,} characters long, "
        f"expected at most {MAX_LINE_CHARS:,}"
    )


@pytest.mark.parametrize("quoted", [False, True])
def test_cell_length_limit(tmp_path, quoted):
    q = '"' if quoted else ""
    fits = "x" * MAX_CELL_CHARS
    head = "date,series,value,unit,source\n2026-01-02,a,1,u,"
    frame = parse_file(write(tmp_path, "user/a.csv", f"{head}{q}{fits}{q}\n"))
    assert frame.attrs["sources"] == {"a": fits}
    exc = refused(tmp_path, "user/b.csv", f"{head}{q}{fits}x{q}\n")
    assert str(exc) == (
        f"user/b.csv line 2: field 5 is {MAX_CELL_CHARS + 1:,} characters long, "
        f"expected at most {MAX_CELL_CHARS:,}"
    )


@pytest.mark.parametrize(
    ("char", "shown"),
    [
        ("\x00", "a NUL byte"),
        ("\x1b", "control character '\\x1b'"),
        ("\x85", "control character '\\x85'"),
        ("\u2028", "control character '\\u2028'"),
        ("\u202e", "control character '\\u202e'"),
    ],
    ids=["nul", "escape", "next-line", "line-separator", "right-to-left-override"],
)
def test_control_characters_are_refused_with_their_line(tmp_path, char, shown):
    exc = refused(
        tmp_path, "prices/^RUT.csv", f"Date,Close\r\n2026-01-02,1\r\n2026-01-05,2{char}\r\n"
    )
    assert str(exc) == f"prices/^RUT.csv line 3: holds {shown}, expected plain text"


@pytest.mark.parametrize(
    "rel", ["prices/^RUT.csv", "fred/DGS10.csv", "french/F-F_Research_Data_Factors.csv",
            "user/eps.csv"],
)  # fmt: skip
@pytest.mark.parametrize("tail", ["\x0c", "\x0b\x0c", " \x85", "\u2028"])
def test_a_last_line_of_blank_looking_control_characters_is_refused_with_its_line(
    tmp_path, rel, tail
):
    """str.strip() takes these for blanks: the last line once vanished before the control
    characters were looked for, and the reader raised a bare StopIteration (found by the
    property test, tests/test_parsers_properties.py, on 1 run in many)."""
    exc = refused(tmp_path, rel, f"Date,Close\n2000-01-01,1.00\n{tail}")
    assert str(exc).startswith(f"{rel} line 3: holds control character")
    assert str(exc).endswith(", expected plain text")


def test_tabs_crlf_and_a_bom_are_still_plain_text(tmp_path):
    frame = parse_file(
        write(tmp_path, "prices/^RUT.csv", b"\xef\xbb\xbfDate,Close\r\n2026-01-02,\t1\r\n")
    )
    assert frame.iloc[0, 0] == 1.0


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_line_numbers_count_lf_crlf_and_lone_cr(tmp_path, end):
    text = end.join(["Date,Close", "2026-01-02,1", "2026-01-05,n/a", ""])
    assert refused(tmp_path, "prices/^RUT.csv", text).line == 3


def test_a_file_over_the_size_cap_is_refused_unread(tmp_path):
    path = tmp_path / "prices" / "^RUT.csv"
    path.parent.mkdir()
    with path.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    if path.stat().st_blocks * 512 > 2**20:
        pytest.skip("this file system does not keep sparse files")
    with pytest.raises(DataError, match=re.escape("refused unread")):
        parse_file(path)


@pytest.mark.parametrize("what", ["folder", "fifo"])
def test_something_not_a_plain_file_is_refused(tmp_path, what):
    path = tmp_path / "prices" / "^RUT.csv"
    path.parent.mkdir()
    if what == "folder":
        path.mkdir()
        expected = "prices/^RUT.csv: is a folder, not a file; refused"
    else:
        os.mkfifo(path)  # opening it would block: it must not be opened
        expected = "prices/^RUT.csv: is a device, pipe or socket, not a file; refused"
    with pytest.raises(DataError, match=f"^{re.escape(expected)}$"):
        parse_file(path)


# ------------------------------------------------------------------------- messages stay short
def test_long_values_are_cut_in_messages(tmp_path):
    exc = refused(tmp_path, "prices/^RUT.csv", "Date,Close\n2026-01-02," + "n" * 4000 + "\n")
    assert str(exc) == (
        "prices/^RUT.csv line 2: Close is " + repr("n" * 40) + "... (4000 characters), "
        "expected a number"
    )


def test_show_and_printable():
    assert show("abc") == "'abc'"
    assert show("a" * 41) == repr("a" * 40) + "... (41 characters)"
    assert printable("prices/a\nb.csv") == "prices/a\\nb.csv"
    assert printable("prices/^RUT.csv") == "prices/^RUT.csv"


def test_a_file_name_with_a_newline_stays_one_line(tmp_path):
    exc = refused(tmp_path, "prices/a\nb.csv", "Date,Close\n2026-01-02,n/a\n")
    assert str(exc) == "prices/a\\nb.csv line 2: Close is 'n/a', expected a number"
