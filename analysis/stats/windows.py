"""Moves over windows of trading days, how rare a move is, and record highs.

Prices are pandas Series of closes with a DatetimeIndex of trading days; a window of ``days``
sessions ending on session ``t`` runs from the close of session ``t - days`` to the close of ``t``.
Returns are simple returns in fractions (0.12 is 12%). The small validation helpers at the top are
shared by the other statistics modules of this family.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats as sps

from analysis.errors import InsufficientDataError
from analysis.results import ResultBase, StatResult
from analysis.stats._common import as_date, check_alpha, choice, finite, positive_int


def as_series(values: Any, what: str, *, positive: bool = False) -> pd.Series:
    """A float Series on a sorted, duplicate-free DatetimeIndex, missing values dropped."""
    if not isinstance(values, pd.Series) or not isinstance(values.index, pd.DatetimeIndex):
        raise ValueError(f"{what} must be a pandas Series with a DatetimeIndex")
    try:
        s = values.astype("float64")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must hold numbers: {exc}") from exc
    s = s.dropna() if s.hasnans else s
    s = s if s.index.is_monotonic_increasing else s.sort_index()
    if s.index.has_duplicates:
        raise ValueError(f"{what} has duplicate dates, e.g. {s.index[s.index.duplicated()][0]}")
    if np.isinf(s.to_numpy()).any():
        raise ValueError(f"{what} contains an infinity; expected finite numbers")
    if positive and (s <= 0).any():
        bad = s[s <= 0]
        raise ValueError(
            f"{what} must be positive prices; got {float(bad.iloc[0])!r} on {iso(bad.index[0])}"
        )
    return s


def iso(day: Any) -> str:
    return pd.Timestamp(day).date().isoformat()


def window_bounds(index: pd.DatetimeIndex, end: Any, days: int) -> tuple[int, int]:
    """Positions (start, end) of the ``days``-session window ending on the last session <= end."""
    last = int(index.searchsorted(as_date(end, "end"), side="right")) - 1
    if last < days:
        raise InsufficientDataError(
            f"window of {days} trading days needs at least {days + 1} closes up to "
            f"{iso(end)}, got {last + 1}"
        )
    return last - days, last


def wilson(share: float, n_eff: float, alpha: float) -> tuple[float, float]:
    """Wilson (1927) interval of level 1 - alpha for a share observed on ``n_eff`` draws."""
    z = sps.norm.ppf(1 - alpha / 2)
    centre = (share + z**2 / (2 * n_eff)) / (1 + z**2 / n_eff)
    half = z / (1 + z**2 / n_eff) * math.sqrt(share * (1 - share) / n_eff + z**2 / (4 * n_eff**2))
    return max(0.0, centre - half), min(1.0, centre + half)


def rarity_result(
    name: str, values: pd.Series, observed: float, *, tail: str, days: int, alpha: float, what: str
) -> StatResult:
    """Percentile of ``observed`` among window ``values`` (ties half), the count k at least as
    extreme, the tail share k/n with a Wilson interval on the effective sample size n/days, and
    the p-value (k + 1)/(n + 1)."""
    v, n = values.to_numpy(), len(values)
    k = int((v >= observed).sum() if tail == "upper" else (v <= observed).sum())
    share, n_eff = k / n, n / days
    word, more = ("at least", "larger") if tail == "upper" else ("at most", "smaller")
    return StatResult(
        name=name,
        statistic=float(sps.percentileofscore(v, observed, kind="mean")),
        pvalue=(k + 1) / (n + 1),
        estimate=share,
        ci=wilson(share, n_eff, alpha),
        nobs=n,
        null_hypothesis=f"The {what} is a draw from the same distribution as history's "
        f"overlapping {days}-session {what}s.",
        alternative_hypothesis=f"The {what} is more extreme ({more}) than history's windows of "
        "the same length tend to be.",
        method=f"Empirical percentile (ties half) among {n} overlapping windows; p-value "
        f"(k + 1)/(n + 1) with k windows {word} {observed:.4g}; Wilson interval for the tail share "
        f"on the effective sample size n/days = {n_eff:.1f}",
        reference="Davison & Hinkley (1997), Bootstrap Methods, sec. 4.2; Wilson (1927), JASA 22",
        ci_level=1 - alpha,
        details={
            "observed": observed,
            "tail": tail,
            f"count_{word.replace(' ', '_')}": k,
            "tail_share": share,
            "n_effective": n_eff,
            "first_window_end": iso(values.index[0]),
            "last_window_end": iso(values.index[-1]),
            "note": "Overlapping windows are dependent: the percentile is descriptive and the "
            "p-value assumes the move is a fresh draw from a stationary history. No HAC "
            "correction applies; the dependence enters only through the interval's n/days.",
        },
    )


# ---------------------------------------------------------------- results
@dataclass(frozen=True, slots=True)
class WindowReturn(ResultBase):
    """Simple return over ``days`` sessions: ``end_close / start_close - 1``."""

    days: int
    start: pd.Timestamp
    end: pd.Timestamp
    start_close: float
    end_close: float
    ret: float
    requested_end: pd.Timestamp

    def summary(self) -> str:
        return (
            f"{self.ret:+.2%} over {self.days} sessions, {self.start_close:.2f} on "
            f"{iso(self.start)} to {self.end_close:.2f} on {iso(self.end)}."
        )


# ---------------------------------------------------------------- statistics
def window_return(close: pd.Series, *, end: Any, days: int) -> WindowReturn:
    """Simple return over ``days`` trading days ending on the last session on or before ``end``.

    Descriptive (no test). The start close is the close ``days`` sessions before the end session.

    Parameters
    ----------
    close
        Closes with a DatetimeIndex (missing values dropped; positive).
    end, days
        The window's last day (a non-trading day falls back to the session before it) and its
        length in sessions (>= 1).

    Returns
    -------
    WindowReturn
        ``ret`` (fraction), ``start``/``end`` dates and closes, and ``requested_end``.

    Raises
    ------
    InsufficientDataError
        Fewer than ``days + 1`` closes up to ``end``.
    ValueError
        Not a Series with a DatetimeIndex, non-positive prices, or a bad ``days``/``end``.

    Examples
    --------
    >>> window_return(rut, end="2025-12-31", days=15).ret  # doctest: +SKIP
    """
    days = positive_int(days, "days")
    s = as_series(close, "close", positive=True)
    i, j = window_bounds(s.index, end, days)
    a, b = float(s.iloc[i]), float(s.iloc[j])
    return WindowReturn(days, s.index[i], s.index[j], a, b, b / a - 1, as_date(end, "end"))


def period_return(close: pd.Series, *, start: Any, end: Any) -> WindowReturn:
    """Simple return from the last close on or before ``start`` to the last on or before ``end``.

    Descriptive (no test): the calendar-dated twin of :func:`window_return` ("from December 2
    to January 2"), returning the same :class:`WindowReturn` (``days`` counts the sessions).

    Raises
    ------
    InsufficientDataError
        No close on or before ``start``.
    ValueError
        Not a Series with a DatetimeIndex, non-positive prices, or ``end`` before ``start``.

    Examples
    --------
    >>> period_return(kre, start="2025-12-02", end="2026-01-02").ret  # doctest: +SKIP
    """
    s = as_series(close, "close", positive=True)
    first, last = as_date(start, "start"), as_date(end, "end")
    if last < first:
        raise ValueError(f"end {iso(last)} is before start {iso(first)}")
    i = int(s.index.searchsorted(first, side="right")) - 1
    j = int(s.index.searchsorted(last, side="right")) - 1
    if i < 0:
        raise InsufficientDataError(f"{s.name or 'close'} has no close on or before {iso(first)}")
    a, b = float(s.iloc[i]), float(s.iloc[j])
    return WindowReturn(j - i, s.index[i], s.index[j], a, b, b / a - 1, last)


def matching_windows(
    close: pd.Series,
    *,
    days: int,
    stated: float,
    tolerance: float,
    search_start: Any,
    search_end: Any,
) -> pd.DataFrame:
    """Every window of ``days`` sessions ending in [search_start, search_end], and which match.

    Parameters
    ----------
    close, days
        Closes with a DatetimeIndex; sessions per window.
    stated, tolerance
        The stated move (fraction); a window matches when ``|return - stated| <= tolerance``.
    search_start, search_end
        The range (inclusive) in which the window's end session must lie.

    Returns
    -------
    pandas.DataFrame
        One row per window: ``start``, ``end``, ``start_close``, ``end_close``, ``return``,
        ``difference`` (return - stated) and ``matches``. See :func:`best_window`.

    Raises
    ------
    InsufficientDataError
        No complete window ends in the range.
    ValueError
        Start after end, a negative tolerance, non-finite numbers or a bad series.
    """
    days = positive_int(days, "days")
    stated, tolerance = finite(stated, "stated"), finite(tolerance, "tolerance")
    if tolerance < 0:
        raise ValueError(f"tolerance must be >= 0, got {tolerance!r}")
    lo, hi = as_date(search_start, "search_start"), as_date(search_end, "search_end")
    if lo > hi:
        raise ValueError(f"search_start {iso(lo)} is after search_end {iso(hi)}")
    s = as_series(close, "close", positive=True)
    pos = np.arange(len(s))
    keep = (s.index >= lo) & (s.index <= hi) & (pos >= days)
    if not keep.any():
        raise InsufficientDataError(
            f"no window of {days} trading days ends between {iso(lo)} and {iso(hi)}: each needs "
            f"{days + 1} closes, and the closes run {iso(s.index[0])} to {iso(s.index[-1])}"
        )
    ends = pos[keep]
    out = pd.DataFrame(
        {
            "start": s.index[ends - days],
            "end": s.index[ends],
            "start_close": s.to_numpy()[ends - days],
            "end_close": s.to_numpy()[ends],
        }
    )
    out["return"] = out["end_close"] / out["start_close"] - 1
    out["difference"] = out["return"] - stated
    out["matches"] = out["difference"].abs() <= tolerance + 1e-12
    return out


def best_window(windows: pd.DataFrame) -> pd.Series:
    """The row of :func:`matching_windows` closest to the stated move (ties: the later end)."""
    if not isinstance(windows, pd.DataFrame) or "difference" not in windows or windows.empty:
        raise ValueError("windows must be a non-empty table from matching_windows()")
    gap = windows["difference"].abs().to_numpy()
    return windows.iloc[int(np.flatnonzero(gap == gap.min())[-1])]


def move_rarity(
    close: pd.Series,
    *,
    days: int,
    move: float,
    before: Any = None,
    tail: Literal["auto", "upper", "lower"] = "auto",
    alpha: float = 0.05,
) -> StatResult:
    """How rare a move of ``move`` over ``days`` sessions is among all such windows in history.

    H0: the move is a draw from the same distribution as every overlapping ``days``-session
    return in the history. H1: it is more extreme (larger for ``tail="upper"``).

    Parameters
    ----------
    close
        Closes with a DatetimeIndex; at least ``10 * days + 1`` up to ``before``.
    days, move
        Window length in sessions and the move (fraction, e.g. 0.12).
    before
        Use only closes on or before this date (the move's start date keeps the move and the
        windows overlapping it out of its own reference set). Default: all.
    tail : {"auto", "upper", "lower"}
        Which tail counts as extreme; ``"auto"``: the upper one for a move >= 0.
    alpha
        1 - level of the interval for the tail share.

    Returns
    -------
    StatResult
        ``statistic``: percentile (0-100, ties half); ``estimate``: share of windows at least as
        extreme, with a Wilson interval on the effective sample size n/days (overlapping windows
        carry about one independent observation per ``days``); ``pvalue``: (k + 1)/(n + 1), the
        share of windows, the move included, at least as extreme. Descriptive: no HAC applies.

    Raises
    ------
    InsufficientDataError
        Fewer than ``10 * days + 1`` closes.
    ValueError
        Bad series, options or a non-finite move.

    References
    ----------
    Davison & Hinkley (1997), Bootstrap Methods and their Application, sec. 4.2 (Monte Carlo
    p-values); Wilson (1927), "Probable inference...", JASA 22(158).
    """
    days, move = positive_int(days, "days"), finite(move, "move")
    choice(tail, "tail", ("auto", "upper", "lower"))
    check_alpha(alpha)
    s = as_series(close, "close", positive=True)
    if before is not None:
        s = s.loc[: as_date(before, "before")]
    if len(s) < 10 * days + 1:
        raise InsufficientDataError(
            f"move rarity over {days} trading days needs at least {10 * days + 1} closes "
            f"(ten windows' worth), got {len(s)}"
        )
    side = ("upper" if move >= 0 else "lower") if tail == "auto" else tail
    returns = (s / s.shift(days) - 1).dropna()
    return rarity_result(
        f"Rarity of a {move:+.2%} move over {days} sessions",
        returns,
        move,
        tail=side,
        days=days,
        alpha=alpha,
        what="return",
    )


def search_chance(
    values: pd.Series,
    *,
    stated: float,
    gap: float,
    searched: int,
    days: int,
    before: Any = None,
    alpha: float = 0.05,
    what: str = "return",
) -> StatResult:
    """How often a search of ``searched`` consecutive windows comes within ``gap`` of ``stated``
    by chance: the correction of a "right size, other date" match for the number searched.

    H0: the searched stretch is a draw from the series' own history, the stated number
    unrelated to it; then the closest of ``searched`` consecutive windows is as close to
    ``stated`` as in any run of ``searched`` consecutive windows of the history. H1: closer.

    Method: every run of ``searched`` consecutive window ends in ``values`` (the statistic of
    each ``days``-session window, indexed by its end, up to ``before``) gives the smallest
    ``|value - stated|`` a search that wide finds; the p-value is (k + 1)/(n + 1) with k of the n
    runs at least as close as ``gap``: a best-of-K null taken from the history itself (overlapping
    runs, so a subsampling estimate; the interval uses n/(searched + days) effective runs). A
    match that counts only when p <= alpha is found by luck in at most alpha of stretches like
    the history's. It cannot tell a stale number from a lucky one beyond that, and a calmer or
    wilder stretch than the history's average makes the chance smaller or larger than stated.

    Raises
    ------
    InsufficientDataError
        Fewer than ten runs' worth of windows, ``10 * (searched + days)``, up to ``before``.
    ValueError
        Bad series or options.

    References
    ----------
    White (2000), "A reality check for data snooping", Econometrica 68(5) (the best-of-K null);
    Politis, Romano & Wolf (1999), Subsampling, Springer (blocks of the series' own history).
    """
    stated, gap = finite(stated, "stated"), finite(gap, "gap")
    searched, days = positive_int(searched, "searched"), positive_int(days, "days")
    check_alpha(alpha)
    v = as_series(values, what)
    if before is not None:
        v = v.loc[: as_date(before, "before")]
    if len(v) < 10 * (searched + days):
        raise InsufficientDataError(
            f"the chance of a {searched}-window search needs at least {10 * (searched + days)} "
            f"windows of {days} sessions (ten runs' worth), got {len(v)}"
        )
    best = (v - stated).abs().rolling(searched).min().dropna().to_numpy()
    n, k = len(best), int((best <= gap + 1e-12).sum())
    n_eff = n / (searched + days)
    return StatResult(
        name=f"Chance that a search of {searched} windows comes within {gap:.4g} of {stated:.4g}",
        statistic=gap,
        pvalue=(k + 1) / (n + 1),
        estimate=k / n,
        ci=wilson(k / n, n_eff, alpha),
        nobs=n,
        null_hypothesis=f"The {searched} searched {days}-session windows are a stretch like any "
        f"of the history's: the closest {what} to the stated {stated:.4g} is no closer than in "
        f"the history's runs of {searched} consecutive windows.",
        alternative_hypothesis=f"The closest {what} is closer to the stated number than a search "
        "this wide comes by chance: the number refers to that window.",
        method=f"Best-of-{searched} null from the history: the closest |{what} - stated| in each "
        f"of {n} overlapping runs of {searched} consecutive windows; p-value (k + 1)/(n + 1) "
        f"with k runs within {gap:.4g}; Wilson interval on n/(searched + days) = {n_eff:.1f}",
        reference="White (2000), Econometrica 68(5); Politis, Romano & Wolf (1999), Subsampling",
        ci_level=1 - alpha,
        details={
            "searched": searched,
            "gap": gap,
            "count_within": k,
            "runs": n,
            "n_effective": n_eff,
            "alpha": alpha,
            "first_window_end": iso(v.index[0]),
            "last_window_end": iso(v.index[-1]),
        },
    )
