"""Statistics behind the checks: each function states its null and alternative in words and
returns a frozen :class:`analysis.results.StatResult` (statistic, p-value, interval, n).

Modules: ``windows`` (moves, rarity, records), ``relative`` (spreads and their robustness to the
window), ``sensitivity`` (betas to yields and the dollar), ``valuation`` (P/E gaps),
``reversion`` (mean reversion, predictive power), ``convergence`` (earnings growth),
``forecasts`` (scoring stated ranges), ``counts`` (event rates, flow records), ``multiple``
(Benjamini-Hochberg) and ``hac`` (the HAR regression they share).
Each is shown to be calibrated on simulated data in ``tests/``.
"""
