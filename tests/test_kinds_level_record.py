"""The ``level`` and ``record`` kinds on toy snapshots: supported, contradicted, partly supported,
a near miss at the stated precision, non-session dates and the honest edges."""

from __future__ import annotations

from datetime import date

import pytest

from tests.kindtools import check_one, write_prices

DATA = ["prices/^RUT.csv"]
# closes: a record on 2025-12-11 (2,590.61), none after it; 2026-01-03 is a Saturday
CLOSES = {"2025-11-28": 2500.0, "2025-12-10": 2580.0, "2025-12-11": 2590.61,
          "2025-12-22": 2558.78, "2025-12-31": 2481.91, "2026-01-02": 2508.22}  # fmt: skip


@pytest.fixture
def snap(tmp_path):
    write_prices(tmp_path / "snap", "^RUT", CLOSES)
    return tmp_path


def level(value, op="exactly", day="2026-01-02"):
    return {"series": "prices/^RUT.csv", "date": day, "compare": {"op": op, "value": value}}


def test_a_close_as_stated_and_a_near_miss_at_the_stated_precision(snap):
    assert check_one(snap, "level", level("2,508.22"), DATA).verdict == "supported"
    miss = check_one(snap, "level", level("2,508.23"), DATA)  # a cent off: 2,508.225-2,508.235
    assert miss.verdict == "contradicted"
    assert miss.summary == "^RUT was 2,508.22 on 2026-01-02, against 2,508.23."
    assert check_one(snap, "level", level("2,508"), DATA).verdict == "supported"  # 2,507.5-2,508.5


def test_a_weekend_date_uses_the_last_session_and_says_so(snap):
    r = check_one(snap, "level", level("2,508.22", day="2026-01-03"), DATA, as_of="2026-01-03")
    assert r.verdict == "supported"
    assert "on 2026-01-02 (2026-01-03 is no session: the last before it)" in r.summary


def test_an_evaluation_date_before_the_claims_date_is_pending(snap):
    r = check_one(snap, "level", level("2,508.22"), DATA, until=date(2025, 12, 31))
    assert r.verdict == "pending"


def record(**params):
    return {"series": "prices/^RUT.csv", **params}


def test_a_record_in_the_period_at_the_stated_level(snap):
    r = check_one(snap, "record", record(set_in={"session": "2025-12-11"},
                  level={"op": "exactly", "value": "2,590.61"}), DATA)  # fmt: skip
    assert r.verdict == "supported"
    assert r.summary.startswith("^RUT set an all-time record close of 2,590.61 on 2025-12-11")


def test_a_record_but_not_at_the_stated_level_is_partly_supported(snap):
    r = check_one(snap, "record", record(set_in={"month": "2025-12"},
                  level={"op": "exactly", "value": "2,600"}), DATA)  # fmt: skip
    assert r.verdict == "partly_supported" and "a record, but not 2,600" in r.summary


def test_the_right_level_on_the_wrong_date_is_partly_supported_and_says_the_day(snap):
    r = check_one(snap, "record", record(set_in={"named": "late December 2025"},
                  level={"op": "exactly", "value": "2,590.61"}), DATA)  # fmt: skip
    assert r.verdict == "partly_supported"
    assert "2,590.61 was a record on 2025-12-11, outside the period" in r.summary


def test_no_record_in_the_period_is_contradicted(snap):
    r = check_one(snap, "record", record(set_in={"named": "late December 2025"}), DATA)
    assert r.verdict == "contradicted"
    assert r.summary == "^RUT set no all-time record close in late December 2025."


def test_the_first_record_since_a_date(snap):
    first = check_one(snap, "record", record(set_in={"session": "2025-12-11"},
                      first_since="2025-12-01"), DATA)  # fmt: skip
    assert first.verdict == "contradicted"  # 2025-12-10 was a record too
    assert "one was set on 2025-12-10" in first.summary
    ok = check_one(snap, "record", record(set_in={"session": "2025-12-10"},
                   first_since="2025-12-01"), DATA)  # fmt: skip
    assert ok.verdict == "supported" and "the first since 2025-12-01" in ok.summary


def test_a_record_still_standing_and_one_topped_since(snap):
    ok = check_one(snap, "record", record(set_in={"session": "2025-12-11"},
                   standing_as_of="2026-01-02"), DATA)  # fmt: skip
    assert ok.verdict == "supported" and "still standing on 2026-01-02" in ok.summary
    topped = check_one(snap, "record", record(set_in={"session": "2025-12-10"},
                       standing_as_of="2026-01-02"), DATA)  # fmt: skip
    assert topped.verdict == "contradicted"
    assert "2,590.61 on 2025-12-11 topped it" in topped.summary


def test_a_record_close_and_intraday_high_both(tmp_path):
    (tmp_path / "snap" / "prices").mkdir(parents=True)
    rows = (
        "2025-12-01,100,110,99,105\n2025-12-02,105,112,104,111\n"  # both records on 12-02
        "2025-12-03,111,111.5,108,109\n2025-12-04,109,113,108,110\n"
    )  # a high, no close
    (tmp_path / "snap" / "prices" / "X.csv").write_text("Date,Open,High,Low,Close\n" + rows)
    data = ["prices/X.csv"]
    both = {"series": "prices/X.csv", "measure": "both", "set_in": {"session": "2025-12-02"}}
    r = check_one(tmp_path, "record", both, data, as_of="2025-12-02")
    assert r.verdict == "supported"
    assert r.observed["close"]["record"] == 111 and r.observed["intraday"]["record"] == 112
    one = check_one(tmp_path, "record", {**both, "set_in": {"session": "2025-12-04"}}, data,
                    as_of="2025-12-04")  # fmt: skip
    assert one.verdict == "partly_supported"  # a record high, but the close (110) is no record
    assert "Close: X set no all-time record close" in one.summary


def test_a_stale_value_is_not_evidence_about_the_claims_date(tmp_path):
    # a gap in the data: nothing between 2025-11-28 and 2026-01-05
    write_prices(tmp_path / "snap", "^RUT", {"2025-11-28": 2500.0, "2026-01-05": 2508.22})
    r = check_one(tmp_path, "level", level("2,500", day="2025-12-31"), DATA, as_of="2026-01-05")
    assert r.verdict == "needs_data"  # the newest close on or before 12-31 is a month old
    assert "within 7 days of 2025-12-31; the newest is from 2025-11-28" in r.summary
