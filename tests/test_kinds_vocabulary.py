"""The claim language's parameter types (analysis.kinds.vocabulary): stated numbers keep their
precision, the tolerance words give the documented intervals, periods resolve by the rules."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from pydantic import ValidationError

from analysis.kinds.vocabulary import Comparison, Period, Stated


@pytest.mark.parametrize(
    ("text", "value", "unit", "precision"),
    [
        ("1.5%", 1.5, "percent", 0.05),
        ("2,508.22", 2508.22, "level", 0.005),
        ("600 bp", 600, "bp", 0.5),
        ("-0.4%", -0.4, "percent", 0.05),
        ("3.50", 3.5, "level", 0.005),  # written with two decimals: +-0.005, not +-0.05
        ("15x", 15, "multiple", 0.5),
        ("+12 %", 12, "percent", 0.5),
    ],
)
def test_a_stated_number_keeps_its_unit_and_precision(text, value, unit, precision):
    s = Stated.parse(text)
    assert (s.value, s.unit) == (value, unit)
    assert s.precision == pytest.approx(precision)


def test_a_non_number_is_refused_with_what_was_expected():
    with pytest.raises(ValueError, match=r"'twelve' is not a number such as 12%"):
        Stated.parse("twelve")


@pytest.mark.parametrize(
    ("op", "value", "observed", "holds"),
    [
        ("exactly", "1.5%", 1.446, False),  # the case: 1.446 rounds to 1.4, not 1.5
        ("exactly", "1.5%", 1.45, True),
        ("exactly", "1.5%", 1.5499, True),
        ("exactly", "1.5%", 1.551, False),
        ("about", "12%", 11.45, True),  # 5% of 12 = 0.6
        ("about", "12%", 11.39, False),
        ("nearly", "600 bp", 545, True),  # 10% under, up to the stated value
        ("nearly", "600 bp", 601, False),
        ("more than", "8%", 8.0, False),
        ("more than", "8%", 8.01, True),
        ("at least", "8%", 8.0, True),  # a threshold is exact: "at least 8%" is >= 8
        ("at least", "8%", 7.96, False),
        ("less than", "3%", 2.99, True),
        ("at most", "3%", 3.0, True),
        ("at most", "3%", 3.01, False),
        ("just shy of", "2,600", 2599, True),
        ("just shy of", "2,600", 2600, False),
    ],
)
def test_the_tolerance_words_give_the_documented_intervals(op, value, observed, holds):
    assert Comparison(op=op, value=value).holds(observed) is holds


def test_between_and_directions():
    between = Comparison(op="between", value="17%", high="22%")
    # "17%" and "22%" are whole percents: 16.5 to 22.5
    assert between.holds(16.5) and between.holds(22.49) and not between.holds(22.51)
    assert not between.holds(16.49)
    assert Comparison(op="up").holds(0.01) and not Comparison(op="up").holds(0.0)
    assert Comparison(op="down").holds(-0.4) and not Comparison(op="down").holds(0.1)
    assert Comparison(op="about", value="25 bp", tolerance=2).interval()[:2] == (23, 27)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"op": "up", "value": "1%"}, "direction only"),
        ({"op": "about"}, "needs a value"),
        ({"op": "between", "value": "1%"}, "needs value and high"),
        ({"op": "about", "value": "lots"}, "is not a number"),
    ],
)
def test_an_incomplete_comparison_is_refused(bad, message):
    with pytest.raises(ValidationError, match=message):
        Comparison(**bad)


AS_OF = date(2026, 1, 2)


@pytest.mark.parametrize(
    ("period", "anchor", "first", "end"),
    [
        ({"session": "2026-01-02"}, "2026-01-01", "2026-01-02", "2026-01-02"),
        ({"week": "2025-12-31"}, "2025-12-28", "2025-12-29", "2026-01-04"),
        ({"month": "2025-12"}, "2025-11-30", "2025-12-01", "2025-12-31"),
        ({"quarter": "2025Q4"}, "2025-09-30", "2025-10-01", "2025-12-31"),
        ({"year": 2025}, "2024-12-31", "2025-01-01", "2025-12-31"),
        ({"year_to_date": True}, "2025-12-31", "2026-01-01", "2026-01-02"),
        ({"since": "2025-08-01"}, "2025-08-01", "2025-08-02", "2026-01-02"),
        ({"past": "3 months"}, "2025-10-02", "2025-10-03", "2026-01-02"),
        ({"past": "2 weeks", "until": "2025-12-31"}, "2025-12-17", "2025-12-18", "2025-12-31"),
        ({"named": "final three weeks of December 2025"}, "2025-12-10", "2025-12-11",
         "2025-12-31"),
        ({"named": "late December 2025"}, "2025-12-20", "2025-12-21", "2025-12-31"),
        ({"named": "mid-2026"}, "2026-04-30", "2026-05-01", "2026-08-31"),
    ],
)  # fmt: skip
def test_periods_resolve_by_the_written_rules(period, anchor, first, end):
    span = Period(**period).resolve(AS_OF)
    assert (span.anchor, span.first, span.end) == tuple(
        date.fromisoformat(d) for d in (anchor, first, end)
    )


def test_past_sessions_are_counted_in_the_data():
    sessions = pd.bdate_range("2025-12-01", "2026-01-02")
    span = Period(past="5 sessions").resolve(AS_OF, sessions)
    assert span.anchor == date(2025, 12, 26) and span.end == AS_OF


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({}, "give exactly one of"),
        ({"month": "2025-12", "year": 2025}, "give exactly one of"),
        ({"past": "a while"}, "expected 'N sessions"),
        ({"named": "the holidays"}, "expected 'final N weeks of"),
        ({"named": "late Decembruary 2025"}, "is not a month"),
        ({"month": "2025-12", "until": "2025-12-31"}, "until goes with since or past"),
    ],
)
def test_a_period_the_rules_do_not_cover_is_refused_at_load(bad, message):
    with pytest.raises(ValidationError, match=message):
        Period(**bad)
