"""Series names in words, from the shipped gazetteer (analysis/resources/series.yaml)."""

from __future__ import annotations

import pytest

from analysis.report.names import gazetteer, label, unit


@pytest.mark.parametrize(
    ("series", "words", "kind"),
    [
        ("prices/^RUT.csv", "Russell 2000", "index"),
        ("^GSPC", "S&P 500", "index"),
        ("fred/DGS10.csv", "10-year Treasury yield", "percent"),
        ("fred/DFEDTARU.csv", "federal funds target range (upper bound)", "percent"),
        ("sp600_pe_fwd", "S&P 600 forward P/E", "multiple"),
        ("biotech_buyouts_biopharmadive", "biotech buyouts (BioPharma Dive)", "count"),
        ("user/forward_pe.csv", "forward P/E", "table"),
    ],
)
def test_known_series_read_in_words(series, words, kind):
    assert (label(series), unit(series)) == (words, kind)


def test_an_unknown_series_is_shown_as_written():
    assert (label("prices/ACME.csv"), unit("prices/ACME.csv")) == ("ACME", None)


def test_every_file_of_the_demo_and_real_snapshots_has_a_name(demo_snapshot):
    stems = {p.stem for p in demo_snapshot.root.glob("*/*.csv")}
    assert stems <= set(gazetteer())


def test_aliases_are_lower_case_and_unique():
    seen = {}
    for key, entry in gazetteer().items():
        for alias in entry.aliases:
            assert alias == alias.lower(), alias
            assert seen.setdefault(alias, key) == key, f"{alias} names {seen[alias]} and {key}"
