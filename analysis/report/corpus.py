"""The corpus scorecard: one row per article of a corpus run, linking to each article's own.

:func:`corpus_document` gathers ``corpus.json`` from each article's ``results.json`` (the
outlet, the date, the claims, the verdict counts, the share supported, the notebooks that
failed); :func:`render_corpus` makes the page. The page is sortable without script (every page
forbids script): each column's heading links to a copy of the table sorted by that column,
shown by CSS ``:target``; the default order is the newest article first. Everything shown comes
from claims files and is escaped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment
from markupsafe import Markup

from analysis.report.banners import csp_meta, page_css, synthetic_banner, verdict_badge
from analysis.results import VERDICTS

MAX_RESULTS = 50_000_000  # bytes of an article's results.json read

# (anchor, heading, sort key, newest/largest first)
ORDERS = (
    ("by-date", "Date", lambda a: (a["as_of"], a["title"]), True),
    ("by-outlet", "Outlet", lambda a: (a["outlet"].lower(), a["title"].lower()), False),
    ("by-title", "Article", lambda a: a["title"].lower(), False),
    ("by-claims", "Claims", lambda a: (a["claims"], a["title"]), True),
    ("by-share", "Supported", lambda a: (a["share_supported"], a["claims"]), True),
)


def outlet_of(article: Mapping[str, Any]) -> str:
    """The article's outlet as its claims file names it, else its source URL's host."""
    if article.get("outlet"):
        return str(article["outlet"])
    try:
        host = urlsplit(str(article.get("source") or "")).hostname or ""
    except ValueError:  # free text that only looks like a URL ("http://[broken")
        return ""
    return host.removeprefix("www.")


def corpus_document(out: Path, articles: Sequence[tuple[str, Any]], files: Sequence[Path],
                    snapshot: Path) -> dict[str, Any]:  # fmt: skip
    """``corpus.json``: the run, then a row per article (``articles``: ``(id, RunSummary)``)."""
    rows = []
    for (name, summary), claims_file in zip(articles, files, strict=True):
        results = _results(summary.results)
        article = results.get("article") or {}
        claims = results.get("claims") or []
        counts = {v: sum(c.get("verdict") == v for c in claims) for v in VERDICTS}
        rows.append({
            "id": name,
            "title": str(article.get("title") or name),
            "outlet": outlet_of(article),
            "source": str(article.get("source") or ""),
            "as_of": str(article.get("as_of") or ""),
            "claims_file": str(claims_file),
            "folder": f"{name}/",
            "claims": len(claims),
            "counts": counts,
            "share_supported": round(counts["supported"] / len(claims), 4) if claims else 0.0,
            "status": _status(summary),
            "failed": [t.theme for t in summary.failed],
            "synthetic": bool((results.get("snapshot") or {}).get("synthetic")),
        })  # fmt: skip
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "snapshot": str(Path(snapshot).absolute()),
        "articles": rows,
        "totals": {
            "articles": len(rows),
            "claims": sum(r["claims"] for r in rows),
            "counts": {v: sum(r["counts"][v] for r in rows) for v in VERDICTS},
        },  # fmt: skip
    }


def _results(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > MAX_RESULTS:
            return {}
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def _status(summary) -> str:
    if summary.failed:
        return "failed"
    return "reused" if all(t.status == "reused" for t in summary.themes) else "ok"


_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">{{ csp }}
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Corpus scorecard: {{ doc.totals.articles }} articles</title>
<style>{{ css }}
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1f2328}
main{max-width:1200px;margin:0 auto;padding:18px 24px 40px}
table.corpus{border-collapse:collapse;width:100%;font-size:14px}
table.corpus th,table.corpus td{border-bottom:1px solid #d0d7de;padding:5px 8px;
 text-align:left;vertical-align:top}
table.corpus td.n{text-align:right;font-variant-numeric:tabular-nums}
table.corpus td.d{white-space:nowrap}table.corpus th.sorted a::after{content:" \\25BE"}
table.corpus th a{color:inherit}table.corpus th.sorted a{text-decoration:none}
.order{display:none}.order.default,.order:target{display:block}
.order:target~.default{display:none}
.failed{color:#cf222e;font-weight:600}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}
 table.corpus th,table.corpus td{border-color:#30363d}}
@media (max-width:700px){table.corpus{font-size:13px}.counts{display:none}}
</style></head><body><main>
{% if synthetic %}{{ banner }}{% endif %}
<h1>Corpus scorecard</h1>
<p>{{ doc.totals.articles }} articles, {{ doc.totals.claims }} claims, checked on
<code>{{ doc.snapshot }}</code>; generated {{ generated }}.
{% for v, n in totals %}{{ badge(v, v.replace('_', ' ') ~ ': ' ~ n) }} {% endfor %}</p>
<p><small>Sort by a column by following its heading. <em>Supported</em> is the share of an
article's claims whose verdict is <em>supported</em>, of all its claims.</small></p>
{% for anchor, rows, default in tables %}
<section class="order{% if default %} default{% endif %}" id="{{ anchor }}">
<table class="corpus"><thead><tr>
{% for a, heading in headings %}<th{% if a == anchor %} class="sorted" aria-sort="
{{- 'ascending' if a in ('by-outlet', 'by-title') else 'descending' }}"{% endif %}>
<a href="#{{ a }}">{{ heading }}</a></th>{% endfor %}
<th class="counts">Verdicts</th></tr></thead><tbody>
{% for r in rows %}<tr><td class="d">{{ r.as_of }}</td><td>{{ r.outlet or '—' }}</td>
<td><a href="{{ r.folder }}index.html">{{ r.title }}</a>{% if r.failed %}
<br><span class="failed">{{ r.failed|length }} notebook(s) failed:
{{ r.failed|join(', ') }}</span>{% endif %}
{% if r.status == 'reused' %}<br><small>unchanged since the last run, kept</small>{% endif %}</td>
<td class="n">{{ r.claims }}</td><td class="n">{{ '%.0f'|format(100 * r.share_supported) }}%</td>
<td class="counts">{% for v in verdicts %}{% if r.counts[v] %}
{{ badge(v, v.replace('_', ' ') ~ ' ' ~ r.counts[v]) }}{% endif %}{% endfor %}</td></tr>
{% endfor %}</tbody></table></section>
{% endfor %}
<footer><small>Results in <a href="corpus.json">corpus.json</a>; each article's in its folder's
<code>results.json</code>.</small></footer>
</main></body></html>
"""


def render_corpus(doc: Mapping[str, Any]) -> str:
    """The corpus scorecard page for a ``corpus.json`` document."""
    rows = list(doc["articles"])
    # the default order (the first) last: a targeted table before it hides it (CSS ~)
    tables = [(anchor, sorted(rows, key=key, reverse=reverse), anchor == ORDERS[0][0])
              for anchor, _, key, reverse in (*ORDERS[1:], ORDERS[0])]  # fmt: skip
    env = Environment(autoescape=True)
    return env.from_string(_TEMPLATE).render(
        doc=doc,
        csp=Markup(csp_meta()),
        css=Markup(page_css()),
        tables=tables,
        headings=[(a, h) for a, h, _, _ in ORDERS],
        verdicts=VERDICTS,
        totals=[(v, n) for v, n in doc["totals"]["counts"].items() if n],
        badge=lambda v, text: Markup(verdict_badge(v, text)),
        banner=Markup(synthetic_banner()),
        synthetic=any(r["synthetic"] for r in rows),
        generated=str(doc["generated_at"]).replace("T", " ").replace("+00:00", " UTC"),
    )
