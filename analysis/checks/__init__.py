"""Stage 3b, the checks: the machinery every kind shares and the evaluation of a registry.

* :mod:`~analysis.checks.base`: ``Context``, ``Data`` (cut at the evaluation date), ``Finding``;
* :mod:`~analysis.checks.evaluate`: :func:`evaluate_all`, the honesty rules and
  Benjamini-Hochberg across the registry.

The kinds themselves (one module each) are in :mod:`analysis.kinds`.

>>> results = evaluate_all(load_claims(), Snapshot("data/demo"))  # doctest: +SKIP
"""

from analysis.checks.base import Context
from analysis.checks.evaluate import evaluate, evaluate_all

__all__ = ["Context", "evaluate", "evaluate_all"]
