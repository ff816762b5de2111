"""The ``earnings_convergence`` check kind on quarterly EPS: the trend of the year-over-year
growth differential (HAC, decisive), sigma convergence, and Engle-Granger cointegration of the
EPS levels over the whole quarterly history.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

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
    from analysis.results import StatResult


class Params(ParamsBase):
    """Whether small- and large-cap EPS growth rates converge (quarterly EPS, not TTM sums)."""

    file: str
    small: str
    large: str
    as_of: date
    # 10 years = 40 quarters of growth: the trend test needs 24, Engle-Granger (on the whole
    # history, not only the lookback) 40
    lookback_years: int = Field(10, gt=5)


def quarter(day) -> str:
    return str(pd.Timestamp(day).to_period("Q"))


def yoy_growth(eps: pd.Series) -> tuple[pd.Series, list[str]]:
    """Year-over-year growth in percent, each quarter against the same quarter a year earlier
    (by calendar quarter, so a missing quarter gives no growth rather than a wrong one), and
    the quarters whose base a year earlier was zero or negative (no growth is computed there:
    a smaller loss is not negative growth)."""
    eps = eps[~eps.index.duplicated(keep="last")]
    quarters = eps.index.to_period("Q")
    base = pd.Series(eps.to_numpy(), index=quarters).reindex(quarters - 4).to_numpy()
    growth = pd.Series(100 * (eps.to_numpy() / base - 1), index=eps.index)
    bad = [str(q) for q, b in zip(quarters, base, strict=True) if b <= 0]
    return growth[base > 0], bad


def cointegration(small: pd.Series, large: pd.Series, names: tuple[str, str], alpha: float):
    """Engle-Granger on the whole common quarterly history of EPS levels, or why not."""
    from analysis.errors import InsufficientDataError
    from analysis.stats.cointegration import engle_granger

    if any("ttm" in n.lower() for n in names):
        return None, "Engle-Granger not run: trailing-12-month sums over-reject (use *_eps_q)"
    try:
        eg = engle_granger(small, large)
    except InsufficientDataError:
        n = len(pd.concat([small, large], axis=1, sort=True).dropna())
        return None, f"Engle-Granger not run: {n} common quarters, it needs 40"
    relation = "a long-run relation" if eg.pvalue < alpha else "no significant long-run relation"
    return eg, (
        f"Engle-Granger on {eg.nobs} quarters of EPS levels ({quarter(eg.details['first_date'])}"
        f"-{quarter(eg.details['last_date'])}): t {eg.statistic:.2f}, bootstrap p "
        f"{eg.pvalue:.3f}, {relation}"
    )


@register(
    "earnings_convergence",
    Params,
    chart="plot_user_series",
    decides=(
        "the year-over-year growth differential's trend (HAC), sigma convergence, "
        "Engle-Granger cointegration of quarterly EPS"
    ),
    tested=True,
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """Decisive test: the absolute gap between the small and large caps' year-over-year growth of
    quarterly EPS trends down (EWC HAR slope, one-sided) over the lookback; sigma convergence and
    Engle-Granger on the EPS levels of all quarters up to ``as_of`` are shown alongside."""
    from analysis.stats.convergence import growth_differential_trend, sigma_convergence

    end = pd.Timestamp(p.as_of)
    small = data.series(p.file, p.small).loc[:end]
    large = data.series(p.file, p.large).loc[:end]
    (gs, bad_s), (gl, bad_l) = yoy_growth(small), yoy_growth(large)
    start = end - pd.DateOffset(years=p.lookback_years)
    gs, gl = gs.loc[start:], gl.loc[start:]
    trend = growth_differential_trend(gs, gl, alpha=ctx.alpha)
    tests: list[StatResult] = [trend, sigma_convergence(gs, gl, alpha=ctx.alpha)]
    eg, eg_text = cointegration(small, large, (p.small, p.large), ctx.alpha)
    tests += [eg] if eg is not None else []
    both = pd.concat([gs, gl], axis=1, join="inner")
    first, last = trend.details["first_abs_differential"], trend.details["last_abs_differential"]
    first_q = quarter(start + pd.offsets.QuarterEnd(0))
    skipped = [f"{q} ({name})" for bad, name in ((bad_s, p.small), (bad_l, p.large)) for q in bad]
    skipped = [q for q in skipped if q[:6] >= first_q]  # named only inside the lookback
    head = (
        f"Year-over-year EPS growth (quarter on the same quarter a year earlier) differed by "
        f"{first:.1f} points in "
        f"{quarter(both.index[0])} and {last:.1f} in {quarter(both.index[-1])} ({len(both)} "
        f"quarters); the trend of the gap is {trend.estimate:+.2f} points a year"
        + (f"; no growth from a base <= 0: {', '.join(skipped)}" if skipped else "")
        + f". {eg_text}. Trend test"
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
    observed = {"slope_per_year": round(trend.estimate, 4), "first_gap": first, "last_gap": last}
    observed |= {"quarters": len(both), "no_growth_quarters": skipped}
    if eg is not None:
        observed |= {"engle_granger_quarters": eg.nobs, "engle_granger_p": eg.pvalue}
    return Finding(
        verdict,
        summary,
        "converging growth rates",
        observed,
        tuple(tests),
        (iso(both.index[0]), iso(both.index[-1])),
        pvalue=trend.pvalue,
        pvalue_opposite=1 - trend.pvalue,
        decide=decide,
    )
