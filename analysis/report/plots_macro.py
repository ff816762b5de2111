"""The macro-sensitivity chart: what a ``factor_sensitivity`` verdict rests on.

With the market controlled, the betas are partial slopes; by the Frisch-Waugh-Lovell theorem
each is the slope of a partial-regression (added-variable) scatter: the index's returns net of the
market against the factor's changes net of the market. The chart draws that scatter for the small-
and the large-cap index, with their fitted lines, whose slopes are the betas the test compares.
Without a market series it draws the raw returns against the changes (then the betas are those).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analysis.checks.base import Data
from analysis.claims import Claim
from analysis.report.names import label
from analysis.report.plots_style import axes, cut_for, finish, fmt_span, minus
from analysis.results import ClaimResult
from analysis.snapshot import Snapshot

COLOURS = {"small": "#e07b00", "large": "#1f4e79"}


def _net_of(y: np.ndarray, market: np.ndarray | None) -> np.ndarray:
    """``y`` net of a constant and the market's return (its OLS residual); demeaned without."""
    if market is None:
        return y - y.mean()
    X = np.column_stack([np.ones_like(market), market])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    return y - X @ coef


def sensitivity_data(claim: Claim, snapshot: Snapshot, until: date | None = None) -> pd.DataFrame:
    """The weekly (or daily) sample the test fits, read as the check reads it: columns
    ``small``, ``large``, ``factor`` and, with ``market``, ``market``; rows on shared dates."""
    from analysis.kinds.factor_sensitivity import _market_returns
    from analysis.stats.sensitivity import to_changes, to_returns

    p = claim.params
    data = Data(snapshot, until=cut_for(claim, until).until)
    lo, hi = pd.Timestamp(p.window.start), pd.Timestamp(p.window.end)
    parts = {
        "small": to_returns(data.series(p.small).loc[lo:hi], p.frequency),
        "large": to_returns(data.series(p.large).loc[lo:hi], p.frequency),
        "factor": to_changes(data.series(p.factor).loc[lo:hi], p.frequency, p.factor_transform),
    }
    if p.market:
        parts["market"] = _market_returns(data, p.market, p.frequency).loc[lo:hi]
    return pd.concat(parts, axis=1, join="inner").dropna()


def plot_sensitivity(
    claim: Claim, result: ClaimResult, snapshot: Snapshot, *, ax=None, until: date | None = None
):
    """Partial-regression scatter of small- and large-cap returns on the factor's changes, both
    net of the market, with the fitted slopes (the betas the verdict compares)."""
    ax = axes(ax)
    p = claim.params
    both = sensitivity_data(claim, snapshot, until)
    market = both["market"].to_numpy() if "market" in both else None
    x = _net_of(both["factor"].to_numpy(), market)
    pct = p.factor_transform == "pct_change"
    xs = 100 * x if pct else x
    per = "per 1% change" if pct else "per point"
    slopes = {}
    for side, rel in (("small", p.small), ("large", p.large)):
        y = 100 * _net_of(both[side].to_numpy(), market)
        beta = float(np.dot(x, y) / np.dot(x, x)) / 100  # the partial beta, as a fraction
        slopes[side] = beta
        shown = beta * 100 if not pct else beta  # % return per point, or per 1% of the factor
        ax.plot(
            xs,
            y,
            ls="none",
            marker="o",
            ms=3,
            mew=0,
            alpha=0.4,
            color=COLOURS[side],
            rasterized=len(xs) > 3000,
        )
        grid = np.linspace(xs.min(), xs.max(), 2)
        ax.plot(
            grid,
            shown * grid,
            color=COLOURS[side],
            lw=2.2,
            label=minus(f"{label(rel)}: beta {shown:+.2f}% {per}"),
        )
    ax.axhline(0, color="#8c959f", lw=0.8)
    ax.axvline(0, color="#8c959f", lw=0.8)
    factor = label(p.factor)
    net = " net of the market" if market is not None else ""
    change = "% change" if pct else "change (points)"
    span = fmt_span(both.index[0], both.index[-1]) if len(both) else ""
    k = 1 if pct else 100
    stated = result.stated if isinstance(result.stated, str) else "a difference in betas"
    title = minus(
        f"{p.frequency.capitalize()} returns against changes in the {factor}{net}, {span}: "
        f"stated {stated}; betas {k * slopes['small']:+.2f}% (small caps) and "
        f"{k * slopes['large']:+.2f}% (large caps) {per}, {len(both):,} {_periods(p.frequency)}"
    )
    finish(
        ax,
        title,
        ylabel=f"{p.frequency} return{net} (%)",
        xlabel=f"{p.frequency} {change} in the {factor}{net}",
        time_axis=False,
    )
    return ax


def _periods(frequency: str) -> str:
    return {"weekly": "weeks", "daily": "days", "monthly": "months"}.get(frequency, "periods")
