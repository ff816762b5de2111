"""The "right size, other date" fallbacks of ``window_move`` and ``relative_return``: a match
found by searching nearby windows counts (``partly_supported``) only when a search that wide
is unlikely to find one by chance (``analysis.stats.windows.search_chance``). Fast tests with
numbers on planted moves, and a seeded calibration of how often a wrong claim is rescued."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.checks.base import Context
from analysis.kinds import KINDS

DAYS = pd.bdate_range(end="2025-12-31", periods=1500)


class Data:
    """The one method the two kinds read: ``series(rel, column)``."""

    def __init__(self, **series: pd.Series) -> None:
        self.by_name = series

    def series(self, rel: str, column: str | None = None) -> pd.Series:
        return self.by_name[rel]


def closes(log_returns: np.ndarray) -> pd.Series:
    return pd.Series(100 * np.exp(np.cumsum(log_returns)), index=DAYS[: len(log_returns)])


def planted(sd: float, move: float, days: int, end: int, seed: int = 7) -> pd.Series:
    """Gaussian daily log returns of ``sd``, the ``days`` sessions to position ``end`` replaced
    by a steady climb of exactly ``move`` (simple return)."""
    r = np.random.default_rng(seed).normal(0.0, sd, len(DAYS))
    r[end - days + 1 : end + 1] = np.log1p(move) / days
    return closes(r)


def surge(close: pd.Series, after: int = 0):
    """The 12% surge claim: 15 sessions ending in 5 sessions, ``after`` sessions before the
    data end."""
    p = KINDS["window_move"].params(
        series="X", days=15, stated=0.12, tolerance=0.02,
        ends_within={"start": DAYS[-5 - after].date(), "end": DAYS[-1 - after].date()},
    )  # fmt: skip
    return KINDS["window_move"].check(None, p, Data(X=close), Context())


def outperformance(a: pd.Series, b: pd.Series):
    """The 600 bp claim: a over b over the 21 sessions to the last day, within 100 bp."""
    p = KINDS["relative_return"].params(
        series="A", benchmark="B", end=DAYS[-1].date(), days=21, stated_spread=0.06,
        tolerance=0.01,
    )  # fmt: skip
    return KINDS["relative_return"].check(None, p, Data(A=a, B=b), Context())


# ------------------------------------------------------------------------- window_move
def test_a_surge_rare_in_a_calm_history_is_the_right_size_at_the_wrong_time():
    # 0.5% a day: a 15-session move has an SD near 1.9%, so 10.5% (within 2 points of 12%) is
    # five SDs out; the 15 sessions to 11 sessions before the stated range climbed 10.5%
    f = surge(planted(0.005, 0.105, 15, len(DAYS) - 16))
    assert f.verdict == "partly_supported"
    chance = f.tests[-1]
    # 5 stated windows and 15 before them (the data end with the range: none after)
    assert f.observed["windows_searched"] == 20 == chance.details["searched"]
    assert chance.details["count_within"] == 0  # no run of 20 windows came within 1.5 points
    assert chance.pvalue == pytest.approx(1 / (chance.nobs + 1))
    assert f.observed["matching_elsewhere"][2] == pytest.approx(0.105)
    assert "searched 20 windows ending within 15 sessions of the stated range" in f.summary
    assert "closest came within 1.5 points of 12%" in f.summary
    assert "the size is right, the timing is not" in f.summary


def test_the_same_surge_in_a_wild_history_may_be_luck_and_is_contradicted():
    # 2.5% a day: a 15-session move has an SD near 10%; the closest window (seeded) rose 11.6%,
    # and a search of 20 windows comes within 0.4 points of 12% in 21% of the history's runs
    f = surge(planted(0.025, 0.105, 15, len(DAYS) - 16))
    assert f.verdict == "contradicted"
    assert f.observed["matching_elsewhere"][:2] == ["2025-11-24", "2025-12-15"]
    assert f.observed["matching_elsewhere"][2] == pytest.approx(0.116436, abs=1e-6)
    assert f.observed["search_chance"] == pytest.approx(0.2135, abs=1e-4)
    assert "but a match that close may be luck" in f.summary
    assert "by chance in 21.4% of X's history, more than the 5% that would rule out" in f.summary


def test_a_search_too_short_to_calibrate_rescues_nothing():
    close = planted(0.005, 0.105, 15, len(DAYS) - 16).iloc[-300:]  # under 10 runs of 35
    f = surge(close)
    assert f.verdict == "contradicted" and f.observed["search_chance"] is None
    assert "how often a search this wide does so by chance is unavailable" in f.summary


# ---------------------------------------------------------------------- relative_return
def test_a_spread_rare_in_a_calm_history_is_the_right_number_at_the_wrong_date():
    # A over a flat B: the spread is A's return; 0.4% a day gives a 21-session SD near 1.8%.
    # The 21 sessions to 2025-12-16 gave +650 bp; the closest to 600 bp of the 30 windows
    # before the stated one (seeded) is +606 bp, to 2025-12-10
    flat = pd.Series(100.0, index=DAYS)
    f = outperformance(planted(0.004, 0.065, 21, len(DAYS) - 12), flat)
    assert f.verdict == "partly_supported"
    assert f.observed["matching_window"][:2] == ["2025-11-11", "2025-12-10"]
    assert f.observed["matching_window"][2] == pytest.approx(0.060625)
    assert f.observed["windows_searched"] == 31
    assert f.observed["search_chance"] == pytest.approx(0.0007, abs=1e-4)
    chance = f.tests[-1]
    assert chance.details["searched"] == 31 and chance.pvalue <= 0.05
    assert "searched 31 windows ending in the 30 sessions to 2025-12-31" in f.summary
    assert "the closest came within 6 bp of +600 bp" in f.summary
    assert "the number is right, the date is not" in f.summary


def test_the_same_spread_in_a_wild_history_may_be_luck():
    # 2% a day: the closest window (+635 bp) is what a search of 31 windows finds in about half
    # the runs of the history; the stated window itself made -258 bp: contradicted
    flat = pd.Series(100.0, index=DAYS)
    f = outperformance(planted(0.02, 0.065, 21, len(DAYS) - 12), flat)
    assert f.verdict == "contradicted"
    assert f.observed["search_chance"] == pytest.approx(0.4868, abs=1e-4)
    assert "the number is right" not in f.summary
    assert "(+635 bp), but a match that close may be luck" in f.summary


# --------------------------------------------------------------------------- calibration
def garch_t(rng: np.random.Generator, n: int, reps: int, vol: float = 0.013) -> np.ndarray:
    """GARCH(1,1) daily log returns, alpha 0.08, beta 0.90, unit-variance t(4) shocks and an
    unconditional SD of ``vol`` (1.3%: the Russell 2000's); 500 sessions of burn-in dropped."""
    a, b, df = 0.08, 0.90, 4
    z = rng.standard_t(df, (n + 500, reps)) / np.sqrt(df / (df - 2))
    h, out = np.full(reps, vol**2), np.empty((n + 500, reps))
    for t in range(n + 500):
        out[t] = np.sqrt(h) * z[t]
        h = vol**2 * (1 - a - b) + a * out[t] ** 2 + b * h
    return out[500:]


@pytest.mark.slow
def test_a_wrong_claim_is_rescued_at_about_the_test_level():
    """Claims whose numbers have nothing to do with the data: a 12% surge over 15 sessions
    ending in 5 sessions (15 more follow), and a 600 bp lead over the last 21 sessions of two
    indices correlated 0.8, on 200 seeded GARCH-t(4) histories of 1500 sessions (1.3% daily SD).
    A match nearby (the rescue before the correction) is found for 24 of the 198 wrong surges
    (12.1%, MC SE 2.3 points) and 46 of the 193 wrong leads (23.8%, SE 3.1); the corrected
    fallback rescues 9 (4.5%, SE 1.5) and 9 (4.7%, SE 1.5). Asserted: at most 10% each, and at
    most half of what the search alone finds. (1000 replications on 2520-session histories:
    9.6% -> 3.2% and 22.9% -> 5.1%; on block-bootstrapped ^RUT/^IXIC: 16.7% -> 5.6% and
    20.0% -> 3.2%, SE <= 1.3 points.)"""
    rng, reps = np.random.default_rng(20260111), 200
    move = garch_t(rng, len(DAYS), reps)
    common, own = garch_t(rng, len(DAYS), reps), garch_t(rng, len(DAYS), reps)
    other = 0.8 * common + 0.6 * own
    found = {"move": 0, "spread": 0}
    rescued = {"move": 0, "spread": 0}
    wrong = {"move": 0, "spread": 0}
    for i in range(reps):
        f = surge(closes(move[:, i]), after=15)
        if f.verdict != "supported":
            wrong["move"] += 1
            found["move"] += "matching_elsewhere" in f.observed
            rescued["move"] += f.verdict == "partly_supported"
        g = outperformance(closes(common[:, i]), closes(other[:, i]))
        if g.verdict != "supported":
            wrong["spread"] += 1
            found["spread"] += "matching_window" in g.observed
            rescued["spread"] += "the number is right" in g.summary
    for kind in wrong:
        rate = rescued[kind] / wrong[kind]
        assert rate <= 0.10, (kind, rescued[kind], wrong[kind])
        assert found[kind] >= 2 * rescued[kind]  # the search alone finds far more
