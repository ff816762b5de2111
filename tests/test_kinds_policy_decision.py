"""The ``policy_decision`` kind on a toy target range: cuts, holds, runs, the decision day."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analysis.errors import ClaimsError
from tests.kindtools import check_one

# the upper bound, daily; FOMC decisions (by the shipped calendar) on 2025-09-17, 10-29, 12-10
# take effect the next day; 2026-01-28 is a hold
STEPS = {"2024-12-01": 4.50, "2025-09-18": 4.25, "2025-10-30": 4.00, "2025-12-11": 3.75}
DATA = ["fred/DFEDTARU.csv"]


@pytest.fixture
def snap(tmp_path):
    days = pd.date_range("2024-12-01", "2026-02-15", freq="D")
    upper = pd.Series(float("nan"), index=days)
    for day, value in STEPS.items():
        upper[pd.Timestamp(day)] = value
    upper = upper.ffill()
    (tmp_path / "snap" / "fred").mkdir(parents=True)
    rows = "".join(f"{d:%Y-%m-%d},{v}\n" for d, v in upper.items())
    (tmp_path / "snap" / "fred" / "DFEDTARU.csv").write_text(f"observation_date,DFEDTARU\n{rows}")
    return tmp_path


def decision(**params):
    return {"upper": "fred/DFEDTARU.csv", **params}


def test_a_cut_announced_on_the_article_day_is_supported(snap):
    # FRED's range moves on 12-11; the article of the decision day reads the days just after
    r = check_one(snap, "policy_decision", decision(meeting="2025-12-10", action="cut",
                  size_bp=25), DATA, as_of="2025-12-10")  # fmt: skip
    assert r.verdict == "supported"
    assert r.summary == (
        "At the FOMC meeting of 2025-12-10 the target range saw a cut of 25 bp, the third cut "
        "in a row, as stated."
    )


def test_a_false_third_hold_is_contradicted_not_partly_supported(snap):
    r = check_one(snap, "policy_decision", decision(meeting="latest", action="hold",
                  consecutive=3), DATA, as_of="2025-12-10")  # fmt: skip
    assert r.verdict == "contradicted"
    assert r.summary.endswith("the third cut in a row, not a hold.")


def test_the_action_right_but_the_run_wrong_is_partly_supported(snap):
    r = check_one(snap, "policy_decision", decision(meeting="2025-12-10", action="cut",
                  consecutive=2), DATA, as_of="2025-12-10")  # fmt: skip
    assert r.verdict == "partly_supported"
    assert "the cut is right, but not the second in a row" in r.summary


def test_a_hold_and_a_size_that_is_wrong(snap):
    hold = check_one(snap, "policy_decision", decision(meeting="2026-01-28", action="hold"),
                     DATA, as_of="2026-01-28")  # fmt: skip
    assert hold.verdict == "supported" and "was held" in hold.summary
    big = check_one(snap, "policy_decision", decision(meeting="2025-12-10", action="cut",
                    size_bp=50), DATA, as_of="2025-12-10")  # fmt: skip
    assert big.verdict == "partly_supported" and "the size was not 50 bp" in big.summary


def test_the_decisions_of_a_period(snap):
    r = check_one(snap, "policy_decision", decision(period={"year": 2025}, action="cut",
                  count=3, cumulative_bp=75), DATA)  # fmt: skip
    assert r.verdict == "supported"
    assert r.summary == (
        "2025: 3 cut(s) in 8 decisions (8 at scheduled meetings; 2025-09-17, 2025-10-29, "
        "2025-12-10), 75 bp in all, as stated."
    )
    two = check_one(snap, "policy_decision", decision(period={"year": 2025}, action="cut",
                    count=2), DATA)  # fmt: skip
    assert two.verdict == "contradicted"


def test_a_day_that_is_no_meeting_and_a_meeting_after_the_evaluation_date(snap):
    r = check_one(snap, "policy_decision", decision(meeting="2025-12-11", action="cut"), DATA,
                  as_of="2025-12-11")  # fmt: skip
    assert r.verdict == "error" and "2025-12-11 is not a scheduled FOMC decision day" in r.summary
    assert "2025-12-10" in r.summary
    later = check_one(snap, "policy_decision", decision(meeting="2026-01-28", action="hold"),
                      DATA, as_of="2026-01-28", until=date(2026, 1, 2))  # fmt: skip
    assert later.verdict == "pending"


def test_a_meeting_and_a_period_together_are_refused_at_load(snap):
    both = decision(meeting="latest", period={"year": 2025}, action="cut", count=1)
    with pytest.raises(ClaimsError, match="give a meeting .a date or latest. or a period, not"):
        check_one(snap, "policy_decision", both, DATA)


def test_unscheduled_moves_count_and_a_claim_reads_only_up_to_its_date(tmp_path):
    # March 2020: cuts effective 2020-03-04 and 2020-03-16, decided the day before, between
    # the scheduled meetings of 2020-01-29 and 2020-04-29
    days = pd.date_range("2020-01-01", "2020-04-10", freq="D")
    upper = pd.Series(1.75, index=days)
    upper[days >= "2020-03-04"] = 1.25
    upper[days >= "2020-03-16"] = 0.25
    (tmp_path / "snap" / "fred").mkdir(parents=True)
    rows = "".join(f"{d:%Y-%m-%d},{v}\n" for d, v in upper.items())
    (tmp_path / "snap" / "fred" / "DFEDTARU.csv").write_text(f"observation_date,DFEDTARU\n{rows}")
    march = decision(period={"month": "2020-03"}, action="cut", count=2, cumulative_bp=150)
    r = check_one(tmp_path, "policy_decision", march, DATA, as_of="2020-03-15")
    assert r.verdict == "supported"
    assert "2020-03-03 (unscheduled), 2020-03-15 (unscheduled)" in r.summary
    early = check_one(tmp_path, "policy_decision", march, DATA, as_of="2020-03-10")
    assert early.verdict == "contradicted"  # by 03-10 only the first cut had happened
    assert early.observed == {"count": 1, "cumulative_bp": 50, "decisions": 1}


def test_the_range_announced_on_a_decision_day(snap):
    params = {"lower": "fred/DFEDTARU.csv", "upper": "fred/DFEDTARU.csv", "date": "2025-12-10",
              "stated_lower": 3.75, "stated_upper": 3.75}  # fmt: skip
    r = check_one(snap, "target_range", params, DATA, as_of="2025-12-10")
    assert r.verdict == "supported"  # the range in force from 2025-12-11, announced on 12-10
