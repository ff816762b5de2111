"""The few pieces of HTML every page shares, written once: the synthetic-data banner, the verdict
badge and the verdict box (badge, finding, p-values). Colours are
:data:`analysis.results.VERDICT_COLOURS`."""

from __future__ import annotations

import html

from analysis.results import VERDICT_COLOURS

SYNTHETIC_SHORT = "SYNTHETIC DATA, NOT MARKET DATA"
SYNTHETIC_DETAIL = (
    "Every number here comes from the generated demo snapshot; the verdicts say nothing about "
    "the real article."
)
_BANNER_STYLE = (
    "background:#cf222e;color:#fff;font:bold 20px system-ui,sans-serif;padding:12px 18px;"
    "margin-bottom:12px;letter-spacing:.02em"
)
_BADGE_STYLE = (
    "display:inline-block;color:#fff;border-radius:999px;padding:2px 10px;font-size:12px;"
    "font-weight:700;white-space:nowrap;text-transform:uppercase"
)


def synthetic_banner() -> str:
    """The red banner at the top of anything built on synthetic data (one wording)."""
    return (
        f'<div class="banner synthetic" role="alert" style="{_BANNER_STYLE}">{SYNTHETIC_SHORT}'
        '<small style="display:block;font-weight:400;font-size:14px;margin-top:2px">'
        f"{SYNTHETIC_DETAIL}</small></div>"
    )


# the layout of every page: narrow screens (down to 390 px, no sideways scroll), print (A4,
# colours kept, a claim kept on one page where it fits), dark mode, visible keyboard focus
_LAYOUT = """
.glance table,table.glance,table.data{border-collapse:collapse;font-size:14px;margin:8px 0}
table.glance th,table.glance td,table.data th,table.data td{border-bottom:1px solid #d0d7de;
 padding:4px 8px;text-align:left;vertical-align:top}
table.glance th,table.glance td{text-align:left!important}
table.glance td:first-child{white-space:nowrap}
table.data td{text-align:right;font-variant-numeric:tabular-nums}
table.data td,table.data th{white-space:nowrap;overflow-wrap:normal}
table.data caption{text-align:left;font-weight:600;padding:4px 0}
tr.gap td{text-align:center!important;font-style:italic;color:#57606a;background:#f6f8fa}
nav.themes{font:14px system-ui,sans-serif;margin:4px 0 12px}
details.fold{margin:8px 0}details.fold>summary{cursor:pointer;font-weight:600}
.data{max-width:100%;overflow-x:auto}
a:focus-visible,summary:focus-visible{outline:3px solid #0969da;outline-offset:2px}
.jp-OutputArea-output img,figure img{max-width:100%;height:auto}
figure.chart{margin:8px 0}figure.chart figcaption{font-size:13px;color:#57606a}
.jp-InputPrompt,.jp-OutputPrompt{display:none}
@media (max-width:700px){
 .jp-Cell{padding:0!important}.jp-OutputArea-output{overflow-x:auto}
 table.glance,table.glance tbody,table.glance tr,table.glance td{display:block;width:auto}
 table.glance thead{display:none}table.glance tr{border-bottom:1px solid #d0d7de;padding:6px 0}
 table.glance td{border:0;padding:2px 4px}
 body,main{overflow-wrap:anywhere}
}
@media print{
 @page{size:A4;margin:14mm}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 .jp-Cell,.verdict,figure,table{break-inside:avoid}
 h1,h2,h3{break-after:avoid}
 .jp-OutputArea-output,.data{overflow:visible!important}
 table{font-size:11px}nav.themes{display:none}
}
@media (prefers-color-scheme:dark){
 .verdict{background:#161b22!important;color:#e6edf3}
 tr.gap td{background:#161b22;color:#8b949e}
 table.glance th,table.glance td,table.data th,table.data td{border-color:#30363d}
 a{color:#58a6ff}figure.chart img{background:#fff}
}
"""


def page_css() -> str:
    """The rules behind the classes of :func:`verdict_badge`, :func:`verdict_box` and the page
    parts of :mod:`analysis.report.page` (tables, folds, navigation), with the page's layout for
    narrow screens, print and dark mode."""
    rules = [
        f".badge{{{_BADGE_STYLE}}}",
        ".verdict{border-left:8px solid #6e7781;background:#f6f8fa;padding:8px 12px;margin:8px 0}",
    ]
    for verdict, colour in VERDICT_COLOURS.items():
        rules.append(f".badge.v-{verdict}{{background:{colour}}}")
        rules.append(f".verdict.v-{verdict}{{border-left-color:{colour}}}")
    return "\n".join(rules) + _LAYOUT


def verdict_label(verdict: str) -> str:
    """``partly_supported -> 'partly supported'``."""
    return verdict.replace("_", " ")


def verdict_badge(verdict: str, text: str | None = None) -> str:
    """A coloured pill naming the verdict (or ``text``, e.g. a count)."""
    label = html.escape(text if text is not None else verdict_label(verdict))
    return (
        f'<span class="badge v-{verdict}" '
        f'style="background:{VERDICT_COLOURS[verdict]};{_BADGE_STYLE}">'
        f"{label}</span>"
    )


def verdict_box(result) -> str:
    """A claim's verdict first: the badge, the one-sentence finding, the decisive p-values."""
    colour = VERDICT_COLOURS[result.verdict]
    fragile = " <em>(fragile: flips inside the window range)</em>" if result.fragile else ""
    p = ""
    if result.pvalue is not None:
        adj = result.pvalue_adjusted
        adj = f", adjusted {adj:.3g}" if adj is not None else ""
        p = f"<br><small>decisive p-value {result.pvalue:.3g}{adj} (Benjamini-Hochberg)</small>"
    return (
        f"<div class='verdict v-{result.verdict}' style='border-left:8px solid {colour};"
        "background:#f6f8fa;"
        f"padding:8px 12px;margin:8px 0'>{verdict_badge(result.verdict)}{fragile}<br>"
        f"{html.escape(result.summary)}{_stated_observed(result)}{p}</div>"
    )


def _stated_observed(result) -> str:
    """'Stated: +12% in 15 sessions · Observed: best +10.4%, ...' in words, when known."""
    from analysis.report.formatting import describe_observed, describe_stated

    if result.stated is None and result.observed is None:
        return ""
    parts = []
    for label, text in (
        ("Stated", describe_stated(result)),
        ("Observed", describe_observed(result)),
    ):
        if text:
            parts.append(f"<b>{label}:</b> {html.escape(text).replace(chr(10), '; ')}")
    return f"<br><small class='so'>{' &middot; '.join(parts)}</small>" if parts else ""


# ---------------------------------------------------------------- untrusted text
# Text from claims files, notes, snapshots and manifests is untrusted: it is escaped wherever it
# is shown, links keep only these schemes, and every page forbids script, connections, frames
# and forms through its Content-Security-Policy.
SAFE_SCHEMES = ("http", "https", "mailto")
CSP = (
    "default-src 'none'; script-src 'none'; connect-src 'none'; frame-src 'none'; "
    "child-src 'none'; object-src 'none'; form-action 'none'; base-uri 'none'; "
    "img-src data:; font-src data:; style-src 'unsafe-inline'"
)


def csp_meta() -> str:
    """The ``<meta>`` that carries :data:`CSP` (put first in ``<head>``)."""
    return f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'


def safe_href(url: str | None) -> str | None:
    """``url`` when it is http(s), mailto or relative (no scheme); ``None`` otherwise.

    >>> safe_href("javascript:alert(1)") is None
    True
    >>> safe_href("https://fred.stlouisfed.org/graph/fredgraph.csv?id=DGS10")
    'https://fred.stlouisfed.org/graph/fredgraph.csv?id=DGS10'
    """
    if not url:
        return None
    probe = "".join(ch for ch in url if ch.isprintable() and not ch.isspace()).lower()
    scheme, sep, _ = probe.partition(":")
    if sep and "/" not in scheme and "?" not in scheme and "#" not in scheme:
        return url if scheme in SAFE_SCHEMES else None
    return None if probe.startswith("//") else url  # protocol-relative: another host


def render_markdown(text: str) -> str:
    """Markdown to safe HTML: raw HTML is shown as text, images become nothing, and links keep
    only http(s), mailto and relative targets (:func:`safe_href`)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).disable("image")
    md.validateLink = lambda url: safe_href(url) is not None
    return md.render(text)
