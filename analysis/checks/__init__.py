"""Check kinds, one module per family, registered by kind; :func:`evaluate_all` runs a registry.

>>> from analysis.checks import evaluate_all  # doctest: +SKIP
>>> results = evaluate_all(load_claims(), Snapshot("data/demo"))  # doctest: +SKIP
"""

from analysis.checks import (  # noqa: F401  (importing a module registers its checks)
    earnings,
    flows,
    levels,
    macro,
    policy,
    relative,
    valuation,
)
from analysis.checks.base import CHECKS, Context
from analysis.checks.runner import evaluate, evaluate_all

__all__ = ["CHECKS", "Context", "evaluate", "evaluate_all"]
