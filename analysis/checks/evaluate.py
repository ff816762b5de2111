"""Evaluate claims: one claim (:func:`evaluate`) or a whole registry (:func:`evaluate_all`).

Honesty rules live here, once: missing files give ``needs_data`` naming them (an accepted proxy
is used only when the registry names it, and the summary then says so); a check that raises
gives ``error`` with the reason, and the other claims still run; p-values are adjusted across
the registry with Benjamini-Hochberg (:func:`analysis.stats.multiple.benjamini_hochberg`) and
the verdicts decided on the adjusted ones.
"""

from __future__ import annotations

import importlib
import math
import multiprocessing
import pkgutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import TYPE_CHECKING

import cloudpickle

from analysis.checks.base import Context, Data, Finding, MissingData, NotYet
from analysis.kinds.registry import get_kind
from analysis.results import ClaimResult
from analysis.system import frozen_objects

if TYPE_CHECKING:
    from analysis.claims import Claim, Registry
    from analysis.snapshot import Snapshot


def _proxied(claim: Claim, snapshot: Snapshot) -> tuple[Claim, list[str], list[str]]:
    """Swap in accepted proxies for missing files; return the claim, missing and proxy notes."""
    missing, notes = [], []
    for rel in claim.data:
        proxy = claim.proxies.get(rel)
        if snapshot.has(rel) and not (proxy and _lacks_series(snapshot, rel, proxy)):
            continue
        if proxy and all(snapshot.has(f) for f in proxy.files()):
            notes.append(proxy.note(rel))
            claim = claim.with_proxy(rel, proxy)
        else:
            missing.append(rel)
    return claim, missing, notes


def as_checked(claim: Claim, snapshot: Snapshot) -> Claim:
    """``claim`` as its check reads ``snapshot``: with the accepted proxies it would use (for
    the tables and charts that show what the verdict rests on)."""
    return _proxied(claim, snapshot)[0]


def _lacks_series(snapshot: Snapshot, rel: str, proxy) -> bool:
    """A user file that is there but holds none of the series the proxy renames: the data the
    claim needs is missing all the same, so the proxy stands in."""
    if not proxy.series or not rel.startswith("user/"):
        return False
    return not any(name in snapshot.load(rel) for name in proxy.series)


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


_FORKED: tuple | None = None  # (claims, snapshot, ctx), inherited by the forked workers


def _evaluate_claims(
    claims: list[Claim], snapshot: Snapshot, ctx: Context, workers: int,
    meanwhile: Callable[[], object],
) -> list[tuple[ClaimResult, Finding | None]]:  # fmt: skip
    """:func:`_evaluate` for each claim, in order; in ``workers`` forked processes when more
    than one is asked for and ``fork`` exists (``meanwhile()`` is called here while they
    work; not at all when the claims are evaluated here). Anything that goes wrong there (an
    error a claim's check does not turn into a verdict, such as a data file that does not
    parse; a worker that dies) evaluates them all again here, where the error is raised as
    usual."""
    global _FORKED
    workers = min(workers, len(claims))
    serial = [] if workers > 1 and "fork" in multiprocessing.get_all_start_methods() else claims
    if serial:
        return [_evaluate(claim, snapshot, ctx) for claim in serial]
    import_statistics()
    _FORKED = (claims, snapshot, ctx)
    # the tested claims first: their bootstraps and simulations take longest (the demo's
    # valuation gap alone is half the evaluation), and started last one would run on alone
    order = sorted(range(len(claims)), key=lambda n: not get_kind(claims[n].kind).tested)
    blobs: list[bytes | None] = [None] * len(claims)
    try:
        fork = multiprocessing.get_context("fork")
        with frozen_objects(), ProcessPoolExecutor(workers, mp_context=fork) as pool:
            # map submits every claim at once, and a fork pool starts all its workers at its
            # first submit: meanwhile() runs after the last fork (it may import modules)
            done = pool.map(_evaluate_nth, order)
            meanwhile()
            for n, blob in zip(order, done, strict=True):
                blobs[n] = blob
    except BrokenProcessPool:
        blobs = [None]
    finally:
        _FORKED = None
    if any(blob is None for blob in blobs):
        return [_evaluate(claim, snapshot, ctx) for claim in claims]
    # cloudpickle: a finding carries its decision as a closure, which pickle refuses
    return [cloudpickle.loads(blob) for blob in blobs]


def import_statistics() -> None:
    """Import every module of :mod:`analysis.stats` here, once: the kinds import their
    statistics when first used (``workbook claims`` never pays for them), and forked workers
    would otherwise each import their own."""
    import analysis.stats

    for module in pkgutil.iter_modules(analysis.stats.__path__):
        importlib.import_module(f"analysis.stats.{module.name}")


def _evaluate_nth(n: int) -> bytes | None:
    """In a forked worker: the n-th claim evaluated, or None when that raised (the parent
    evaluates again and raises it; an exception may not even survive the trip back)."""
    claims, snapshot, ctx = _FORKED
    try:
        return cloudpickle.dumps(_evaluate(claims[n], snapshot, ctx))
    except Exception:
        return None


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
    workers: int = 1,
    meanwhile: Callable[[], object] = lambda: None,
) -> list[ClaimResult]:
    """Check every claim (or those of the themes in ``only``), then decide the tested claims
    together (:func:`decide_family`); both raw and adjusted p-values are kept in the results.

    ``workers`` > 1 checks the claims in that many processes forked from this one (the imports
    and the parsed files inherited, a claim at a time to whichever is free), for a command
    line or the run's template process; never in a process with threads of its own, such as
    a Jupyter kernel (a fork would copy their locks). The results are the same.
    ``meanwhile()`` is called once, in this process, while forked workers evaluate (the run's
    template process imports the notebooks' modules then); never when there are none."""
    ctx = replace(ctx or Context(), publication=registry.article.as_of)
    # every claim is evaluated so that the family never depends on `only`
    pairs = _evaluate_claims(list(registry.claims), snapshot, ctx, workers, meanwhile)
    family = [c.id for c in registry.claims if get_kind(c.kind).tested]
    decided = decide_family([r for r, _ in pairs], dict((r.id, f) for r, f in pairs), family,
                            ctx.alpha)  # fmt: skip
    return [r for r in decided if not only or r.theme in only]


def decide_family(
    results: list[ClaimResult], findings: dict[str, Finding | None], family: list[str],
    alpha: float,
) -> list[ClaimResult]:  # fmt: skip
    """Directional decisions for the family of tested claims, at a false discovery rate.

    The family is fixed by the claims file: every claim of a tested kind, whatever the data
    (a claim without a test, for want of data, enters with p = 1 and is never rejected). Each
    claim's two one-sided p-values become one two-sided p-value, ``min(1, 2 min(p_claimed,
    p_opposite))``; Benjamini-Hochberg runs over the family, and a rejected claim takes the
    direction of its smaller one-sided p-value: the claimed one (supported) or the opposite
    (contradicted). Benjamini and Yekutieli (2005), "False discovery rate-adjusted multiple
    confidence intervals for selected parameters", JASA 100(469): this keeps the directional
    false discovery rate at ``alpha``, where two one-sided families would allow up to twice it.
    """
    from analysis.stats.multiple import benjamini_hochberg

    two_sided = {cid: _two_sided(findings.get(cid)) for cid in family}
    fdr = benjamini_hochberg(two_sided, alpha=alpha) if two_sided else None
    out = []
    for result in results:
        finding = findings.get(result.id)
        if fdr is not None and result.id in two_sided and result.pvalue is not None:
            result = _redecide(result, finding, fdr.adjusted(result.id), alpha)
        out.append(result)
    return out


def _two_sided(finding: Finding | None) -> float:
    if finding is None or finding.pvalue is None or not math.isfinite(finding.pvalue):
        return 1.0
    opposite = finding.pvalue_opposite
    opposite = 1.0 if opposite is None or not math.isfinite(opposite) else opposite
    return min(1.0, 2 * min(finding.pvalue, opposite))


def _redecide(
    result: ClaimResult, finding: Finding | None, adjusted: float, alpha: float
) -> ClaimResult:
    """The verdict on the family-adjusted two-sided p-value and the direction it points to."""
    if finding is not None and finding.decide is not None:
        opposite = finding.pvalue_opposite
        claimed_side = opposite is None or finding.pvalue <= opposite
        if adjusted < alpha and not claimed_side:
            verdict, summary = finding.decide(1.0, adjusted)  # rejected, the other way
        else:
            verdict, summary = finding.decide(adjusted, None)
        notes = result.summary[len(finding.summary) :]  # e.g. "(a proxy stands in ...)"
        result = replace(result, verdict=verdict, summary=summary + notes)
    return replace(result, pvalue_adjusted=adjusted)
