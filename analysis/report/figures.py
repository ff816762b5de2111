"""Charts for pages: a matplotlib figure as an accessible, self-contained ``<figure>``.

:func:`figure_html` renders a figure to SVG (vector: crisp at any zoom and in print; text kept as
text, ``svg.fonttype: none``, so it is small and searchable; dense scatters are rasterized inside
it by the plot), embeds it as a ``data:`` URI (pages allow images only from ``data:``) with the
alt text and caption escaped (they come from claims files), and closes the figure.
:func:`chart_html` is the one call a page makes per claim.
"""

from __future__ import annotations

import base64
import html
import io
import re
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analysis.claims import Claim
    from analysis.results import ClaimResult
    from analysis.snapshot import Snapshot

# metadata that would name a date or a tool in every rendering (and break reproducible pages)
_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
_DOCTYPE = re.compile(r"<!DOCTYPE[^>]*>\s*")  # names a DTD on w3.org: nothing to fetch
_XLINK = re.compile(r'\s(?:xlink:)?href="(?!#|data:)[^"]*"')
_COORDS = re.compile(r'(\s(?:d|x|y|points)=")([^"]*)(")')
_DECIMALS = re.compile(r"(-?\d+\.\d)\d+")


_USES = re.compile(r'(?:\s*<use xlink:href="#\w+" x="[^"]*" y="[^"]*" style="[^"]*"/>){2,}')
_USE = re.compile(r'<use (xlink:href="#\w+" x="[^"]*" y="[^"]*") style="([^"]*)"/>')


def _grouped(match: re.Match) -> str:
    """A run of markers with one style: the style once, on a group (it is inherited)."""
    uses = _USE.findall(match.group(0))
    if len({style for _, style in uses}) != 1:
        return match.group(0)
    return f'<g style="{uses[0][1]}">' + "".join(f"<use {a}/>" for a, _ in uses) + "</g>"


def _shorter(match: re.Match) -> str:
    """Coordinates to a tenth of a point (1/720 inch): a third smaller, the same picture."""
    return match.group(1) + _DECIMALS.sub(r"\1", match.group(2)) + match.group(3)


def svg_bytes(fig) -> bytes:
    """``fig`` as SVG: text as text, no metadata, tight bounding box, nothing linked outside."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fonts = {"font.sans-serif": ["DejaVu Sans", "Helvetica", "Arial"]}  # short, in every text
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "workbook", **fonts}):
        fig.savefig(buf, format="svg", bbox_inches="tight", pad_inches=0.1, metadata=_METADATA)
    text = buf.getvalue().decode("utf-8")
    text = _DOCTYPE.sub("", _XLINK.sub("", text), count=1)
    text = _USES.sub(_grouped, _COORDS.sub(_shorter, text))
    return text.encode("utf-8")


def figure_html(fig, *, alt: str, caption: str | None = None) -> str:
    """``<figure><img src="data:image/svg+xml;base64,..." alt="..."><figcaption>...``: the figure
    as an embedded SVG with its alt text and caption escaped; the figure is closed."""
    import matplotlib.pyplot as plt

    try:
        data = base64.b64encode(svg_bytes(fig)).decode("ascii")
        width, height = (round(v) for v in fig.get_size_inches() * fig.dpi)
    finally:
        plt.close(fig)
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return (
        f'<figure class="chart"><img src="data:image/svg+xml;base64,{data}" '
        f'alt="{html.escape(alt, quote=True)}" width="{width}" height="{height}" '
        f'style="max-width:100%;height:auto">{cap}</figure>'
    )


def finding(result: ClaimResult, shows: str = "") -> str:
    """The alt text: what the chart shows (its title), the verdict and the first sentence of the
    result's summary."""
    from analysis.report.page import first_sentence

    verdict = result.verdict.replace("_", " ")
    first = first_sentence(result.summary)
    chart = f"Chart: {' '.join(shows.split()).rstrip('.')}. " if shows.strip() else ""
    return f"{chart}Verdict: {verdict}. {first}"


def chart_html(
    claim: Claim, result: ClaimResult, snapshot: Snapshot, *, until: date | None
) -> str | None:
    """The claim's chart as a ``<figure>`` (:func:`figure_html` of
    :func:`analysis.report.plots.plot_claim`), alt text with what it shows and the finding, a
    caption saying which data it draws; ``None`` when the claim has no chart (its data is
    missing, or its dates all come after ``until``)."""
    from analysis.report.plots import plot_claim

    ax = plot_claim(claim, result, snapshot, until=until)
    if ax is None:
        return None
    alt = finding(result, ax.get_title(loc="left"))
    return figure_html(ax.figure, alt=alt, caption=_caption(claim, until))


def _caption(claim: Claim, until: date | None) -> str:
    cut = f"Data up to {until:%Y-%m-%d}" if until else "All data in the snapshot"
    if claim.forecast:
        return f"{cut}; data after the article's publication is dashed."
    return f"{cut}, as the check reads it."
