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
from typing import TYPE_CHECKING

import pandas as pd
from IPython.display import HTML, display

from analysis.checks import Context, evaluate_all
from analysis.checks.primed import lookup
from analysis.claims import Claim, Registry, load_claims
from analysis.report.banners import page_css, render_markdown, synthetic_banner, verdict_box
from analysis.report.figures import chart_html
from analysis.report.formatting import theme_title
from analysis.report.page import data_table as page_table
from analysis.report.page import folded, glance, theme_nav
from analysis.report.results_json import write_json
from analysis.results import ClaimResult
from analysis.snapshot import Snapshot

if TYPE_CHECKING:
    from analysis.report.explore import ClaimView

NOTE_LIMIT = 64 * 1024  # characters of an analyst's note shown; the rest is not read


@dataclass
class Workbook:
    """A run's inputs and results, with display helpers for the notebooks."""

    registry: Registry
    snapshot: Snapshot
    results: dict[str, ClaimResult]
    notes_dir: Path
    until: date | None = None
    alpha: float = 0.05

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
        """Load the claims and the snapshot and evaluate every claim (as ``workbook check``);
        in a kernel of ``workbook run``, the run's own evaluation of these very inputs, done
        once for all its notebooks (:mod:`analysis.checks.primed`)."""
        until = date.fromisoformat(as_of) if as_of else None
        if (primed := lookup(snapshot, claims, until, alpha)) is not None:
            registry, snap, by_id = primed
            return cls(registry, snap, dict(by_id), Path(notes_dir), until, alpha)
        registry = load_claims(claims)
        snap = Snapshot(snapshot)
        results = evaluate_all(registry, snap, Context(until=until, alpha=alpha))
        return cls(registry, snap, {r.id: r for r in results}, Path(notes_dir), until, alpha)

    # ------------------------------------------------------------------ display
    def header(self, *, banner: bool = True, theme: str | None = None) -> None:
        """The article and the snapshot; for a theme, the links to the other themes and the
        theme at a glance (the verdicts first, linking to each claim); for the demo, a warning
        that the data is synthetic.

        ``banner=False`` leaves the warning out: ``workbook run`` puts its own at the top of
        every exported page, with a link to the scorecard (the theme links then leave theirs
        out).
        """
        parts = [f"<style>{page_css()}</style>"]
        if banner and self.snapshot.synthetic:
            parts.append(synthetic_banner())
        a = self.registry.article
        cut = f" Data used up to {self.until}." if self.until else ""
        parts.append(
            f"<p><b>Article:</b> {esc(a.title)} (as of {a.as_of}).<br>"
            f"<b>Snapshot:</b> <code>{esc(self.snapshot.describe(brief=not banner))}</code>."
            f"{cut} "
            f"{self._explore()}</p>"
        )
        if theme is not None:
            titles = {t: theme_title(t) for t in self.registry.themes}
            # a run's pages carry the runner's strip, which links to the scorecard already
            parts.append(theme_nav(self.registry.themes, theme, titles, scorecard=banner))
            rows = [(c.id, c.text, self.results[c.id]) for c in self.registry.by_theme(theme)]
            parts.append(glance(rows, title=f"{titles.get(theme, theme)} at a glance"))
        display(HTML("\n".join(parts)))

    def _explore(self) -> str:
        """What running the notebook as it is does (HTML): the demo, or how to look back."""
        from analysis.paths import DEMO

        if self.snapshot.root.resolve() == DEMO.resolve():
            return (
                "Run as it is, the notebook explores the shipped demo snapshot; set "
                "<code>snapshot</code> in the parameters cell (or run <code>workbook run "
                "--snapshot PATH</code>) for real data."
            )
        return (
            "Set <code>as_of</code> in the parameters cell to see the claims as on an earlier date."
        )

    def claim(self, claim_id: str) -> ClaimView:
        """Handles to explore one claim: ``.result``, ``.data`` (the frames used), ``.tests``,
        ``.chart()`` and ``.rerun(tolerance=...)``; see :class:`~analysis.report.explore.ClaimView`.
        """
        from analysis.report.explore import ClaimView

        return ClaimView.from_workbook(self, claim_id)

    @property
    def context(self) -> Context:
        """The run's settings, as the claims were evaluated with them."""
        return Context(until=self.until, alpha=self.alpha, publication=self.registry.article.as_of)

    def cut_for(self, claim_id: str) -> date | None:
        """The last date of data the claim's check may read (its as-of date)."""
        return self.context.cut_for(self.registry.get(claim_id))

    def _claim(self, claim_id: str) -> Claim:
        """The claim as its check read the snapshot (an accepted proxy swapped in)."""
        from analysis.checks.evaluate import as_checked

        return as_checked(self.registry.get(claim_id), self.snapshot)

    def verdict_banner(self, claim_id: str) -> HTML:
        """The claim's verdict, finding and decisive p-values (the one verdict box)."""
        return HTML(verdict_box(self.results[claim_id]))

    def data_table(self, claim_id: str, rows: int = 8) -> HTML | None:
        """The claim's first data file as its check read it (up to its as-of date): the dates
        checked, every left-out row marked, and the rows used as an embedded CSV."""
        claim, r = self._claim(claim_id), self.results[claim_id]
        have = [f for f in claim.data if self.snapshot.has(f)]
        if not have:
            return None
        frame = self.snapshot.load(have[0])
        if have[0].startswith("user/"):  # a user file holds many series: those the claim reads
            named = _texts(claim.params.model_dump())
            frame = frame[[c for c in frame.columns if c in named] or list(frame.columns)]
            frame = frame.dropna(how="all")  # dates where none of those series has a value
        cut = self.cut_for(claim_id)
        if cut is not None:
            frame = frame.loc[: pd.Timestamp(cut)]
        if frame.empty:
            return None
        span = r.date_range
        return HTML(page_table(frame, file=have[0], claim_id=claim_id, rows=rows, span=span))

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
        """One claim, verdict first: the badge and finding, how it was checked, the chart, the
        tests (folded), the data used, the analyst's note.

        Returns nothing, so that the cell does not render the result a second time.
        """
        claim, r = self._claim(claim_id), self.results[claim_id]
        title = f"<h2>{esc(claim.text)}</h2>" if heading else ""
        display(HTML(f"<a id='{esc(claim_id)}'></a>{title}{verdict_box(r)}"))
        files = ", ".join(f"<code>{esc(f)}</code>" for f in claim.data)
        note = f"<br>{esc(claim.note)}" if claim.note else ""
        display(
            HTML(
                f"<p>Claim <code>{esc(claim_id)}</code>, checked as <b>{esc(claim.kind)}</b> "
                f"with {files}.{note}</p>"
            )
        )
        self._chart(claim, r)
        if r.tests:
            inner = "".join(t._repr_html_() for t in r.tests)
            display(HTML(folded(f"The tests behind the verdict ({len(r.tests)})", inner)))
        table = self.data_table(claim_id)
        if table is not None:
            display(table)
        note = self.note(claim_id)
        if note is not None:
            display(note)

    def _chart(self, claim: Claim, r: ClaimResult) -> None:
        """The claim's chart as SVG, no data after its as-of date, with the finding as its alt
        text (nothing for a claim without data or chart)."""
        html = chart_html(claim, r, self.snapshot, until=self.cut_for(claim.id))
        if html is not None:
            display(HTML(html))

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


def _texts(value) -> set[str]:
    """Every text in a claim's parameters, at any depth (the series names it reads)."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return set().union(*map(_texts, value)) if value else set()
    return set()
