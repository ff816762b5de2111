"""The ``valuation_gap`` check kind: relative valuation: percentile, the gap against its long-run
mean (Newey-West or block bootstrap), mean reversion (ADF, KPSS, AR(1) half-life), predictive
power for later relative returns (overlapping horizons, HAC).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from pydantic import Field

from analysis.checks.base import (
    Context,
    Data,
    Finding,
    iso,
)
from analysis.kinds.params import ParamsBase
from analysis.kinds.registry import register

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """Small-cap relative valuation (small P/E / large P/E) against its own history."""

    file: str
    small: str
    large: str
    as_of: date
    returns_small: str | None = None
    returns_large: str | None = None
    horizon_months: int = Field(12, gt=0)


@register(
    "valuation_gap",
    Params,
    chart="plot_user_series",
    decides=(
        "relative valuation: percentile, the gap against its long-run mean (Newey-West or "
        "block bootstrap), mean reversion (ADF, KPSS, AR(1) half-life), predictive power for "
        "later relative returns (overlapping horizons, HAC)"
    ),
    tested=True,
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """Decisive test: the current log ratio below its long-run mean (one-sided, from the HAC
    test of the gap: equal-weighted cosine errors, better calibrated than Newey-West on
    persistent ratios); the percentile, mean reversion and predictive regression are shown
    alongside. On ratios as persistent as real P/E ratios (phi near 0.95) the p-value is
    optimistic: the test over-rejects there (see tests/test_stats_valuation.py)."""
    from analysis.stats.reversion import gap_predicts_returns, mean_reversion
    from analysis.stats.valuation import gap_vs_history, relative_percentile

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


def _monthly_relative_returns(data: Data, small: str, large: str) -> pd.Series:
    a = np.log(data.series(small).resample("ME").last())
    b = np.log(data.series(large).resample("ME").last())
    return (a.diff() - b.diff()).dropna()
