"""The ``change`` kind on toy snapshots: each comparison, precision, periods and honest edges."""

from __future__ import annotations

from datetime import date

import pytest

from tests.kindtools import check_one, write_fred, write_prices

CLOSES = {"2025-12-30": 100.0, "2025-12-31": 100.0, "2026-01-02": 101.446, "2026-01-05": 99.6}


@pytest.fixture
def snap(tmp_path):
    write_prices(tmp_path / "snap", "^GSPC", CLOSES)
    write_prices(tmp_path / "snap", "^RUT", {**CLOSES, "2026-01-02": 104.0})
    write_fred(tmp_path / "snap", "DGS10", {"2025-12-31": 4.17, "2026-01-02": 4.19,
                                             "2026-01-05": 3.92})  # fmt: skip
    return tmp_path


def ytd(op, value=None, **more):
    compare = {"op": op} | ({"value": value} if value is not None else {})
    return {"series": "prices/^GSPC.csv", "period": {"year_to_date": True}, "compare": compare,
            **more}  # fmt: skip


def test_a_number_stated_as_1_5_percent_is_not_met_by_1_446(snap):
    # the case: "up 1.5% year to date" against +1.446%: 1.5% as written is 1.45-1.55
    r = check_one(snap, "change", ytd("exactly", "1.5%"), ["prices/^GSPC.csv"])
    assert r.verdict == "contradicted"
    assert r.observed["change"] == pytest.approx(1.446)
    assert "^GSPC rose 1.45% from the close of 2025-12-31 to 2026-01-02" in r.summary  # 2 digits
    assert "(accepted: 1.45 to 1.55)" in r.summary


def test_about_1_5_percent_is_met_by_1_446(snap):
    r = check_one(snap, "change", ytd("about", "1.5%"), ["prices/^GSPC.csv"])
    assert r.verdict == "supported"


def test_a_direction_and_a_fall_in_words(snap):
    params = {"series": "prices/^GSPC.csv", "period": {"session": "2026-01-05"},
              "compare": {"op": "down"}}  # fmt: skip
    r = check_one(snap, "change", params, ["prices/^GSPC.csv"], as_of="2026-01-05")
    assert r.verdict == "supported"
    assert "^GSPC fell 1.82% from the close of 2026-01-02 to 2026-01-05" in r.summary  # not -1.82


def test_basis_points_of_a_yield(snap):
    params = {"series": "fred/DGS10.csv", "period": {"session": "2026-01-02"},
              "compare": {"op": "exactly", "value": "2 bp"}}  # fmt: skip
    r = check_one(snap, "change", params, ["fred/DGS10.csv"])
    assert r.verdict == "supported" and r.observed["change"] == pytest.approx(2.0)
    assert "DGS10 rose 2.0 bp" in r.summary


def test_a_spread_against_a_benchmark_in_bp(snap):
    params = {
        "series": "prices/^RUT.csv",
        "benchmark": "prices/^GSPC.csv",
        "period": {"year_to_date": True},
        "compare": {"op": "nearly", "value": "300 bp"},
    }
    r = check_one(snap, "change", params, ["prices/^RUT.csv", "prices/^GSPC.csv"])
    # ^RUT +4.0%, ^GSPC +1.446%: a lead of 255.4 bp, under "nearly 300 bp" (270 to 300.5)
    assert r.observed["change"] == pytest.approx(255.4)
    assert r.verdict == "contradicted"
    assert "^RUT led ^GSPC by 255.4 bp" in r.summary


def test_an_as_of_before_the_period_ends_is_pending(snap):
    r = check_one(snap, "change", ytd("exactly", "1.5%"), ["prices/^GSPC.csv"],
                  until=date(2025, 12, 31))  # fmt: skip
    assert r.verdict == "pending"


def test_data_that_stop_before_the_period_ends_name_the_file(snap):
    params = {**ytd("up"), "period": {"month": "2026-02"}}
    r = check_one(snap, "change", params, ["prices/^GSPC.csv"], as_of="2026-03-02")
    assert r.verdict == "needs_data" and r.missing == ("prices/^GSPC.csv",)
    assert "data through 2026-02-28" in r.summary


def test_a_claim_about_publication_reads_no_later_data(snap):
    # the article is of 2026-01-02: the fall of 2026-01-05 must not count
    params = {"series": "prices/^GSPC.csv", "period": {"since": "2025-12-31"},
              "compare": {"op": "up"}}  # fmt: skip
    r = check_one(snap, "change", params, ["prices/^GSPC.csv"])
    assert r.verdict == "supported" and r.observed["to"] == "2026-01-02"
