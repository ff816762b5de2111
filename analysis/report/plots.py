"""Plots for the claims: one theme applied as a context manager, one small function per family.

Every function takes ``ax=None`` and returns the axes; titles and labels are written for a reader
who has not seen the code. :func:`plot_claim` picks the plot for a claim's kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from analysis.checks.base import series_name
from analysis.claims import Claim
from analysis.results import VERDICT_COLOURS, ClaimResult
from analysis.snapshot import Snapshot
from analysis.stats.sensitivity import to_changes, to_returns

MARGIN = pd.Timedelta(days=45)


@contextmanager
def theme() -> Iterator[None]:
    """The workbook's one plotting theme (seaborn whitegrid, readable sizes)."""
    with sns.axes_style("whitegrid"), sns.plotting_context("notebook", font_scale=0.95):
        with plt.rc_context(
            {
                "figure.figsize": (9, 4.2),
                "figure.dpi": 100,
                "axes.titleweight": "bold",
                "axes.titlesize": 12,
                "legend.frameon": False,
            }
        ):
            yield


def _axes(ax):
    return ax if ax is not None else plt.subplots()[1]


def _mark_range(ax, result: ClaimResult) -> None:
    if result.date_range:
        start, end = (pd.Timestamp(d) for d in result.date_range)
        if end - start < pd.Timedelta(days=400):
            colour = VERDICT_COLOURS[result.verdict]
            ax.axvspan(
                start,
                end + pd.Timedelta(hours=12),
                color=colour,
                alpha=0.12,
                label=f"window checked ({result.date_range[0]} to {result.date_range[1]})",
            )


def _window(result: ClaimResult, series: pd.Series) -> pd.Series:
    if not result.date_range:
        return series
    start, end = (pd.Timestamp(d) for d in result.date_range)
    if end - start > pd.Timedelta(days=400):
        return series.loc[start:end]
    return series.loc[start - MARGIN : end + MARGIN]


def plot_levels(claim: Claim, result: ClaimResult, snapshot: Snapshot, *, ax=None):
    """The claim's price series around the dates checked, with the stated level marked."""
    ax = _axes(ax)
    p = claim.params.model_dump()
    rel = p.get("series") or claim.data[0]
    close = _window(result, snapshot.series(rel))
    sns.lineplot(
        x=close.index, y=close.to_numpy(), ax=ax, label=f"{series_name(rel)} close", lw=1.6
    )
    if p.get("high_column") and "High" in snapshot.load(rel):
        high = _window(result, snapshot.load(rel)["High"].dropna())
        ax.plot(high.index, high.to_numpy(), lw=0.8, color="grey", alpha=0.7, label="intraday high")
    stated = p.get("stated")
    if isinstance(stated, int | float) and abs(stated) > 2:
        ax.axhline(stated, ls="--", color="black", lw=1, label=f"stated {stated:,.2f}")
    _mark_range(ax, result)
    elsewhere = (
        (result.observed or {}).get("matching_elsewhere")
        if isinstance(result.observed, dict)
        else None
    )
    if elsewhere:  # a window that matches the stated move, outside the stated dates
        ax.axvspan(
            pd.Timestamp(elsewhere[0]),
            pd.Timestamp(elsewhere[1]),
            color="grey",
            alpha=0.18,
            label=f"matching move {elsewhere[0]} to {elsewhere[1]}",
        )
    ax.set(title=f"{series_name(rel)}: {claim.id}", xlabel="date", ylabel="index level / price")
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_rates(claim: Claim, result: ClaimResult, snapshot: Snapshot, *, ax=None):
    """Policy rates: the target range (and effective rate), with the checked window marked."""
    ax = _axes(ax)
    start = pd.Timestamp("2024-01-01")
    for rel in claim.data:
        if rel.startswith("fred/"):
            s = snapshot.series(rel).loc[start:]
            ax.step(s.index, s.to_numpy(), where="post", label=series_name(rel), lw=1.5)
        elif rel.startswith("prices/"):
            s = 100 - snapshot.series(rel).loc[start:]
            ax.plot(
                s.index, s.to_numpy(), label=f"{series_name(rel)} implied (100 - price)", lw=1.2
            )
    stated = getattr(claim.params, "stated", None)
    if stated is not None:
        ax.axhline(stated, ls="--", color="black", lw=1, label=f"stated {stated:.2f}%")
    _mark_range(ax, result)
    ax.set(title=f"Policy rates: {claim.id}", xlabel="date", ylabel="percent")
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_relative(claim: Claim, result: ClaimResult, snapshot: Snapshot, *, ax=None):
    """Growth of 100 for each series over the checked window (and a margin before it)."""
    ax = _axes(ax)
    rels = [r for r in claim.data if r.startswith("prices/")]
    start = pd.Timestamp(result.date_range[0]) if result.date_range else None
    for rel in rels:
        s = _window(result, snapshot.series(rel))
        base = s.loc[:start].iloc[-1] if start is not None and len(s.loc[:start]) else s.iloc[0]
        ax.plot(s.index, 100 * s.to_numpy() / base, label=series_name(rel), lw=1.5)
    ax.axhline(100, color="grey", lw=0.8)
    _mark_range(ax, result)
    ax.set(
        title=f"Growth of 100 from the window's start: {claim.id}",
        xlabel="date",
        ylabel="value of 100 invested",
    )
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_user_series(claim: Claim, result: ClaimResult, snapshot: Snapshot, *, ax=None):
    """The user-file series a claim reads (P/E, EPS, flows, deal counts) over their history."""
    ax = _axes(ax)
    p = claim.params.model_dump()
    rel = p["file"]
    frame = snapshot.load(rel)
    names = [
        v
        for k, v in p.items()
        if k in ("small", "large", "series", "small_estimate", "large_estimate")
        and isinstance(v, str)
    ]
    names += [v for v in p.get("series", []) if isinstance(p.get("series"), list)]
    units = frame.attrs.get("units", {})
    for name in dict.fromkeys(names):
        if name in frame:
            s = frame[name].dropna()
            ax.plot(s.index, s.to_numpy(), lw=1.3, label=f"{name} ({units.get(name, '')})")
    for key in ("stated_small", "stated_large"):
        v = p.get(key)
        if isinstance(v, int | float):
            ax.axhline(
                v,
                ls="--",
                lw=1,
                color="black" if key.endswith("small") else "grey",
                label=f"{key.replace('_', ' ')} {v:g}",
            )
    _mark_range(ax, result)
    ax.set(title=f"{series_name(rel)}: {claim.id}", xlabel="date", ylabel="value (unit in legend)")
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_sensitivity(claim: Claim, result: ClaimResult, snapshot: Snapshot, *, ax=None):
    """Small- and large-cap returns against the factor's changes, with fits: the very series
    the sensitivity test uses (:func:`analysis.stats.sensitivity.to_returns`, ``to_changes``)."""
    ax = _axes(ax)
    p = claim.params
    lo, hi = pd.Timestamp(p.window.start), pd.Timestamp(p.window.end)
    change = to_changes(snapshot.series(p.factor).loc[lo:hi], p.frequency, p.factor_transform)
    for rel, colour in ((p.small, "tab:orange"), (p.large, "tab:blue")):
        ret = to_returns(snapshot.series(rel).loc[lo:hi], p.frequency)
        both = pd.concat([change, ret], axis=1, keys=["f", "r"]).dropna()
        sns.regplot(
            x=both["f"],
            y=100 * both["r"],
            ax=ax,
            scatter_kws={"s": 6, "alpha": 0.3},
            line_kws={"lw": 2},
            color=colour,
            label=f"{series_name(rel)} {p.frequency} return",
        )
    unit = "points" if p.factor_transform == "diff" else "fraction"
    ax.set(
        title=f"Sensitivity to {series_name(p.factor)}: {claim.id}"
        + (
            "\n(raw returns; the test's betas also control for the market's move)"
            if p.market
            else ""
        ),
        xlabel=f"{p.frequency} change in {series_name(p.factor)} ({unit})",
        ylabel=f"{p.frequency} return (%)",
    )
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_claim(claim: Claim, result: ClaimResult, snapshot: Snapshot, *, ax=None):
    """The chart for a claim, chosen by its kind; ``None`` when its data is missing."""
    from analysis.kinds import get_kind

    if result.verdict == "needs_data":
        return None
    with theme():
        ax = get_kind(claim.kind).draw(claim, result, snapshot, ax=ax)
        if claim.kind != "factor_sensitivity":  # every other plot has time on its x axis
            locator = mdates.AutoDateLocator(maxticks=8)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.figure.tight_layout()
    return ax
