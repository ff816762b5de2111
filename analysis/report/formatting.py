"""Numbers for people: a claim's stated and observed values in words, with their units and the
precision they were stated with (``2,508.22``, ``+12.4%``, ``+251 bp``, ``3.50–3.75%``,
``16.2x``, ``2 Jan 2026``), and theme names in words (``tel_aviv -> "Tel Aviv"``).

:func:`describe_stated` and :func:`describe_observed` give one or two short lines per claim
(what a scorecard cell shows), written per check kind; :func:`detail_stated` and
:func:`detail_observed` give every key of the value, in words, one per line. All return plain
text: the caller escapes it. A ``result`` is an :class:`analysis.results.ClaimResult` or its
``to_dict()`` (a claim of ``results.json``).

>>> pct(0.124), bp(0.0251), rate_range(3.5, 3.75), multiple(16.2), day("2026-01-02")
('+12.4%', '+251 bp', '3.50–3.75%', '16.2x', '2 Jan 2026')
>>> theme_title("tel_aviv"), theme_title("fed_policy")
('Tel Aviv', 'Fed policy')
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from analysis.report.names import label

NONE = "—"
DASH = "–"  # an en dash, for ranges
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_NUMBER = re.compile(r"-?[\d,]*\.?\d+")


# ---------------------------------------------------------------- small formatters
def decimals(x: float | str | None) -> int:
    """The decimals a stated number was written with: ``2508.22 -> 2``, ``15.0 -> 0``,
    ``"40,003.59" -> 2``, ``"about 13.7%" -> 1``; 0 when there is no number."""
    if x is None:
        return 0
    if isinstance(x, str):
        found = _NUMBER.search(x)
        return len(found.group().split(".")[1]) if found and "." in found.group() else 0
    text = f"{round(float(x), 8):.8f}".rstrip("0")
    return len(text.split(".")[1])


def percent(value: float, places: int = 1, *, sign: bool = True) -> str:
    """A value already in percent: ``percent(20.123) == "+20.1%"``."""
    return f"{value:{'+' if sign else ''},.{places}f}%"


def pct(fraction: float, places: int = 1, *, sign: bool = True) -> str:
    """A fraction as a percentage: ``pct(0.124) == "+12.4%"``."""
    return percent(100 * fraction, places, sign=sign)


def bp(fraction: float, places: int = 0) -> str:
    """A fraction in basis points: ``bp(0.0251) == "+251 bp"``."""
    return f"{10_000 * fraction:+,.{places}f} bp"


def rate(value: float, places: int = 2) -> str:
    """A rate or yield in percent: ``rate(3.6281) == "3.63%"``."""
    return f"{value:.{places}f}%"


def rate_range(lower: float, upper: float) -> str:
    """``rate_range(3.5, 3.75) == "3.50–3.75%"``."""
    return f"{lower:.2f}{DASH}{upper:.2f}%"


def level(value: float, places: int = 2) -> str:
    """An index level or price: ``level(2508.22) == "2,508.22"``."""
    return f"{value:,.{places}f}"


def multiple(value: float, places: int = 1) -> str:
    """A valuation multiple: ``multiple(16.23) == "16.2x"``."""
    return f"{value:.{places}f}x"


def count(value: float) -> str:
    """A count: ``count(2368) == "2,368"``."""
    return f"{round(value):,}"


def pvalue(p: float) -> str:
    """A p-value to 3 significant figures."""
    return f"{p:.3g}"


def signed(x: float) -> str:
    """A coefficient (a beta, a slope) to 3 significant figures, signed."""
    return f"{x:+.3g}"


def ordinal(n: int) -> str:
    """``ordinal(3) == "3rd"``."""
    tail = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{tail}"


def day(value: Any) -> str:
    """An ISO date in words: ``day("2026-01-02") == "2 Jan 2026"``; anything else as text."""
    try:
        d = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{d.day} {d:%b %Y}"


def span(first: Any, last: Any) -> str:
    """Two dates as a range: ``3–24 Dec 2025``, ``10 Nov – 2 Dec 2025``, one date once."""
    a, b = day(first), day(last)
    if a == b:
        return a
    (d1, m1, y1), (_, m2, y2) = a.split(" ", 2), b.split(" ", 2)
    if y1 == y2 and m1 == m2:
        return f"{d1}{DASH}{b}"
    return f"{d1} {m1} {DASH} {b}" if y1 == y2 else f"{a} {DASH} {b}"


def days_list(values: list) -> str:
    """Dates of one year as ``17 Sep, 29 Oct, 10 Dec 2025``; other text kept."""
    words = [day(v) for v in values]
    years = {w.rsplit(" ", 1)[-1] for w in words}
    if len(years) == 1 and all(_ISO.match(str(v)) for v in values):
        return ", ".join(w.rsplit(" ", 1)[0] for w in words) + " " + years.pop()
    return ", ".join(words)


def in_words(text: str) -> str:
    """Text with its ISO dates in words: ``"since 2024-12-31" -> "since 31 Dec 2024"``."""
    return _ISO.sub(lambda m: day(m.group()), text)


def number(x: Any) -> str:
    """A value whose unit is unknown, readable: 4 significant figures, thousands separated."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return NONE
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"
    if isinstance(x, list | tuple):
        return ", ".join(number(v) for v in x) or "none"
    if isinstance(x, Mapping):
        return "; ".join(f"{words(k)} {number(v)}" for k, v in x.items())
    return in_words(str(x))


# ---------------------------------------------------------------- themes and keys in words
WORDS = {
    "tel": "Tel", "aviv": "Aviv", "fed": "Fed", "fomc": "FOMC", "us": "US", "uk": "UK",
    "eu": "EU", "ecb": "ECB", "boj": "BoJ", "pe": "P/E", "eps": "EPS", "etf": "ETF",
    "etfs": "ETFs", "ipo": "IPO", "ipos": "IPOs", "mna": "M&A", "gdp": "GDP", "cpi": "CPI",
    "pce": "PCE", "ai": "AI", "s&p": "S&P", "nasdaq": "Nasdaq", "russell": "Russell",
    "dow": "Dow", "treasury": "Treasury", "treasuries": "Treasuries", "israel": "Israel",
    "december": "December", "january": "January", "rsi": "RSI", "ta": "TA", "pp": "pp",
    "bp": "bp", "pvalue": "p-value", "ci": "interval", "nobs": "observations", "pct": "%",
}  # fmt: skip


def words(key: str) -> str:
    """A snake_case key or name in words, acronyms and proper names kept: ``"fed_policy" ->
    "fed policy"``, ``"pvalue_cheap" -> "p-value cheap"``."""
    return " ".join(WORDS.get(w.lower(), w) for w in re.split(r"[_\s]+", str(key)) if w)


def theme_title(theme: str) -> str:
    """A theme as a title: ``"tel_aviv" -> "Tel Aviv"``, ``"index_levels" -> "Index levels"``."""
    text = words(theme)
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------- every key, in words
KEYS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "return_series": ("series return", pct), "return_benchmark": ("benchmark return", pct),
    "return_before": ("return before", pct), "return_after": ("return after", pct),
    "best_return": ("best return", pct), "move": ("move", lambda v: pct(v, decimals(100 * v))),
    "spread": ("spread", bp),
    "share_of_windows_agreeing": ("nearby windows agreeing", lambda v: pct(v, 0, sign=False)),
    "search_chance": ("chance of so close a match by luck", lambda v: pct(v, 1, sign=False)),
    "tolerance": ("tolerance", lambda v: f"±{v:g}"), "days": ("sessions", count),
    "pvalue_cheap": ("p-value (cheap)", pvalue), "pvalue_dear": ("p-value (dear)", pvalue),
    "percentile": ("percentile", lambda v: f"{v:.1f}"),
    "ratio": ("small/large P/E", lambda v: f"{v:.2f}"),
    "long_run_mean_ratio": ("long-run mean ratio", lambda v: f"{v:.2f}"),
    "long_run_mean_ci": ("its 95% interval", lambda v: f"{v[0]:.2f}{DASH}{v[1]:.2f}"),
    "persistence": ("persistence", lambda v: f"{v:.2f}"),
    "half_life": ("half-life (periods)", lambda v: f"{v:.1f}"),
    "discount_pct": ("discount", lambda v: percent(v, sign=False)),
    "slope_per_year": ("trend of the gap", lambda v: f"{v:+.2f} pp a year"),
    "first_gap": ("first growth gap", lambda v: f"{v:.1f} pp"),
    "last_gap": ("last growth gap", lambda v: f"{v:.1f} pp"),
    "beta_small": ("small-cap beta", signed), "beta_large": ("large-cap beta", signed),
    "difference": ("difference", signed), "market_controlled": ("market controlled", number),
    "recent_rate": ("recent rate", lambda v: f"{v:.1f}"),
    "baseline_rate": ("earlier rate", lambda v: f"{v:.1f}"),
    "rate_ratio": ("rate ratio", lambda v: f"{v:.2f}"),
    "implied_at_publication": ("futures-implied rate", rate),
    "realized_average": ("realized average", rate), "rate": ("rate", rate),
    "lower": ("lower bound", rate), "upper": ("upper bound", rate),
    "size_bp": ("size", lambda v: f"{v:,} bp"), "cumulative_bp": ("in all", lambda v: f"{v:,} bp"),
    "change_bp": ("change", lambda v: f"{v:+,} bp"), "implied_move": ("implied move", percent),
    "drawdown": ("below the peak", lambda v: percent(v, sign=False)), "peak": ("peak", level),
    "close_peak": ("highest close", level), "high_peak": ("highest intraday high", level),
    "close": ("close", level), "record": ("record", level), "target": ("target", level),
    "indicator": ("indicator", lambda v: v if isinstance(v, str) else level(v)),
    "total": ("net flows", lambda v: f"{v:+,.0f}"), "rank": ("rank", number),
    "matching_window": ("matching window", lambda v: f"{span(v[0], v[1])} ({bp(v[2])})"),
    "matching_elsewhere": ("match elsewhere", lambda v: f"{span(v[0], v[1])} ({pct(v[2])})"),
    "ends_within": ("ending", lambda v: span(v[0], v[1])),
    "cut_dates": ("cuts effective", days_list),
    "cut_meetings": ("cut at the meetings of", days_list),
    "compare": ("stated", str), "records_nearby": ("record days nearby", count),
    "stated_level_date": ("stated level a record on", day),
    "small": ("small caps", number), "large": ("large caps", number),
    "quarters": ("quarters", count), "no_growth_quarters": ("quarters without growth", number),
    "engle_granger_quarters": ("Engle-Granger quarters", count),
    "engle_granger_p": ("Engle-Granger p-value", pvalue),
}  # fmt: skip


def _render(kind: str, key: str, value: Any, whole: Mapping, stated: bool = False) -> str:
    """One value of a stated or observed mapping in words (``whole``: its siblings); a stated
    level keeps the decimals it was stated with, an observed one has two."""
    if value is None:
        return NONE
    if isinstance(value, str):
        return in_words(value)
    if kind == "change" and key in ("change", "benchmark_change"):
        u = whole.get("unit") if key == "change" else "percent"
        lead = key == "change" and whole.get("benchmark_change") is not None
        return {"bp": f"{value:+,.0f} bp", "points": f"{value:+,.2f} points"}.get(
            str(u), f"{value:+.2f} pp" if lead else percent(value, 2)
        )
    if key in ("year", "since") and isinstance(value, int):
        return str(value)
    if kind in ("level", "level_on_date", "record_high") and key in ("value", "difference", ""):
        return level(value, decimals(value) if stated else 2)
    if kind == "period_rank" and key == "change":
        return percent(value, 2)
    if kind in ("window_move", "relative_return") and key == "tolerance":
        return f"±{10_000 * value:,.0f} bp" if kind == "relative_return" else f"±{100 * value:g} pp"
    if kind == "valuation_point" and key in ("small", "large", "tolerance"):
        shown = multiple(value, decimals(value)) if stated else multiple(value)
        return f"±{shown}" if key == "tolerance" else shown
    if kind == "earnings_forecast" and key in ("small", "large", "estimate", "realized"):
        return f"{value[0]:g}{DASH}{value[1]:g}%" if stated else percent(value, sign=False)
    if key == "target" and stated:
        return level(value, decimals(value))
    if kind == "rate_forecast" and key == "tolerance":
        return f"±{value:g} pp"
    if key in KEYS and not isinstance(value, bool | Mapping):
        try:
            return KEYS[key][1](value)
        except (TypeError, ValueError, IndexError, KeyError):
            return number(value)
    return number(value)


def details(kind: str, value: Any, *, stated: bool = False) -> list[str]:
    """Every key of a stated or observed value in words, ``"label: value"``, one per line."""
    if value is None:
        return [NONE]
    if not isinstance(value, Mapping):
        return [_render(kind, "", value, {}, stated)]
    lines = []
    for key, v in value.items():
        name = KEYS[key][0] if key in KEYS else words(key)
        if kind == "sector_leadership":
            name, v = label(str(key)), pct(v) if isinstance(v, float) else v
        if isinstance(v, Mapping):
            inner = "; ".join(f"{words(k)} {_render(kind, k, x, v)}" for k, x in v.items())
            lines.append(f"{name}: {inner}")
        else:
            lines.append(f"{name}: {_render(kind, key, v, value, stated)}")
    return lines


# ---------------------------------------------------------------- what a cell shows
def _get(result: Any, name: str, default: Any = None) -> Any:
    if isinstance(result, Mapping):
        return result.get(name, default)
    return getattr(result, name, default)


def _describe(result: Any, side: str) -> str:
    from analysis.report.formatting_kinds import IMPLIED, OBSERVED, STATED

    writers = STATED if side == "stated" else OBSERVED
    value, kind = _get(result, side), str(_get(result, "kind") or "")
    if value is None:
        named = side == "stated" and _get(result, "verdict") not in ("needs_data", "error")
        return IMPLIED.get(kind, NONE) if named else NONE
    if isinstance(value, str):
        return in_words(value)
    try:
        return "\n".join(writers[kind](value, result))
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return "\n".join(details(kind, value, stated=side == "stated"))  # a shape not known


def describe_stated(result: Any) -> str:
    """What the claim states, in one or two short lines of plain text (the caller escapes it):
    ``"+12% (±2 pp) in 15 sessions\\nending 24 Dec 2025 – 2 Jan 2026"``."""
    return _describe(result, "stated")


def describe_observed(result: Any) -> str:
    """What the data show, in one or two short lines of plain text (the caller escapes it):
    ``"best +10.4%, 10 Dec 2025 – 2 Jan 2026\\n1 of 6 windows matches"``."""
    return _describe(result, "observed")


def detail_stated(result: Any) -> str:
    """Every key of the stated value in words, one per line (a tooltip, a notebook table)."""
    return "\n".join(details(str(_get(result, "kind") or ""), _get(result, "stated"), stated=True))


def detail_observed(result: Any) -> str:
    """Every key of the observed value in words, one per line."""
    return "\n".join(details(str(_get(result, "kind") or ""), _get(result, "observed")))
