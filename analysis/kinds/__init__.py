"""Stage 3a, the check kinds: one module per kind, each registered once in :data:`KINDS`.

To add a kind, write ``analysis/kinds/<kind>.py`` with a ``Params`` model and a ``check``
decorated with :func:`~analysis.kinds.registry.register`, import it below, and regenerate the
README's reference (``make docs``). See :mod:`analysis.kinds.registry`.
"""

from analysis.kinds import (  # noqa: F401  (importing a kind registers it)
    activity_change,
    change,
    drawdown,
    earnings_convergence,
    earnings_forecast,
    factor_sensitivity,
    flow_record,
    indicator,
    level,
    level_on_date,
    momentum,
    period_rank,
    policy_decision,
    rate_decisions,
    rate_forecast,
    record,
    record_high,
    relative_forecast,
    relative_return,
    sector_leadership,
    streak,
    target_move,
    target_range,
    valuation_gap,
    valuation_point,
    window_move,
)
from analysis.kinds.registry import KINDS, Kind, get_kind, reference_markdown, register

__all__ = ["KINDS", "Kind", "get_kind", "reference_markdown", "register"]
