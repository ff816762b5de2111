"""The claims' charts as a reader checks them: titles and legends in words, the stated and the
observed values drawn, no data after the claim's as-of date (a forecast's later data dashed),
the macro chart's slopes equal to the betas the verdict rests on, and a page's ``<figure>``:
valid SVG, nothing loaded from elsewhere, alt text with the finding, escaped."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis.checks import Context, evaluate_all
from analysis.checks.evaluate import as_checked
from analysis.claims import load_claims
from analysis.report.figures import chart_html, figure_html, svg_bytes
from analysis.report.names import key_of, label
from analysis.report.plots import plot_claim
from tests.conftest import PROJECT

CLAIMS = PROJECT / "data" / "claims" / "russell2000_2026.yaml"
REGISTRY = load_claims(CLAIMS)
IDS = [c.id for c in REGISTRY.claims]
CODES = re.compile(r"\^[A-Z]|\bDFEDTAR[LU]\b|\bDGS\d+\b|\bDTWEXBGS\b|\bDFF\b|\.csv\b|_")


@pytest.fixture(scope="module")
def checked(demo_snapshot):
    """Every claim of the article as checked on the demo, with its as-of cut."""
    ctx = replace(Context(), publication=REGISTRY.article.as_of)
    results = {r.id: r for r in evaluate_all(REGISTRY, demo_snapshot, Context())}
    return {
        cid: (as_checked(REGISTRY.get(cid), demo_snapshot), results[cid], ctx.cut_for(c))
        for cid, c in ((c.id, c) for c in REGISTRY.claims)
    }


def _chart(checked, snapshot, cid, until="cut"):
    claim, result, cut = checked[cid]
    return plot_claim(claim, result, snapshot, until=cut if until == "cut" else until)


def _texts(ax) -> tuple[str, list[str]]:
    legend = ax.get_legend()
    return ax.get_title(loc="left"), [t.get_text() for t in legend.get_texts()] if legend else []


def _series_named(claim) -> list[str]:
    """Every file or user series the claim's parameters name (not the market control)."""
    out = []
    for key, value in claim.params.model_dump().items():
        if key != "market":
            out += [
                v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)
            ]
    return out


def _data_lines(ax, words: str):
    """The drawn lines of a series (their legend label starts with its name in words)."""
    return [ln for ln in ax.get_lines() if ln.get_label().startswith(words)]


@pytest.mark.parametrize("cid", IDS)
def test_every_chart_says_in_words_what_it_shows(checked, demo_snapshot, cid):
    claim, result, _ = checked[cid]
    ax = _chart(checked, demo_snapshot, cid)
    try:
        title, legend = _texts(ax)
        assert cid not in title and title.strip()
        assert "stated" in title  # what the article said, against what was observed
        for text in [title, *legend]:
            assert not CODES.search(text.replace("\n", " ")), f"a code in {text!r}"
        named = [label(s) for s in _series_named(claim) if label(s) != key_of(s)]
        shown = " ".join([title, *legend, ax.get_xlabel()])
        assert named and any(n in shown for n in named), (named, shown)
    finally:
        plt.close(ax.figure)


def test_level_chart_draws_stated_and_observed_close_and_nothing_after_the_cut(
    checked, demo_snapshot
):
    ax = _chart(checked, demo_snapshot, "rut_close_2026_01_02")
    title, legend = _texts(ax)
    assert title.startswith("Russell 2000 close, Nov 2025 – Jan 2026: stated 2,508.22 on 2 Jan")
    assert "stated 2,508.22" in legend and "observed 2,495.90" in legend
    stated = next(ln for ln in ax.get_lines() if ln.get_label() == "stated 2,508.22")
    assert list(stated.get_ydata()) == [2508.22]
    (close,) = _data_lines(ax, "Russell 2000 close")
    assert pd.Timestamp(max(close.get_xdata())) == pd.Timestamp("2026-01-02")
    plt.close(ax.figure)


def test_an_earlier_as_of_date_hides_the_later_data(checked, demo_snapshot):
    ax = _chart(checked, demo_snapshot, "rut_surge_12pct_late_december", until=date(2025, 12, 19))
    for line in _data_lines(ax, "Russell 2000"):
        assert pd.Timestamp(max(line.get_xdata())) <= pd.Timestamp("2025-12-19")
    plt.close(ax.figure)
    late = _chart(checked, demo_snapshot, "rut_close_2026_01_02", until=date(2025, 6, 30))
    assert late is None  # every date the claim speaks of comes after the data it may read


def test_the_best_window_and_the_stated_move_are_drawn(checked, demo_snapshot):
    ax = _chart(checked, demo_snapshot, "rut_surge_12pct_late_december")
    title, legend = _texts(ax)
    assert "stated +12.0% in 15 sessions, best +10.4% (10 Dec 2025 – 2 Jan 2026)" in " ".join(
        title.split()
    )
    assert any(t.startswith("best 15-session move: +10.4%") for t in legend)
    assert any(t.startswith("stated: +12.0% in 15 sessions ending 24 Dec 2025") for t in legend)
    plt.close(ax.figure)


def test_relative_chart_draws_the_stated_and_the_observed_lead(checked, demo_snapshot):
    ax = _chart(checked, demo_snapshot, "rut_beat_nasdaq_600bp_month")
    title, legend = _texts(ax)
    assert "stated lead +600 bp, observed +1,073 bp" in " ".join(title.split())
    assert {"Russell 2000 +11.0%", "Nasdaq Composite +0.3%"} <= set(legend)
    assert "stated lead +600 bp (±100 bp)" in legend and "observed lead +1,073 bp" in legend
    plt.close(ax.figure)


def test_a_forecast_draws_its_data_after_publication_dashed(checked, demo_snapshot):
    claim, result, cut = checked["smallcaps_lead_2026"]
    assert claim.forecast and cut is None
    ax = plot_claim(claim, result, demo_snapshot, until=None)
    after = [ln for ln in ax.get_lines() if ln.get_label().endswith("after publication")]
    assert {ln.get_label().split(" +")[0] for ln in after} == {"Russell 2000", "S&P 500"}
    for line in after:
        assert line.get_linestyle() == "--"
        assert pd.Timestamp(min(line.get_xdata())) >= pd.Timestamp("2026-01-02")
    solid = [ln for ln in _data_lines(ax, "Russell 2000") if ln not in after]
    assert pd.Timestamp(max(solid[0].get_xdata())) <= pd.Timestamp("2026-01-02")
    plt.close(ax.figure)
    # evaluated before publication: nothing after the evaluation date, nothing dashed
    claim, result, _ = checked["terminal_rate_near_3pct_mid2026"]
    ax = plot_claim(claim, result, demo_snapshot, until=date(2025, 12, 1))
    assert not [ln for ln in ax.get_lines() if "after publication" in ln.get_label()]
    for line in _data_lines(ax, "effective federal funds rate"):
        assert pd.Timestamp(max(line.get_xdata())) <= pd.Timestamp("2025-12-01")
    plt.close(ax.figure)


@pytest.mark.parametrize("cid", ["floating_rate_relief", "dollar_insensitivity"])
def test_the_macro_chart_shows_the_market_controlled_betas_of_the_verdict(
    checked, demo_snapshot, cid
):
    claim, result, _ = checked[cid]
    ax = _chart(checked, demo_snapshot, cid)
    title, legend = _texts(ax)
    assert "net of the market" in title and "net of the market" in ax.get_xlabel()
    scale = 1 if claim.params.factor_transform == "pct_change" else 100
    for side, rel in (("small", claim.params.small), ("large", claim.params.large)):
        (fit,) = [ln for ln in ax.get_lines() if ln.get_label().startswith(label(rel) + ":")]
        x, y = fit.get_xdata(), fit.get_ydata()
        slope = (y[1] - y[0]) / (x[1] - x[0])
        assert slope == pytest.approx(scale * result.observed[f"beta_{side}"], rel=1e-6)
    plt.close(ax.figure)


def test_figure_html_is_one_escaped_self_contained_svg_figure(checked, demo_snapshot):
    ax = _chart(checked, demo_snapshot, "fed_funds_range_350_375")
    fig = ax.figure
    alt = 'Verdict: supported. 3.50%-3.75% "as stated" <script>alert(1)</script> & more'
    html = figure_html(fig, alt=alt, caption="<b>caption</b> & co")
    assert not plt.fignum_exists(fig.number)  # closed
    assert html.startswith("<figure") and html.endswith("</figure>")
    assert "<script>" not in html and "<b>" not in html
    assert 'alt="Verdict: supported. 3.50%-3.75% &quot;as stated&quot; &lt;script&gt;' in html
    assert "<figcaption>&lt;b&gt;caption&lt;/b&gt; &amp; co</figcaption>" in html
    (payload,) = re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    svg = base64.b64decode(payload).decode("utf-8")
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "<!DOCTYPE" not in svg and "<image" not in svg and "@import" not in svg
    # the only URLs are the two namespace names; every link points inside the document
    assert sorted(set(re.findall(r"https?://[^\s\"']+", svg))) == [
        "http://www.w3.org/1999/xlink",
        "http://www.w3.org/2000/svg",
    ]
    assert all(h.startswith("#") for h in re.findall(r'href="([^"]*)"', svg))
    assert "Federal funds target range" in svg  # text stays text: searchable, crisp
    assert len(svg) < 40_000


def test_every_chart_of_the_article_stays_a_small_svg(checked, demo_snapshot):
    sizes = {}
    for cid in IDS:
        ax = _chart(checked, demo_snapshot, cid)
        sizes[cid] = len(svg_bytes(ax.figure))
        plt.close(ax.figure)
    assert max(sizes.values()) < 100_000, sizes


def test_chart_html_gives_the_finding_as_alt_text(checked, demo_snapshot):
    claim, result, cut = checked["rut_close_2026_01_02"]
    html = chart_html(claim, result, demo_snapshot, until=cut)
    alt = re.search(r'alt="([^"]*)"', html).group(1)
    assert alt.startswith("Chart: Russell 2000 close, Nov 2025 – Jan 2026: stated 2,508.22")
    assert "Verdict: contradicted." in alt
    assert "2495.90 on 2026-01-02, 12.32 below the stated 2508.22" in alt
    assert "Data up to 2026-01-02" in html
    missing = replace(result, verdict="needs_data", missing=("prices/^RUT.csv",))
    assert chart_html(claim, missing, demo_snapshot, until=cut) is None


def test_every_chart_of_the_article_draws_on_the_real_data_with_its_proxies(real_snapshot):
    ctx = replace(Context(), publication=REGISTRY.article.as_of)
    for result in evaluate_all(REGISTRY, real_snapshot, Context()):
        claim = REGISTRY.get(result.id)
        ax = plot_claim(
            as_checked(claim, real_snapshot), result, real_snapshot, until=ctx.cut_for(claim)
        )
        if ax is None:
            assert result.verdict == "needs_data", result.id
            continue
        title, legend = _texts(ax)
        assert "stated" in title and not CODES.search(" ".join([title, *legend])), result.id
        plt.close(ax.figure)
