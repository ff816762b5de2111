"""docs/writing-claims.md: its tolerance table is the code's, and its example file runs on the
real snapshot with the verdicts it announces."""

from __future__ import annotations

import re

import pytest

from analysis.checks import Context, evaluate_all
from analysis.claims import load_claims
from analysis.kinds.vocabulary import TOLERANCE_WORDS
from analysis.snapshot import Snapshot
from tests.conftest import PROJECT

GUIDE = PROJECT / "docs" / "writing-claims.md"


def test_the_tolerance_table_is_the_one_the_code_uses():
    text = GUIDE.read_text(encoding="utf-8")
    table = text.split("<!-- tolerance:start -->")[1].split("<!-- tolerance:end -->")[0]
    for op, (interval, words) in TOLERANCE_WORDS.items():
        row = f"| `{op}` | {interval.replace('|', chr(92) + '|')} | {words} |"
        assert row in table, row


@pytest.fixture(scope="module")
def example(tmp_path_factory, real_dir):
    text = GUIDE.read_text(encoding="utf-8")
    block = text.split("## A file that runs")[1].split("```yaml\n")[1].split("```")[0]
    path = tmp_path_factory.mktemp("guide") / "claims.yaml"
    path.write_text(block, encoding="utf-8")
    expected = dict(re.findall(r"- id: (\w+)  # expect: (\w+)", block))
    results = evaluate_all(load_claims(path), Snapshot(real_dir), Context())
    return expected, {r.id: r for r in results}


def test_every_new_measure_has_an_example(example):
    expected, results = example
    kinds = {r.kind for r in results.values()}
    assert {"level", "change", "record", "drawdown", "streak", "period_rank", "indicator",
            "policy_decision", "target_move"} <= kinds  # fmt: skip
    assert set(expected) == set(results)


def test_the_examples_give_the_verdicts_the_guide_announces(example):
    expected, results = example
    got = {i: results[i].verdict for i in expected}
    assert got == expected, {i: results[i].summary for i in expected if got[i] != expected[i]}
