"""Frozen result objects: one for a statistical test, one for a checked claim.

Every statistical function of :mod:`analysis.stats` returns a :class:`StatResult`; every check
returns a :class:`ClaimResult`. Both render themselves in a notebook (``_repr_html_``), print a
one-paragraph ``summary()``, and turn into plain JSON with ``to_dict()``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

Verdict = Literal[
    "supported",
    "partly_supported",
    "contradicted",
    "inconclusive",
    "needs_data",
    "pending",
    "error",
]
VERDICTS: tuple[str, ...] = get_args(Verdict)

# colours shared by the terminal table, the notebooks and the scorecard
VERDICT_COLOURS = {
    "supported": "#1a7f37",
    "partly_supported": "#9a6700",
    "contradicted": "#cf222e",
    "inconclusive": "#6e7781",
    "needs_data": "#0969da",
    "pending": "#8250df",
    "error": "#000000",
}


def _num(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:.4g}"


def _jsonable(value: Any) -> Any:
    """Plain JSON types: floats stay floats (NaN becomes None), tuples become lists."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return (
            value.isoformat()[:10]
            if hasattr(value, "hour") and not value.hour
            else value.isoformat()
        )
    return value


def html_table(caption: str, rows: dict[str, Any]) -> str:
    body = "".join(
        f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
        f"<td style='text-align:left'>{html.escape(_num(v) if isinstance(v, float) else str(v))}"
        "</td></tr>"
        for k, v in rows.items()
    )
    return f"<table class='stat-result'><caption>{html.escape(caption)}</caption>{body}</table>"


class ResultBase:
    """The base of every statistical result: ``summary()`` (a short paragraph, also ``str()``),
    ``to_dict()`` (plain JSON, nested results and tables included) and ``_repr_html_()`` (the
    summary over a table) for notebooks. A result is a frozen, slotted dataclass on this base
    that computes nothing itself; subclasses define ``summary`` and may refine the other two."""

    __slots__ = ()

    def summary(self) -> str:  # pragma: no cover - overridden
        return type(self).__name__

    def __str__(self) -> str:
        return self.summary()

    def to_dict(self) -> dict[str, Any]:
        out = {}
        for key in self.__slots__:  # type: ignore[attr-defined]
            value = getattr(self, key)
            if hasattr(value, "columns") and hasattr(value, "to_dict"):  # a DataFrame
                value = value.to_dict(orient="records")
            elif hasattr(value, "to_dict"):
                value = value.to_dict()
            out[key] = value
        return _jsonable(out)

    def _repr_html_(self) -> str:
        flat = {k: v for k, v in self.to_dict().items() if not isinstance(v, dict | list)}
        return f"<p>{html.escape(self.summary())}</p>" + html_table(type(self).__name__, flat)


@dataclass(frozen=True, slots=True)
class StatResult(ResultBase):
    """The outcome of one hypothesis test or interval estimate.

    Attributes
    ----------
    name
        What was tested, in words ("Gap against its long-run mean").
    statistic, pvalue
        The test statistic and its p-value (``nan`` where the method gives none).
    estimate
        The point estimate the confidence interval is about (a mean gap, a slope, a beta).
    ci, ci_level
        The confidence interval for ``estimate`` and its level (0.95).
    nobs
        Observations used.
    null_hypothesis, alternative_hypothesis
        Sentences: "The mean of the gap equals its long-run mean."
    method, reference
        How ("OLS with Newey-West HAC errors, 12 lags") and the source of the method.
    details
        Further named numbers (lags, half-life, critical values).
    """

    name: str
    statistic: float
    pvalue: float
    estimate: float | None
    ci: tuple[float, float] | None
    nobs: int
    null_hypothesis: str
    alternative_hypothesis: str
    method: str
    reference: str
    ci_level: float = 0.95
    details: Mapping[str, Any] = field(default_factory=dict)

    def rejects(self, alpha: float = 0.05) -> bool:
        """Whether the null is rejected at level ``alpha``."""
        return bool(self.pvalue < alpha)

    def summary(self) -> str:
        """A short paragraph: the test, its numbers, the hypotheses and the method."""
        ci = (
            f", {self.ci_level:.0%} CI [{_num(self.ci[0])}, {_num(self.ci[1])}]"
            if self.ci is not None
            else ""
        )
        est = f"estimate {_num(self.estimate)}{ci}; " if self.estimate is not None else ""
        return (
            f"{self.name}: {est}statistic {_num(self.statistic)}, p-value {_num(self.pvalue)}, "
            f"n = {self.nobs}.\nH0: {self.null_hypothesis}\nH1: {self.alternative_hypothesis}\n"
            f"Method: {self.method} ({self.reference})"
        )

    def _repr_html_(self) -> str:
        rows = [
            ("estimate", _num(self.estimate)),
            (
                f"{self.ci_level:.0%} CI",
                "n/a" if self.ci is None else f"[{_num(self.ci[0])}, {_num(self.ci[1])}]",
            ),
            ("statistic", _num(self.statistic)),
            ("p-value", _num(self.pvalue)),
            ("observations", str(self.nobs)),
            ("H0", self.null_hypothesis),
            ("H1", self.alternative_hypothesis),
            ("method", f"{self.method} ({self.reference})"),
        ]
        rows += [(k, _num(v) if isinstance(v, float) else str(v)) for k, v in self.details.items()]
        body = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
            for k, v in rows
        )
        return (
            f"<table class='stat-result'><caption>{html.escape(self.name)}</caption>{body}</table>"
        )

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {
                "name": self.name,
                "statistic": self.statistic,
                "pvalue": self.pvalue,
                "estimate": self.estimate,
                "ci": self.ci,
                "ci_level": self.ci_level,
                "nobs": self.nobs,
                "null_hypothesis": self.null_hypothesis,
                "alternative_hypothesis": self.alternative_hypothesis,
                "method": self.method,
                "reference": self.reference,
                "details": dict(self.details),
            }
        )


@dataclass(frozen=True, slots=True)
class ClaimResult(ResultBase):
    """The verdict on one claim, with the numbers and tests behind it.

    ``summary`` is one sentence naming the decisive numbers and ISO dates
    ("^RUT closed at 2508.22 on 2026-01-02, as stated").
    """

    id: str
    theme: str
    text: str
    verdict: Verdict
    summary: str
    stated: Any = None
    observed: Any = None
    tests: tuple[StatResult, ...] = ()
    data: tuple[str, ...] = ()
    date_range: tuple[str, str] | None = None
    missing: tuple[str, ...] = ()
    fragile: bool = False
    kind: str = ""
    pvalue: float | None = None
    pvalue_adjusted: float | None = None

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(
                f"The value for `verdict` must be one of {set(VERDICTS)}, but {self.verdict!r} "
                "was passed."
            )

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {
                "id": self.id,
                "theme": self.theme,
                "kind": self.kind,
                "text": self.text,
                "verdict": self.verdict,
                "summary": self.summary,
                "stated": self.stated,
                "observed": self.observed,
                "tests": [t.to_dict() for t in self.tests],
                "data": list(self.data),
                "date_range": self.date_range,
                "missing": list(self.missing),
                "fragile": self.fragile,
                "pvalue": self.pvalue,
                "pvalue_adjusted": self.pvalue_adjusted,
            }
        )

    def _repr_html_(self) -> str:
        from analysis.report.banners import verdict_box

        return verdict_box(self) + "".join(t._repr_html_() for t in self.tests)
