"""`workbook draft` measured: recall and precision on a hand-labelled gold set of real market
articles (tests/draft_gold: one paraphrased article and its labels per file pair), and the seed
article's checkable claims found.

Thresholds: recall >= 0.90 and precision >= 0.80 on the whole set, and on the articles no rule
was tuned on (``heldout3_*``) alone. A claim counts when its series, date (or
period) and stated value match a label (analysis/draft/score.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analysis.draft import draft
from analysis.draft.score import Score, score
from tests.conftest import PROJECT

GOLD = PROJECT / "tests" / "draft_gold"
SEED = PROJECT.parent / "shared" / "article" / "russell2000-great-rotation-2026.txt"
RECALL, PRECISION = 0.90, 0.80


def _score(label_file: Path) -> Score:
    gold = yaml.safe_load(label_file.read_text(encoding="utf-8"))
    result = draft(label_file.with_suffix(".txt"), gold["published"])
    written = yaml.safe_load(result.render(label_file.name, gold["published"]))
    return score(written["claims"], gold["claims"])


def _report(name: str, total: Score) -> str:
    return (
        f"{name}: recall {total.recall:.3f} ({total.found}/{total.labels}), "
        f"precision {total.precision:.3f} ({total.right}/{total.drafted}); "
        f"missed {list(total.missed)[:5]}, wrong {list(total.wrong)[:5]}"
    )


def test_the_gold_set_has_at_least_15_articles_each_labelled_and_sourced():
    labels = sorted(GOLD.glob("*.yaml"))
    assert len(labels) >= 15
    for path in labels:
        gold = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert path.with_suffix(".txt").is_file(), path
        assert gold["source"] and gold["published"] and gold["claims"], path


@pytest.mark.parametrize("subset", ["all", "heldout"])
def test_recall_and_precision_on_the_gold_set_hold_their_thresholds(subset, capsys):
    """``heldout``: the articles no rule was ever tuned on (``heldout3_*``, written by someone
    who did not read the rules, measured once: recall 0.945, precision 0.981). The earlier
    held-out sets were used for tuning after their first measure (``heldout_*``: 28/28;
    ``heldout2_*``: recall 0.69 and precision 0.85 before the valuation, earnings and rate
    forecast rules were fixed on them), so they count in ``all`` only."""
    pattern = "heldout3_*.yaml" if subset == "heldout" else "*.yaml"
    total = Score(0, 0, 0, 0)
    for path in sorted(GOLD.glob(pattern)):
        total = total + _score(path)
    line = _report(f"gold set ({subset})", total)
    with capsys.disabled():
        print(f"\n{line}")
    assert total.labels >= (50 if subset == "heldout" else 250)
    assert total.recall >= RECALL, line
    assert total.precision >= PRECISION, line


def test_the_seed_article_draft_finds_its_checkable_claims():
    if not SEED.is_file():
        pytest.skip(f"seed article not found at {SEED}")
    from datetime import date

    written = yaml.safe_load(draft(SEED, date(2026, 1, 2)).render(str(SEED), date(2026, 1, 2)))
    got = {(c["kind"], yaml.safe_dump(c["params"], sort_keys=True)) for c in written["claims"]}
    expected = [  # the registry's checkable claims (data/claims/russell2000_2026.yaml)
        ("level", {"series": "prices/^RUT.csv", "date": "2026-01-02",
                   "compare": {"op": "exactly", "value": "2,508.22"}}),
        ("change", {"series": "prices/^RUT.csv",
                    "period": {"named": "final 3 weeks of December 2025"},
                    "compare": {"op": "exactly", "value": "12%"}}),
        ("record", {"series": "prices/^RUT.csv", "measure": "intraday",
                    "set_in": {"named": "late December 2025"},
                    "level": {"op": "exactly", "value": "2,595.98"}}),
        ("target_range", {"lower": "fred/DFEDTARL.csv", "upper": "fred/DFEDTARU.csv",
                          "date": "2026-01-02", "stated_lower": 3.5, "stated_upper": 3.75}),
        ("policy_decision", {"upper": "fred/DFEDTARU.csv", "action": "cut",
                             "period": {"year": 2025}, "count": 3}),
        ("change", {"series": "prices/^RUT.csv", "benchmark": "prices/^IXIC.csv",
                    "period": {"past": "1 month"}, "compare": {"op": "nearly", "value": "600 bp"}}),
        ("change", {"series": "prices/^RUT.csv", "benchmark": "prices/^NDX.csv",
                    "period": {"month": "2025-12"}, "compare": {"op": "up"}}),
        ("valuation_point", {"file": "user/forward_pe.csv", "small": "russell2000_fwd_pe",
                             "large": "sp500_fwd_pe", "date": "2026-01-02", "stated_small": 15.0,
                             "stated_large": 22.0, "tolerance": 1.0}),
        ("earnings_forecast", {"file": "user/eps.csv", "year": 2026, "as_of": "2026-01-02",
                               "small_estimate": "russell2000_eps_growth_est_2026",
                               "small_actual": "russell2000_eps_growth_2026",
                               "large_estimate": "sp500_eps_growth_est_2026",
                               "large_actual": "sp500_eps_growth_2026",
                               "stated_small": [17.0, 22.0], "stated_large": [14.0, 15.0]}),
        ("rate_forecast", {"futures": "prices/ZQN26.csv", "realized": "fred/DFF.csv",
                           "as_of": "2026-01-02", "target_date": "2026-07-01", "stated": 3.0,
                           "tolerance": 0.125}),
    ]  # fmt: skip
    wanted = {(kind, yaml.safe_dump(params, sort_keys=True)) for kind, params in expected}
    assert wanted <= got, sorted(wanted - got)
    assert len(written["claims"]) == len(wanted)  # nothing drafted beyond them
    forecasts = {c["kind"] for c in written["claims"] if c.get("forecast")}
    assert forecasts == {"earnings_forecast", "rate_forecast"}


def test_the_seed_article_lists_what_it_does_not_draft_with_the_kind_that_checks_it():
    """Every claim of the registry that the draft does not write is in its comment block: a
    qualitative claim names the kind that checks it; a Tel Aviv teaser is another article's."""
    if not SEED.is_file():
        pytest.skip(f"seed article not found at {SEED}")
    from datetime import date

    text = draft(SEED, date(2026, 1, 2)).render(str(SEED), date(2026, 1, 2))
    left = text.split("# Not drafted:")[1]
    for kind in ("flow_record", "valuation_gap", "sensitivity", "activity_change",
                 "sector_leaders"):  # fmt: skip
        assert f"the `{kind}` kind checks it" in left, kind
    assert "'record inflows'" in left and "'less vulnerable to'" in left
    assert left.count("a headline of another article on the page") == 2
    assert "TA-125 Index Hits Historic High" in left and "TA-SME60 Index Hits Record High" in left
