"""What every chart shares: the theme, the cut at the claim's as-of date, numbers and dates in
words, and the finish (a title that says what the chart shows, a legend in words below it).

A chart draws only data up to ``until``, the last date the claim's check may read. A forecast
(``claim.forecast``) is checked on data after its publication: that data is drawn dashed and
lighter, labelled "after publication", so a reader sees what the article could not.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from analysis.report.formatting import day
from analysis.report.formatting import ordinal as in_words_ordinal
from analysis.report.names import label, unit

MARGIN = pd.Timedelta(days=45)
STATED = "#24292f"  # the article's numbers: black, dashed or hollow
OBSERVED = "#cf222e"  # what the data says: filled red markers
WINDOW = "#0969da"  # the window checked
PALETTE = ("#1f4e79", "#e07b00", "#5a9e4b", "#8e44ad", "#7f7f7f", "#b8860b")
AFTER = "after publication"
UNIT_AXIS = {
    "index": "index level",
    "percent": "percent",
    "multiple": "times earnings",
    "usd": "US dollars",
    "usd_millions": "US$ millions",
    "usd_billions": "US$ billions",
    "count": "count",
    "ratio": "ratio",
}


@contextmanager
def theme() -> Iterator[None]:
    """The workbook's one plotting theme: seaborn whitegrid, a wide figure, SVG text as text."""
    with sns.axes_style("whitegrid"), sns.plotting_context("notebook", font_scale=0.9):
        with plt.rc_context(
            {
                "figure.figsize": (9, 4.6),
                "figure.dpi": 100,
                "axes.titlesize": 12,
                "axes.titleweight": "bold",
                "axes.titlelocation": "left",
                "axes.prop_cycle": plt.cycler(color=PALETTE),
                "legend.frameon": False,
                "legend.fontsize": 8.5,
                "svg.fonttype": "none",
                "font.sans-serif": ["DejaVu Sans", "Helvetica", "Arial"],
                "path.simplify": True,
            }
        ):
            yield


def axes(ax):
    """``ax``, or the axes of a new figure."""
    return ax if ax is not None else plt.subplots()[1]


# ------------------------------------------------------------------ the cut at the as-of date
@dataclass(frozen=True)
class Cut:
    """``until``: nothing after it is drawn (``None``: no limit). ``published``: a forecast's
    publication date, after which its data is drawn dashed (``None``: not a forecast)."""

    until: pd.Timestamp | None
    published: pd.Timestamp | None = None

    def apply(self, obj):
        return obj.loc[: self.until] if self.until is not None else obj

    def split(self, obj):
        """``(before, after)``: up to publication, and after it (empty unless a forecast)."""
        obj = self.apply(obj)
        if self.published is None:
            return obj, obj.iloc[0:0]
        return obj.loc[: self.published], obj.loc[self.published :]

    def end(self, day) -> pd.Timestamp:
        """``day``, or ``until`` when that comes first."""
        day = pd.Timestamp(day)
        return min(day, self.until) if self.until is not None else day


def cut_for(claim, until: date | str | None) -> Cut:
    """The cut for ``claim``. A forecast's publication is its own ``as_of`` (or its parameters'
    ``as_of`` or ``start``): its data after that is dashed, up to ``until``; an ``until`` on the
    publication date itself reads as "everything after publication, dashed"; one before it
    (an evaluation before the article) cuts there, like any claim's."""
    limit = pd.Timestamp(until) if until is not None else None
    if not claim.forecast:
        return Cut(limit)
    p = claim.params
    published = claim.as_of or getattr(p, "as_of", None) or getattr(p, "start", None)
    published = pd.Timestamp(published) if published is not None else limit
    if published is None or (limit is not None and limit < published):
        return Cut(limit)
    return Cut(None if limit == published else limit, published)


def claim_dates(claim, result) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The dates a check looks at: the result's, else (a pending or failed check) what the
    claim's parameters name (a window, a period, a date, an end and a number of sessions)."""
    if result.date_range:
        return pd.Timestamp(result.date_range[0]), pd.Timestamp(result.date_range[1])
    p = claim.params
    for name in ("window", "period", "ends_within", "recent"):
        w = getattr(p, name, None)
        if w is not None and hasattr(w, "start"):
            days = pd.Timedelta(days=1.5 * (getattr(p, "days", 0) or 0))
            return pd.Timestamp(w.start) - days, pd.Timestamp(w.end)
    start = getattr(p, "start", None)
    end = getattr(p, "horizon_end", None) or getattr(p, "end", None)
    if end is not None and start is None and getattr(p, "days", None):
        start = pd.Timestamp(end) - pd.Timedelta(days=1.5 * p.days)
    meeting = getattr(p, "meeting", None)
    meeting = None if meeting == "latest" else meeting  # "the latest meeting": not a date
    day = getattr(p, "date", None) or getattr(p, "as_of", None) or meeting
    if start is not None or end is not None:
        return pd.Timestamp(start or end), pd.Timestamp(end or start)
    if day is not None:
        return pd.Timestamp(day), pd.Timestamp(day)
    return None


def draw(ax, s: pd.Series, cut: Cut, *, name: str, step: bool = False, **kw) -> list:
    """``s`` up to the cut: solid up to publication, dashed and lighter after it."""
    s = s.dropna()
    if step and len(s) > 2:  # a step line needs only the dates its value changes
        keep = s.ne(s.shift())
        keep.iloc[-1] = True
        s = s[keep]
    before, after = cut.split(s)
    plot = (lambda x, y, **k: ax.step(x, y, where="post", **k)) if step else ax.plot
    lines = plot(before.index, before.to_numpy(), label=name, **kw)
    if len(after) > 1:
        colour = lines[0].get_color()
        more = {k: v for k, v in kw.items() if k not in ("color", "ls", "alpha")}
        plot(
            after.index,
            after.to_numpy(),
            color=colour,
            ls="--",
            alpha=0.55,
            **more,
            label=f"{name}, {AFTER}",
        )
        mark_publication(ax, cut.published)
    return lines


def mark_publication(ax, day) -> None:
    """A dotted vertical line at a forecast's publication date (once per axes)."""
    if getattr(ax, "_published_marked", False) or day is None:
        return
    ax._published_marked = True
    ax.axvline(day, color="#57606a", ls=":", lw=1)
    ax.annotate(
        f"published {fmt_day(day)}",
        (day, 1),
        xycoords=("data", "axes fraction"),
        xytext=(3, -10),
        textcoords="offset points",
        fontsize=8,
        color="#57606a",
    )


# ------------------------------------------------------------------ numbers and dates in words
def fmt_day(when) -> str:
    """``2 Jan 2026`` (:func:`analysis.report.formatting.day`, for a date or a timestamp)."""
    return day(f"{pd.Timestamp(when):%Y-%m-%d}")


def fmt_span(start, end) -> str:
    """``Dec 2025 – Jan 2026``, ``Mar – Dec 2025``, ``Dec 2025``: the months a chart covers."""
    a, b = pd.Timestamp(start), pd.Timestamp(end)
    if (a.year, a.month) == (b.year, b.month):
        return f"{b:%b %Y}"
    if a.year == b.year:
        return f"{a:%b} – {b:%b %Y}"
    return f"{a:%b %Y} – {b:%b %Y}"


def fmt_days(start, end) -> str:
    """``2 Dec 2025 – 2 Jan 2026``."""
    return f"{fmt_day(start)} – {fmt_day(end)}" if start != end else fmt_day(start)


def fmt_value(value: float, kind: str | None) -> str:
    """A level in its unit: ``2,508.22``; ``3.50%``; ``15.0x``; ``$412.30``; ``$2,412m``."""
    return minus(_fmt_value(value, kind))


def _fmt_value(value: float, kind: str | None) -> str:
    if kind == "percent":
        return f"{value:,.2f}%"
    if kind == "multiple":
        return f"{value:,.1f}x"
    if kind == "usd":
        return f"${value:,.2f}"
    if kind == "usd_millions":
        return f"{'-' if value < 0 else ''}${abs(value):,.0f}m"
    if kind == "usd_billions":
        return f"${value:,.1f}bn"
    if kind == "count":
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def fmt_return(x: float) -> str:
    """A fraction as a signed percentage: ``0.104 -> '+10.4%'``."""
    return minus(f"{100 * x:+.1f}%")


def fmt_bp(x: float) -> str:
    """A fraction as signed basis points: ``0.06 -> '+600 bp'``."""
    return minus(f"{10_000 * x:+,.0f} bp")


def minus(text: str) -> str:
    """A typographic minus sign for a leading hyphen-minus (``-4.9% -> −4.9%``)."""
    return re.sub(r"(?<![\w.])-(?=[\d$])", "\u2212", text)


def ordinal(n: float) -> str:
    """``5 -> '5th'``, ``21.4 -> '21st'``: a percentile rounded, in words."""
    return in_words_ordinal(round(n))


def number(text) -> float | None:
    """The number of a plain stated level (``'40,003.59'``), else ``None``."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text)
    if isinstance(text, str) and re.fullmatch(r"\s*-?[\d,]+(\.\d+)?\s*", text):
        return float(text.replace(",", ""))
    return None


def names(rels) -> str:
    """``Russell 2000``, ``A and B``, ``A, B and C``: series in words."""
    words = [label(r) for r in rels]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def axis_label(rel: str) -> str:
    """The y-axis label of a series' unit (``index level``, ``percent``)."""
    return UNIT_AXIS.get(unit(rel) or "", "value")


# ------------------------------------------------------------------ the finish
def finish(ax, title: str, *, ylabel: str, xlabel: str = "", time_axis: bool = True) -> None:
    """Title (wrapped), axis labels, date ticks and the legend in words below the axes."""
    import matplotlib.dates as mdates

    title = minus(title[:1].upper() + title[1:])
    ax.set_title("\n".join(textwrap.wrap(title, 90)), loc="left")
    ax.set(ylabel=ylabel, xlabel=xlabel)
    if time_axis:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=9)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    handles, texts = ax.get_legend_handles_labels()
    seen = {minus(t): h for t, h in zip(texts, handles, strict=True)}
    fig = ax.figure
    fig.tight_layout()
    if seen:
        # below everything the axes draw under themselves (tick labels, date offset, x label)
        box = ax.get_tightbbox(fig.canvas.get_renderer())
        below = ax.transAxes.inverted().transform((0, box.y0))[1] if box is not None else -0.12
        widest = max(len(t) for t in seen)
        ncol = 3 if widest <= 36 else 2 if widest <= 58 else 1
        ax.legend(
            seen.values(),
            seen.keys(),
            loc="upper left",
            bbox_to_anchor=(0, below - 0.01),
            ncol=min(ncol, len(seen)),
        )
        fig.tight_layout()


def mark_window(ax, start, end, text: str, *, colour: str = WINDOW, alpha: float = 0.10) -> None:
    """A shaded span of dates, labelled in the legend."""
    ax.axvspan(
        pd.Timestamp(start),
        pd.Timestamp(end) + pd.Timedelta(hours=12),
        color=colour,
        alpha=alpha,
        lw=0,
        label=text,
    )


def mark_point(ax, day, value: float, text: str, *, stated: bool = False) -> None:
    """A stated (hollow black diamond) or observed (filled red dot) value on a date, in the
    legend and written beside the point."""
    style = (
        {"marker": "D", "color": STATED, "mfc": "white", "mec": STATED, "ms": 8, "mew": 1.6}
        if stated
        else {"marker": "o", "color": OBSERVED, "ms": 7}
    )
    ax.plot([pd.Timestamp(day)], [value], ls="none", label=text, zorder=5, **style)
    ax.annotate(
        text,
        (pd.Timestamp(day), value),
        xytext=(-9, 9 if stated else -13),
        textcoords="offset points",
        fontsize=8,
        color=STATED if stated else OBSERVED,
        ha="right",
        zorder=6,
        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
    )


def mark_level(ax, value: float, text: str, *, colour: str = STATED) -> None:
    """A horizontal dashed line at a stated level, labelled in the legend."""
    ax.axhline(value, ls="--", color=colour, lw=1.1, label=text)
