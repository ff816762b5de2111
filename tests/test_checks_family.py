"""The family decision (analysis.checks.evaluate.decide_family): fixed by the claims file, and
directional errors held at alpha (Benjamini and Yekutieli 2005) on simulated families."""

from __future__ import annotations

import numpy as np

from analysis.checks.base import Finding, directional
from analysis.checks.evaluate import decide_family
from analysis.results import ClaimResult

ALPHA = 0.05


def family(pvalues: list[float | None]) -> tuple[list[ClaimResult], dict]:
    results, findings = [], {}
    for i, p in enumerate(pvalues):
        cid = f"c{i}"
        if p is None:  # the data could not test this claim
            results.append(ClaimResult(cid, "t", "x", "needs_data", "no data"))
            findings[cid] = None
            continue
        words = {"supported": "yes", "contradicted": "no", "inconclusive": "cannot tell"}
        finding = Finding("inconclusive", "raw", pvalue=p, pvalue_opposite=1 - p,
                          decide=directional(cid, p, ALPHA, words))  # fmt: skip
        results.append(ClaimResult(cid, "t", "x", "inconclusive", "raw", pvalue=p))
        findings[cid] = finding
    return results, findings


def verdicts(pvalues):
    results, findings = family(pvalues)
    return [r.verdict for r in decide_family(results, findings, list(findings), ALPHA)]


def test_the_direction_follows_the_smaller_one_sided_p_value():
    assert verdicts([0.001, 0.999, 0.5]) == ["supported", "contradicted", "inconclusive"]


def test_a_claim_without_data_still_counts_in_the_family():
    # alone, p = 0.02 (two-sided 0.04) is rejected; beside three untestable claims of the file
    # (p = 1 each) the family has m = 4 and 0.04 * 4 = 0.16 is not
    assert verdicts([0.02]) == ["supported"]
    assert verdicts([0.02, None, None, None])[0] == "inconclusive"


def test_wrong_directional_decisions_stay_at_alpha_under_the_null():
    # complete null: every claim's effect is zero, so any supported or contradicted is an error;
    # 2,000 families of 6 claims, uniform one-sided p-values. Monte Carlo s.e. about 0.5 pp.
    rng = np.random.default_rng(20261130)
    errors = 0
    for _ in range(2000):
        decided = verdicts(list(rng.uniform(size=6)))
        errors += any(v != "inconclusive" for v in decided)
    rate = errors / 2000
    assert 0.03 <= rate <= 0.065, rate  # at most alpha (BH controls FWER under the full null)


def test_power_against_a_stated_alternative():
    # three claims with a real effect (one-sided z = 3.5) among six: most of them are supported
    from scipy.stats import norm

    rng = np.random.default_rng(7)
    found = 0
    for _ in range(500):
        z = np.r_[rng.normal(3.5, 1, 3), rng.normal(0, 1, 3)]
        decided = verdicts(list(norm.sf(z)))
        found += sum(v == "supported" for v in decided[:3])
    assert found / 1500 >= 0.8
