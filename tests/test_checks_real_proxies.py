"""The article's valuation, earnings and deal claims decided on ../shared/data/real through the
S&P 600 and publishers' proxies the claims file names (issue 11, item 9), each pinned with the
numbers computed by hand from the files' own rows."""

from __future__ import annotations

import pytest

from analysis.checks.evaluate import evaluate_all
from analysis.claims import load_claims
from tests.conftest import PROJECT

REGISTRY = load_claims(PROJECT / "data" / "claims" / "russell2000_2026.yaml")

# rows of ../shared/data/real used below
IJR = {"2024-12-31": 113.315216, "2025-09-30": 118.093979, "2025-12-31": 119.990372}  # Adj Close
GSPC = {"2024-12-31": 5881.63, "2025-09-30": 6688.46, "2025-12-31": 6845.50}  # Close
EPS_TTM = {"sp600": {"2024-12-31": 61.86, "2025-09-30": 63.31},
           "sp500": {"2024-12-31": 233.36, "2025-09-30": 254.76}}  # fmt: skip


@pytest.fixture(scope="module")
def real(real_snapshot):
    return {r.id: r for r in evaluate_all(REGISTRY, real_snapshot)}


def test_needs_data_is_left_only_for_etf_flows_and_tel_aviv(real):
    lacking = {cid for cid, r in real.items() if r.verdict == "needs_data"}
    assert lacking == {
        "record_smallcap_etf_inflows", "ta125_historic_high", "ta_sme60_record_high",
        "ta_banks5_momentum", "ta_realestate_driver",
    }  # fmt: skip


def test_forward_pe_15x_against_22x_on_the_sp600_brought_to_the_date(real):
    # sp600_pe_fwd 14.8209 and sp500_pe_fwd 21.9784 at the 2025-09-30 vintage, 92 days before
    # the claim's 2025-12-31: times each index's price change to 2025-12-31
    small = 14.8209 * IJR["2025-12-31"] / IJR["2025-09-30"]
    large = 21.9784 * GSPC["2025-12-31"] / GSPC["2025-09-30"]
    assert (round(small, 2), round(large, 2)) == (15.06, 22.49)
    r = real["valuation_15x_vs_22x"]
    assert r.verdict == "supported"  # both within the stated 1x of 15x and 22x
    assert r.observed["small"] == pytest.approx(small, abs=0.005)
    assert r.observed["large"] == pytest.approx(large, abs=0.005)
    assert "14.8x reported 2025-09-30, 92 days earlier" in r.summary
    assert "S&P 600's forward P/E stands in for the Russell 2000's" in r.summary
    # the held estimate is named with the revision that would change the verdict: 22.49 / 23 - 1
    assert f"by {large / 23 - 1:+.1%} would take it out of the tolerance" in r.summary
    assert "user/sp_valuation.csv" in r.data and "prices/IJR.csv" in r.data


def test_historically_cheap_on_annual_trailing_pe_cannot_tell(real):
    # year-end trailing P/E 2008-2024 (sp600 / sp500), 2020 dropped (S&P 600 EPS negative);
    # 2025-12-31 brought forward from 2024 by price and the newest TTM EPS (2025-09-30)
    def now(pe, price, eps):
        return (
            pe * price["2025-12-31"] / price["2024-12-31"] / (eps["2025-09-30"] / eps["2024-12-31"])
        )

    ratio = now(22.76, IJR, EPS_TTM["sp600"]) / now(25.2, GSPC, EPS_TTM["sp500"])
    assert round(ratio, 4) == 0.8765
    history = [26.29 / 18.24, 43.65 / 19.61, 24.46 / 15.01, 20.16 / 13.04, 22.04 / 14.73,
               26.28 / 17.22, 25.95 / 18.22, 34.16 / 20.35, 32.73 / 21.07, 30.01 / 21.47,
               21.64 / 16.54, 33.29 / 20.56, 18.88 / 22.89, 15.24 / 19.5, 20.24 / 22.34,
               22.76 / 25.2]  # fmt: skip
    lower = sum(h < ratio for h in history)  # 2021 (0.82) and 2022 (0.78)
    assert (lower, len(history)) == (2, 16)
    r = real["smallcaps_historically_cheap"]
    assert r.observed["ratio"] == pytest.approx(ratio, abs=5e-5)
    assert r.observed["percentile"] == pytest.approx(100 * lower / len(history))
    # low, but 17 annual points of a persistent ratio cannot tell it from chance
    assert r.verdict == "inconclusive"
    assert 0.1 < r.pvalue < 0.3
    assert "a negative P/E: 2020-12-31" in r.summary
    assert "brought forward from the reports of 2024-12-31" in r.summary
    assert "trailing multiple, not a forward one" in r.summary


def test_earnings_growth_forecast_is_pending_and_the_proxy_consensus_is_outside(real):
    r = real["earnings_growth_17_22_vs_14_15"]
    assert r.verdict == "pending"  # realized 2026 growth is due by 2027-03-31
    # the 2025-09-30 vintage, 94 days before publication: S&P 600 38.14%, S&P 500 17.48%
    assert r.observed["small"]["estimate"] == pytest.approx(38.1417)
    assert r.observed["large"]["estimate"] == pytest.approx(17.4774)
    assert "consensus 38.1% of 2025-09-30 (94 days before publication), outside 17-22%" in (
        r.summary
    )
    assert "outside 14-15%" in r.summary and "its growth rate is not the Russell 2000's" in (
        r.summary
    )


def test_biotech_deals_compare_a_partial_year_as_a_rate(real):
    # BioPharma Dive buyouts: 43, 38, 39 in 2022-2024; 20 to 2025-08-07 (day 219 of 365)
    rate_2025 = 20 / (219 / 365)
    assert round(rate_2025, 1) == 33.3
    r = real["biotech_mna_activity"]
    assert r.observed["recent_rate"] == pytest.approx(rate_2025)
    assert r.observed["baseline_rate"] == pytest.approx(40.0)
    assert r.observed["rate_ratio"] == pytest.approx(rate_2025 / 40.0)
    # exact conditional test: 20 of 140 deals against an expected share 0.6 / 3.6
    from scipy.stats import binomtest

    assert r.pvalue == pytest.approx(binomtest(20, 140, 0.6 / 3.6, alternative="greater").pvalue)
    assert r.verdict == "inconclusive"
    assert "never a partial sum" in r.summary and "never added to it" in r.summary


def test_earnings_growth_does_not_converge_on_quarterly_sp600_eps(real):
    # year-over-year growth of quarterly EPS (../shared/data/real/user/sp_eps.csv):
    # 2016Q1: S&P 600 5.36 / 4.93 - 1 = +8.7%, S&P 500 23.97 / 25.81 - 1 = -7.1%: gap 15.9
    # 2025Q3: S&P 600 17.07 / 12.19 - 1 = +40.0%, S&P 500 72.03 / 59.16 - 1 = +21.8%: gap 18.3
    first = abs((5.36 / 4.93 - 1) - (23.97 / 25.81 - 1)) * 100
    last = abs((17.07 / 12.19 - 1) - (72.03 / 59.16 - 1)) * 100
    r = real["earnings_convergence"]
    assert r.observed["first_gap"] == pytest.approx(first)
    assert r.observed["last_gap"] == pytest.approx(last)
    # 39 quarters from 2016Q1 to 2025Q3, less 2021Q1-Q2 (their 2020 bases were losses)
    assert r.observed["quarters"] == 37
    assert r.observed["no_growth_quarters"] == ["2021Q1 (sp600_eps_q)", "2021Q2 (sp600_eps_q)"]
    assert r.verdict == "inconclusive" and r.pvalue > 0.5  # the gap widened, if anything
    assert r.observed["engle_granger_quarters"] == 71  # 2008Q1-2025Q3, losses included
    assert "S&P 600's operating EPS (S&P Dow Jones Indices) stands in" in r.summary
