"""Numbers for people (analysis.report.formatting): every check kind's stated and observed
values, in the shapes the demo and the real data give, rendered as a reader sees them."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.report.formatting import (
    bp,
    day,
    decimals,
    describe_observed,
    describe_stated,
    detail_observed,
    detail_stated,
    multiple,
    pct,
    rate_range,
    span,
    theme_title,
)
from analysis.results import ClaimResult
from tests.kindtools import check_one, write_prices

RUT, NDX, IXIC, GSPC = "prices/^RUT.csv", "prices/^NDX.csv", "prices/^IXIC.csv", "prices/^GSPC.csv"
DGS2, UPPER = "fred/DGS2.csv", "fred/DFEDTARU.csv"
SECTORS = ["prices/KRE.csv", "prices/XBI.csv", "prices/XLI.csv", RUT]

# (kind, data, stated, observed, what the stated cell reads, what the observed cell reads);
# stated and observed as `workbook check --json` wrote them (demo, real data, news corpus)
CASES = [
    (
        "level_on_date",
        [RUT],
        {"value": 2508.22, "date": "2026-01-02", "tolerance": 0.005},
        {"value": 2495.9, "date": "2026-01-02", "difference": -12.32},
        "2,508.22 on 2 Jan 2026",
        "2,495.90 on 2 Jan 2026\n12.32 below the stated",
    ),
    (
        "level_on_date",
        [RUT],
        {"value": 2508.22, "date": "2026-01-02", "tolerance": 0.005},
        {"value": 2508.22, "date": "2026-01-02", "difference": 0.0},
        "2,508.22 on 2 Jan 2026",
        "2,508.22 on 2 Jan 2026",
    ),
    (
        "window_move",
        [RUT],
        {"move": 0.12, "days": 15, "ends_within": ["2025-12-24", "2026-01-02"], "tolerance": 0.02},
        {
            "best_start": "2025-12-10",
            "best_end": "2026-01-02",
            "best_return": 0.104141,
            "matching_windows": 1,
            "windows_checked": 6,
        },
        "+12% (±2 pp) in 15 sessions\nending 24 Dec 2025 – 2 Jan 2026",
        "best +10.4%, 10 Dec 2025 – 2 Jan 2026\n1 of 6 windows matches",
    ),
    (
        "window_move",
        [RUT],
        {"move": 0.12, "days": 15, "ends_within": ["2025-12-24", "2026-01-02"], "tolerance": 0.02},
        {
            "best_start": "2025-12-03",
            "best_end": "2025-12-24",
            "best_return": 0.014307,
            "matching_windows": 0,
            "windows_checked": 6,
            "matching_elsewhere": ["2025-11-20", "2025-12-12", 0.10687125560168487],
            "windows_searched": 21,
            "search_chance": 0.0829,
        },
        "+12% (±2 pp) in 15 sessions\nending 24 Dec 2025 – 2 Jan 2026",
        "best +1.4%, 3–24 Dec 2025\n0 of 6 windows match; +10.7% over 20 Nov – 12 Dec 2025",
    ),
    (
        "record_high",
        [RUT],
        2595.98,
        {
            "close_peak": 2558.78,
            "high_peak": 2572.9,
            "close_peak_date": "2025-12-22",
            "high_peak_date": "2025-12-22",
            "close_is_record": False,
            "high_is_record": False,
            "stated_level_date": "2025-12-12",
        },
        "a record at 2,595.98",
        "highest close 2,558.78, intraday 2,572.90\n"
        "on 22 Dec 2025: not a record; the stated level was one on 12 Dec 2025",
    ),
    (
        "record_high",
        ["prices/^TASME60.TA.csv"],
        None,
        {
            "close_peak": 2217.3,
            "high_peak": 2221.6,
            "close_peak_date": "2026-01-15",
            "high_peak_date": "2026-01-15",
            "close_is_record": True,
            "high_is_record": False,
        },
        "a record high",
        "highest close 2,217.30, intraday 2,221.60\non 15 Jan 2026: a record close",
    ),
    (
        "target_range",
        ["fred/DFEDTARL.csv", UPPER],
        {"lower": 3.5, "upper": 3.75},
        {"lower": 3.5, "upper": 3.75, "date": "2026-01-02"},
        "3.50–3.75%",
        "3.50–3.75% on 2 Jan 2026",
    ),
    (
        "rate_decisions",
        [UPPER],
        {"cuts": 3, "consecutive": True},
        {
            "cuts": 3,
            "cut_dates": ["2025-09-18", "2025-10-30", "2025-12-11"],
            "cut_meetings": ["2025-09-17", "2025-10-29", "2025-12-10"],
            "consecutive_cuts_to_period_end": 3,
        },
        "3 cuts at consecutive meetings",
        "3 cuts: 17 Sep, 29 Oct, 10 Dec 2025\n3 in a row to the period's end",
    ),
    (
        "rate_forecast",
        ["prices/ZQN26.csv", "fred/DFF.csv"],
        {"rate": 3.0, "tolerance": 0.125, "by": "2026-07-01"},
        {"implied_at_publication": 3.295, "implied_date": "2026-01-02", "realized_average": 3.6281},
        "3.00% (±0.125 pp) by 1 Jul 2026",
        "futures implied 3.29% on 2 Jan 2026\nrealized average 3.63%",
    ),
    (
        "rate_forecast",
        ["prices/ZQN26.csv", "fred/DFF.csv"],
        {"rate": 3.0, "tolerance": 0.125, "by": "2026-07-01"},
        {"implied_at_publication": 3.3, "implied_date": "2026-01-02"},
        "3.00% (±0.125 pp) by 1 Jul 2026",
        "futures implied 3.30% on 2 Jan 2026\nrealized average: not yet",
    ),
    (
        "relative_return",
        [RUT, NDX],
        {"spread": None, "tolerance": 0.005, "days": 22},
        {
            "spread": 0.111967,
            "return_series": 0.090115,
            "return_benchmark": -0.021852,
            "start": "2025-11-28",
            "end": "2025-12-31",
            "share_of_windows_agreeing": 1.0,
        },
        "a lead of at least 50 bp over 22 sessions",
        "+1,120 bp, 28 Nov – 31 Dec 2025\nRussell 2000 +9.0%, Nasdaq-100 -2.2%",
    ),
    (
        "relative_return",
        [RUT, IXIC],
        {"spread": 0.06, "tolerance": 0.01, "days": 21},
        {
            "spread": 0.025146,
            "return_series": 0.017542,
            "return_benchmark": -0.007604,
            "start": "2025-12-02",
            "end": "2026-01-02",
            "share_of_windows_agreeing": 0.0,
            "matching_window": ["2025-11-17", "2025-12-17", 0.065107],
            "windows_searched": 31,
            "search_chance": 0.2077,
        },
        "+600 bp (±100 bp) over 21 sessions",
        "+251 bp, 2 Dec 2025 – 2 Jan 2026\nRussell 2000 +1.8%, Nasdaq Composite -0.8%",
    ),
    (
        "sector_leadership",
        SECTORS,
        None,
        {"KRE": -0.011951, "XBI": -0.005984, "XLI": 0.059925, "^RUT": 0.110024},
        "the named sectors lead",
        "Russell 2000 +11.0%; industrial stocks (XLI) +6.0%; "
        "biotech stocks (XBI) -0.6%; regional bank stocks (KRE) -1.2%",
    ),
    (
        "relative_forecast",
        [RUT, GSPC],
        {"outperform_until": "2026-12-31"},
        {"spread": 0.148655, "through": "2026-08-31"},
        "Russell 2000 beats S&P 500\nuntil 31 Dec 2026",
        "+1,487 bp so far, to 31 Aug 2026",
    ),
    (
        "momentum",
        ["prices/^TABANKS5.TA.csv"],
        None,
        {"return_before": 0.233633, "return_after": 0.05299},
        "the rise continues",
        "+23.4% before, +5.3% after",
    ),
    (
        "valuation_point",
        ["user/forward_pe.csv"],
        {"small": 15.0, "large": 22.0, "tolerance": 1.0},
        {"small": 15.06, "large": 22.49, "discount_pct": 33.06},
        "small caps 15x, large caps 22x (±1x)",
        "small caps 15.1x, large caps 22.5x\na 33.1% discount",
    ),
    (
        "valuation_gap",
        ["user/forward_pe.csv"],
        "historically cheap",
        {
            "ratio": 0.6918,
            "percentile": 5.47,
            "pvalue_cheap": 0.092,
            "pvalue_dear": 0.909,
            "long_run_mean_ratio": 0.869,
            "long_run_mean_ci": [0.7361, 1.0481],
            "persistence": 0.9755,
            "half_life": 11.393403772879603,
            "mean_reversion": "inconclusive",
        },
        "historically cheap",
        "small/large P/E 0.69, percentile 5.5\nlong-run mean 0.87 (0.74–1.05)",
    ),
    (
        "valuation_gap",
        ["user/forward_pe.csv"],
        "historically cheap",
        {"n": 5, "ratio": 0.7123},
        "historically cheap",
        "5 ratios: too few, the last 0.71",
    ),
    (
        "earnings_forecast",
        ["user/eps.csv"],
        {"small": [17.0, 22.0], "large": [14.0, 15.0], "year": 2026},
        {
            "small": {"status": "pending", "estimate": 19.5, "realized": None},
            "large": {"status": "below", "estimate": 14.9, "realized": 12.04},
        },
        "2026 EPS growth\nsmall caps 17–22%, large caps 14–15%",
        "small caps: consensus 19.5%, pending\nlarge caps: 12.0% realized, below",
    ),
    (
        "earnings_convergence",
        ["user/eps.csv"],
        "converging growth rates",
        {"slope_per_year": -0.4058, "first_gap": 10.564059766393685, "last_gap": 1.893876266117367},
        "converging growth rates",
        "growth gap 10.6 → 1.9 pp\ntrend -0.41 pp a year",
    ),
    (
        "earnings_convergence",
        ["user/eps.csv"],
        "converging growth rates",
        {
            "slope_per_year": -0.419,
            "first_gap": 10.686773551331186,
            "last_gap": 1.8297528767293976,
            "quarters": 40,
            "no_growth_quarters": [],
        },
        "converging growth rates",
        "growth gap 10.7 → 1.8 pp over 40 quarters\ntrend -0.42 pp a year",
    ),
    (
        "factor_sensitivity",
        [RUT, GSPC, DGS2],
        "small caps fall more than large caps when it rises",
        {
            "beta_small": -0.0486219206524487,
            "beta_large": 0.008830336068943234,
            "difference": -0.057452256721391766,
            "market_controlled": True,
            "nobs": 496,
        },
        "small caps fall more than large caps when it rises",
        "betas: small caps -0.0486, large caps +0.00883\n"
        "difference -0.0575 (market-controlled, n = 496)",
    ),
    (
        "flow_record",
        ["user/etf_flows.csv"],
        "record inflows",
        {"total": -2412.2000000000003, "rank": 2368},
        "record inflows",
        "net outflows of 2,412\nranked 2,368th of the windows as long",
    ),
    (
        "flow_record",
        ["user/etf_flows.csv"],
        "record inflows",
        {"total": 6345.0, "rank": 1},
        "record inflows",
        "net inflows of 6,345\na record",
    ),
    (
        "activity_change",
        ["user/biotech_deals.csv"],
        "increased activity",
        {
            "recent_rate": 6.583333333333333,
            "baseline_rate": 8.166666666666666,
            "rate_ratio": 0.8061224489795917,
        },
        "increased activity",
        "6.6 a period, against 8.2 before\nrate ratio 0.81",
    ),
    (
        "level",
        ["prices/^DJI.csv"],
        {"compare": "42,544.42", "date": "2024-12-31"},
        {"value": 42544.21875, "date": "2024-12-31"},
        "42,544.42 on 31 Dec 2024",
        "42,544.22 on 31 Dec 2024",
    ),
    (
        "level",
        [GSPC],
        {"compare": "4,020", "date": "2021-04-01"},
        {"value": 4019.87, "date": "2021-04-01"},
        "4,020 on 1 Apr 2021",
        "4,019.87 on 1 Apr 2021",
    ),
    (
        "level",
        [DGS2],
        {"compare": "less than 4%", "date": "2024-08-05"},
        {"value": 3.89, "date": "2024-08-05"},
        "less than 4% on 5 Aug 2024",
        "3.89% on 5 Aug 2024",
    ),
    (
        "level",
        ["fred/DGS10.csv", DGS2],
        {"compare": "72 bp", "date": "2026-01-02"},
        {"value": 72.00000000000001, "date": "2026-01-02"},
        "72 bp on 2 Jan 2026",
        "72 bp on 2 Jan 2026",
    ),
    (
        "change",
        ["prices/^DJI.csv"],
        {"compare": "more than 10%", "period": "the week of 2024-05-17"},
        {"change": 1.242001, "unit": "percent", "from": "2024-05-10", "to": "2024-05-17"},
        "more than 10%\nthe week of 17 May 2024",
        "+1.2%\n10–17 May 2024",
    ),
    (
        "change",
        [GSPC],
        {"compare": "23.31%", "period": "2024"},
        {"change": 23.309007, "unit": "percent", "from": "2023-12-29", "to": "2024-12-31"},
        "23.31%\nin 2024",
        "+23.31%\n29 Dec 2023 – 31 Dec 2024",
    ),
    (
        "change",
        [IXIC],
        {"compare": "-1,050.44 points", "period": "the session of 2025-04-03"},
        {"change": -1050.44, "unit": "points", "from": "2025-04-02", "to": "2025-04-03"},
        "-1,050.44 points\non 3 Apr 2025",
        "-1,050.44 points\n2–3 Apr 2025",
    ),
    (
        "change",
        [DGS2],
        {"compare": "-73.5 bp", "period": "March 2023"},
        {"change": -75.0, "unit": "bp", "from": "2023-02-28", "to": "2023-03-31"},
        "-73.5 bp\nin March 2023",
        "-75.0 bp\n28 Feb – 31 Mar 2023",
    ),
    (
        "change",
        [RUT, GSPC],
        {"compare": "a fall", "period": "year to date"},
        {
            "change": -2.105924,
            "unit": "percent",
            "from": "2024-12-31",
            "to": "2025-09-18",
            "benchmark_change": 12.757178,
        },
        "a fall\nyear to date",
        "trailed S&P 500 (+12.8%) by 2.1 pp\n31 Dec 2024 – 18 Sep 2025",
    ),
    (
        "change",
        [RUT, GSPC],
        {"compare": "0.87 pp", "period": "the session of 2026-01-02"},
        {
            "change": 0.870603,
            "unit": "percent",
            "from": "2025-12-31",
            "to": "2026-01-02",
            "benchmark_change": 0.189468,
        },
        "0.87 pp\non 2 Jan 2026",
        "led S&P 500 (+0.19%) by 0.87 pp\n31 Dec 2025 – 2 Jan 2026",
    ),
    (
        "record",
        ["prices/^DJI.csv"],
        {"period": "the session of 2024-11-22", "level": "44,296"},
        {"record": 44296.511719, "date": "2024-11-22", "records_in_period": 1},
        "a record of 44,296\non 22 Nov 2024",
        "record 44,296.51 on 22 Nov 2024",
    ),
    (
        "record",
        ["prices/^DJI.csv"],
        {"period": "the session of 2026-01-28", "level": "more than 50,000"},
        {"records_nearby": 9, "stated_level_date": "2026-02-06"},
        "a record of more than 50,000\non 28 Jan 2026",
        "no record in the period\nthe stated level was one on 6 Feb 2026",
    ),
    (
        "record",
        ["fred/DGS10.csv"],
        {"period": "the session of 2023-10-19", "level": None},
        {"record": 4.98, "date": "2023-10-19", "records_in_period": 1},
        "a record\non 19 Oct 2023",
        "record 4.98% on 19 Oct 2023",
    ),
    (
        "record",
        [GSPC],
        {"period": "the session of 2024-11-08", "level": "6,012.45"},
        {
            "close": {"record": 5995.54, "date": "2024-11-08", "records_in_period": 1},
            "intraday": {"record": 6012.45, "date": "2024-11-08", "records_in_period": 1},
        },
        "a record of 6,012.45\non 8 Nov 2024",
        "close: record 5,995.54 on 8 Nov 2024\nintraday: record 6,012.45 on 8 Nov 2024",
    ),
    (
        "policy_decision",
        [UPPER],
        {"action": "cut", "meeting": "2025-12-10", "size_bp": 25, "consecutive": 3},
        {"meeting": "2025-12-10", "action": "cut", "change_bp": -25, "in_a_row": 3},
        "a 25 bp cut on 10 Dec 2025\nthe 3rd in a row",
        "a 25 bp cut on 10 Dec 2025\nthe 3rd in a row",
    ),
    (
        "policy_decision",
        [UPPER],
        {"action": "hold", "meeting": "2026-01-28"},
        {"meeting": "2026-01-28", "action": "hold", "change_bp": 0, "in_a_row": 1},
        "a hold on 28 Jan 2026",
        "a hold on 28 Jan 2026",
    ),
    (
        "policy_decision",
        [UPPER],
        {
            "action": "hike",
            "period": {"since": "2022-03-01", "until": "2023-07-31"},
            "cumulative_bp": 525,
        },
        {"count": 11, "cumulative_bp": 525, "decisions": 12},
        "hikes of 525 bp in all\n1 Mar 2022 – 31 Jul 2023",
        "11 hikes, 525 bp in all\nover 12 meetings",
    ),
    (
        "policy_decision",
        [UPPER],
        {"action": "cut", "period": {"year": 2025}, "count": 3, "cumulative_bp": 75},
        {"count": 3, "cumulative_bp": 75, "decisions": 8},
        "3 cuts, 75 bp in all\nin 2025",
        "3 cuts, 75 bp in all\nover 8 meetings",
    ),
    (
        "policy_decision",
        [UPPER],
        {"action": "cut", "period": {"month": "2020-03"}, "count": 2},
        {"count": 2, "cumulative_bp": 150, "decisions": 2},
        "2 cuts\nin March 2020",
        "2 cuts, 150 bp in all\nover 2 meetings",
    ),
    (
        "drawdown",
        [GSPC],
        {"compare": "at least 10%"},
        {"drawdown": 10.833333, "peak": 4796.56, "peak_date": "2022-01-03"},
        "at least 10% below the peak",
        "10.8% below the peak\nof 4,796.56 on 3 Jan 2022",
    ),
    (
        "streak",
        [GSPC],
        {"length": "4", "since": None},
        {"length": 4, "end": "2025-06-12"},
        "4 sessions in a row",
        "4 sessions in a row to 12 Jun 2025",
    ),
    (
        "streak",
        [GSPC],
        {"length": None, "since": "2025-06-01"},
        {"length": 3, "end": "2025-06-11", "as_long_on": "2025-06-05"},
        "the longest since 1 Jun 2025",
        "3 sessions in a row to 11 Jun 2025\none as long ended 5 Jun 2025",
    ),
    (
        "period_rank",
        [GSPC],
        {"rank": "best", "since": 2020},
        {"change": 10.0, "last_as_good": "2021-03-28"},
        "the best since 2020",
        "+10.00%\nthe last as good: 28 Mar 2021",
    ),
    (
        "period_rank",
        [GSPC],
        {"rank": "worst", "since": 2020},
        {"change": -4.8077, "last_as_bad": None},
        "the worst since 2020",
        "-4.81%\nnone as bad before",
    ),
    (
        "indicator",
        [GSPC],
        {"compare": "more than 70", "indicator": "14-session RSI"},
        {"indicator": 70.5328, "close": 6046.282, "date": "2024-01-19"},
        "14-session RSI more than 70",
        "14-session RSI 70.53, close 6,046.28\non 19 Jan 2024",
    ),
    (
        "indicator",
        [GSPC],
        {"relation": "below", "indicator": "10-day average"},
        {"indicator": 44.3797, "close": 43.1314, "date": "2024-02-14"},
        "the close below its 10-day average",
        "10-day average 44.38, close 43.13\non 14 Feb 2024",
    ),
    (
        "target_move",
        [GSPC],
        {"target": 7100.0, "compare": "4%"},
        {"implied_move": 3.5216, "close": 6858.47, "date": "2026-01-02"},
        "target 7,100, 4% away",
        "+3.5% to the target\nfrom 6,858.47 on 2 Jan 2026",
    ),
]


def claim(kind, data, stated, observed, **more) -> dict:
    """A claim as ``results.json`` holds it."""
    base = {"id": "c", "theme": "t", "text": "a claim", "kind": kind, "verdict": "supported"}
    return {**base, "summary": "", "stated": stated, "observed": observed, "data": data, **more}


@pytest.mark.parametrize(("kind", "data", "stated", "observed", "says", "shows"), CASES)
def test_each_kind_reads_in_words_with_its_units(kind, data, stated, observed, says, shows):
    c = claim(kind, data, stated, observed)
    assert (describe_stated(c), describe_observed(c)) == (says, shows)
    for text in (says, shows):
        assert "…" not in text and "{" not in text and "_" not in text
        assert len(text.splitlines()) <= 2


def test_every_kind_has_a_case():
    from analysis.kinds import KINDS

    assert {case[0] for case in CASES} == set(KINDS)


def test_a_claim_result_reads_as_its_json_does():
    result = ClaimResult(id="c", theme="t", text="x", verdict="supported", summary="s",
                         kind="target_range", stated={"lower": 3.5, "upper": 3.75},
                         observed={"lower": 3.5, "upper": 3.75, "date": "2026-01-02"})  # fmt: skip
    assert (describe_stated(result), describe_observed(result)) == (
        "3.50–3.75%",
        "3.50–3.75% on 2 Jan 2026",
    )


def test_flow_totals_take_their_unit_from_the_summary():
    summary = (
        "IWM, IJR and VB saw net outflows of $2,412 million from 2025-12-15 to 2025-12-31, "
        "rank 2,368 of 2,494 windows of as many sessions: not a record (the record was $6,345 "
        "million)."
    )
    c = claim("flow_record", ["user/etf_flows.csv"], "record inflows",
              {"total": -2412.2000000000003, "rank": 2368}, summary=summary)  # fmt: skip
    assert (
        describe_observed(c)
        == "net outflows of $2,412 million\nranked 2,368th of the windows as long"
    )


def test_peaks_on_different_days_carry_their_dates():
    observed = {"close_peak": 2558.78, "high_peak": 2572.9, "close_peak_date": "2025-12-22",
                "high_peak_date": "2025-12-23", "close_is_record": False,
                "high_is_record": True}  # fmt: skip
    assert describe_observed(claim("record_high", [RUT], None, observed)) == (
        "highest close 2,558.78 (22 Dec 2025), intraday 2,572.90 (23 Dec 2025)\n"
        "a record intraday high"
    )


def test_a_rate_per_year_when_the_counts_are_annualized():
    c = claim("activity_change", ["user/biotech_deals.csv"], "increased activity",
              {"recent_rate": 33.333333333333336, "baseline_rate": 40.0, "rate_ratio": 0.8333},
              summary="biotech_mna_deals: 33.3 a year from 2025-01-01 ...")  # fmt: skip
    assert describe_observed(c) == "33.3 a year, against 40.0 before\nrate ratio 0.83"


@pytest.mark.parametrize("verdict", ["needs_data", "error"])
def test_nothing_stated_or_observed_is_a_dash(verdict):
    c = claim("record_high", [RUT], None, None, verdict=verdict)
    assert (describe_stated(c), describe_observed(c)) == ("—", "—")


def test_an_unknown_kind_or_shape_falls_back_to_every_key_in_words():
    observed = {"pvalue_cheap": 0.01234, "nobs": 120, "window": ["2025-01-02", "2025-03-31"]}
    c = claim("new_kind", [RUT], {"stated_value": 2.5, "as_of": "2026-01-02"}, observed)
    assert describe_stated(c) == "stated value: 2.5\nas of: 2 Jan 2026"
    assert describe_observed(c) == (
        "p-value (cheap): 0.0123\nobservations: 120\nwindow: 2 Jan 2025, 31 Mar 2025"
    )
    odd = claim("level_on_date", [RUT], {"value": 2508.22}, {"price": 2495.9})
    assert describe_stated(odd) == "value: 2,508.22"
    assert describe_observed(odd) == "price: 2,496"


def test_the_details_give_every_key_with_its_unit():
    growth = {"slope_per_year": -0.419, "first_gap": 10.69, "last_gap": 1.83, "quarters": 40,
              "no_growth_quarters": [], "engle_granger_quarters": 44,
              "engle_granger_p": 0.01234}  # fmt: skip
    assert detail_observed(claim("earnings_convergence", [], "", growth)) == (
        "trend of the gap: -0.42 pp a year\nfirst growth gap: 10.7 pp\nlast growth gap: 1.8 pp\n"
        "quarters: 40\nquarters without growth: none\nEngle-Granger quarters: 44\n"
        "Engle-Granger p-value: 0.0123"
    )
    c = claim("relative_return", [RUT, IXIC], CASES[11][2], CASES[11][3])
    assert detail_stated(c) == "spread: +600 bp\ntolerance: ±100 bp\nsessions: 21"
    assert detail_observed(c) == (
        "spread: +251 bp\nseries return: +1.8%\nbenchmark return: -0.8%\nstart: 2 Dec 2025\n"
        "end: 2 Jan 2026\nnearby windows agreeing: 0%\n"
        "matching window: 17 Nov – 17 Dec 2025 (+651 bp)\nwindows searched: 31\n"
        "chance of so close a match by luck: 20.8%"
    )
    sectors = claim("sector_leadership", SECTORS, None, CASES[12][3])
    assert detail_observed(sectors).splitlines()[0] == "regional bank stocks (KRE): -1.2%"


@pytest.mark.parametrize(
    ("theme", "title"),
    [("tel_aviv", "Tel Aviv"), ("fed_policy", "Fed policy"), ("index_levels", "Index levels"),
     ("flows_and_deals", "Flows and deals"), ("earnings_convergence", "Earnings convergence"),
     ("us_pe_ratios", "US P/E ratios"), ("policy", "Policy")],
)  # fmt: skip
def test_themes_read_as_titles(theme, title):
    assert theme_title(theme) == title


def test_the_small_formatters():
    assert (pct(0.124), pct(-0.0218), bp(0.0251), bp(-0.000132)) == (
        "+12.4%",
        "-2.2%",
        "+251 bp",
        "-1 bp",
    )
    assert (rate_range(3.5, 3.75), multiple(16.23), day("2026-01-02")) == (
        "3.50–3.75%",
        "16.2x",
        "2 Jan 2026",
    )
    assert span("2025-12-03", "2025-12-24") == "3–24 Dec 2025"
    assert span("2025-11-28", "2025-12-31") == "28 Nov – 31 Dec 2025"
    assert span("2025-12-10", "2026-01-02") == "10 Dec 2025 – 2 Jan 2026"
    assert span("2026-01-02", "2026-01-02") == "2 Jan 2026"
    stated = (2508.22, 15.0, "40,003.59", "about 13.7%", 100 * 0.12)
    assert [decimals(x) for x in stated] == [2, 0, 2, 1, 0]


def test_flow_record_says_inflows_and_outflows_as_a_person_would(tmp_path):
    days = pd.bdate_range("2025-10-01", "2025-12-31")
    flows = [(-300.0 if d >= pd.Timestamp("2025-12-15") else 25.5) for d in days]
    (tmp_path / "snap" / "user").mkdir(parents=True)
    rows = "".join(
        f"{d:%Y-%m-%d},IWM,{v},USD millions,test\n" for d, v in zip(days, flows, strict=True)
    )
    (tmp_path / "snap" / "user" / "etf_flows.csv").write_text(
        f"date,series,value,unit,source\n{rows}"
    )
    write_prices(tmp_path / "snap", "IWM", {"2025-12-31": 250.0})
    params = {"file": "user/etf_flows.csv", "series": ["IWM"],
              "window": {"start": "2025-12-15", "end": "2025-12-31"}}  # fmt: skip
    r = check_one(tmp_path, "flow_record", params, ["user/etf_flows.csv"], as_of="2025-12-31")
    assert r.summary.startswith(
        "IWM saw net outflows of $3,900 million from 2025-12-15 to 2025-12-31"
    )
    assert r.summary.endswith("(the record was $332 million).")
    assert "-" not in r.summary.split(" from ")[0]
