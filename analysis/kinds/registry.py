"""The one registry of check kinds.

A kind is one unit: its parameter model (what a claims file may say under ``params``), its check
(``check(claim, params, data, ctx) -> Finding``), its chart and its reference text (the sentence
of the README's kinds table). Each module of :mod:`analysis.kinds` defines one kind and registers
it once, with :func:`register` on its check; the claims loader, the evaluator, the notebooks'
charts and the README's reference all read :data:`KINDS`.

A kind module imports its statistics inside its check, so that loading a claims file (which
needs only the parameter models) does not import scipy and statsmodels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.checks.base import Context, Data, Finding
    from analysis.claims import Claim
    from analysis.kinds.params import ParamsBase

CheckFunction = Callable[["Claim", Any, "Data", "Context"], "Finding"]


@dataclass(frozen=True, slots=True)
class Kind:
    """One check kind: ``name`` as claims files spell it, ``params`` the pydantic model of its
    parameters, ``check`` the function that decides it, ``chart`` the name of its plotting
    function in :mod:`analysis.report.plots`, ``decides`` what it decides, in one sentence."""

    name: str
    params: type[ParamsBase]
    check: CheckFunction
    chart: str
    decides: str
    tested: bool = False  # decided by a test, with the claims file's other tested claims

    def draw(self, claim, result, snapshot, *, ax=None, until=None):
        """Draw the kind's chart for ``claim``, no data after ``until`` (matplotlib is imported
        only here)."""
        plot = getattr(import_module("analysis.report.plots"), self.chart)
        return plot(claim, result, snapshot, ax=ax, until=until)


KINDS: dict[str, Kind] = {}


def register(
    name: str, params: type[ParamsBase], *, chart: str, decides: str, tested: bool = False
) -> Callable[[CheckFunction], CheckFunction]:
    """Register the decorated check as the kind ``name``, with its parameter model, chart and
    reference text; ``tested`` kinds are decided by a statistical test, together with the
    other tested claims of the file (:func:`analysis.checks.evaluate.decide_family`). A name
    registered twice is a programming error."""

    def wrap(check: CheckFunction) -> CheckFunction:
        if name in KINDS:
            raise ValueError(f"check kind {name!r} is registered twice")
        KINDS[name] = Kind(name, params, check, chart, decides, tested)
        return check

    return wrap


def get_kind(name: str) -> Kind:
    """The kind called ``name``; an unknown name says which names exist."""
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(
            f"unknown check kind {name!r}, expected one of {', '.join(sorted(KINDS))}"
        ) from None


def reference_markdown() -> str:
    """The README's kinds reference: one row per kind, its parameters and what it decides."""
    rows = ["| kind | parameters | what it decides |", "|---|---|---|"]
    for kind in sorted(KINDS.values(), key=lambda k: k.name):
        fields = kind.params.model_fields
        names = ", ".join(f"`{n}`" if f.is_required() else f"`{n}`?" for n, f in fields.items())
        rows.append(f"| `{kind.name}` | {names} | {kind.decides} |")
    return "\n".join(rows) + "\n"
