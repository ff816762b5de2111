"""Tests of analysis.stats.windows: window returns, matching windows, move rarity, record highs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from analysis.errors import InsufficientDataError
from analysis.stats.records import record_high
from analysis.stats.windows import (
    best_window,
    matching_windows,
    move_rarity,
    search_chance,
    window_return,
)


def series(values, start="2024-01-01") -> pd.Series:
    """Closes on consecutive business days (2024-01-01 is a Monday)."""
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)), dtype=float)


TOY = series([100, 102, 101, 105, 110, 108, 120, 118, 121, 125])
# dates: 01-01 Mon ... 01-05 Fri, 01-08 Mon ... 01-12 Fri


# ---------------------------------------------------------------- window_return
def test_window_return_hand_computed():
    r = window_return(TOY, end="2024-01-08", days=5)
    # window of 5 sessions ending on 2024-01-08 (close 108) starts on 2024-01-01 (close 100)
    assert r.start == pd.Timestamp("2024-01-01") and r.end == pd.Timestamp("2024-01-08")
    assert (r.start_close, r.end_close) == (100.0, 108.0)
    assert r.ret == pytest.approx(0.08, abs=1e-15)
    assert "+8.00%" in r.summary() and "2024-01-01" in r.summary()
    json.dumps(r.to_dict())
    assert "<table" in r._repr_html_()


def test_window_return_non_trading_end_falls_back():
    # 2024-01-06 is a Saturday: the window ends on Friday 2024-01-05 (110), starts 01-01 (100)
    r = window_return(TOY, end="2024-01-06", days=4)
    assert r.end == pd.Timestamp("2024-01-05") and r.ret == pytest.approx(0.10)
    assert r.requested_end == pd.Timestamp("2024-01-06")


def test_window_return_drops_missing_and_sorts():
    s = TOY.copy()
    s.iloc[1] = np.nan  # 2024-01-02 dropped: 5 sessions before 01-09 (120) is now 01-01 (100)
    r = window_return(s.iloc[::-1], end="2024-01-09", days=5)
    assert r.start == pd.Timestamp("2024-01-01") and r.ret == pytest.approx(0.20)


def test_window_return_validation():
    short = series(range(1, 10))  # 9 closes
    with pytest.raises(
        InsufficientDataError,
        match=r"window of 15 trading days needs at least 16 closes up to 2024-01-31, got 9",
    ):
        window_return(short, end="2024-01-31", days=15)
    with pytest.raises(InsufficientDataError, match="got 0"):
        window_return(TOY, end="2023-12-01", days=1)
    with pytest.raises(ValueError, match="days must be an integer >= 1, got 0"):
        window_return(TOY, end="2024-01-08", days=0)
    with pytest.raises(ValueError, match="days must be an integer >= 1, got True"):
        window_return(TOY, end="2024-01-08", days=True)
    with pytest.raises(ValueError, match="end must be a date"):
        window_return(TOY, end="not a date", days=2)
    with pytest.raises(ValueError, match="must be a pandas Series with a DatetimeIndex"):
        window_return(TOY.to_numpy(), end="2024-01-08", days=2)
    with pytest.raises(ValueError, match="must be positive prices; got 0.0 on 2024-01-02"):
        window_return(series([1, 0, 2]), end="2024-01-03", days=1)
    with pytest.raises(ValueError, match="duplicate dates"):
        window_return(pd.concat([TOY, TOY]), end="2024-01-08", days=2)
    with pytest.raises(ValueError, match="contains an infinity"):
        window_return(series([1, np.inf, 2]), end="2024-01-03", days=1)
    with pytest.raises(ValueError, match="must hold numbers"):
        text = pd.Series(["a", "b"], index=pd.bdate_range("2024-01-01", periods=2))
        window_return(text, end="2024-01-03", days=1)


# ---------------------------------------------------------------- matching_windows
def test_matching_windows_hand_computed():
    w = matching_windows(
        TOY, days=2, stated=0.08, tolerance=0.02, search_start="2024-01-05", search_end="2024-01-09"
    )
    # ends 01-05, 01-08, 01-09 over 2 sessions: 110/101, 108/105, 120/110
    expected = [110 / 101 - 1, 108 / 105 - 1, 120 / 110 - 1]
    assert list(w["end"].dt.strftime("%m-%d")) == ["01-05", "01-08", "01-09"]
    assert list(w["start"].dt.strftime("%m-%d")) == ["01-03", "01-04", "01-05"]
    np.testing.assert_allclose(w["return"], expected, rtol=1e-14)
    assert list(w["matches"]) == [True, False, True]  # 8.91% and 9.09% lie within 8% +/- 2%
    best = best_window(w)
    assert best["end"] == pd.Timestamp("2024-01-05")  # |0.0891 - 0.08| < |0.0909 - 0.08|


def test_matching_windows_skips_incomplete_windows_and_boundary_tolerance():
    # a range starting at the first close: the first complete 1-day window ends on 01-02
    w = matching_windows(
        TOY, days=1, stated=0.02, tolerance=0.0, search_start="2024-01-01", search_end="2024-01-02"
    )
    assert len(w) == 1 and bool(w["matches"].iloc[0])  # 102/100 - 1 = 0.02 exactly


def test_best_window_tie_takes_later_end():
    s = series([100, 110, 100, 110])  # 1-day returns +10%, -9.09%, +10%
    w = matching_windows(
        s, days=1, stated=0.10, tolerance=0.0, search_start="2024-01-01", search_end="2024-01-31"
    )
    assert best_window(w)["end"] == pd.Timestamp("2024-01-04")
    with pytest.raises(ValueError, match="non-empty table from matching_windows"):
        best_window(w.iloc[0:0])


def test_matching_windows_validation():
    kw = dict(days=2, stated=0.1, search_start="2024-01-05", search_end="2024-01-09")
    with pytest.raises(ValueError, match="tolerance must be >= 0, got -0.1"):
        matching_windows(TOY, tolerance=-0.1, **kw)
    with pytest.raises(ValueError, match="stated must be a finite number"):
        matching_windows(TOY, tolerance=0.1, **{**kw, "stated": float("nan")})
    with pytest.raises(ValueError, match="tolerance must be a number"):
        matching_windows(TOY, tolerance="1%", **kw)
    with pytest.raises(ValueError, match="search_start 2024-01-09 is after search_end 2024-01-05"):
        matching_windows(
            TOY, days=2, stated=0.1, tolerance=0.1, search_start="2024-01-09", search_end="01/05/24"
        )
    with pytest.raises(InsufficientDataError, match="no window of 5 trading days ends between"):
        matching_windows(
            TOY,
            days=5,
            stated=0.1,
            tolerance=0.1,
            search_start="2024-01-01",
            search_end="2024-01-04",
        )


# ---------------------------------------------------------------- move_rarity
def rising(returns) -> pd.Series:
    return series(100 * np.cumprod(np.r_[1.0, 1 + np.asarray(returns)]))


def test_move_rarity_hand_computed():
    # ten 1-day returns 1%, 2%, ..., 10%; a move of 8.5%: 2 windows at least as large
    s = rising(np.arange(1, 11) / 100)
    r = move_rarity(s, days=1, move=0.085)
    assert r.nobs == 10
    assert r.statistic == pytest.approx(80.0)  # 8 of 10 below, none equal
    assert r.estimate == pytest.approx(0.2)
    assert r.pvalue == pytest.approx(3 / 11)  # (k + 1) / (n + 1)
    assert r.details["count_at_least"] == 2
    # with days = 1 the effective sample is n: the Wilson interval equals statsmodels'
    np.testing.assert_allclose(r.ci, proportion_confint(2, 10, alpha=0.05, method="wilson"))
    assert "dependent" in r.details["note"] and "No HAC" in r.details["note"]
    json.dumps(r.to_dict())


def test_move_rarity_lower_tail_ties_and_before():
    s = series([100, 98, 100, 98, 100, 101, 103, 104, 105, 106, 107, 50])
    drop = 98 / 100 - 1  # the same float as the two 2% falls in the data
    # before the last day: ten returns; a 2% fall is matched by two (ties count as extreme)
    r = move_rarity(s, days=1, move=drop, before=s.index[-2])
    assert r.details["tail"] == "lower" and r.details["count_at_most"] == 2
    assert r.statistic == pytest.approx(10.0)  # 0 below, 2 equal: (0 + 20) / 2
    assert r.pvalue == pytest.approx(3 / 11)
    assert move_rarity(s, days=1, move=drop, tail="upper").details["count_at_least"] == 10


def test_move_rarity_effective_sample_widens_interval():
    rng = np.random.default_rng(3)
    s = rising(rng.normal(0, 0.01, 600))
    one, five = move_rarity(s, days=1, move=0.02), move_rarity(s, days=5, move=0.045)
    assert five.details["n_effective"] == pytest.approx(five.nobs / 5)
    assert (five.ci[1] - five.ci[0]) > (one.ci[1] - one.ci[0])


def test_move_rarity_validation():
    with pytest.raises(
        InsufficientDataError,
        match=r"move rarity over 15 trading days needs at least 151 closes .*got 10",
    ):
        move_rarity(TOY, days=15, move=0.12)
    with pytest.raises(
        ValueError, match=r"The value for `tail` must be one of .*'both' was passed"
    ):
        move_rarity(TOY, days=1, move=0.1, tail="both")
    with pytest.raises(ValueError, match="alpha must lie strictly between 0 and 1"):
        move_rarity(TOY, days=1, move=0.1, alpha=1.5)
    with pytest.raises(ValueError, match="move must be a finite number"):
        move_rarity(TOY, days=1, move=float("inf"))


def test_move_rarity_uniform_under_iid():
    """Under i.i.d. returns a fresh move is exchangeable with history's windows, so its p-value
    is (super-)uniform: about 5% of p-values fall at or below 0.05 (1000 seeded replications)."""
    rng = np.random.default_rng(20260102)
    days, reps, pv = 5, 1000, []
    index = pd.bdate_range("2000-01-03", periods=301)
    for _ in range(reps):
        r = rng.standard_t(5, size=300 + days) * 0.01
        hist = pd.Series(100 * np.cumprod(np.r_[1.0, 1 + r[:300]]), index=index)
        fresh = float(np.prod(1 + r[300:]) - 1)
        pv.append(move_rarity(hist, days=days, move=fresh, tail="upper").pvalue)
    share = float(np.mean(np.array(pv) <= 0.05))
    assert 0.03 <= share <= 0.07, share  # measured: 0.039 ((k+1)/(n+1) errs conservative)


# ---------------------------------------------------------------- record_high
def test_record_inside_the_period():
    close = series([10, 12, 11, 12.5, 13, 12, 13])  # period 01-04 .. 01-09
    high = series([10.5, 12.4, 11.5, 13.0, 13.2, 12.1, 13.2])
    r = record_high(close, high=high, period_start="2024-01-04", period_end="2024-01-09")
    c = r.close
    assert (c.value, c.date) == (13.0, pd.Timestamp("2024-01-05"))  # first of the two 13s
    assert c.is_record and not c.ties_record
    assert (c.previous_record, c.previous_record_date) == (12.5, pd.Timestamp("2024-01-04"))
    assert c.records_in_period == 2  # 12.5 on 01-04 and 13 on 01-05 (13 on 01-09 ties)
    assert c.n_history == 4
    h = r.high
    assert (h.value, h.date, h.is_record) == (13.2, pd.Timestamp("2024-01-05"), True)
    assert (r.period_start, r.period_end) == (
        pd.Timestamp("2024-01-04"),
        pd.Timestamp("2024-01-09"),
    )
    json.dumps(r.to_dict())
    assert "Record close" in r._repr_html_()


def test_record_before_the_period_and_ties():
    close = series([10, 14, 11, 12, 14, 13])
    r = record_high(close, period_start="2024-01-03", period_end="2024-01-08")
    c = r.close  # 14 on 01-05 equals the 14 of 01-02: a tie, not a record
    assert c.value == 14 and c.date == pd.Timestamp("2024-01-05")
    assert not c.is_record and c.ties_record and c.records_in_period == 0
    assert c.previous_record_date == pd.Timestamp("2024-01-02")
    assert r.high is None and "ties the record" in r.summary()
    below = record_high(close, period_start="2024-01-03", period_end="2024-01-04").close
    assert not below.is_record and not below.ties_record and below.value == 12


def test_record_history_start_and_missing_highs():
    close = series([50, 10, 11, 12, 13])
    high = series([np.nan, np.nan, 11.5, np.nan, 12.8])  # early highs missing
    full = record_high(close, high=high, period_start="2024-01-05", period_end="2024-01-05")
    assert not full.close.is_record and full.close.previous_record == 50
    # highs are compared with earlier closes too: 12.8 is below the 50 close of 2024-01-01
    assert not full.high.is_record and full.high.previous_record == 50
    cut = record_high(
        close,
        high=high,
        period_start="2024-01-05",
        period_end="2024-01-05",
        history_start="2024-01-02",
    )
    assert cut.close.is_record and cut.history_start == pd.Timestamp("2024-01-02")
    assert cut.high.is_record and cut.high.previous_record == 12  # the close of 01-04


def test_record_high_validation():
    with pytest.raises(ValueError, match="period_start 2024-01-05 is after period_end 2024-01-04"):
        record_high(TOY, period_start="2024-01-05", period_end="2024-01-04")
    with pytest.raises(InsufficientDataError, match="no close between 2024-02-01 and 2024-02-05"):
        record_high(TOY, period_start="2024-02-01", period_end="2024-02-05")
    with pytest.raises(
        InsufficientDataError, match="a record close needs at least 1 level before 2024-01-01"
    ):
        record_high(TOY, period_start="2023-12-01", period_end="2024-01-03")
    no_high = TOY.copy() * np.nan
    with pytest.raises(InsufficientDataError, match="no high between"):
        record_high(TOY, high=no_high, period_start="2024-01-05", period_end="2024-01-08")


# ---------------------------------------------------------------- search_chance
def test_search_chance_hand_computed():
    # 60 one-session "moves": 1 and 3 alternating, and one 0.2 at position 10. Stated 0: a
    # search of 2 consecutive windows comes within 1 in all 59 runs, within 0.2 only in the two
    # runs that hold position 10 (ending at 10 and 11)
    v = np.tile([1.0, 3.0], 30)
    v[10] = 0.2
    moves = series(v)
    r = search_chance(moves, stated=0.0, gap=0.2, searched=2, days=1)
    assert (r.nobs, r.details["count_within"]) == (59, 2)
    assert r.estimate == pytest.approx(2 / 59)
    assert r.pvalue == pytest.approx(3 / 60)  # (k + 1) / (n + 1)
    assert r.details["n_effective"] == pytest.approx(59 / 3)  # n / (searched + days)
    assert r.ci[0] < 2 / 59 < r.ci[1]
    assert search_chance(moves, stated=0.0, gap=1.0, searched=2, days=1).pvalue == 1.0
    assert search_chance(moves, stated=0.0, gap=0.1, searched=2, days=1).pvalue == 1 / 60
    # a wider search finds the 0.2 in more runs: 5 of the 56 runs of 5 windows hold it
    wide = search_chance(moves, stated=0.0, gap=0.2, searched=5, days=1)
    assert (wide.nobs, wide.details["count_within"]) == (56, 5)
    assert "Best-of-5 null" in wide.method and "White (2000)" in wide.reference
    json.dumps(r.to_dict())


def test_search_chance_uses_only_the_history_before_the_search():
    v = np.r_[np.full(40, 1.0), 0.0]  # the exact hit is in the searched stretch itself
    moves = series(v)
    r = search_chance(moves, stated=0.0, gap=0.0, searched=3, days=1, before=moves.index[-2])
    assert r.details["count_within"] == 0 and r.pvalue == pytest.approx(1 / 39)
    assert r.details["last_window_end"] == "2024-02-23"


def test_search_chance_validation():
    moves = series(np.linspace(-0.05, 0.05, 100))
    with pytest.raises(
        InsufficientDataError, match=r"search needs at least 360 windows of 15 sessions .*got 100"
    ):
        search_chance(moves, stated=0.12, gap=0.01, searched=21, days=15)
    with pytest.raises(ValueError, match="gap must be a finite number"):
        search_chance(moves, stated=0.12, gap=float("nan"), searched=2, days=1)
    with pytest.raises(ValueError, match="searched must be"):
        search_chance(moves, stated=0.12, gap=0.01, searched=0, days=1)
