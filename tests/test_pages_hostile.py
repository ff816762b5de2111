"""Hostile text never runs in the pages: claims, notes, file names and manifests are escaped.

A toy snapshot and claims file carry script in every place a user or a server controls: a
claim's text and note, an analyst's note (``notes/<id>.md``), a CSV file's name (the data table's
caption), and a manifest URL. The report is built with ``run_all`` (the generic notebook,
``notebooks/claims.ipynb``); its pages must show that text as text, carry the
Content-Security-Policy, and hold no script, event handler, ``javascript:`` link, frame, object
or form. ``test_browser.py`` opens such pages in Chromium.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from analysis import paths
from analysis.report.banners import CSP, render_markdown, safe_href
from analysis.run import run_all
from analysis.snapshot.manifest import Manifest, describe_file, utc_now, write_manifest

pytestmark = pytest.mark.notebook  # run_all executes the generic notebook in a kernel

XSS = "<script>alert('x')</script><img src=x onerror=alert(1)>"
FILE = "prices/<img src=x onerror=alert(2)>.csv"
NOTE = """Hostile note <script>alert(3)</script> <details open ontoggle=alert(4)>d</details>
<iframe srcdoc="<script>alert(5)</script>"></iframe>

[click](javascript:alert(6)) [ok](https://example.com/article) [rel](other.html#x)
![img](https://example.com/beacon.png)
"""


def hostile_claims(path: Path) -> Path:
    path.write_text(
        f"""\
article: {{id: hostile, title: "Title {XSS}", as_of: 2026-01-02}}
claims:
  - id: hostile_close
    theme: levels
    text: "Closed at 2,508.22 {XSS}"
    note: "note {XSS}"
    kind: level_on_date
    data: ["{FILE}"]
    params: {{series: "{FILE}", date: 2026-01-02, stated: 2508.22, tolerance: 0.005}}
""",
        encoding="utf-8",
    )
    return path


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of executable scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def dangerous(page: str) -> list[str]:
    """What in ``page`` could run script, leave the page or embed another document."""
    parser = Tags()
    parser.feed(page)
    found = []
    for tag, attrs in parser.tags:
        if tag == "script" and (attrs.get("type") or "") != "application/ld+json":
            found.append(f"<script {attrs}>")
        if tag in ("iframe", "frame", "object", "embed", "form", "base"):
            found.append(f"<{tag}>")
        found += [f"<{tag} {k}>" for k in attrs if k.startswith("on")]
        for key in ("href", "src", "action", "formaction", "srcdoc"):
            value = attrs.get(key)
            if value is not None and (key == "srcdoc" or safe_href(value) is None):
                inert = (key == "src" and value.startswith("data:image/")) or (
                    # the data used, as a CSV download: base64 text, never navigated to
                    tag == "a" and "download" in attrs and value.startswith("data:text/csv;base64,")
                )
                if not inert:
                    found.append(f"<{tag} {key}={value[:60]!r}>")
    return found


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    snap = root / "snap"
    (snap / "prices").mkdir(parents=True)
    (snap / FILE).write_text("Date,Close\n2025-12-31,2481.91\n2026-01-02,2508.22\n")
    entry = describe_file(snap, FILE, source="yahoo", identifier="X")
    entry = entry.model_copy(update={"url": "javascript:alert(7)"})
    write_manifest(snap, Manifest(created_at=utc_now(), files={FILE: entry}))
    notes = root / "notes"
    notes.mkdir()
    (notes / "hostile_close.md").write_text(NOTE, encoding="utf-8")
    claims = hostile_claims(root / "claims.yaml")
    out = root / "report"
    run_all(snap, claims=claims, notebooks_dir=paths.NOTEBOOKS, notes_dir=notes, out=out, jobs=1,
            progress=False)  # fmt: skip
    return out


@pytest.mark.parametrize("page", ["index.html", "levels.html"])
def test_hostile_text_is_shown_as_text_and_nothing_can_run(hostile_report, page):
    html = (hostile_report / page).read_text(encoding="utf-8")
    assert dangerous(html) == []
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in html
    shown = html.replace("&#39;", "'").replace("&#x27;", "'")
    assert "Closed at 2,508.22 &lt;script&gt;alert('x')&lt;/script&gt;" in shown  # the claim
    assert "Hostile note &lt;script&gt;alert(3)&lt;/script&gt;" in shown  # the analyst's note


def test_the_csp_forbids_script_connections_frames_and_forms():
    for directive in ("script-src 'none'", "connect-src 'none'", "frame-src 'none'",
                      "form-action 'none'", "default-src 'none'", "img-src data:"):  # fmt: skip
        assert directive in CSP


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://fred.stlouisfed.org/x", True),
        ("http://example.com", True),
        ("mailto:desk@example.com", True),
        ("other.html#claim", True),
        ("javascript:alert(1)", False),
        (" JaVaScRiPt:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("vbscript:x", False),
        ("//evil.example/x", False),
    ],
)
def test_safe_href_keeps_only_web_mail_and_relative_links(url, kept):
    assert (safe_href(url) is not None) is kept


def test_notes_render_markdown_with_raw_html_and_unsafe_links_off():
    html = render_markdown(NOTE)
    assert dangerous(html) == []
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html
    assert '<a href="https://example.com/article">ok</a>' in html
    assert '<a href="other.html#x">rel</a>' in html
    assert "javascript:" not in html.replace("[click](javascript:alert(6))", "")
    assert "<img" not in html
