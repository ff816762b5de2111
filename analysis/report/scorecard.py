"""The scorecard (``index.html``): one row per claim, its verdict, numbers and a link to its page.

The page is built from the ``results.json`` document (see
:func:`analysis.report.results_json.results_document`, plus the runner's ``run`` section) and
the snapshot it ran on. It says at the top what data it used (each file's provider and download
time from ``manifest.json``; "no manifest" otherwise) and, in a red banner, when that data is
synthetic. Analysts' notes (``notes/<claim id>.md``) show under their claim, rendered from
Markdown with raw HTML escaped. Each claim also carries a schema.org ``ClaimReview`` in JSON-LD.
Inline CSS only: the page loads nothing and runs no script.

Examples
--------
>>> from analysis.report.scorecard import write_scorecard
>>> write_scorecard("index.html", document, snapshot=snap, notes_dir="notes")  # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from analysis.errors import DataError
from analysis.report.banners import (
    csp_meta,
    render_markdown,
    safe_href,
    synthetic_banner,
    verdict_badge,
)
from analysis.report.formatting import (
    describe_observed,
    describe_stated,
    detail_observed,
    detail_stated,
    span,
    theme_title,
)
from analysis.report.names import label
from analysis.results import VERDICTS
from analysis.snapshot import Snapshot

# ClaimReview ratings (1 = false ... 5 = true); verdicts that rate nothing have no number
RATINGS = {"contradicted": 1, "partly_supported": 3, "supported": 5}
UNRATED = {
    "inconclusive": "Not rated: the test cannot tell.",
    "needs_data": "Not rated: the data the check needs is missing.",
    "pending": "Not rated: a forecast whose date has not come.",
    "error": "Not rated: the check failed.",
}
VERDICT_MEANING = {
    "supported": "the data agrees with the claim",
    "partly_supported": "part of the claim holds (e.g. the number but not the date)",
    "contradicted": "the data disagrees with the claim",
    "inconclusive": "the test cannot tell",
    "needs_data": "the snapshot lacks a file the check needs",
    "pending": "a forecast whose date has not come",
    "error": "the check or its notebook failed",
}


def render_note(text: str) -> Markup:
    """An analyst's note as safe HTML (:func:`analysis.report.banners.render_markdown`)."""
    return Markup(render_markdown(text))


def claim_review(claim: Mapping[str, Any], article: Mapping[str, Any], *, published: str) -> dict:
    """The schema.org ``ClaimReview`` of one claim (a dict, ready for JSON-LD).

    ``reviewRating.alternateName`` is the verdict; ``ratingValue`` runs from 1 (contradicted)
    through 3 (partly supported) to 5 (supported), and is absent, with ``ratingExplanation``
    saying why, for a verdict that rates nothing (needs_data, pending, error, inconclusive).
    """
    verdict = claim["verdict"]
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": verdict}
    if verdict in RATINGS:
        rating |= {"ratingValue": RATINGS[verdict], "bestRating": 5, "worstRating": 1}
        rating["ratingExplanation"] = claim.get("summary", "")
    else:
        rating["ratingExplanation"] = f"{UNRATED.get(verdict, 'Not rated.')} {claim['summary']}"
    appearance = {"@type": "Article", "headline": article.get("title", "")}
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{claim['theme']}.html#{claim['id']}",
        "identifier": claim["id"],
        "claimReviewed": claim["text"],
        "datePublished": published[:10],
        "author": {"@type": "Organization", "name": "workbook (automated data checks)"},
        "reviewRating": rating,
        "itemReviewed": {
            "@type": "Claim",
            "datePublished": article.get("as_of"),
            "appearance": appearance,
            "firstAppearance": appearance,
        },
    }


def _json_ld(data: dict) -> Markup:
    # "<" escaped so that no "</script>" can end the block early; still valid JSON
    return Markup(json.dumps(data, ensure_ascii=False, indent=1).replace("<", "\\u003c"))


def provenance(snapshot: Snapshot) -> dict[str, Any]:
    """Where the snapshot's files came from: one row per file, the date range, the manifest."""
    manifest = snapshot.manifest
    rows = []
    for rel in snapshot.files:
        entry = manifest.files.get(rel) if manifest else None
        if entry is not None:
            row = {
                "file": rel,
                "source": entry.source,
                "identifier": entry.identifier,
                "url": safe_href(entry.url),
                "rows": entry.rows,
                "retrieved": entry.retrieved_at.strftime("%Y-%m-%d %H:%M UTC")
                if entry.retrieved_at
                else "—",
                "first": str(entry.first_date or "—"),
                "last": str(entry.last_date or "—"),
            }
        else:
            row = {
                "file": rel,
                "source": "not in manifest" if manifest else "unknown",
                "identifier": Path(rel).stem,
                "url": None,
                "retrieved": "—",
            }
            try:
                frame = snapshot.load(rel)
                row |= {
                    "rows": len(frame),
                    "first": f"{frame.index[0]:%Y-%m-%d}",
                    "last": f"{frame.index[-1]:%Y-%m-%d}",
                }
            except (DataError, IndexError) as exc:
                row |= {"rows": "—", "first": "unreadable", "last": str(exc)[:80]}
        rows.append(row)
    dated = [r for r in rows if r["first"][:1].isdigit()]
    sources: dict[str, int] = {}
    for r in rows:
        sources[r["source"]] = sources.get(r["source"], 0) + 1
    return {
        "path": str(snapshot.root),
        "synthetic": snapshot.synthetic,
        "manifest": manifest,
        "created": f"{manifest.created_at:%Y-%m-%d %H:%M} UTC" if manifest else None,
        "description": manifest.description if manifest else "",
        "first": min((r["first"] for r in dated), default="—"),
        "last": max((r["last"] for r in dated), default="—"),
        "sources": sources,
        "files": rows,
    }


_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;
  margin:0;background:#f6f8fa}
main{max-width:1380px;margin:0 auto;padding:18px 24px 40px}
h1{font-size:26px;margin:8px 0 4px}h2{font-size:19px;margin:26px 0 8px}
a{color:#0969da}
code{font:12px ui-monospace,Menlo,monospace;background:#eff1f3;padding:1px 4px;border-radius:4px}
.banner{padding:14px 24px;font-weight:700;font-size:18px;color:#fff}
.synthetic{background:#cf222e;font-size:22px;letter-spacing:.02em}.warn{background:#bc4c00}
.banner small{display:block;font-weight:400;font-size:14px;margin-top:2px}
.lede{color:#59636e;margin:0 0 10px}
.panel{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px 16px}
.badge{display:inline-block;color:#fff;border-radius:999px;padding:2px 10px;font-size:12px;
  font-weight:700;white-space:nowrap;text-transform:uppercase}
.counts .badge{margin:0 6px 4px 0}.tag{font-size:11px;color:#9a6700;font-weight:700}
dl{display:grid;grid-template-columns:max-content 1fr;gap:3px 14px;margin:0}
dt{color:#59636e}dd{margin:0}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;vertical-align:top;padding:8px 10px;border-bottom:1px solid #d8dee4}
thead th{background:#eaeef2;font-size:13px;position:sticky;top:0}
tr.theme th{background:#f6f8fa;font-size:15px;padding-top:14px}
tr.claim:hover{background:#f6f8fa}
td.num{white-space:pre-line;font-size:13.5px;font-variant-numeric:tabular-nums;min-width:200px;
  max-width:300px;overflow-wrap:break-word}
td.claimtext{max-width:330px}.meta{color:#59636e;font-size:12.5px;margin-top:4px}
.note{border-left:4px solid #8250df;background:#fbf8ff;margin-top:8px;padding:4px 10px;
  font-size:14px}
.note p{margin:4px 0}.files{font-size:13px}.files td,.files th{padding:4px 8px}
details summary{cursor:pointer;color:#0969da;margin-top:8px}
ul.nb{margin:0;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:4px 22px}
.failed{color:#cf222e;font-weight:700}footer{color:#59636e;font-size:13px;margin-top:24px}
a:focus-visible,summary:focus-visible{outline:3px solid #0969da;outline-offset:2px}
@media (max-width:760px){
 main{padding:12px}h1{font-size:21px}
 table.scorecard,table.scorecard tbody,table.scorecard tr,table.scorecard td,
 table.scorecard th{display:block;width:auto;max-width:none;min-width:0}
 table.scorecard thead{display:none}table.scorecard tr.claim{border-bottom:2px solid #d0d7de;
  padding:6px 0}table.scorecard td{border:0;padding:3px 8px}
 td.num:before{content:attr(data-label) ": ";font-weight:600;color:#59636e}
 .files{display:block;overflow-x:auto}dl{grid-template-columns:1fr}
 body{overflow-wrap:anywhere}
}
@media print{
 @page{size:A4;margin:12mm}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 body{background:#fff;font-size:11px}main{max-width:none;padding:0}
 thead th{position:static}tr.claim{break-inside:avoid}
 td.num{min-width:0;max-width:none}td.claimtext{max-width:none}
 table{font-size:10.5px}th,td{padding:4px 5px}
}
@media (prefers-color-scheme:dark){
 body{background:#0d1117;color:#e6edf3}a{color:#58a6ff}
 .panel,table{background:#161b22;border-color:#30363d}
 thead th{background:#21262d}tr.theme th{background:#0d1117}tr.claim:hover{background:#1c2128}
 th,td{border-color:#30363d}code{background:#21262d;color:#e6edf3}
 .lede,.meta,dt,footer{color:#8b949e}.note{background:#1c1830}
}
"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
{{ csp }}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Scorecard: {{ article.title }}</title>
<style>{{ css }}</style>
{% for review in reviews %}<script type="application/ld+json">{{ review }}</script>
{% endfor %}</head><body>
{% if snap.synthetic %}{{ synthetic_banner }}{% endif %}
{% for w in warnings %}<div class="banner warn" role="alert">WARNING: {{ w }}</div>{% endfor %}
{% if failed %}<div class="banner warn" role="alert">{{ failed|length }} notebook(s) failed:
{{ failed|map(attribute="theme")|map("theme_title")|join(", ") }}
<small>Their claims show as error below; the other notebooks ran.</small></div>{% endif %}
<main>
<h1>Scorecard: {{ article.title }}</h1>
<p class="lede">{{ claims|length }} claims checked against data. Generated {{ generated }};
data {% if until %}up to {{ until }}{% else %}to the end of the snapshot{% endif %};
tests at &alpha; = {{ alpha }} on Benjamini&ndash;Hochberg adjusted p-values.
Article as of {{ article.as_of }}.</p>
<div class="counts">{% for v, n in counts %}{{ badge(v, v|replace("_", " ") ~ ": " ~ n) }}
{%- endfor %}</div>

<h2>Data</h2>
<div class="panel"><dl>
<dt>snapshot</dt><dd><code>{{ snap.path }}</code> &middot; {% if snap.synthetic -%}
<strong style="color:#cf222e">synthetic demo data</strong>{% else %}market data{% endif %}</dd>
<dt>files</dt><dd>{{ snap.files|length }}, dated {{ snap.first }} to {{ snap.last }}</dd>
<dt>manifest</dt><dd>{% if snap.manifest %}written {{ snap.created }}
{%- if snap.description %}: {{ snap.description }}{% endif %}
{%- else %}no manifest: a hand-made folder, so where the files came from and when is not
recorded{% endif %}</dd>
<dt>sources</dt><dd>{% for s, n in snap.sources.items() %}{{ s }} ({{ n }})
{%- if not loop.last %}, {% endif %}{% endfor %}</dd>
</dl>
<details><summary>Where each file came from</summary>
<table class="files"><thead><tr><th>file</th><th>source</th><th>identifier</th>
<th>downloaded</th><th>rows</th><th>first</th><th>last</th></tr></thead><tbody>
{% for f in snap.files %}<tr><td><code>{{ f.file }}</code></td><td>{{ f.source }}</td>
<td>{% if f.url %}<a href="{{ f.url }}">{{ f.identifier }}</a>{% else %}{{ f.identifier }}
{%- endif %}</td><td>{{ f.retrieved }}</td><td>{{ f.rows }}</td><td>{{ f.first }}</td>
<td>{{ f.last }}</td></tr>
{% endfor %}</tbody></table></details></div>

{% if notebooks %}<h2>Notebooks</h2><div class="panel"><ul class="nb">
{% for nb in notebooks %}{% set name = theme_title(nb.theme) %}<li>{% if nb.page -%}
<a href="{{ nb.page }}">{{ name }}</a>{% else %}{{ name }}{% endif %}:
<span class="{{ nb.status }}">{{ nb.status }}</span>
{%- if nb.status == "ok" %} ({{ nb.seconds }} s){% endif %}
{%- if nb.error %} &middot; {{ nb.error }}{% endif %}</li>
{% endfor %}</ul></div>{% endif %}

<h2>Claims</h2>
<table class="scorecard"><thead><tr><th>verdict</th><th>the article says</th><th>stated</th>
<th>observed</th><th>finding</th></tr></thead><tbody>
{% for theme, rows in themes %}{% set title = theme_title(theme) %}
<tr class="theme"><th colspan="5">{% if pages.get(theme) -%}
<a href="{{ pages[theme] }}">{{ title }}</a>{% else %}{{ title }}{% endif %}</th></tr>
{% for c in rows %}<tr class="claim" id="claim-{{ c.id }}" data-verdict="{{ c.verdict }}">
<td>{{ badge(c.verdict) }}
{%- if c.fragile %}<div class="tag">fragile</div>{% endif %}</td>
<td class="claimtext">&ldquo;{{ c.text }}&rdquo;<div class="meta"><code>{{ c.id }}</code>
&middot; {% if pages.get(c.theme) -%}
<a class="section" href="{{ pages[c.theme] }}#{{ c.id }}">details &rarr;</a>
{%- else %}no page{% endif %}</div></td>
<td class="num" data-label="stated" title="{{ c.stated_full }}">{{ c.stated_text }}</td>
<td class="num" data-label="observed" title="{{ c.observed_full }}">{{ c.observed_text }}</td>
<td>{{ c.summary }}<div class="meta">
{%- if c.pvalue is not none %}p = {{ "%.3g"|format(c.pvalue) }}
{%- if c.pvalue_adjusted is not none %} (adjusted {{ "%.3g"|format(c.pvalue_adjusted) }})
{%- endif %} &middot; {% endif %}<span title="{{ c.data|join(', ') }}">
{{- c.series|join(", ") }}</span>
{%- if c.dates %} &middot; {{ c.dates }}{% endif %}</div>
{% if c.note %}<div class="note"><strong>Analyst note</strong>{{ c.note }}</div>{% endif %}
</td></tr>
{% endfor %}{% endfor %}</tbody></table>

<h2>Verdicts</h2><div class="panel"><dl>{% for v in verdicts %}<dt>{{ badge(v) }}</dt>
<dd>{{ meaning[v] }}</dd>{% endfor %}</dl></div>
<footer>Results in <a href="results.json">results.json</a>{% if article.claims_file %}; claims
from <code>{{ article.claims_file }}</code>{% endif %}. Each claim also carries a schema.org
ClaimReview (JSON-LD).</footer>
</main></body></html>
"""


def render_scorecard(
    document: Mapping[str, Any], *, snapshot: Snapshot, notes_dir: str | Path | None = None
) -> str:
    """The scorecard page for a ``results.json`` document run on ``snapshot``.

    Parameters
    ----------
    document
        The results document; its optional ``run`` section (the runner's) gives the theme pages,
        the notebooks' status and the warnings to show at the top.
    snapshot
        The snapshot the results were computed on (its manifest says where the data came from).
    notes_dir
        A folder of analysts' notes, ``<claim id>.md``; ``None`` for none.

    Returns
    -------
    str
        A complete HTML page.
    """
    run = document.get("run") or {}
    notebooks = run.get("notebooks") or []
    pages = {nb["theme"]: nb.get("page") for nb in notebooks}
    notes = Path(notes_dir) if notes_dir else None
    claims = []
    for c in document["claims"]:
        pages.setdefault(c["theme"], f"{c['theme']}.html" if not notebooks else None)
        note_file = notes / f"{c['id']}.md" if notes else None
        claims.append(
            {
                **c,
                "stated_text": describe_stated(c),
                "stated_full": detail_stated(c),
                "observed_text": describe_observed(c),
                "observed_full": detail_observed(c),
                "series": [label(f) for f in c.get("data") or ()],
                "dates": span(*c["date_range"]) if c.get("date_range") else None,
                "note": render_note(note_file.read_text(encoding="utf-8"))
                if note_file and note_file.is_file()
                else None,
            }
        )
    themes: dict[str, list] = {}
    for c in claims:
        themes.setdefault(c["theme"], []).append(c)
    article = document["article"]
    published = document.get("generated_at") or ""
    env = Environment(autoescape=True, trim_blocks=False)
    env.filters["theme_title"] = theme_title
    return env.from_string(_TEMPLATE).render(
        css=Markup(_CSS),
        article=article,
        claims=claims,
        themes=list(themes.items()),
        pages=pages,
        reviews=[_json_ld(claim_review(c, article, published=published)) for c in claims],
        snap=provenance(snapshot),
        warnings=run.get("warnings") or [],
        failed=[nb for nb in notebooks if nb.get("status") == "failed"],
        notebooks=notebooks,
        generated=published.replace("T", " ").replace("+00:00", " UTC"),
        until=document.get("evaluated_until"),
        alpha=document.get("alpha"),
        counts=[(v, n) for v in VERDICTS if (n := sum(c["verdict"] == v for c in claims))],
        badge=lambda v, text=None: Markup(verdict_badge(v, text)),
        synthetic_banner=Markup(synthetic_banner()),
        csp=Markup(csp_meta()),
        verdicts=VERDICTS,
        meaning=VERDICT_MEANING,
        theme_title=theme_title,
    )


def write_scorecard(
    path: str | Path,
    document: Mapping[str, Any],
    *,
    snapshot: Snapshot,
    notes_dir: str | Path | None = None,
) -> Path:
    """Write the scorecard page (see :func:`render_scorecard`) to ``path`` and return it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_scorecard(document, snapshot=snapshot, notes_dir=notes_dir), "utf-8")
    return path
