"""The ``earnings_convergence`` check kind: the growth differential's trend (HAC), sigma
convergence, Engle-Granger cointegration of log EPS.
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
    directional,
    iso,
)
from analysis.kinds.params import ParamsBase
from analysis.kinds.registry import register

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """Whether small- and large-cap EPS growth rates converge."""

    file: str
    small: str
    large: str
    as_of: date
    lookback_years: int = Field(5, gt=1)


@register(
    "earnings_convergence",
    Params,
    chart="plot_user_series",
    decides=(
        "the growth differential's trend (HAC), sigma convergence, Engle-Granger "
        "cointegration of log EPS"
    ),
    tested=True,
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """Decisive test: the absolute growth differential trends down (HAC slope, one-sided) over
    the lookback; sigma convergence and Engle-Granger on log EPS are shown alongside."""
    from analysis.stats.convergence import (
        engle_granger,
        growth_differential_trend,
        growth_from_levels,
        sigma_convergence,
    )

    end = pd.Timestamp(p.as_of)
    small = data.series(p.file, p.small).loc[:end]
    large = data.series(p.file, p.large).loc[:end]
    gs = growth_from_levels(small, nonpositive="nan").dropna()
    gl = growth_from_levels(large, nonpositive="nan").dropna()
    start = end - pd.DateOffset(years=p.lookback_years)
    gs, gl = gs.loc[start:], gl.loc[start:]
    trend = growth_differential_trend(gs, gl, alpha=ctx.alpha)
    tests = [trend, sigma_convergence(gs, gl, alpha=ctx.alpha)]
    both = pd.concat([small, large], axis=1).dropna()
    if len(both) >= 40 and (both > 0).all().all():  # Engle-Granger needs 40 common dates
        tests.append(engle_granger(np.log(both.iloc[:, 0]), np.log(both.iloc[:, 1])))
    first, last = trend.details["first_abs_differential"], trend.details["last_abs_differential"]
    head = (
        f"Year-over-year EPS growth differed by {first:.1f} points in {iso(gs.index[0])} and "
        f"{last:.1f} in {iso(gs.index[-1])}; the trend of the gap is {trend.estimate:+.2f} "
        f"points a year"
    )

    decide = directional(
        head,
        trend.pvalue,
        ctx.alpha,
        {
            "supported": "the growth rates converge",
            "contradicted": "the growth rates diverge",
            "inconclusive": "no significant convergence",
        },
    )

    verdict, summary = decide(trend.pvalue, 1 - trend.pvalue)
    return Finding(
        verdict,
        summary,
        "converging growth rates",
        {"slope_per_year": round(trend.estimate, 4), "first_gap": first, "last_gap": last},
        tuple(tests),
        (iso(gs.index[0]), iso(gs.index[-1])),
        pvalue=trend.pvalue,
        pvalue_opposite=1 - trend.pvalue,
        decide=decide,
    )
