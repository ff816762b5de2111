"""The scorecard page (analysis.report.scorecard), from in-process results on a toy snapshot."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import pytest

from analysis.checks import Context, evaluate_all
from analysis.claims import load_claims
from analysis.report.htmlexport import external_references
from analysis.report.results_json import results_document
from analysis.report.scorecard import claim_review, render_scorecard, write_scorecard
from analysis.results import VERDICT_COLOURS
from analysis.snapshot import Snapshot
from analysis.snapshot.manifest import Manifest, describe_file, utc_now, write_manifest
from tests.test_runner import CLAIMS, make_snapshot


class Page(HTMLParser):
    """The parts of the scorecard the tests look at: claim rows, links, JSON-LD blocks."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self.links: list[str] = []
        self.json_ld: list[str] = []
        self._ld = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and attrs.get("class") == "claim":
            self.rows.append(attrs)
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        self._ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._ld:
            self.json_ld.append(data)
            self._ld = False


def document_for(snapshot_root, claims_path, **run):
    registry = load_claims(claims_path)
    snap = Snapshot(snapshot_root)
    results = evaluate_all(registry, snap, Context())
    doc = results_document(results, registry=registry, snapshot=snap, alpha=0.05)
    if run:
        doc["run"] = run
    return json.loads(json.dumps(doc)), snap  # as read back from results.json


@pytest.fixture
def toy(tmp_path):
    claims = tmp_path / "claims.yaml"
    claims.write_text(CLAIMS)
    return make_snapshot(tmp_path / "snap"), claims


def test_one_row_per_claim_with_badge_values_and_link(toy):
    doc, snap = document_for(*toy)
    page = render_scorecard(doc, snapshot=snap)
    parsed = Page(page)
    assert [r["id"] for r in parsed.rows] == ["claim-toy_close", "claim-toy_close_wrong",
                                              "claim-toy_range"]  # fmt: skip
    assert [r["data-verdict"] for r in parsed.rows] == ["supported", "contradicted", "supported"]
    assert (
        f'class="badge v-contradicted" style="background:{VERDICT_COLOURS["contradicted"]};' in page
    )
    assert re.search(r'<span class="badge[^"]*"[^>]*>contradicted</span>', page)
    assert {"levels.html#toy_close", "levels.html#toy_close_wrong", "policy.html#toy_range"} <= set(
        parsed.links
    )
    assert cells(page) == {
        "toy_close": ("2,508.22 on 2 Jan 2026", "2,508.22 on 2 Jan 2026"),
        "toy_close_wrong": (
            "2,600 on 2 Jan 2026",
            "2,508.22 on 2 Jan 2026\n91.78 below the stated",
        ),
        "toy_range": ("3.50–3.75%", "3.50–3.75% on 2 Jan 2026"),
    }
    assert "…" not in page and "{" not in "".join(sum(cells(page).values(), ()))
    assert "no manifest" in page and "2025-12-10 to 2026-01-02" in page
    assert "SYNTHETIC DATA" not in page
    assert external_references(page) == []
    assert "<script>" not in page  # JSON-LD only: nothing runs


def test_json_ld_is_one_valid_claim_review_per_claim(toy):
    doc, snap = document_for(*toy)
    parsed = Page(render_scorecard(doc, snapshot=snap))
    reviews = [json.loads(block) for block in parsed.json_ld]
    assert [r["@type"] for r in reviews] == ["ClaimReview"] * 3
    first, wrong = reviews[0], reviews[1]
    assert first["claimReviewed"] == "The index closed at 2,508.22"
    assert first["url"] == "levels.html#toy_close"
    assert first["reviewRating"]["alternateName"] == "supported"
    assert first["reviewRating"]["ratingValue"] == 5
    assert wrong["reviewRating"]["ratingValue"] == 1
    assert first["itemReviewed"]["@type"] == "Claim"
    assert first["itemReviewed"]["appearance"]["headline"] == "A toy article"
    assert first["itemReviewed"]["datePublished"] == "2026-01-02"


def test_unrated_verdicts_have_no_number_but_say_why():
    claim = {"id": "x", "theme": "t", "text": "T", "verdict": "needs_data",
             "summary": "The snapshot lacks user/eps.csv."}  # fmt: skip
    rating = claim_review(claim, {"title": "A"}, published="2026-01-05T00:00:00+00:00")[
        "reviewRating"
    ]
    assert "ratingValue" not in rating and rating["alternateName"] == "needs_data"
    assert rating["ratingExplanation"].startswith("Not rated: the data the check needs is missing")


def test_a_closing_script_tag_in_a_claim_stays_inside_its_json_ld(toy, tmp_path):
    claims = tmp_path / "evil.yaml"
    claims.write_text(toy[1].read_text().replace("The index closed at 2,600", "</script><b>x"))
    doc, snap = document_for(toy[0], claims)
    page = render_scorecard(doc, snapshot=snap)
    reviews = [json.loads(b) for b in Page(page).json_ld]
    assert reviews[1]["claimReviewed"] == "</script><b>x"
    assert "<b>x" not in page.replace("&lt;b&gt;x", "")


def test_synthetic_snapshot_gets_a_red_banner_and_its_provenance(toy):
    root, claims = toy
    entries = {
        rel: describe_file(root, rel, source="demo", identifier=rel.split("/")[1][:-4])
        for rel in Snapshot(root).files
    }
    write_manifest(root, Manifest(created_at=utc_now(), synthetic=True, files=entries,
                                  description="Toy data, generated."))  # fmt: skip
    doc, snap = document_for(root, claims)
    page = render_scorecard(doc, snapshot=snap)
    banner = re.search(r'<div class="banner synthetic" role="alert"[^>]*>(.*?)</div>', page, re.S)
    assert banner and banner.group(1).startswith("SYNTHETIC DATA, NOT MARKET DATA")
    assert page.index("banner synthetic") < page.index("<h1>")  # at the top
    assert "Toy data, generated." in page and "no manifest" not in page
    assert "<td>demo</td><td>DFEDTARL</td>" in page.replace("\n", "")


def test_notes_are_rendered_safely_under_their_claim(toy, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "toy_close.md").write_text(
        "Checked against the **exchange's** file.\n\n<script>alert(1)</script>\n\n"
        "![chart](https://example.com/c.png) [source](https://example.com/src)\n"
    )
    doc, snap = document_for(*toy)
    page = render_scorecard(doc, snapshot=snap, notes_dir=notes)
    row = page[page.index('id="claim-toy_close"') : page.index('id="claim-toy_close_wrong"')]
    assert "<strong>exchange's</strong>" in row.replace("&#x27;", "'")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in row and "<script>alert" not in page
    assert '<a href="https://example.com/src">source</a>' in row
    assert external_references(page) == []  # the note's image became text, not a download
    assert page.count('class="note"') == 1


def test_warnings_and_failed_notebooks_are_shown_at_the_top(toy, tmp_path):
    run = {
        "notebooks": [
            {"theme": "levels", "status": "ok", "page": "levels.html", "error": None,
             "seconds": 3.2},
            {"theme": "policy", "status": "failed", "page": "policy.html",
             "error": "notebook failed: KeyError: 'x'", "seconds": 1.0},
        ],
        "warnings": ["fetching fresh data failed (ConnectionError: no route); this report uses "
                     "the newest existing snapshot, data/demo, instead"],
    }  # fmt: skip
    doc, snap = document_for(*toy, **run)
    path = write_scorecard(tmp_path / "out" / "index.html", doc, snapshot=snap)
    page = path.read_text()
    assert "WARNING: fetching fresh data failed (ConnectionError: no route)" in page
    assert "1 notebook(s) failed:\nPolicy" in page
    assert '<a href="levels.html">Levels</a>:' in page
    assert "notebook failed: KeyError: &#39;x&#39;" in page
    assert page.index("WARNING") < page.index("<h1>")


def cells(page: str) -> dict[str, tuple[str, str]]:
    """Each claim's stated and observed cells, as text (what a reader sees)."""
    found = {}
    for cid, body in re.findall(r'<tr class="claim" id="claim-([^"]+)"(.*?)</tr>', page, re.S):
        nums = re.findall(r'<td class="num" data-label="\w+" title="[^"]*">(.*?)</td>', body, re.S)
        found[cid] = (html.unescape(nums[0]), html.unescape(nums[1]))
    return found


def test_stated_and_observed_cells_are_in_words_with_every_key_in_the_tooltip(toy):
    doc, snap = document_for(*toy)
    page = render_scorecard(doc, snapshot=snap)
    row = page[page.index('id="claim-toy_close_wrong"') : page.index('id="claim-toy_range"')]
    assert 'title="value: 2,600\ndate: 2 Jan 2026\ntolerance: ±0.005"' in row
    assert 'title="value: 2,508.22\ndate: 2 Jan 2026\ndifference: -91.78"' in row
    assert '<span title="prices/^RUT.csv">Russell 2000</span> &middot; 2 Jan 2026</div>' in row
    assert '<tr class="theme"><th colspan="5"><a href="levels.html">Levels</a>' in page
    assert '<a href="policy.html">Policy</a></th></tr>' in page
