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


def verdict_label(verdict: str) -> str:
    """``partly_supported -> 'partly supported'``."""
    return verdict.replace("_", " ")


def verdict_badge(verdict: str, text: str | None = None) -> str:
    """A coloured pill naming the verdict (or ``text``, e.g. a count)."""
    label = html.escape(text if text is not None else verdict_label(verdict))
    return (
        f'<span class="badge" style="background:{VERDICT_COLOURS[verdict]};{_BADGE_STYLE}">'
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
        f"<div class='verdict' style='border-left:8px solid {colour};background:#f6f8fa;"
        f"padding:8px 12px;margin:8px 0'>{verdict_badge(result.verdict)}{fragile}<br>"
        f"{html.escape(result.summary)}{p}</div>"
    )
