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

from analysis.checks.base import CHECKS, Context, Data, Finding, MissingData, NotYet
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
    data = Data(snapshot, until=ctx.cut_for(claim))
    try:
        finding = CHECKS[claim.kind](claim, claim.check_params, data, ctx)
    except NotYet as exc:
        return ClaimResult(
            **base, verdict="pending", summary=f"Not yet decidable: {exc}.", data=tuple(data.used)
        ), None
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
    ctx = replace(ctx or Context(), publication=registry.article.as_of)
    # every claim is evaluated so that the Benjamini-Hochberg family never depends on `only`
    pairs = [_evaluate(claim, snapshot, ctx) for claim in registry.claims]
    results = [r for r, _ in pairs]
    findings = {r.id: f for r, f in pairs}
    adjusted = _bh({r.id: r.pvalue for r in results}, ctx.alpha)
    opposite = _bh({i: f.pvalue_opposite for i, f in findings.items() if f}, ctx.alpha)
    out = []
    for result in results:
        if result.id in adjusted:
            finding = findings[result.id]
            if finding is not None and finding.decide is not None:
                verdict, summary = finding.decide(adjusted[result.id], opposite.get(result.id))
                notes = result.summary[len(finding.summary) :]  # e.g. "(a proxy stands in ...)"
                result = replace(result, verdict=verdict, summary=summary + notes)
            result = replace(result, pvalue_adjusted=adjusted[result.id])
        if not only or result.theme in only:
            out.append(result)
    return out


def _bh(pvalues: dict[str, float | None], alpha: float) -> dict[str, float]:
    """Benjamini-Hochberg adjusted p-values of the finite ones (statsmodels ``fdr_bh``)."""
    finite = {k: p for k, p in pvalues.items() if p is not None and math.isfinite(p)}
    if not finite:
        return {}
    _, adjusted, _, _ = multipletests(list(finite.values()), alpha=alpha, method="fdr_bh")
    return {k: float(p) for k, p in zip(finite, adjusted, strict=True)}
