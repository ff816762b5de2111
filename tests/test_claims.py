"""The claims registry: the shipped file, and one-line errors for every malformed registry."""

from __future__ import annotations

import copy
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from analysis.claims import DEFAULT_CLAIMS, load_claims
from analysis.errors import ClaimsError
from analysis.kinds import KINDS
from tests.conftest import PROJECT

SHIPPED = PROJECT / "data" / "claims" / "russell2000_2026.yaml"

# The claims and their themes, as listed in DESIGN.md ("The claims of this article, by theme").
DESIGN_THEMES = {
    "rut_close_2026_01_02": "index_levels",
    "rut_surge_12pct_late_december": "index_levels",
    "rut_record_high_2595_98": "index_levels",
    "fed_funds_range_350_375": "fed_policy",
    "fed_three_consecutive_cuts_2025": "fed_policy",
    "terminal_rate_near_3pct_mid2026": "fed_policy",
    "smallcaps_beat_megacap_tech_yearend": "relative_performance",
    "rut_beat_nasdaq_600bp_month": "relative_performance",
    "sector_leaders_banks_biotech_manufacturing": "relative_performance",
    "smallcaps_lead_2026": "relative_performance",
    "valuation_15x_vs_22x": "valuation_gap",
    "smallcaps_historically_cheap": "valuation_gap",
    "earnings_growth_17_22_vs_14_15": "earnings_convergence",
    "earnings_convergence": "earnings_convergence",
    "floating_rate_relief": "macro_sensitivity",
    "rising_yields_headwind": "macro_sensitivity",
    "dollar_insensitivity": "macro_sensitivity",
    "record_smallcap_etf_inflows": "flows_and_deals",
    "biotech_mna_activity": "flows_and_deals",
    "ta125_historic_high": "tel_aviv",
    "ta_sme60_record_high": "tel_aviv",
    "ta_banks5_momentum": "tel_aviv",
    "ta_realestate_driver": "tel_aviv",
}
IDS = list(DESIGN_THEMES)


# ------------------------------------------------------------------------- the shipped file
def test_the_shipped_registry_has_the_23_claims_in_order():
    registry = load_claims(SHIPPED)
    assert DEFAULT_CLAIMS == SHIPPED
    assert [c.id for c in registry.claims] == IDS
    assert len(IDS) == 23


def test_the_shipped_registry_has_the_themes_of_the_design():
    registry = load_claims()
    assert {c.id: c.theme for c in registry.claims} == DESIGN_THEMES
    assert registry.themes == [
        "index_levels",
        "fed_policy",
        "relative_performance",
        "valuation_gap",
        "earnings_convergence",
        "macro_sensitivity",
        "flows_and_deals",
        "tel_aviv",
    ]
    assert [c.id for c in registry.by_theme("fed_policy")] == IDS[3:6]


def test_the_shipped_registry_article_and_claims_are_well_formed():
    registry = load_claims(SHIPPED)
    assert registry.article.id == "russell2000_2026"
    assert registry.article.as_of == date(2026, 1, 2)  # the last close the article cites
    assert registry.path == str(SHIPPED)
    for claim in registry.claims:
        params = claim.params
        assert isinstance(params, KINDS[claim.kind].params)
        assert claim.text
    forecasts = [c.id for c in registry.claims if c.forecast]
    assert forecasts == [
        "terminal_rate_near_3pct_mid2026",
        "smallcaps_lead_2026",
        "earnings_growth_17_22_vs_14_15",
    ]
    first = registry.get("rut_close_2026_01_02").params
    assert (first.series, first.date, first.stated) == (
        "prices/^RUT.csv",
        date(2026, 1, 2),
        2508.22,
    )
    with pytest.raises(KeyError, match="no claim 'nope'"):
        registry.get("nope")


# ------------------------------------------------------------------------------ malformed
BASE = {
    "article": {"id": "toy", "title": "A toy article", "as_of": date(2026, 1, 2)},
    "claims": [
        {
            "id": "c1",
            "theme": "index_levels",
            "text": "closed at 2,508.22",
            "kind": "level_on_date",
            "data": ["prices/^RUT.csv"],
            "params": {
                "series": "prices/^RUT.csv",
                "date": date(2026, 1, 2),
                "stated": 2508.22,
                "tolerance": 0.005,
            },
        },
        {
            "id": "c2",
            "theme": "relative_performance",
            "text": "led by banks",
            "kind": "sector_leadership",
            "data": ["prices/KRE.csv", "prices/^RUT.csv"],
            "params": {
                "leaders": ["prices/KRE.csv"],
                "benchmark": "prices/^RUT.csv",
                "window": {"start": date(2025, 12, 2), "end": date(2026, 1, 2)},
            },
        },
    ],
}


def write(tmp_path: Path, change=None, text: str | None = None) -> Path:
    """Write BASE (changed in place by ``change``) or ``text`` as a claims file."""
    raw = copy.deepcopy(BASE)
    if change is not None:
        change(raw)
    path = tmp_path / "claims.yaml"
    path.write_text(text if text is not None else yaml.safe_dump(raw, sort_keys=False))
    return path


def test_the_toy_registry_loads(tmp_path):
    registry = load_claims(write(tmp_path))
    assert [c.id for c in registry.claims] == ["c1", "c2"]


def _c2(change):
    return lambda raw: change(raw["claims"][1])


MALFORMED = [
    (
        "unknown-claim-key",
        _c2(lambda c: c.update(colour="red")),
        "claim c2: colour: unknown key",
    ),
    (
        "unknown-params-key",
        _c2(lambda c: c["params"].update(lookback=5)),
        "claim c2: params.lookback: unknown key",
    ),
    (
        "unknown-key-in-a-nested-window",
        _c2(lambda c: c["params"]["window"].update(middle=date(2025, 12, 15))),
        "claim c2: params.window.middle: unknown key",
    ),
    (
        "duplicate-id",
        _c2(lambda c: c.update(id="c1")),
        "claim c1: duplicate id, expected every id once",
    ),
    (
        "unknown-kind",
        _c2(lambda c: c.update(kind="sector_leaders")),
        "claim c2: unknown check kind 'sector_leaders', expected one of "
        + ", ".join(sorted(KINDS)),
    ),
    (
        "impossible-date-quoted",
        _c2(lambda c: c["params"]["window"].update(end="2026-02-30")),
        "claim c2: params.window.end: Input should be a valid date or datetime, "
        "day value is outside expected range",
    ),
    (
        "params-file-not-in-data",
        lambda raw: raw["claims"][0]["params"].update(series="prices/^GSPC.csv"),
        "claim c1: params.series names prices/^GSPC.csv, which is not listed in data",
    ),
    (
        "params-list-file-not-in-data",
        _c2(lambda c: c["params"]["leaders"].append("prices/XBI.csv")),
        "claim c2: params.leaders names prices/XBI.csv, which is not listed in data",
    ),
    (
        "data-file-not-in-a-layout",
        _c2(lambda c: c.update(data=["prices/KRE.csv", "prices/^RUT.csv", "misc/x.txt"])),
        "claim c2: data file 'misc/x.txt' is not <fred|prices|french|user>/<NAME>.csv",
    ),
    (
        "window-backwards",
        _c2(lambda c: c["params"]["window"].update(start=date(2026, 2, 1))),
        "claim c2: params.window: Value error, window end 2026-01-02 is before its start "
        "2026-02-01",
    ),
    (
        "missing-param",
        lambda raw: raw["claims"][0]["params"].pop("stated"),
        "claim c1: params.stated: Field required",
    ),
    (
        "negative-tolerance",
        lambda raw: raw["claims"][0]["params"].update(tolerance=-1),
        "claim c1: params.tolerance: Input should be greater than or equal to 0",
    ),
    (
        "claim-without-id",
        _c2(lambda c: c.pop("id")),
        "claim #2: id: Field required",
    ),
    (
        "claim-not-a-mapping",
        lambda raw: raw["claims"].append("just words"),
        "claim #3: expected a mapping of id, theme, text, kind, params, data",
    ),
]


@pytest.mark.parametrize(("change", "message"), [pytest.param(c, m, id=i) for i, c, m in MALFORMED])
def test_malformed_claims_name_the_file_and_the_claim(tmp_path, change, message):
    path = write(tmp_path, change)
    with pytest.raises(ClaimsError, match=f"^{re.escape(f'{path} {message}')}$") as excinfo:
        load_claims(path)
    assert excinfo.value.path == str(path)
    assert excinfo.value.claim == message.split(":")[0].removeprefix("claim ")


def test_invalid_yaml_names_the_file_and_line(tmp_path):
    path = write(tmp_path, text="article: {id: toy\nclaims:\n  - id: c1\n")
    with pytest.raises(
        ClaimsError, match=f"^{re.escape(str(path))}: line 2: not valid YAML \\(.+\\)$"
    ):
        load_claims(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "expected a mapping with 'article' and a list of 'claims'"),
        ("- a\n- b\n", "expected a mapping with 'article' and a list of 'claims'"),
        ("article: {id: a, title: T, as_of: 2026-01-02}\nclaims: {}\n", "expected a mapping"),
        ("claims: []\n", "article: Field required"),
    ],
    ids=["empty", "a-list", "claims-not-a-list", "no-article"],
)
def test_malformed_registries(tmp_path, text, message):
    path = write(tmp_path, text=text)
    with pytest.raises(ClaimsError, match=f"^{re.escape(f'{path}: {message}')}"):
        load_claims(path)


def test_a_missing_claims_file(tmp_path):
    path = tmp_path / "none.yaml"
    with pytest.raises(ClaimsError, match=f"^{re.escape(str(path))}: claims file does not exist$"):
        load_claims(path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "end: 2026-01-02",
            "end: 2026-02-30",
            " claim c2: params.window.end: Input should be a valid date",
        ),
        ("as_of: 2026-01-02", "as_of: 2026-02-30", ": article.as_of: Input should be a valid date"),
    ],
    ids=["in-params", "in-article"],
)
def test_impossible_unquoted_date_is_a_claims_error(tmp_path, old, new, message):
    text = yaml.safe_dump(BASE, sort_keys=False)
    assert old in text  # yaml writes dates unquoted, as a person would
    path = write(tmp_path, text=text.replace(old, new, 1))
    with pytest.raises(ClaimsError, match=f"^{re.escape(str(path) + message)}"):
        load_claims(path)


def test_a_key_given_twice_is_a_claims_error(tmp_path):
    dumped = yaml.safe_dump(BASE, sort_keys=False)
    text = dumped.replace("    stated: 2508.22\n", "    stated: 2508.22\n    stated: 2600.0\n")
    assert text.count("stated:") == 2  # claim c1 states its value twice, on lines 15 and 16
    path = write(tmp_path, text=text)
    with pytest.raises(ClaimsError, match=f"^{re.escape(str(path))}: line 16: "):
        load_claims(path)
