"""Evaluate claims: one claim (:func:`evaluate`) or a whole registry (:func:`evaluate_all`).

Honesty rules live here, once: missing files give ``needs_data`` naming them (an accepted proxy
is used only when the registry names it, and the summary then says so); a check that raises
gives ``error`` with the reason, and the other claims still run; p-values are adjusted across
the registry with Benjamini-Hochberg (:func:`analysis.stats.multiple.benjamini_hochberg`) and
the verdicts decided on the adjusted ones.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

from analysis.checks.base import Context, Data, Finding, MissingData, NotYet
from analysis.kinds.registry import get_kind
from analysis.results import ClaimResult

if TYPE_CHECKING:
    from analysis.claims import Claim, Registry
    from analysis.snapshot import Snapshot


def _proxied(claim: Claim, snapshot: Snapshot) -> tuple[Claim, list[str], list[str]]:
    """Swap in accepted proxies for missing files; return the claim, missing and proxy notes."""
    missing, notes = [], []
    for rel in claim.data:
        if snapshot.has(rel):
            continue
        proxy = claim.proxies.get(rel)
        if proxy and snapshot.has(proxy):
            notes.append(f"{proxy} stands in for {rel} (an accepted proxy)")
            claim = claim.with_file(rel, proxy)
        else:
            missing.append(rel)
    return claim, missing, notes


def _lacks(files: list[str] | str) -> str:
    listed = files if isinstance(files, str) else ", ".join(files)
    return f"The snapshot lacks {listed}, which this check needs; no verdict without it."


def evaluate(claim: Claim, snapshot: Snapshot, ctx: Context | None = None) -> ClaimResult:
    """Check one claim against a snapshot (before any registry-wide p-value adjustment)."""
    return _evaluate(claim, snapshot, ctx or Context())[0]


def _evaluate(claim: Claim, snapshot: Snapshot, ctx: Context) -> tuple[ClaimResult, Finding | None]:
    base = {"id": claim.id, "theme": claim.theme, "text": claim.text, "kind": claim.kind}
    claim, missing, notes = _proxied(claim, snapshot)
    if missing:
        result = ClaimResult(
            **base, verdict="needs_data", summary=_lacks(missing), data=tuple(claim.data)
        )
        return replace(result, missing=tuple(missing)), None
    data = Data(snapshot, until=ctx.cut_for(claim))
    try:
        finding = get_kind(claim.kind).check(claim, claim.params, data, ctx)
    except NotYet as exc:
        summary = f"Not yet decidable: {exc}."
        return ClaimResult(**base, verdict="pending", summary=summary, data=tuple(data.used)), None
    except MissingData as exc:
        result = ClaimResult(
            **base, verdict="needs_data", summary=_lacks(str(exc)), data=tuple(data.used)
        )
        return replace(result, missing=(exc.file,)), None
    except Exception as exc:  # a failing check must not stop the others
        summary = f"The check failed: {type(exc).__name__}: {exc}"
        return ClaimResult(**base, verdict="error", summary=summary, data=tuple(data.used)), None
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
    adjusted = _adjusted({r.id: r.pvalue for r in results}, ctx.alpha)
    opposite = _adjusted({i: f.pvalue_opposite for i, f in findings.items() if f}, ctx.alpha)
    out = []
    for result in results:
        if result.id in adjusted:
            result = _redecide(result, findings[result.id], adjusted, opposite)
        if not only or result.theme in only:
            out.append(result)
    return out


def _redecide(
    result: ClaimResult, finding: Finding | None, adjusted: dict, opposite: dict
) -> ClaimResult:
    """The verdict decided on the adjusted p-values (one family per direction)."""
    if finding is not None and finding.decide is not None:
        verdict, summary = finding.decide(adjusted[result.id], opposite.get(result.id))
        notes = result.summary[len(finding.summary) :]  # e.g. "(a proxy stands in ...)"
        result = replace(result, verdict=verdict, summary=summary + notes)
    return replace(result, pvalue_adjusted=adjusted[result.id])


def _adjusted(pvalues: dict[str, float | None], alpha: float) -> dict[str, float]:
    """Benjamini-Hochberg adjusted p-values of the finite ones, by claim id."""
    from analysis.stats.multiple import benjamini_hochberg

    finite = {k: p for k, p in pvalues.items() if p is not None and math.isfinite(p)}
    if not finite:
        return {}
    fdr = benjamini_hochberg(finite, alpha=alpha)
    return {k: fdr.adjusted(k) for k in finite}
