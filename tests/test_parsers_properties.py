"""Property tests of the four parsers: whatever the bytes, a frame in the common shape or one
DataError line, never another exception.

Each layout gets arbitrary bytes and, more often, text that looks like its layout (a right or
wrong header, rows of dates from year 1 to 9999, numbers, missing markers, quotes, commas, NULs,
unusual line ends and Unicode), so that the examples reach past the first line's checks. The
example database is off, so no failing example is saved (hypothesis itself may still keep its
caches in .hypothesis/, which ignores itself in git).
"""

from __future__ import annotations

import string
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import DataError
from analysis.snapshot.frames import MAX_DATE, MIN_DATE
from analysis.snapshot.parsers import (
    _NAME,
    MAX_NAME_CHARS,
    USER_COLUMNS,
    parse_file,
)
from tests.test_parsers import assert_common_shape

# How each layout's file is named, and what its first line should be to get past the header.
FILES = {
    "fred": ("fred/DGS2.csv", ["observation_date,DGS2", "DATE,DGS2"]),
    "prices": (
        "prices/^RUT.csv",
        ["Date,Open,High,Low,Close,Volume", "Date,Close", "Date,Adj Close"] * 3
        + ["Date,Close,Close", "Date,Open"],
    ),
    "french": ("french/FF_daily.csv", [",Mkt-RF,SMB", ",SMB"] * 3 + [", [/oops] ,x", ",,"]),
    "user": ("user/eps.csv", [",".join(USER_COLUMNS)] * 6 + ["date,series,value,source"]),
}
MAX_MESSAGE = 1500  # characters: a file name, a line number and a few values cut to 40

ODD = "\x00\t\r\n\x0b\x0c\x1b\x7f\x85\u2028\u202e\ufeff\"',;é٣𝟘 "
clean_text = st.text(alphabet=string.ascii_letters + string.digits + " _-.^/()[]\"',é", max_size=10)
odd_text = st.text(alphabet=st.sampled_from(string.printable + ODD), max_size=8)
price = st.floats(0.01, 1e5).map(lambda x: f"{x:.2f}")
number = st.one_of(
    st.floats(-1e6, 1e6).map(lambda x: f"{x:.2f}"),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(["", ".", "null", "-99.99", "-999", "nan", "NaN", "inf", "1e999", " 1 "]),
)


def pick(draw, usual, rare, one_in: int):
    """Draw from ``usual``, or from ``rare`` about once in ``one_in`` draws."""
    return draw(rare if draw(st.integers(1, one_in)) == 1 else usual)


def cell(draw) -> str:
    return pick(draw, clean_text, odd_text, 25)


@st.composite
def days(draw, iso: bool) -> list[str]:
    """Dates of the rows: increasing more often than not, in 1900-2100 more often than in
    years 1 to 9999, and now and then not a date at all."""
    found = [
        pick(draw, st.dates(min_value=MIN_DATE, max_value=MAX_DATE), st.dates(), 6)
        for _ in range(draw(st.integers(1, 8)))
    ]
    if draw(st.integers(1, 4)) > 1:
        found = sorted(set(found))
    monthly = draw(st.booleans())
    shown = [
        f"{d.year:04d}-{d:%m-%d}"
        if iso
        else f"{d.year:04d}{d:%m}"
        if monthly
        else f"{d.year:04d}{d:%m%d}"
        for d in found
    ]
    return [pick(draw, st.just(d), clean_text, 12) for d in shown]


@st.composite
def layout_text(draw, layout: str) -> str:
    """Text shaped like a file of ``layout``, with a few things wrong now and then."""
    header = pick(draw, st.sampled_from(FILES[layout][1]), clean_text, 8)
    width = max(header.count(",") + 1, 2)
    dates = draw(days(iso=layout != "french"))
    if layout == "user":
        series = st.sampled_from(["sp500_eps", "r2k pe", "^RUT", "a/b (x)"])
        body = [
            ",".join(
                [
                    d,
                    pick(draw, series, clean_text, 8),
                    pick(draw, price, st.one_of(number, clean_text), 10),
                    pick(draw, st.just("USD"), clean_text, 8),
                    pick(draw, st.just('"S&P, vintage 2026"'), clean_text, 8),
                ]
            )
            for d in dates
        ]
    else:
        n = width - 1 + (draw(st.integers(1, 12)) == 1)  # now and then one cell too many
        body = [
            ",".join([d] + [pick(draw, price, st.one_of(number, clean_text), 12) for _ in range(n)])
            for d in dates
        ]
    lines = [header, *body]
    if layout == "french":
        preamble = [cell(draw) for _ in range(draw(st.integers(0, 2)))]
        footer = draw(st.sampled_from([["", "Copyright 2026 Fama and French"], [], ["", "2024,1"]]))
        lines = [*preamble, "", *lines, *footer]
    if draw(st.integers(1, 6)) == 1:  # odd characters somewhere
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] += draw(odd_text)
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return end.join(lines) + draw(st.sampled_from(["", end]))


def file_bytes(layout: str) -> st.SearchStrategy[bytes]:
    """Arbitrary bytes (one time in five), else text shaped like ``layout``, maybe with a BOM."""
    return st.integers(1, 5).flatmap(
        lambda k: (
            st.binary(max_size=600)
            if k == 1
            else layout_text(layout).map(lambda t: ("\ufeff" if k == 2 else "") + t).map(str.encode)
        )
    )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("properties")


@pytest.mark.parametrize("layout", list(FILES))
def test_any_bytes_give_a_frame_or_one_data_error_line(workdir, layout):
    rel = FILES[layout][0]
    path = workdir / rel
    path.parent.mkdir(parents=True, exist_ok=True)

    @settings(
        max_examples=200,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(content=file_bytes(layout))
    def check(content: bytes) -> None:
        path.write_bytes(content)
        try:
            frame = parse_file(path)
        except DataError as exc:
            message = str(exc)
            assert message.startswith(rel), message
            assert "\n" not in message and "\r" not in message, message
            assert message.isprintable(), message
            assert len(message) <= MAX_MESSAGE, message
            assert exc.path == rel
            assert (
                exc.line is None or 1 <= exc.line <= content.count(b"\n") + content.count(b"\r") + 1
            ), (exc.line, message)
            return
        assert_common_shape(frame, rel)
        assert frame.index.min() >= pd.Timestamp(MIN_DATE)
        assert frame.index.max() <= pd.Timestamp(MAX_DATE)
        for column in frame.columns:
            assert len(column) <= MAX_NAME_CHARS and _NAME.fullmatch(column), column

    check()
