"""`workbook draft` measured: recall and precision on a hand-labelled gold set of real market
articles (tests/draft_gold: one paraphrased article and its labels per file pair), and the seed
article's checkable claims found.

Thresholds: recall >= 0.90 and precision >= 0.80 on the whole set, and on the articles written
after the rules were fixed (``heldout_*``) alone. A claim counts when its series, date (or
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
    pattern = "heldout_*.yaml" if subset == "heldout" else "*.yaml"
    total = Score(0, 0, 0, 0)
    for path in sorted(GOLD.glob(pattern)):
        total = total + _score(path)
    line = _report(f"gold set ({subset})", total)
    with capsys.disabled():
        print(f"\n{line}")
    assert total.labels >= (25 if subset == "heldout" else 150)
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
    ]  # fmt: skip
    wanted = {(kind, yaml.safe_dump(params, sort_keys=True)) for kind, params in expected}
    assert wanted <= got, sorted(wanted - got)
    assert len(written["claims"]) == len(wanted)  # nothing drafted beyond them
