"""The older kinds' honest edges: a reference statistic without enough history is reported as
unavailable while the claim is still decided; a FRED file needs no column; summaries word
falls as falls and stated numbers as written."""

from __future__ import annotations

import pandas as pd

from tests.kindtools import check_one, write_fred, write_prices


def test_a_move_with_too_little_history_for_its_rarity_is_still_decided(tmp_path):
    days = pd.bdate_range("2025-12-01", "2025-12-31")
    closes = {f"{d:%Y-%m-%d}": 100.0 + i for i, d in enumerate(days)}  # +22% over 22 sessions
    write_prices(tmp_path / "snap", "X", closes)
    params = {"series": "prices/X.csv", "days": 5, "stated": 0.04, "tolerance": 0.01,
              "ends_within": {"start": "2025-12-29", "end": "2025-12-31"}}  # fmt: skip
    r = check_one(tmp_path, "window_move", params, ["prices/X.csv"], as_of="2025-12-31")
    assert r.verdict == "supported"
    assert r.tests == ()
    assert "how rare such a move is: unavailable" in r.summary
    assert "matching the stated 4%" in r.summary


def test_a_fall_is_worded_as_a_fall_and_a_small_stated_move_as_written(tmp_path):
    days = pd.bdate_range("2025-12-01", "2025-12-31")
    closes = {f"{d:%Y-%m-%d}": 100.0 - 0.02 * i for i, d in enumerate(days)}
    write_prices(tmp_path / "snap", "X", closes)
    params = {"series": "prices/X.csv", "days": 5, "stated": -0.001, "tolerance": 0.0005,
              "ends_within": {"start": "2025-12-29", "end": "2025-12-31"}}  # fmt: skip
    r = check_one(tmp_path, "window_move", params, ["prices/X.csv"], as_of="2025-12-31")
    assert r.verdict == "supported"
    assert "X fell 0.1% from" in r.summary and "matching the stated -0.1%" in r.summary
    assert "rose -" not in r.summary


def test_a_fred_series_needs_no_column(tmp_path):
    write_fred(tmp_path / "snap", "DGS10", {"2026-01-02": 4.19})
    params = {"series": "fred/DGS10.csv", "date": "2026-01-02", "stated": 4.19,
              "tolerance": 0.005}  # fmt: skip
    r = check_one(tmp_path, "level_on_date", params, ["fred/DGS10.csv"])
    assert r.verdict == "supported"


def test_a_spread_with_too_little_history_for_its_percentile_is_still_decided(tmp_path):
    days = pd.bdate_range("2025-11-03", "2025-12-31")
    write_prices(tmp_path / "snap", "A", {f"{d:%Y-%m-%d}": 100 + 0.5 * i
                                          for i, d in enumerate(days)})  # fmt: skip
    write_prices(tmp_path / "snap", "B", {f"{d:%Y-%m-%d}": 100.0 for d in days})
    params = {"series": "prices/A.csv", "benchmark": "prices/B.csv", "end": "2025-12-31",
              "days": 21, "tolerance": 0.005}  # fmt: skip
    r = check_one(tmp_path, "relative_return", params, ["prices/A.csv", "prices/B.csv"],
                  as_of="2025-12-31")  # fmt: skip
    assert r.verdict == "supported"  # A led B by about 8.5% over the 21 sessions
    assert "reference unavailable" in r.summary


def test_the_percentile_tail_is_the_claims_direction_not_the_datas(tmp_path):
    days = pd.bdate_range("2024-01-01", "2025-12-31")
    rng = __import__("numpy").random.default_rng(3)
    a = 100 * (1 + rng.normal(0, 0.01, len(days))).cumprod()
    write_prices(tmp_path / "snap", "A", {f"{d:%Y-%m-%d}": v for d, v in zip(days, a, strict=True)})
    write_prices(tmp_path / "snap", "B", {f"{d:%Y-%m-%d}": 100.0 for d in days})
    params = {"series": "prices/A.csv", "benchmark": "prices/B.csv", "end": "2025-12-31",
              "days": 21, "tolerance": 0.0}  # fmt: skip
    r = check_one(tmp_path, "relative_return", params, ["prices/A.csv", "prices/B.csv"],
                  as_of="2025-12-31")  # fmt: skip
    (percentile,) = [t for t in r.tests if t.name.startswith("Percentile of")]
    # "A outpaced B": the upper tail, whatever the sign of the observed spread
    assert percentile.details["tail"] == "upper"
