"""Checks of valuation claims: P/E levels on a date, and whether small caps are cheap relative to
large caps against their own history (percentile, gap vs long-run mean, mean reversion,
predictive power)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.checks.base import Context, Data, Finding, iso, register
from analysis.claims import Claim, ValuationGap, ValuationPoint
from analysis.stats.reversion import gap_predicts_returns, mean_reversion
from analysis.stats.valuation import gap_from_points, gap_vs_history, relative_percentile


def _level(s: pd.Series, day) -> tuple[float, pd.Timestamp]:
    before = s.loc[: pd.Timestamp(day)]
    if before.empty:
        raise ValueError(f"{s.name} has no value on or before {iso(day)}")
    return float(before.iloc[-1]), before.index[-1]


@register("valuation_point")
def check_valuation_point(claim: Claim, p: ValuationPoint, data: Data, ctx: Context) -> Finding:
    small, d1 = _level(data.series(p.file, p.small), p.date)
    large, d2 = _level(data.series(p.file, p.large), p.date)
    ok = [abs(small - p.stated_small) <= p.tolerance, abs(large - p.stated_large) <= p.tolerance]
    gap = gap_from_points(small, large)
    stated_gap = gap_from_points(p.stated_small, p.stated_large)
    text = (
        f"Forward P/E {small:.1f}x (small, {iso(d1)}) against {large:.1f}x (large, {iso(d2)}), "
        f"a {gap.discount_pct:.0f}% discount; stated {p.stated_small:g}x against "
        f"{p.stated_large:g}x ({stated_gap.discount_pct:.0f}%), within {p.tolerance:g}x: "
    )
    verdict = {2: "supported", 1: "partly_supported", 0: "contradicted"}[sum(ok)]
    which = {
        2: "both hold",
        1: f"only the {'small' if ok[0] else 'large'}-cap level holds",
        0: "neither holds",
    }[sum(ok)]
    return Finding(
        verdict,
        text + which + ".",
        {"small": p.stated_small, "large": p.stated_large, "tolerance": p.tolerance},
        {"small": small, "large": large, "discount_pct": round(gap.discount_pct, 2)},
        date_range=(iso(min(d1, d2)), iso(max(d1, d2))),
    )


def _monthly_relative_returns(data: Data, small: str, large: str) -> pd.Series:
    a = np.log(data.series(small).resample("ME").last())
    b = np.log(data.series(large).resample("ME").last())
    return (a.diff() - b.diff()).dropna()


@register("valuation_gap")
def check_valuation_gap(claim: Claim, p: ValuationGap, data: Data, ctx: Context) -> Finding:
    """Decisive test: the current log ratio below its long-run mean (one-sided, from the HAC
    test of the gap: equal-weighted cosine errors, better calibrated than Newey-West on
    persistent ratios); the percentile, mean reversion and predictive regression are shown
    alongside. On ratios as persistent as real P/E ratios (phi near 0.95) the p-value is
    optimistic: the test over-rejects there (see tests/test_stats_valuation.py)."""
    ratio = (data.series(p.file, p.small) / data.series(p.file, p.large)).dropna()
    ratio = ratio.loc[: pd.Timestamp(p.as_of)]
    ratio.name = "small/large forward P/E"
    pctile = relative_percentile(ratio)
    gap = gap_vs_history(ratio, method="hac")
    reversion = mean_reversion(ratio, alpha=ctx.alpha)
    tests = [pctile, gap, reversion.adf, reversion.kpss]
    if p.returns_small and p.returns_large:
        rel = _monthly_relative_returns(data, p.returns_small, p.returns_large)
        monthly = ratio.resample("ME").last().dropna()
        if len(rel.index.intersection(monthly.index)) >= 36 + p.horizon_months:
            tests.append(gap_predicts_returns(monthly, rel, horizon=p.horizon_months))
    below = gap.estimate < 0
    p_one = gap.pvalue / 2 if below else 1 - gap.pvalue / 2
    now = float(ratio.iloc[-1])
    head = (
        f"On {iso(ratio.index[-1])} small caps traded at {now:.2f} times the large-cap "
        f"multiple, the {pctile.estimate:.0f}th percentile since {iso(ratio.index[0])}; "
        f"{abs(gap.estimate):.2f} log points {'below' if below else 'above'} the long-run mean"
        f"; ADF and KPSS read the ratio as {reversion.interpretation} (AR(1) half-life "
        f"{reversion.half_life:.0f} {reversion.unit})"
    )

    def decide(p_adj: float, p_opp: float | None):
        tail = f" (one-sided p {p_one:.3g}, adjusted {p_adj:.3g})"
        if not below:
            return "contradicted", head + ": not cheaper than usual" + tail + "."
        if p_adj < ctx.alpha:
            return "supported", head + ": cheap against history" + tail + "."
        return "inconclusive", head + ": below the mean, but not significantly" + tail + "."

    verdict, summary = decide(p_one, None)
    return Finding(
        verdict,
        summary,
        "historically cheap",
        {
            "ratio": round(now, 4),
            "percentile": round(pctile.estimate, 2),
            "log_gap": round(gap.estimate, 4),
            "half_life": reversion.half_life,
        },
        tuple(tests),
        (iso(ratio.index[0]), iso(ratio.index[-1])),
        pvalue=p_one,
        decide=decide,
    )
