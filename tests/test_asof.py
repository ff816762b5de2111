"""An earlier evaluation date (``as_of``) gives ``pending``, never ``error``, for a claim about a
later date: the demo's claims at three dates, and the kinds fixed for it one by one."""

from __future__ import annotations

from datetime import date

import pytest

from analysis.checks import Context, evaluate_all
from analysis.checks.base import NotYet, not_yet
from analysis.claims import load_claims
from tests.conftest import PROJECT

CLAIMS = PROJECT / "data" / "claims" / "russell2000_2026.yaml"
DATES = ["2025-10-01", "2025-12-15", "2026-01-02"]
# claims whose kinds, before the claim's date came, raised a plain error (the first two) or
# judged a period not yet over (the third); each now calls `not_yet(<the last date the claim
# speaks of>, ctx)` at the top of its check
LATER = ["record_smallcap_etf_inflows", "smallcaps_lead_2026", "biotech_mna_activity"]


@pytest.fixture(scope="module")
def registry():
    return load_claims(CLAIMS)


@pytest.fixture(scope="module")
def verdicts(registry, demo_snapshot):
    return {
        day: {
            r.id: r
            for r in evaluate_all(registry, demo_snapshot, Context(until=date.fromisoformat(day)))
        }
        for day in DATES
    }


@pytest.mark.parametrize("day", DATES)
def test_no_claim_of_the_demo_is_an_error(verdicts, day):
    errors = {cid: r.summary for cid, r in verdicts[day].items() if r.verdict == "error"}
    assert errors == {}


@pytest.mark.parametrize("cid", LATER)
def test_the_kinds_fixed_elsewhere_are_pending_too(verdicts, cid):
    assert verdicts["2025-12-15"][cid].verdict == "pending"


@pytest.mark.parametrize(
    ("cid", "day", "through"),
    [
        ("rut_surge_12pct_late_december", "2025-10-01", "2026-01-02"),
        ("rut_surge_12pct_late_december", "2025-12-15", "2026-01-02"),
        ("fed_three_consecutive_cuts_2025", "2025-12-15", "2025-12-31"),
        ("ta_banks5_momentum", "2025-10-01", "2025-12-31"),
    ],
)
def test_a_claim_about_a_later_date_is_pending_and_says_why(verdicts, cid, day, through):
    r = verdicts[day][cid]
    assert r.verdict == "pending"
    assert r.summary == (
        f"Not yet decidable: the claim speaks of data through {through}, after the evaluation "
        f"date {day}."
    )


def test_on_the_articles_date_the_fixed_claims_are_decided_as_before(verdicts):
    on_the_day = verdicts["2026-01-02"]
    assert on_the_day["rut_surge_12pct_late_december"].verdict == "supported"
    assert on_the_day["fed_three_consecutive_cuts_2025"].verdict == "supported"
    assert on_the_day["fed_three_consecutive_cuts_2025"].observed["cuts"] == 3
    # the continuation runs past the data: pending from the check itself, not from not_yet
    momentum = on_the_day["ta_banks5_momentum"]
    assert momentum.verdict == "pending"
    assert momentum.summary.startswith("^TABANKS5.TA data end 2026-01-02, before 2026-01-16")


def test_no_verdict_rests_on_data_after_the_evaluation_date(verdicts):
    for r in verdicts["2025-10-01"].values():
        if r.date_range and r.verdict not in ("pending", "needs_data"):
            # a weekly regression labels its last week by its Friday, 2025-10-03
            assert r.date_range[1] <= "2025-10-03", (r.id, r.date_range)


def test_not_yet_raises_only_before_the_date():
    ctx = Context(until=date(2025, 12, 15))
    not_yet("2025-12-15", ctx)  # the evaluation date itself has come
    not_yet("2025-12-31", Context())  # no evaluation date: everything has come
    with pytest.raises(NotYet) as caught:
        not_yet("2025-12-16", ctx)
    assert str(caught.value) == (
        "the claim speaks of data through 2025-12-16, after the evaluation date 2025-12-15"
    )
