"""Handles for exploring one claim in a notebook: ``view = wb.claim("rut_close_2026_01_02")``.

A :class:`ClaimView` holds what the verdict rests on, each piece something to poke at::

    view              # a compact card: the claim, its verdict, the data and tests behind it
    view.claim        # the claim as checked (an accepted proxy swapped in)
    view.result       # its ClaimResult, as on the pages (adjusted across the claims file)
    view.data         # {file: DataFrame}: exactly the files the check read, cut at view.cut
    view.tests        # the statistical tests (each renders as a table in Jupyter)
    view.chart()      # the claim's chart, data up to view.cut
    view.rerun(tolerance=0.01)   # the same check with some parameters changed

:meth:`ClaimView.rerun` checks the one claim alone: a tested claim's verdict then rests on its
own p-value, not on the p-values adjusted across the claims file, and its summary says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from html import escape as esc
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import ValidationError

from analysis.checks.base import Context
from analysis.errors import WorkbookError
from analysis.results import VERDICT_COLOURS, ClaimResult, StatResult

if TYPE_CHECKING:
    from analysis.claims import Claim
    from analysis.snapshot import Snapshot

RERUN_PREFIX = "Rerun alone (not adjusted across the claims file): "


class RerunError(WorkbookError):
    """Parameters given to :meth:`ClaimView.rerun` that the claim's kind refuses (one line)."""


@dataclass(frozen=True)
class ClaimView:
    """One claim of a workbook with the handles to explore it (see the module docstring).

    ``original`` is the claim as the claims file states it, ``result`` its verdict from the
    whole run and ``ctx`` the run's settings (evaluation date, alpha, the article's date).
    """

    original: Claim
    result: ClaimResult
    snapshot: Snapshot
    ctx: Context

    @classmethod
    def from_workbook(cls, wb, claim_id: str, *, alpha: float | None = None) -> ClaimView:
        """The view of ``claim_id`` in the :class:`~analysis.report.notebook.Workbook` ``wb``.

        ``alpha`` (for :meth:`rerun`) defaults to the workbook's, else 0.05.
        """
        original = wb.registry.get(claim_id)  # KeyError naming the claims file if unknown
        ctx = wb.context if alpha is None else replace(wb.context, alpha=alpha)
        return cls(original, wb.results[claim_id], wb.snapshot, ctx)

    # ------------------------------------------------------------------ handles
    @cached_property
    def claim(self) -> Claim:
        """The claim as its check read the snapshot: with the accepted proxies it would use."""
        from analysis.checks.evaluate import as_checked

        return as_checked(self.original, self.snapshot)

    @property
    def cut(self) -> date | None:
        """The last date of data the check of this claim may read (``None``: no limit)."""
        return self.ctx.cut_for(self.claim)

    @cached_property
    def data(self) -> dict[str, pd.DataFrame]:
        """Every file the check read, parsed and cut at :attr:`cut`, in the order read (a file
        the snapshot lacks is left out: the result then names it in ``missing``)."""
        out = {}
        for rel in self.result.data:
            if not self.snapshot.has(rel):
                continue
            frame = self.snapshot.load(rel)
            if self.cut is not None:
                frame = frame.loc[: pd.Timestamp(self.cut)]
            out[rel] = frame
        return out

    @property
    def tests(self) -> tuple[StatResult, ...]:
        """The statistical tests behind the verdict (empty for a kind decided by arithmetic)."""
        return self.result.tests

    def chart(self):
        """The claim's chart (a matplotlib figure, data up to :attr:`cut`); ``None`` when the
        data is missing. The figure is closed, so a cell shows it once, as its value."""
        import matplotlib.pyplot as plt

        from analysis.report.plots import plot_claim

        try:
            ax = plot_claim(self.claim, self.result, self.snapshot, until=self.cut)
        except TypeError as exc:
            if "until" not in str(exc):
                raise
            ax = plot_claim(self.claim, self.result, self.snapshot)  # a plots.py without `until`
        if ax is None:
            return None
        plt.close(ax.figure)
        return ax.figure

    def params(self) -> dict[str, Any]:
        """The claim's parameters as the claims file states them (what :meth:`rerun` changes)."""
        return self.original.params.model_dump(mode="json")

    # ------------------------------------------------------------------ rerun
    def rerun(self, **changes: Any) -> ClaimResult:
        """Check this claim again with some parameters changed, on the same snapshot and
        evaluation date: ``view.rerun(tolerance=0.01)``, ``view.rerun(window={"start":
        "2025-12-01", "end": "2025-12-31"})``.

        The changes are validated by the kind's parameter model (an unknown or ill-typed one
        raises :class:`RerunError`, one line naming it); accepted proxies apply as in the run.
        The claim is checked alone: no Benjamini-Hochberg adjustment across the claims file, so
        a tested claim's verdict rests on its raw p-value; the summary starts with
        :data:`RERUN_PREFIX` to say so.
        """
        from analysis.checks.evaluate import evaluate

        claim = self.original.model_copy(update={"params": self._params_with(changes)})
        result = evaluate(claim, self.snapshot, self.ctx)
        return replace(result, summary=RERUN_PREFIX + result.summary)

    def _params_with(self, changes: dict[str, Any]):
        model = type(self.original.params)
        unknown = [name for name in changes if name not in model.model_fields]
        if unknown:
            raise RerunError(
                f"{self.original.id}: {self.original.kind} has no parameter {unknown[0]!r}, "
                f"expected one of {', '.join(model.model_fields)}"
            )
        try:
            return model.model_validate({**self.original.params.model_dump(), **changes})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "params"
            got = repr(first["input"])
            got = got if len(got) <= 60 else got[:57] + "..."
            raise RerunError(
                f"{self.original.id}: parameter {where}: {first['msg']} (got {got})"
            ) from None

    # ------------------------------------------------------------------ display
    def _repr_html_(self) -> str:
        r, claim = self.result, self.claim
        colour = VERDICT_COLOURS.get(r.verdict, "#000000")
        badge = (
            f"<span style='background:{colour};color:#fff;border-radius:3px;padding:1px 6px'>"
            f"{esc(r.verdict.replace('_', ' '))}</span>"
        )
        cut = f"up to {self.cut:%Y-%m-%d}" if self.cut else "all dates"
        files = "".join(
            f"<li><code>{esc(rel)}</code>: {len(frame):,} rows {esc(cut)}</li>"
            for rel, frame in self.data.items()
        )
        missing = "".join(f"<li><code>{esc(rel)}</code>: missing</li>" for rel in r.missing)
        tests = "; ".join(esc(t.name) for t in self.tests) or "none (decided without a test)"
        names = ", ".join(f"<code>{esc(n)}</code>" for n in self.params())
        return (
            "<div class='claim-view' style='border:1px solid #d0d7de;border-radius:6px;"
            "padding:8px 12px;max-width:60em'>"
            f"<p style='margin:0'>{badge} <code>{esc(claim.id)}</code> "
            f"({esc(claim.kind)}, theme {esc(claim.theme)})</p>"
            f"<p style='margin:4px 0'><q>{esc(claim.text)}</q></p>"
            f"<p style='margin:4px 0'>{esc(r.summary)}</p>"
            f"<ul style='margin:4px 0'>{files}{missing}</ul>"
            f"<p style='margin:4px 0'><b>Tests:</b> {tests}.<br><b>Parameters:</b> {names}.<br>"
            "<b>Handles:</b> <code>.result</code>, <code>.data</code>, <code>.tests</code>, "
            "<code>.chart()</code>, <code>.rerun(name=value)</code>.</p></div>"
        )

    def __repr__(self) -> str:
        return f"<ClaimView {self.original.id}: {self.result.verdict}>"
