"""P-values corrected for testing many claims at once (Benjamini-Hochberg false discovery rate).

Raw and adjusted p-values are both kept, so a report can show each claim's own test beside the
correction for the family of claims.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from analysis.results import ResultBase, _jsonable
from analysis.stats._common import check_alpha

BH = (
    "Benjamini & Hochberg (1995), 'Controlling the false discovery rate', JRSS B 57(1); "
    "statsmodels.stats.multitest.multipletests(method='fdr_bh')"
)


@dataclass(frozen=True, slots=True)
class FdrAdjustment(ResultBase):
    """Raw and Benjamini-Hochberg adjusted p-values, and which nulls are rejected.

    ``table`` is indexed by name with columns ``pvalue``, ``pvalue_adjusted`` and ``reject``
    (missing p-values stay NaN and are never rejected); ``m`` counts the p-values corrected.
    """

    table: pd.DataFrame
    alpha: float
    m: int
    n_rejected: int
    method: str = "Benjamini-Hochberg step-up (false discovery rate)"
    reference: str = BH

    def adjusted(self, name: str) -> float:
        """The adjusted p-value of one name (NaN where its p-value was missing)."""
        if name not in self.table.index:
            raise KeyError(f"no p-value named {name!r}; names are {list(self.table.index)}")
        return float(self.table.at[name, "pvalue_adjusted"])

    def summary(self) -> str:
        return (
            f"{self.n_rejected} of {self.m} nulls rejected at a false discovery rate of "
            f"{self.alpha:g} ({self.method})."
        )

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.summary())}</p>" + self.table.to_html()

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {
                "alpha": self.alpha,
                "m": self.m,
                "n_rejected": self.n_rejected,
                "method": self.method,
                "reference": self.reference,
                "pvalues": {
                    str(k): {c: row[c] for c in self.table.columns}
                    for k, row in self.table.iterrows()
                },
            }
        )


def benjamini_hochberg(
    pvalues: Mapping[str, float | None] | pd.Series, *, alpha: float = 0.05
) -> FdrAdjustment:
    """Benjamini-Hochberg adjusted p-values for a family of tests.

    H0 for each test as that test states it; the procedure rejects the hypotheses whose adjusted
    p-value is <= ``alpha``, which keeps the expected share of false rejections among all
    rejections (the false discovery rate) at or below ``alpha`` for independent or positively
    dependent (PRDS) tests.

    Parameters
    ----------
    pvalues
        Name -> p-value in [0, 1]. ``None`` or NaN (a claim without a test) is passed through
        untouched and not counted in m.
    alpha
        The false discovery rate to control.

    Returns
    -------
    FdrAdjustment
        ``table`` (pvalue, pvalue_adjusted, reject) in the input's order, ``m``, ``n_rejected``.

    Raises
    ------
    ValueError
        A p-value outside [0, 1] or not a number; alpha outside (0, 1).

    References
    ----------
    Benjamini & Hochberg (1995), JRSS B 57(1), 289-300.

    Examples
    --------
    >>> benjamini_hochberg({"a": 0.01, "b": 0.04, "c": None}).adjusted("b")
    0.04
    """
    check_alpha(alpha)
    if not isinstance(pvalues, Mapping | pd.Series):
        raise ValueError(f"pvalues must be a mapping of name to p-value, got {type(pvalues)}")
    names, raw = [], []
    for name, p in pvalues.items():
        if p is None:
            p = math.nan
        if isinstance(p, bool) or not isinstance(p, int | float | np.number):
            raise ValueError(f"p-value of {name!r} must be a number, got {p!r}")
        if not (math.isnan(p) or 0 <= p <= 1):
            raise ValueError(f"p-value of {name!r} must lie in [0, 1], got {p!r}")
        names.append(name)
        raw.append(float(p))
    values = np.array(raw, dtype=float)
    adjusted = np.full(len(values), np.nan)
    reject = np.zeros(len(values), dtype=bool)
    ok = ~np.isnan(values)
    if ok.any():
        reject[ok], adjusted[ok], _, _ = multipletests(values[ok], alpha=alpha, method="fdr_bh")
    table = pd.DataFrame(
        {"pvalue": values, "pvalue_adjusted": adjusted, "reject": reject},
        index=pd.Index(names, name="name", dtype=object),
    )
    return FdrAdjustment(table, alpha, int(ok.sum()), int(reject.sum()))
