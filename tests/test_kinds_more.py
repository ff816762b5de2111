"""The ``drawdown``, ``streak``, ``period_rank`` and ``indicator`` kinds on toy snapshots, and
Wilder's RSI against its published worked example."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.kinds.indicator import rsi
from tests.kindtools import check_one, write_prices

DATA = ["prices/X.csv"]


def snap_with(tmp_path, closes: dict[str, float]):
    write_prices(tmp_path / "snap", "X", closes)
    return tmp_path


# ------------------------------------------------------------------ drawdown
PEAKED = {"2025-01-02": 100.0, "2025-02-03": 120.0, "2025-03-03": 107.0, "2025-03-04": 108.1}


@pytest.mark.parametrize(
    ("op", "value", "day", "verdict"),
    [
        ("at least", "10%", "2025-03-03", "supported"),  # 120 -> 107: 10.83% below
        ("at least", "10%", "2025-03-04", "contradicted"),  # 108.1: 9.92% below
        ("more than", "20%", "2025-03-03", "contradicted"),
        ("about", "11%", "2025-03-03", "supported"),
    ],
)
def test_drawdown_from_the_record(tmp_path, op, value, day, verdict):
    snap = snap_with(tmp_path, PEAKED)
    params = {"series": "prices/X.csv", "date": day, "compare": {"op": op, "value": value}}
    r = check_one(snap, "drawdown", params, DATA, as_of=day)
    assert r.verdict == verdict
    assert r.observed["peak"] == 120.0 and r.observed["peak_date"] == "2025-02-03"


# ------------------------------------------------------------------ streak
RUNS = {"2025-06-02": 10.0, "2025-06-03": 11.0, "2025-06-04": 12.0, "2025-06-05": 13.0,
        "2025-06-06": 12.0, "2025-06-09": 13.0, "2025-06-10": 14.0, "2025-06-11": 15.0,
        "2025-06-12": 16.0}  # fmt: skip


def test_a_streak_of_stated_length(tmp_path):
    snap = snap_with(tmp_path, RUNS)
    base = {"series": "prices/X.csv", "direction": "up", "end": "2025-06-12"}
    r = check_one(snap, "streak", {**base, "length": {"op": "exactly", "value": "4"}}, DATA,
                  as_of="2025-06-12")  # fmt: skip
    assert r.verdict == "supported" and r.observed["length"] == 4
    five = check_one(snap, "streak", {**base, "length": {"op": "exactly", "value": "5"}}, DATA,
                     as_of="2025-06-12")  # fmt: skip
    assert five.verdict == "contradicted"


def test_the_longest_since_names_the_last_run_as_long(tmp_path):
    snap = snap_with(tmp_path, RUNS)
    base = {"series": "prices/X.csv", "direction": "up", "end": "2025-06-12"}
    # a 3-session run ended on 2025-06-05: the run of 4 is the longest since then and before
    ok = check_one(snap, "streak", {**base, "longest_since": "2025-06-01"}, DATA,
                   as_of="2025-06-12")  # fmt: skip
    assert ok.verdict == "supported" and "the longest since 2025-06-01" in ok.summary
    short = check_one(snap, "streak", {**base, "end": "2025-06-11",
                      "longest_since": "2025-06-01"}, DATA, as_of="2025-06-11")  # fmt: skip
    assert short.verdict == "contradicted"  # 3 in a row; a run of 3 ended on 2025-06-05
    assert short.observed["as_long_on"] == "2025-06-05"


# ------------------------------------------------------------------ period rank
def year_closes():
    # year-end closes 100 each year; by 03-28: 2021 +12%, 2022 +5%, 2023 +7%, 2024 +10%
    closes = {}
    for year, gain in {2020: 0.0, 2021: 12.0, 2022: 5.0, 2023: 7.0, 2024: 10.0}.items():
        closes[f"{year - 1}-12-31"] = 100.0
        closes[f"{year}-03-28"] = 100.0 * (1 + gain / 100)
    return dict(sorted(closes.items()))


@pytest.mark.parametrize(
    ("since", "verdict"),
    [(2021, "supported"), (2022, "partly_supported"), (2023, "partly_supported")],
)
def test_the_best_start_since_a_year(tmp_path, since, verdict):
    snap = snap_with(tmp_path, year_closes())
    params = {"series": "prices/X.csv", "through": "2024-03-28", "rank": "best", "since": since}
    r = check_one(snap, "period_rank", params, DATA, as_of="2024-03-28")
    assert r.verdict == verdict
    assert r.observed["change"] == pytest.approx(10.0)


def test_a_better_year_in_between_contradicts(tmp_path):
    snap = snap_with(tmp_path, year_closes())
    params = {"series": "prices/X.csv", "through": "2024-03-28", "rank": "best", "since": 2020}
    r = check_one(snap, "period_rank", params, DATA, as_of="2024-03-28")
    assert r.verdict == "contradicted"  # 2021 (+12%) did better than 2024 (+10%)


# ------------------------------------------------------------------ indicator
# StockCharts ChartSchool, "Relative Strength Index (RSI)", worked example (cs-rsi.xls):
# closes and the published RSI(14) values, Wilder's smoothing
CS_CLOSES = [44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433,
             46.0826, 45.8931, 46.0328, 45.614, 46.282, 46.282, 46.0028, 46.0328, 46.4116,
             46.2222, 45.6439, 46.2122, 46.2521, 45.7137, 46.4515, 45.7835, 45.3548,
             44.0288, 44.1783, 44.2181, 44.5672, 43.4205, 42.6628, 43.1314]  # fmt: skip
CS_RSI = [70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42,
          39.99, 41.46, 41.87, 45.46, 37.30, 33.08, 37.77]  # fmt: skip


def test_rsi_reproduces_the_published_worked_example():
    closes = pd.Series(CS_CLOSES, index=pd.bdate_range("2024-01-01", periods=len(CS_CLOSES)))
    assert [round(v, 2) for v in rsi(closes).dropna()] == CS_RSI


def test_rsi_and_a_moving_average_claim(tmp_path):
    days = pd.bdate_range("2024-01-01", periods=len(CS_CLOSES))
    snap = snap_with(tmp_path, {f"{d:%Y-%m-%d}": c for d, c in zip(days, CS_CLOSES, strict=True)})
    first = f"{days[14]:%Y-%m-%d}"
    over = {"series": "prices/X.csv", "date": first, "indicator": "rsi",
            "compare": {"op": "more than", "value": "70"}}  # fmt: skip
    assert check_one(snap, "indicator", over, DATA, as_of=first).verdict == "supported"
    last = f"{days[-1]:%Y-%m-%d}"
    below = {"series": "prices/X.csv", "date": last, "indicator": "sma", "window": 10,
             "relation": "below"}  # fmt: skip
    r = check_one(snap, "indicator", below, DATA, as_of=last)
    assert r.verdict == "supported"
    assert r.observed["indicator"] == pytest.approx(sum(CS_CLOSES[-10:]) / 10)
    early = {**over, "date": f"{days[5]:%Y-%m-%d}"}  # too few closes for RSI(14)
    assert check_one(snap, "indicator", early, DATA, as_of=early["date"]).verdict == "error"


# ------------------------------------------------------------------ spread and target move
def test_a_spread_of_two_yields_in_bp(tmp_path):
    from tests.kindtools import write_fred

    write_fred(tmp_path / "snap", "DGS10", {"2026-01-02": 4.19})
    write_fred(tmp_path / "snap", "DGS2", {"2026-01-02": 3.47})
    params = {"series": "fred/DGS10.csv", "minus": "fred/DGS2.csv", "unit": "bp",
              "date": "2026-01-02", "compare": {"op": "exactly", "value": "72 bp"}}  # fmt: skip
    r = check_one(tmp_path, "level", params, ["fred/DGS10.csv", "fred/DGS2.csv"])
    assert r.verdict == "supported" and r.observed["value"] == pytest.approx(72.0)
    assert r.summary == "DGS10 minus DGS2 was 72 bp on 2026-01-02, against 72 bp."


@pytest.mark.parametrize(("value", "verdict"), [("4%", "supported"), ("5%", "contradicted")])
def test_the_move_a_target_implies(tmp_path, value, verdict):
    snap = snap_with(tmp_path, {"2026-01-02": 6858.47})
    params = {"series": "prices/X.csv", "date": "2026-01-02", "target": "7,100",
              "compare": {"op": "exactly", "value": value}}  # fmt: skip
    r = check_one(snap, "target_move", params, DATA)
    assert r.verdict == verdict  # 7,100 / 6,858.47 - 1 = 3.52%: "4%" as written is 3.5-4.5
    assert r.observed["implied_move"] == pytest.approx(100 * (7100 / 6858.47 - 1), abs=1e-4)


def test_a_streak_of_beating_another_series(tmp_path):
    days = [f"2025-06-{d:02d}" for d in (2, 3, 4, 5, 6, 9)]
    write_prices(tmp_path / "snap", "X", dict(zip(days, [100, 101, 102, 103, 102, 104],
                                                  strict=True)))  # fmt: skip
    write_prices(tmp_path / "snap", "Y", dict(zip(days, [100, 100.5, 101, 101.5, 103, 103],
                                                  strict=True)))  # fmt: skip
    params = {"series": "prices/X.csv", "versus": "prices/Y.csv", "direction": "up",
              "end": "2025-06-05", "length": {"op": "exactly", "value": "3"}}  # fmt: skip
    r = check_one(tmp_path, "streak", params, ["prices/X.csv", "prices/Y.csv"],
                  as_of="2025-06-05")  # fmt: skip
    assert r.verdict == "supported" and "ahead of Y 3 session(s) in a row" in r.summary
    broken = {**params, "end": "2025-06-06"}  # X fell while Y rose on 06-06
    r = check_one(tmp_path, "streak", broken, ["prices/X.csv", "prices/Y.csv"],
                  as_of="2025-06-06")  # fmt: skip
    assert r.verdict == "contradicted" and r.observed["length"] == 0


def test_the_best_day_and_month_since(tmp_path):
    closes = {"2019-12-31": 100.0, "2020-01-02": 103.0, "2020-01-31": 104.0, "2020-02-03": 105.0,
              "2020-02-28": 99.0, "2020-03-02": 101.0, "2020-03-31": 112.0}  # fmt: skip
    snap = snap_with(tmp_path, closes)
    day = {"series": "prices/X.csv", "period": {"session": "2020-03-31"}, "rank": "best",
           "since": 2020}  # fmt: skip
    r = check_one(snap, "period_rank", day, DATA, as_of="2020-03-31")
    # +10.9% on 2020-03-31: no earlier day as good in all the data (from 2019-12-31)
    assert r.verdict == "partly_supported" and "none since 2020-01-02" in r.summary
    late = snap_with(tmp_path / "late", {d: c for d, c in closes.items() if d >= "2020-02-03"})
    r = check_one(late, "period_rank", day, DATA, as_of="2020-03-31")
    assert r.verdict == "inconclusive" and "within 2020: cannot tell" in r.summary
    month = {**day, "period": {"month": "2020-03"}}
    r = check_one(snap, "period_rank", month, DATA, as_of="2020-03-31")
    assert r.observed["change"] == pytest.approx(100 * (112 / 99 - 1), abs=1e-3)
    assert r.verdict == "partly_supported"  # the best month in all the data
    worst = {**month, "period": {"month": "2020-02"}, "rank": "worst"}
    r = check_one(snap, "period_rank", worst, DATA, as_of="2020-02-29")
    assert r.verdict == "partly_supported" and r.observed["change"] == pytest.approx(-4.8077, 1e-3)
