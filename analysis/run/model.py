"""What a run plans and reports: a job per theme, the fate of each, the run's summary."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Status = Literal["ok", "failed", "reused"]


@dataclass(frozen=True, slots=True)
class ThemeRun:
    """The fate of one theme's notebook in a run; paths are in the final ``out`` folder."""

    theme: str
    status: Status
    notebook: Path
    ipynb: Path | None = None
    html: Path | None = None
    error: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What a run wrote: the report folder, its scorecard and results, one entry per theme."""

    out: Path
    index: Path
    results: Path
    snapshot: Path
    themes: tuple[ThemeRun, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def failed(self) -> tuple[ThemeRun, ...]:
        """The themes whose notebook failed."""
        return tuple(t for t in self.themes if t.status == "failed")

    @property
    def ok(self) -> bool:
        """True when every notebook ran (whatever the verdicts)."""
        return not self.failed


@dataclass(slots=True)
class Job:
    """One theme's notebook to run: its parameters, its fingerprint (for reuse) and where its
    kernel comes from (a :class:`~analysis.run.kernels.KernelPool`; None: papermill's own)."""

    theme: str
    notebook: Path
    parameters: dict[str, Any]
    fingerprint: str = ""
    kernels: Any = None
    announce: Any = None  # called as the notebook starts (the progress line), if set
    stage: Path | None = None  # the staging folder its notebook and page are written into
    key: str = ""  # the theme, after its article's id in a corpus ("article/theme")
    expected: float | None = None  # seconds its notebook took when it last ran (None: unknown)


def longest_first(todo: Sequence[Job]) -> list[Job]:
    """The jobs in the order to start them: those expected to take longest first (unknown ones
    before all), else as planned. Started in plan order, a long notebook drawn last ran alone on
    one core at the end of the demo's run, the others idle (longest processing time first)."""
    return sorted(todo, key=lambda job: -(math.inf if job.expected is None else job.expected))
