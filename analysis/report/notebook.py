"""What the notebooks call: one object that loads a run's inputs and shows a claim end to end.

A theme notebook is a few calls::

    wb = Workbook.open(snapshot=snapshot, claims=claims, as_of=as_of, alpha=alpha,
                       notes_dir=notes_dir)
    wb.header()
    wb.show("rut_close_2026_01_02")      # the words, the data, the chart, the tests, the verdict
    wb.record(theme, results_path)      # for `workbook run`

Verdicts come from :func:`analysis.checks.evaluate_all` over the whole registry, exactly as in
``workbook check``, so a notebook and the command never disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from html import escape as esc
from pathlib import Path

import pandas as pd
from IPython.display import HTML, display

from analysis.checks import Context, evaluate_all
from analysis.claims import Claim, Registry, load_claims
from analysis.report.banners import render_markdown, synthetic_banner, verdict_box
from analysis.report.plots import plot_claim
from analysis.report.results_json import write_json
from analysis.results import ClaimResult
from analysis.snapshot import Snapshot

NOTE_LIMIT = 64 * 1024  # characters of an analyst's note shown; the rest is not read


@dataclass
class Workbook:
    """A run's inputs and results, with display helpers for the notebooks."""

    registry: Registry
    snapshot: Snapshot
    results: dict[str, ClaimResult]
    notes_dir: Path
    until: date | None = None

    @classmethod
    def open(
        cls,
        *,
        snapshot: str | Path,
        claims: str | Path,
        as_of: str | None = None,
        alpha: float = 0.05,
        notes_dir: str | Path = "../notes",
    ) -> Workbook:
        """Load the claims and the snapshot and evaluate every claim (as ``workbook check``)."""
        registry = load_claims(claims)
        snap = Snapshot(snapshot)
        until = date.fromisoformat(as_of) if as_of else None
        results = evaluate_all(registry, snap, Context(until=until, alpha=alpha))
        return cls(registry, snap, {r.id: r for r in results}, Path(notes_dir), until)

    # ------------------------------------------------------------------ display
    def header(self, *, banner: bool = True) -> None:
        """The article, the snapshot, and (for the demo) a warning that the data is synthetic.

        ``banner=False`` leaves the warning out: ``workbook run`` puts its own at the top of
        every exported page.
        """
        if banner and self.snapshot.synthetic:
            display(HTML(synthetic_banner()))
        a = self.registry.article
        cut = f" Data used up to {self.until}." if self.until else ""
        display(
            HTML(
                f"<p><b>Article:</b> {esc(a.title)} (as of {a.as_of}).<br>"
                f"<b>Snapshot:</b> <code>{esc(self.snapshot.describe())}</code>.{cut}</p>"
            )
        )

    def _claim(self, claim_id: str) -> Claim:
        """The claim as its check read the snapshot (an accepted proxy swapped in)."""
        from analysis.checks.evaluate import as_checked

        return as_checked(self.registry.get(claim_id), self.snapshot)

    def verdict_banner(self, claim_id: str) -> HTML:
        """The claim's verdict, finding and decisive p-values (the one verdict box)."""
        return HTML(verdict_box(self.results[claim_id]))

    def data_table(self, claim_id: str, rows: int = 8):
        """The rows of the claim's first data file around the dates checked."""
        claim, r = self._claim(claim_id), self.results[claim_id]
        have = [f for f in claim.data if self.snapshot.has(f)]
        if not have:
            return None
        frame = self.snapshot.load(have[0])
        if r.date_range:
            start, end = (pd.Timestamp(d) for d in r.date_range)
            inside = frame.loc[start:end]
            frame = (
                inside
                if len(inside) <= 2 * rows
                else pd.concat([inside.head(rows // 2), inside.tail(rows // 2)])
            )
            if len(frame) < 3:
                frame = self.snapshot.load(have[0]).loc[:end].tail(rows)
        else:
            frame = frame.tail(rows)
        frame = frame.dropna(axis=1, how="all")
        frame.attrs = {}
        frame.index = pd.Index(frame.index.strftime("%Y-%m-%d"), name="date")
        return (
            frame.style.set_caption(esc(have[0]))
            .format(precision=2, escape="html")
            .format_index(escape="html", axis=0)
            .format_index(escape="html", axis=1)
        )

    def note(self, claim_id: str) -> HTML | None:
        """The analyst's note ``notes/<claim id>.md`` as safe HTML (raw HTML shown as text)."""
        path = self.notes_dir / f"{claim_id}.md"
        if not path.is_file():
            return None
        with path.open(encoding="utf-8", errors="replace") as fh:
            text = fh.read(NOTE_LIMIT)
        return HTML(
            f"<p><b>Analyst note</b> (<code>notes/{esc(claim_id)}.md</code>):</p>"
            + render_markdown(text)
        )

    def show(self, claim_id: str, *, heading: bool = False) -> None:
        """Everything about one claim: words, data, chart, tests, verdict, note.

        Returns nothing, so that the cell does not render the result a second time.
        """
        claim, r = self._claim(claim_id), self.results[claim_id]
        display(HTML(f"<a id='{esc(claim_id)}'></a>"))
        files = ", ".join(f"<code>{esc(f)}</code>" for f in claim.data)
        title = (
            f"<h2>{esc(claim.text)}</h2><p>Claim <code>{esc(claim_id)}</code>, checked as "
            if heading
            else "<p>Checked as "
        )
        note = f"<br>{esc(claim.note)}" if claim.note else ""
        display(HTML(f"{title}<b>{esc(claim.kind)}</b> with {files}.{note}</p>"))
        table = self.data_table(claim_id)
        if table is not None:
            display(table)
        ax = plot_claim(claim, r, self.snapshot)
        if ax is not None:
            import matplotlib.pyplot as plt

            display(ax.figure)
            plt.close(ax.figure)
        for test in r.tests:
            display(test)
        display(self.verdict_banner(claim_id))
        note = self.note(claim_id)
        if note is not None:
            display(note)

    def show_theme(self, theme: str) -> None:
        """Show every claim of a theme, in registry order (the generic notebook's loop)."""
        for claim in self.registry.by_theme(theme):
            self.show(claim.id, heading=True)

    def scoreboard(self, theme: str) -> pd.DataFrame:
        """The theme's verdicts at a glance."""
        rows = [
            {
                "claim": c.id,
                "verdict": self.results[c.id].verdict,
                "summary": self.results[c.id].summary,
            }
            for c in self.registry.by_theme(theme)
        ]
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ recording
    def record(self, theme: str, results_path: str | Path | None) -> Path | None:
        """Write the theme's results for ``workbook run`` (nothing in interactive use)."""
        if results_path is None:
            return None
        claims = [self.results[c.id].to_dict() for c in self.registry.by_theme(theme)]
        doc = {"theme": theme, "claims": claims}
        json.dumps(doc, allow_nan=False)  # fail here, in the notebook, on a non-JSON value
        return write_json(Path(results_path), doc)
