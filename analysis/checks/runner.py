"""Evaluate claims: one claim (:func:`evaluate`) or a whole registry (:func:`evaluate_all`).

Honesty rules live here, once: missing files give ``needs_data`` naming them (an accepted proxy
is used only when the registry names it, and the summary then says so); a check that raises
gives ``error`` with the reason, and the other claims still run; p-values are adjusted across
the run with Benjamini-Hochberg and the verdicts decided on the adjusted ones.
"""

from __future__ import annotations

import math
from dataclasses import replace

from statsmodels.stats.multitest import multipletests

from analysis.checks.base import CHECKS, Context, Data, Finding, MissingData
from analysis.claims import Claim, Registry
from analysis.results import ClaimResult
from analysis.snapshot import Snapshot


def _proxied(claim: Claim, snapshot: Snapshot) -> tuple[Claim, list[str], list[str]]:
    """Swap in accepted proxies for missing files; return the claim, missing and proxy notes."""
    missing, notes, params = [], [], dict(claim.params)
    for rel in claim.data:
        if snapshot.has(rel):
            continue
        proxy = claim.proxies.get(rel)
        if proxy and snapshot.has(proxy):
            notes.append(f"{proxy} stands in for {rel} (an accepted proxy)")
            params = {k: (proxy if v == rel else v) for k, v in params.items()}
        else:
            missing.append(rel)
    return claim.model_copy(update={"params": params}), missing, notes


def evaluate(claim: Claim, snapshot: Snapshot, ctx: Context | None = None) -> ClaimResult:
    """Check one claim against a snapshot (before any run-wide p-value adjustment)."""
    return _evaluate(claim, snapshot, ctx or Context())[0]


def _evaluate(claim: Claim, snapshot: Snapshot, ctx: Context) -> tuple[ClaimResult, Finding | None]:
    base = {"id": claim.id, "theme": claim.theme, "text": claim.text, "kind": claim.kind}
    claim, missing, notes = _proxied(claim, snapshot)
    if missing:
        return ClaimResult(
            **base,
            verdict="needs_data",
            summary=f"The snapshot lacks {', '.join(missing)}, which this check needs; "
            "no verdict without it.",
            data=tuple(claim.data),
            missing=tuple(missing),
        ), None
    data = Data(snapshot, until=ctx.until)
    try:
        finding = CHECKS[claim.kind](claim, claim.check_params, data, ctx)
    except MissingData as exc:
        return ClaimResult(
            **base,
            verdict="needs_data",
            summary=f"The snapshot lacks {exc}, which this check needs; no verdict without it.",
            data=tuple(data.used),
            missing=(exc.file,),
        ), None
    except Exception as exc:  # a failing check must not stop the others
        return ClaimResult(
            **base,
            verdict="error",
            summary=f"The check failed: {type(exc).__name__}: {exc}",
            data=tuple(data.used),
        ), None
    summary = finding.summary + "".join(f" ({n}.)" for n in notes)
    return _result(base, finding, summary, data), finding


def _result(base: dict, finding: Finding, summary: str, data: Data) -> ClaimResult:
    return ClaimResult(
        **base,
        verdict=finding.verdict,
        summary=summary,
        stated=finding.stated,
        observed=finding.observed,
        tests=finding.tests,
        data=tuple(data.used),
        date_range=finding.date_range or data.span(),
        fragile=finding.fragile,
        pvalue=finding.pvalue,
    )


def evaluate_all(
    registry: Registry,
    snapshot: Snapshot,
    ctx: Context | None = None,
    *,
    only: list[str] | None = None,
) -> list[ClaimResult]:
    """Check every claim (or those of the themes in ``only``), then adjust p-values (BH).

    Claims whose check gives a decisive p-value are re-decided on the adjusted one; both the raw
    and the adjusted p-values are kept in the results.
    """
    ctx = ctx or Context()
    claims = [c for c in registry.claims if not only or c.theme in only]
    pairs = [_evaluate(claim, snapshot, ctx) for claim in claims]
    results = [r for r, _ in pairs]
    findings = {r.id: f for r, f in pairs}
    decisive = {r.id: r.pvalue for r in results if r.pvalue is not None and math.isfinite(r.pvalue)}
    if not decisive:
        return results
    _, adjusted, _, _ = multipletests(list(decisive.values()), alpha=ctx.alpha, method="fdr_bh")
    adjusted_by_id = dict(zip(decisive, adjusted, strict=True))
    out = []
    for result in results:
        if result.id not in adjusted_by_id:
            out.append(result)
            continue
        p_adj = float(adjusted_by_id[result.id])
        finding = findings[result.id]
        if finding is not None and finding.decide is not None:
            verdict, summary = finding.decide(p_adj)
            result = replace(result, verdict=verdict, summary=summary)
        out.append(replace(result, pvalue_adjusted=p_adj))
    return out
