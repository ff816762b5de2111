"""The parts of a theme page: the theme at a glance, the links between themes, folded tests and
data tables that mark every row they leave out and carry the rows used as CSV."""

from __future__ import annotations

import base64
import re

import pandas as pd

from analysis.report.page import data_table, first_sentence, folded, glance, theme_nav
from analysis.results import ClaimResult


def _result(verdict="supported", summary="Closed at 2,508.22 on 2026-01-02. More detail here."):
    return ClaimResult(id="c", theme="t", text="x", verdict=verdict, summary=summary)


def test_first_sentence_keeps_decimals_and_stops_at_the_full_stop():
    assert first_sentence("Closed at 2,508.22 on 2026-01-02. More detail.") == (
        "Closed at 2,508.22 on 2026-01-02."
    )
    assert first_sentence("One sentence only (p 0.012)") == "One sentence only (p 0.012)"
    assert first_sentence("x" * 400).endswith("…") and len(first_sentence("x" * 400)) == 320


def test_glance_is_verdict_first_links_each_claim_and_escapes_the_words():
    html = glance([("rut_close", "<b>2,508.22</b> close", _result())], title="Index levels")
    assert html.index("badge") < html.index("href='#rut_close'") < html.index("Closed at")
    assert "&lt;b&gt;2,508.22&lt;/b&gt; close" in html and "<b>2,508.22" not in html
    assert "More detail" not in html  # the finding's first sentence only
    assert "<h2>Index levels</h2>" in html


def test_theme_nav_links_previous_and_next_in_words():
    titles = {"a": "Index levels", "b": "Fed policy", "c": "Tel Aviv"}
    nav = theme_nav(["a", "b", "c"], "b", titles)
    assert "href='a.html'>&larr; Index levels</a>" in nav
    assert "href='c.html'>Tel Aviv &rarr;</a>" in nav
    assert "href='index.html'>Scorecard" in nav
    exported = theme_nav(["a", "b", "c"], "b", titles, scorecard=False)  # the strip links it
    assert "index.html" not in exported and "rel='prev'" in exported
    assert "rel='prev'" not in theme_nav(["a", "b", "c"], "a", titles)
    assert "rel='next'" not in theme_nav(["a", "b", "c"], "c", titles)


def test_folded_escapes_its_summary():
    assert folded("Tests <2>", "<p>inner</p>") == (
        "<details class='fold'><summary>Tests &lt;2&gt;</summary><p>inner</p></details>"
    )


def _frame(n=100):
    days = pd.bdate_range("2025-01-01", periods=n)
    return pd.DataFrame({"Close": [1000.0 + i for i in range(n)]}, index=days)


def test_a_data_table_marks_every_elision_and_embeds_the_rows_used():
    frame = _frame()
    span = (f"{frame.index[10]:%Y-%m-%d}", f"{frame.index[59]:%Y-%m-%d}")  # 50 rows used
    html = data_table(frame, file="prices/^RUT.csv", claim_id="c", rows=8, span=span)
    gaps = re.findall(r"<tr class='gap'><td colspan='2'>… ([\d,]+) ([^…]+) …</td></tr>", html)
    assert gaps == [("10", "earlier rows, before the dates checked"), ("42", "rows"),
                    ("40", "later rows, up to the as-of date")]  # fmt: skip
    assert html.count("<th scope='row'>") == 8
    assert "prices/^RUT.csv: 50 rows used" in html
    link = re.search(r"download='c-_RUT.csv' href='data:text/csv;base64,([A-Za-z0-9+/=]+)'", html)
    csv = base64.b64decode(link.group(1)).decode()
    lines = csv.splitlines()
    assert lines[0] == "date,Close" and len(lines) == 51
    assert lines[1] == f"{frame.index[10]:%Y-%m-%d},1010.0"
    assert "The 50 rows used, as CSV" in html
    one = data_table(_frame(1), file="user/x.csv", claim_id="c")
    assert "user/x.csv: 1 row used" in one and "The 1 row used, as CSV" in one


def test_a_short_table_has_no_gap_rows():
    html = data_table(_frame(5), file="user/x.csv", claim_id="c", rows=8)
    assert "class='gap'" not in html and html.count("<th scope='row'>") == 5
