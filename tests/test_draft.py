"""`workbook draft`: the claims file it writes (loaded by `workbook check` as it is), what it
leaves out and why, its number and date grammar, the gazetteer as data, and its errors."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from click.testing import CliRunner

from analysis.cli import main
from analysis.draft import draft_text
from analysis.draft.dates import find_day, find_period
from analysis.draft.numbers import numbers
from tests.conftest import PROJECT

SEED = PROJECT.parent / "shared" / "article" / "russell2000-great-rotation-2026.txt"
ARTICLE = (
    "Stocks close higher\n\n"
    "The S&P 500 rose 1.2% on Friday to 5,303.27. The Nasdaq composite slipped 0.1% to "
    "16,685.97. Analysts expect the S&P 500 to reach 6,000 by year-end. The Stoxx 600 gained "
    "0.8%. Small caps trade at 15x forward earnings.\n"
)


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _claims(text: str, day: date = date(2024, 5, 17)) -> list[dict]:
    return yaml.safe_load(draft_text(text, day).render("a.txt", day))["claims"]


def test_draft_writes_a_claims_file_that_check_runs_without_edits(tmp_path, real_dir):
    if not SEED.is_file():
        pytest.skip(f"seed article not found at {SEED}")
    out = tmp_path / "seed.yaml"
    result = _run("draft", str(SEED), "--date", "2026-01-02", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"{out}: 10 drafted claim(s)" in result.output
    written = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert all(c["draft"] is True and 0 < c["confidence"] <= 1 for c in written["claims"])
    assert all(c["because"]["series"] for c in written["claims"] if "series" in c["params"])
    level = written["claims"][0]
    assert level["text"].startswith("The Russell 2000 Index closed the first session of 2026")
    assert level["params"]["compare"] == {"op": "exactly", "value": "2,508.22"}
    checked = _run("check", "--claims", str(out), "--snapshot", str(real_dir))
    assert checked.exit_code == 0, checked.output
    assert "rut_level_2508_22" in checked.output and "supported" in checked.output
    assert "│ error" not in checked.output
    listed = _run("claims", "--claims", str(out))
    assert "draft (0.90)" in listed.output


def test_draft_prints_to_stdout_and_lists_what_it_left_out_with_the_reason(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = _run("draft", str(path), "--date", "2024-05-17")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Drafted by `workbook draft`")
    doc = yaml.safe_load(result.output)
    got = [(c["kind"], c["params"].get("compare", {}).get("value")) for c in doc["claims"]]
    assert got == [("change", "1.2%"), ("level", "5,303.27"), ("change", "-0.1%"),
                   ("level", "16,685.97")]  # fmt: skip
    tail = result.output[result.output.index("# Not drafted") :]
    assert "Analysts expect the S&P 500 to reach 6,000" in tail
    assert "reason: a forecast or an expectation ('6,000')" in tail
    assert "reason: no data kind: a valuation comparison needs two indices' multiples" in tail
    assert "The Stoxx 600" not in result.output.split("# Not drafted")[0]


def test_a_user_gazetteer_adds_a_series_and_its_spellings(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    extra = tmp_path / "extra.yaml"
    extra.write_text("^STOXX: {name: STOXX Europe 600, unit: index, aliases: [stoxx 600]}\n")
    result = _run("draft", str(tmp_path / "a.txt"), "--date", "2024-05-17",
                  "--gazetteer", str(extra))  # fmt: skip
    doc = yaml.safe_load(result.output)
    stoxx = [c for c in doc["claims"] if c["params"].get("series") == "prices/^STOXX.csv"]
    assert stoxx and stoxx[0]["params"]["compare"]["value"] == "0.8%"
    assert stoxx[0]["because"]["series"] == "Stoxx 600"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "article {path}: No such file or directory"),
        (b"\xff\xfe\x00binary", "article {path}: not UTF-8 text"),
        (b"   \n\n", "article {path}: no text"),
        (b"x" * 1_000_001, "article {path}: larger than 1,000,000 bytes"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, content, message):
    path, out = tmp_path / "article.txt", tmp_path / "out.yaml"
    if content is not None:
        path.write_bytes(content)
    result = CliRunner().invoke(main, ["draft", str(path), "--date", "2024-05-17",
                                       "--out", str(out)])  # fmt: skip
    assert result.exit_code == 2
    assert result.output.strip().startswith(f"workbook: {message.format(path=path)}")
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists() and list(tmp_path.glob(".out.yaml.*")) == []


def test_a_bad_gazetteer_or_out_folder_is_one_line_exit_2(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just a list\n")
    result = _run("draft", str(tmp_path / "a.txt"), "--date", "2024-05-17", "--gazetteer", str(bad))
    assert result.exit_code == 2 and "expected a mapping of series keys" in result.output
    out = tmp_path / "missing" / "x.yaml"
    result = _run("draft", str(tmp_path / "a.txt"), "--date", "2024-05-17", "--out", str(out))
    assert result.exit_code == 2 and result.output.startswith(f"workbook: --out {out}: no folder")


def test_untrusted_text_html_and_escapes_are_reduced_to_words_and_yaml_stays_safe(tmp_path):
    page = (
        "<html><head><title>x</title><script>The Dow rose 9% to 1.</script></head><body>"
        "<p>The Dow \x1b[2Jclosed at 40,003.59 on Friday.\u2028claims: []</p>"
        "<p>The S&amp;P 500 fell 1% on Friday.</p></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    out = tmp_path / "d.yaml"
    assert _run("draft", str(path), "--date", "2024-05-17", "--out", str(out)).exit_code == 0
    from analysis.claims import load_claims

    registry = load_claims(out)
    texts = [c.text for c in registry.claims]
    # the escape sequence is gone; a line separator and YAML after it stay words of the text
    assert texts == [
        "The Dow closed at 40,003.59 on Friday. claims: []",
        "The S&P 500 fell 1% on Friday.",
    ]
    assert [c.params.series for c in registry.claims] == ["prices/^DJI.csv", "prices/^GSPC.csv"]
    assert "9%" not in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("closed at 2,508.22", [("2,508.22", None, "exactly")]),
        ("a 12% surge", [("12%", None, "exactly")]),
        ("by nearly 600 basis points", [("600 bp", None, "nearly")]),
        ("down to 3.50%–3.75%", [("3.50%", "3.75%", "between")]),
        ("at approximately 15x earnings", [("15x", None, "about")]),
        ("cut by a quarter point", [("25 bp", None, "exactly")]),
        ("rose 0.1% to 5,303.27 at 4 p.m. on May 17, 2024", [("0.1%", None, "exactly"),
                                                             ("5,303.27", None, "exactly")]),
        ("fell more than 1,000 points", [("1,000 points", None, "more than")]),
    ],
)  # fmt: skip
def test_the_number_grammar(sentence, expected):
    assert [(n.text, n.high, n.op) for n in numbers(sentence)] == expected


def test_dates_and_periods_against_the_publication_date():
    friday = date(2024, 5, 17)
    assert find_day("on Friday", friday)[0] == friday
    assert find_day("Thursday", friday)[0] == date(2024, 5, 16)
    assert find_day("November 22", friday)[0] == date(2023, 11, 22)
    jan2 = date(2026, 1, 2)
    periods = {
        "in the final three weeks of December": {"named": "final 3 weeks of December 2025"},
        "in the last month alone": {"past": "1 month"},
        "by mid-2026": {"named": "mid-2026"},
        "in late December": {"named": "late December 2025"},
        "year to date": {"year_to_date": True},
        "in the fourth quarter": {"quarter": "2025Q4"},
        "in 2024": {"year": 2024},
        "since November 20": {"since": date(2025, 11, 20)},
    }
    assert {text: find_period(text, jan2).period for text in periods} == periods


def test_a_sentence_with_the_index_speaks_of_the_series_named_before():
    claims = _claims("The Russell 2000 rose 1% on Friday. The index closed at 2,100.5 on Friday.")
    assert [c["params"]["series"] for c in claims] == ["prices/^RUT.csv", "prices/^RUT.csv"]
    assert "named before" in claims[1]["because"]["series"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Fed funds futures imply the fed funds rate near 3.4% by June and around 3.1% by the "
         "end of 2026.", [(3.4, "2026-06-01", 0.125), (3.1, "2026-12-01", 0.125)]),
        ("Traders expect the fed funds rate to fall to 3.5% by June, from 3.6% now.",
         [(3.5, "2026-06-01", 0.0625)]),
        ("The Fed expects inflation to slow to 2.5% by the end of 2026.", []),
        ("The Fed sees unemployment at 4.5% by year-end.", []),
    ],
)  # fmt: skip
def test_a_fed_funds_forecast_is_a_rate_named_with_its_own_month(sentence, expected):
    from analysis.draft import draft_text

    drafted = draft_text(sentence, date(2025, 12, 11)).claims
    got = [(c.params["stated"], c.params["target_date"], c.params["tolerance"]) for c in drafted
           if c.kind == "rate_forecast"]  # fmt: skip
    assert got == expected
    assert all(c.forecast and c.params["futures"].startswith("prices/ZQ") for c in drafted)
