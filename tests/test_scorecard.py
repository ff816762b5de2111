"""The scorecard page (analysis.report.scorecard), from in-process results on a toy snapshot."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from analysis.checks import Context, evaluate_all
from analysis.claims import load_claims
from analysis.report.htmlexport import external_references
from analysis.report.results_json import results_document
from analysis.report.scorecard import claim_review, compact, render_scorecard, write_scorecard
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
    assert "value: 2508.22" in page and "lower: 3.5\nupper: 3.75" in page
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
    assert "1 notebook(s) failed:\npolicy" in page
    assert "notebook failed: KeyError: &#39;x&#39;" in page
    assert page.index("WARNING") < page.index("<h1>")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "—"),
        (2508.2199999, "2508.22"),
        (0.123456, "0.1235"),
        (3.0, "3"),
        ({"lower": 3.5, "date": "2026-01-02"}, "lower: 3.5\ndate: 2026-01-02"),
        ([0.17, 0.22], "0.17, 0.22"),
        (True, "yes"),
    ],
)
def test_compact_values(value, text):
    assert compact(value) == text
