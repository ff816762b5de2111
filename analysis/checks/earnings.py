"""Checks of earnings claims: stated growth ranges (against the consensus at publication and,
once reported, the realized growth) and the convergence of small- and large-cap growth."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.checks.base import Context, Data, Finding, MissingData, directional, iso, register
from analysis.claims import Claim, EarningsConvergence, EarningsForecast
from analysis.stats.convergence import (
    engle_granger,
    growth_differential_trend,
    growth_from_levels,
    sigma_convergence,
)
from analysis.stats.forecasts import score_forecast_range


def _at(frame: pd.DataFrame, file: str, column: str, day) -> float | None:
    if column not in frame:
        raise MissingData(file, f"series {column}")
    s = frame[column].dropna().loc[: pd.Timestamp(day)]
    return float(s.iloc[-1]) if len(s) else None


@register("earnings_forecast")
def check_earnings_forecast(claim: Claim, p: EarningsForecast, data: Data, ctx: Context) -> Finding:
    """``pending`` until realized growth for the year is in the file; the consensus estimate at
    publication is compared with the stated ranges meanwhile."""
    frame = data.frame(p.file)
    resolve = pd.Timestamp(f"{p.year + 1}-03-31")  # Q4 results are reported by then
    scores = {}
    for side, est_col, act_col, rng in (
        ("small", p.small_estimate, p.small_actual, p.stated_small),
        ("large", p.large_estimate, p.large_actual, p.stated_large),
    ):
        estimate = _at(frame, p.file, est_col, p.as_of)
        realized = None
        if act_col in frame and frame[act_col].notna().any():
            realized = float(frame[act_col].dropna().iloc[-1])
        scores[side] = score_forecast_range(
            rng[0],
            rng[1],
            realized=realized,
            estimate=estimate,
            resolve_date=resolve,
            # a realized value means the forecast has resolved: score it as of that date
            as_of=resolve if realized is not None else p.as_of,
        )
    tests = tuple(s.as_stat_result() for s in scores.values())
    desc = "; ".join(_describe(side, s) for side, s in scores.items())
    observed = {
        side: {"status": s.status, "estimate": s.estimate, "realized": s.realized}
        for side, s in scores.items()
    }
    stated = {"small": list(p.stated_small), "large": list(p.stated_large), "year": p.year}
    if any(s.status == "pending" for s in scores.values()):
        return Finding(
            "pending",
            f"Realized {p.year} growth is not in {p.file} yet (due by {iso(resolve)}); {desc}.",
            stated,
            observed,
            tests,
        )
    within = sum(s.status == "within" for s in scores.values())
    verdict = {2: "supported", 1: "partly_supported", 0: "contradicted"}[within]
    return Finding(verdict, desc + ".", stated, observed, tests)


def _describe(side: str, s) -> str:
    """'small caps: consensus 19.5% at publication, inside 17-22%'."""
    rng = f"{s.stated_low:g}-{s.stated_high:g}%"
    if s.realized is not None:
        return f"{side} caps: realized {s.realized:.1f}%, {s.status} {rng}"
    if s.estimate is None:
        return f"{side} caps: no consensus estimate at publication for {rng}"
    where = "inside" if s.estimate_in_range else "outside"
    return f"{side} caps: consensus {s.estimate:.1f}% at publication, {where} {rng}"


@register("earnings_convergence")
def check_earnings_convergence(
    claim: Claim, p: EarningsConvergence, data: Data, ctx: Context
) -> Finding:
    """Decisive test: the absolute growth differential trends down (HAC slope, one-sided) over
    the lookback; sigma convergence and Engle-Granger on log EPS are shown alongside."""
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
