"""The ``factor_sensitivity`` check kind: small- and large-cap betas to yield or dollar changes and
the test of their difference (one regression with an interaction, HAC errors, the market's own
move controlled for).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import pandas as pd
from pydantic import Field

from analysis.checks.base import (
    Context,
    Data,
    Finding,
    directional,
    iso,
)
from analysis.kinds.params import ParamsBase, Window
from analysis.kinds.registry import register

if TYPE_CHECKING:
    from analysis.claims import Claim


class Params(ParamsBase):
    """Betas of small- and large-cap returns to a factor's changes, and their difference."""

    small: str
    large: str
    factor: str
    factor_transform: Literal["diff", "pct_change"] = "diff"
    expected: Literal["small_more_negative", "small_more_positive", "small_less_exposed"]
    window: Window
    frequency: Literal["daily", "weekly"] = "weekly"
    market: str | None = Field(None, description="Ken French file: Mkt-RF + RF is the market")


@register(
    "factor_sensitivity",
    Params,
    chart="plot_sensitivity",
    decides=(
        "small- and large-cap betas to yield or dollar changes and the test of their "
        "difference (one regression with an interaction, HAC errors, the market's own move "
        "controlled for)"
    ),
    tested=True,
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """Decisive test: the one-sided p-value of the expectation, from one stacked regression with
    an interaction term and HAC errors (controlling for the market when ``market`` is given)."""
    from analysis.stats.sensitivity import factor_betas, to_changes, to_returns

    lo, hi = pd.Timestamp(p.window.start), pd.Timestamp(p.window.end)
    small = to_returns(data.series(p.small).loc[lo:hi], p.frequency)
    large = to_returns(data.series(p.large).loc[lo:hi], p.frequency)
    factor = to_changes(data.series(p.factor).loc[lo:hi], p.frequency, p.factor_transform)
    market = _market_returns(data, p.market, p.frequency).loc[lo:hi] if p.market else None
    fit = factor_betas(small, large, factor, market=market, frequency=p.frequency, alpha=ctx.alpha)
    p_one = fit.pvalue(p.expected)
    name = p.factor.split("/")[-1].removesuffix(".csv")
    unit = "per point" if p.factor_transform == "diff" else "per unit relative change"
    control = (
        "controlling for the market's return"
        if fit.market_controlled
        else "not controlling for the market"
    )
    head = (
        f"{p.frequency.capitalize()} betas to {name} ({unit}) from {iso(fit.start)} to "
        f"{iso(fit.end)}, {control}: small caps {fit.small.estimate:+.4f}, large caps "
        f"{fit.large.estimate:+.4f}, difference {fit.difference.estimate:+.4f}"
    )
    decide = directional(
        head,
        p_one,
        ctx.alpha,
        {
            "supported": WORDS[p.expected],
            "contradicted": f"the opposite of '{WORDS[p.expected]}'",
            "inconclusive": f"the data cannot tell whether {WORDS[p.expected]}",
        },
    )

    verdict, summary = decide(p_one, 1 - p_one)
    return Finding(
        verdict,
        summary,
        WORDS[p.expected],
        {
            "beta_small": fit.small.estimate,
            "beta_large": fit.large.estimate,
            "difference": fit.difference.estimate,
            "market_controlled": fit.market_controlled,
            "nobs": fit.nobs,
        },
        (fit.small, fit.large, fit.difference, fit.less_exposed),
        (iso(fit.start), iso(fit.end)),
        pvalue=p_one,
        pvalue_opposite=1 - p_one,
        decide=decide,
    )


WORDS = {
    "small_more_negative": "small caps fall more than large caps when it rises",
    "small_more_positive": "small caps gain more than large caps when it rises",
    "small_less_exposed": "small caps are less exposed to it than large caps",
}


def _market_returns(data: Data, rel: str, frequency: str) -> pd.Series:
    """Ken French's market return (Mkt-RF + RF, percent) as simple returns at ``frequency``."""
    f = data.frame(rel)
    daily = (f["Mkt-RF"] + f["RF"]).dropna() / 100
    if frequency == "daily":
        return daily
    return (1 + daily).resample("W-FRI").prod() - 1
