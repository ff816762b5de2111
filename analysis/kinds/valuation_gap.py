"""The ``valuation_gap`` check kind: relative valuation: today's percentile in its own history
tested against a bias-corrected AR bootstrap (Kilian 1998), an AR-bootstrap interval for the
long-run mean; reported alongside: the gap against the long-run mean (HAR errors), mean reversion
(ADF, KPSS, AR(1) half-life), predictive power for later relative returns (overlapping horizons,
Hodrick 1B t against a null bootstrap of the predictive system, Nelson and Kim 1993).
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
    MissingData,
    directional,
    iso,
    not_yet,
)
from analysis.checks.multiples import multiple_on
from analysis.kinds.params import ParamsBase, Reprice
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
    max_age_days: int = Field(
        45, ge=0, description="how old the newest ratio may be on as_of; older needs reprice"
    )
    reprice: Reprice | None = Field(
        None, description="bring the newest report to as_of by price (and newest EPS)"
    )


@register(
    "valuation_gap",
    Params,
    chart="plot_user_series",
    decides=(
        "relative valuation: today's percentile in its own history against a bias-corrected "
        "AR bootstrap (Kilian 1998), with an interval for the long-run mean; the gap against "
        "the mean (HAR), mean reversion (ADF, KPSS, AR(1) half-life) and predictive power for "
        "later relative returns are reported alongside"
    ),
    tested=True,
)
def check(claim: Claim, p: Params, data: Data, ctx: Context) -> Finding:
    """Decisive test: today's percentile in the ratio's own history, one-sided, against the
    null distribution of that percentile under a bias-corrected AR(p) bootstrap of the log
    ratio (``percentile_vs_history``). Supported when it is unusually low, contradicted when
    the opposite test finds it unusually high, inconclusive otherwise (the usual outcome on a
    short or very persistent history: the data cannot tell). The test of the gap against the
    long-run mean is reported, not decisive: on a persistent ratio it rejects far too often
    (its null, "the mean equals today's value", is false almost surely). Works from 12
    observations (annual data); the reference statistics that need more are named as
    unavailable. Non-positive ratios (a negative P/E) are dropped and named."""
    from analysis.stats.history import long_run_mean, percentile_vs_history

    not_yet(p.as_of, ctx)
    ratio = (data.series(p.file, p.small) / data.series(p.file, p.large)).dropna()
    ratio, brought = _up_to_date(ratio.loc[: pd.Timestamp(p.as_of)], p, data)
    bad = ratio[ratio <= 0]
    ratio = ratio[ratio > 0]
    ratio.name = "small/large P/E"
    if len(ratio) < MINIMUM:
        return _too_short(ratio, bad)
    test = percentile_vs_history(ratio, side="low", alpha=ctx.alpha)
    mean = long_run_mean(ratio, alpha=ctx.alpha)
    refs, missing = _references(ratio, p, data, ctx)
    p_low, p_high = test.pvalue, test.details["pvalue_high"]
    head = _head(ratio, bad, test, mean, missing) + brought
    words = {
        "supported": "unusually low in its own history, cheap",
        "contradicted": "unusually high in its own history, not cheap",
        "inconclusive": (
            "the data cannot tell whether that is unusually low for so persistent a ratio"
        ),
    }
    decide = directional(head, p_low, ctx.alpha, words)
    verdict, summary = decide(p_low, p_high)
    observed, tests = _observed(ratio, test, mean, refs)
    return Finding(
        verdict,
        summary,
        "historically cheap",
        observed,
        tests,
        (iso(ratio.index[0]), iso(ratio.index[-1])),
        pvalue=p_low,
        decide=decide,
        pvalue_opposite=p_high,
    )


def _up_to_date(ratio: pd.Series, p: Params, data: Data) -> tuple[pd.Series, str]:
    """The ratio history with a value on ``as_of``: as reported when the newest report is within
    ``max_age_days``, else brought forward by ``reprice`` and appended (what the summary adds is
    returned beside it); without a rule, an old newest report is :class:`MissingData`."""
    day = pd.Timestamp(p.as_of)
    if len(ratio) and (day - ratio.index[-1]).days <= p.max_age_days:
        return ratio, ""
    if p.reprice is None:
        newest = f"the newest is from {iso(ratio.index[-1])}" if len(ratio) else "there is none"
        raise MissingData(
            p.file, f"a small/large ratio within {p.max_age_days} days of {iso(day)}; {newest}"
        )
    small, large = (
        multiple_on(
            data, p.file, name, day, max_age_days=p.max_age_days, reprice=p.reprice, side=side
        )  # fmt: skip
        for side, name in (("small", p.small), ("large", p.large))
    )
    now = pd.Series([small.value / large.value], index=[day])
    if not np.isfinite(now.iloc[0]):
        raise MissingData(p.reprice.eps_file or p.file, f"positive EPS to bring to {iso(day)}")
    text = (
        f"; the ratio on {iso(day)} is brought forward from the reports of "
        f"{iso(small.reported_day)}: small {small.describe()}, large {large.describe()}"
    )
    return pd.concat([ratio, now]).dropna(), text


def _head(ratio: pd.Series, bad: pd.Series, test, mean, missing: list[str]) -> str:
    """The finding's numbers: the percentile and its interval, the long-run mean and its
    interval, the persistence, and what was dropped or is unavailable."""
    now = float(ratio.iloc[-1])
    lo, hi = test.ci
    m_lo, m_hi = mean.details["ci_ratio"]
    band = (  # a near-unit-root history leaves the mean unidentified: say so, not 0 to 1,884
        f"its {mean.ci_level:.0%} interval too wide to say where the mean lies"
        if mean.details["very_wide"]
        else f"{mean.ci_level:.0%} interval {m_lo:.2f} to {m_hi:.2f}"
    )
    head = (
        f"On {iso(ratio.index[-1])} small caps traded at {now:.2f} times the large-cap "
        f"multiple, at or below {test.estimate:.0f}% of the {test.details['n_earlier']} "
        f"earlier observations since {iso(ratio.index[0])} (the percentile; "
        f"{test.ci_level:.0%} interval for its long-run percentile {lo:.0f} to {hi:.0f}); "
        f"long-run mean ratio {mean.details['mean_ratio']:.2f} ({band}); bias-corrected "
        f"AR({test.details['ar_order']}) persistence {test.details['persistence']:.2f}"
    )
    if test.details["root_capped"]:
        head += " (largest root capped at 0.999: the fit shows no mean reversion)"
    if len(bad):
        days = ", ".join(iso(d) for d in bad.index)
        head += f"; {len(bad)} non-positive ratio dropped (a negative P/E: {days})"
    if missing:
        head += f"; reference unavailable ({'; '.join(missing)})"
    return head


def _observed(ratio: pd.Series, test, mean, refs) -> tuple[dict, tuple]:
    """The finding's observed numbers and every test it reports (the decisive one first)."""
    now = float(ratio.iloc[-1])
    p_low, p_high = test.pvalue, test.details["pvalue_high"]
    reversion = next((t for t in refs if hasattr(t, "persistence")), None)
    observed = {
        "ratio": round(now, 4),
        "percentile": round(test.estimate, 2),
        "pvalue_cheap": p_low,
        "pvalue_dear": p_high,
        "long_run_mean_ratio": round(mean.details["mean_ratio"], 4),
        "long_run_mean_ci": [round(v, 4) for v in mean.details["ci_ratio"]],
        "long_run_mean_very_wide": bool(mean.details["very_wide"]),
        "persistence": test.details["persistence"],
    }
    if reversion is not None:
        observed["half_life"] = reversion.persistence.half_life
        observed["mean_reversion"] = reversion.interpretation
    tests = [test, mean]
    for ref in refs:
        if ref is reversion:
            tests.extend([ref.adf, ref.dfgls, ref.kpss, ref.persistence.ar1])
        else:
            tests.append(ref)
    return observed, tuple(tests)


MINIMUM = 12  # observations percentile_vs_history needs


def _too_short(ratio: pd.Series, bad: pd.Series) -> Finding:
    """Inconclusive, plainly: too few observations to rank today against its own history."""
    span = f" from {iso(ratio.index[0])} to {iso(ratio.index[-1])}" if len(ratio) else ""
    dropped = f" ({len(bad)} non-positive ratio dropped: a negative P/E)" if len(bad) else ""
    summary = (
        f"Only {len(ratio)} positive small/large P/E ratio(s){span}{dropped}; at least "
        f"{MINIMUM} are needed to tell whether today is unusually low in its own history, so "
        "the data cannot tell."
    )
    observed = {"n": len(ratio), "ratio": round(float(ratio.iloc[-1]), 4) if len(ratio) else None}
    dates = (iso(ratio.index[0]), iso(ratio.index[-1])) if len(ratio) else None
    return Finding("inconclusive", summary, "historically cheap", observed, (), dates)


def _references(ratio: pd.Series, p: Params, data: Data, ctx: Context):
    """The reported (non-decisive) statistics the history allows, and those it does not."""
    from analysis.errors import InsufficientDataError
    from analysis.stats.persistence import mean_reversion_robust
    from analysis.stats.reversion import gap_predicts_returns
    from analysis.stats.valuation import gap_vs_history, relative_percentile

    def predictive():
        rel = _monthly_relative_returns(data, p.returns_small, p.returns_large)
        monthly = ratio.resample("ME").last().dropna()
        if len(rel.index.intersection(monthly.index)) < 36 + p.horizon_months:
            return None
        return gap_predicts_returns(monthly, rel, horizon=p.horizon_months)

    compute = [
        ("descriptive percentile", lambda: relative_percentile(ratio)),
        ("gap against the mean", lambda: gap_vs_history(ratio, method="hac")),
        ("mean reversion", lambda: mean_reversion_robust(ratio, alpha=ctx.alpha, n_boot=399)),
    ]
    if p.returns_small and p.returns_large:
        compute.append(("predictive regression", predictive))
    done, missing = [], []
    for label, make in compute:
        try:
            result = make()
        except InsufficientDataError as exc:
            missing.append(f"{label}: {exc}")
            continue
        if result is not None:
            done.append(result)
    return done, missing


def _monthly_relative_returns(data: Data, small: str, large: str) -> pd.Series:
    a = np.log(data.series(small).resample("ME").last())
    b = np.log(data.series(large).resample("ME").last())
    return (a.diff() - b.diff()).dropna()
