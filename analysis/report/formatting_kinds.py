"""The per-kind writers behind :func:`analysis.report.formatting.describe_stated` and
:func:`~analysis.report.formatting.describe_observed`: for each check kind (``analysis/kinds``),
what its stated and observed values say, in one or two short lines with their units and the
precision they were stated with. A writer takes the value and the claim's result and returns
lines of plain text; a shape it does not know raises, and the caller falls back to
:func:`analysis.report.formatting.details`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from analysis.report.formatting import (
    DASH,
    _get,
    bp,
    count,
    day,
    days_list,
    decimals,
    in_words,
    level,
    multiple,
    number,
    ordinal,
    pct,
    percent,
    rate,
    rate_range,
    signed,
    span,
)
from analysis.report.names import label, unit


def _names(r: Any) -> list[str]:
    """The series the claim read, in words (``analysis.report.names.label``)."""
    return [label(f) for f in _get(r, "data") or ()]


def _val(r: Any, value: float, places: int) -> str:
    """A value in the unit of the claim's first series: a rate in percent, else a level."""
    data = _get(r, "data") or ()
    u = unit(data[0]) if data else None
    return rate(value, max(2, places)) if u == "percent" else level(value, places)


def _period(text: str) -> str:
    text = in_words(str(text))
    if text.startswith("the session of "):
        return "on " + text.removeprefix("the session of ")
    return text if text.startswith(("the ", "since ", "year to date", "in ")) else f"in {text}"


def _plural(n: int | None, noun: str) -> str:
    return f"{noun}s" if n is None else f"{n:,} {noun}{'' if n == 1 else 's'}"


def _s_compare(s, r):
    return [in_words(s["compare"]) + (f" on {day(s['date'])}" if "date" in s else "")]


def _o_level(o, r):
    said = str((_get(r, "stated") or {}).get("compare", ""))
    places, v = decimals(said), o["value"]
    shown = (
        f"{v:,.{places}f} bp"
        if "bp" in said
        else rate(v, max(2, places))
        if "%" in said
        else (_val(r, v, max(2, places)))
    )
    return [f"{shown} on {day(o['date'])}"]


def _s_level_on_date(s, r):
    return [f"{_val(r, s['value'], decimals(s['value']))} on {day(s['date'])}"]


def _o_level_on_date(o, r):
    places = max(2, decimals((_get(r, "stated") or {}).get("value")))
    lines = [f"{_val(r, o['value'], places)} on {day(o['date'])}"]
    if o.get("difference"):
        diff = o["difference"]
        lines.append(f"{level(abs(diff), places)} {'above' if diff > 0 else 'below'} the stated")
    return lines


def _s_change(s, r):
    return [in_words(s["compare"]), _period(s["period"])]


def _o_change(o, r):
    places, v, u = decimals(str((_get(r, "stated") or {}).get("compare"))), o["change"], o["unit"]
    by = {"bp": f"{v:+,.{places}f} bp", "points": f"{v:+,.{max(2, places)}f} points"}
    shown = by.get(u, percent(v, max(1, places)))
    if o.get("benchmark_change") is not None:
        names = _names(r)
        bench = names[1] if len(names) > 1 else "the benchmark"
        lead = shown.lstrip("+-").replace("%", " pp")
        other = by.get(u, percent(o["benchmark_change"], max(1, places)))
        if u == "bp":
            other = percent(o["benchmark_change"], max(1, places))
        shown = f"{'led' if v >= 0 else 'trailed'} {bench} ({other}) by {lead}"
    return [shown, span(o["from"], o["to"])]


def _s_record(s, r):
    return [f"a record of {s['level']}" if s.get("level") else "a record", _period(s["period"])]


def _o_record(o, r):
    if "close" in o and "intraday" in o:
        return [f"{side}: {'; '.join(_o_record(o[side], r))}" for side in ("close", "intraday")]
    places = max(2, decimals((_get(r, "stated") or {}).get("level")))
    if "record" in o:
        lines = [f"record {_val(r, o['record'], places)} on {day(o['date'])}"]
        n = o.get("records_in_period", 1)
        return lines + ([f"{n} records in the period"] if n > 1 else [])
    where = o.get("stated_level_date")
    more = f"the stated level was one on {day(where)}" if where else None
    return [
        "no record in the period",
        more or f"{_plural(o['records_nearby'], 'record day')} nearby",
    ]


def _s_record_high(s, r):
    return [f"a record at {level(s, decimals(s))}"]


WHAT = {"close": "close", "high": "intraday"}
_MONEY = re.compile(r"\$([\d,]+)(?: [mb]illion)?")


def _o_record_high(o, r):
    sides = [k for k in ("close", "high") if f"{k}_peak" in o]
    dates = {o[f"{k}_peak_date"] for k in sides}
    when = {k: "" if len(dates) == 1 else f" ({day(o[f'{k}_peak_date'])})" for k in sides}
    head = "highest " + ", ".join(f"{WHAT[k]} {level(o[f'{k}_peak'])}{when[k]}" for k in sides)
    records = [k for k in sides if o[f"{k}_is_record"]]
    said = {2: "both records", 0: "not a record"}.get(len(records)) if len(sides) == 2 else None
    said = said or ("a record " + ("close" if records == ["close"] else "intraday high")
                    if records else "not a record")  # fmt: skip
    if o.get("stated_level_date"):
        said += f"; the stated level was one on {day(o['stated_level_date'])}"
    return [head, f"on {day(dates.pop())}: {said}" if len(dates) == 1 else said]


def _s_window_move(s, r):
    move = pct(s["move"], decimals(100 * s["move"]))
    tol = f" (±{100 * s['tolerance']:g} pp)" if s.get("tolerance") else ""
    return [f"{move}{tol} in {s['days']} sessions", f"ending {span(*s['ends_within'])}"]


def _o_window_move(o, r):
    m, n = o["matching_windows"], o["windows_checked"]
    said = f"{m} of {n} windows {'matches' if m == 1 else 'match'}"
    if o.get("matching_elsewhere"):
        a, b, ret = o["matching_elsewhere"]
        said += f"; {pct(ret)} over {span(a, b)}"
    return [f"best {pct(o['best_return'])}, {span(o['best_start'], o['best_end'])}", said]


def _s_relative_return(s, r):
    tol = 10_000 * (s.get("tolerance") or 0)
    if s.get("spread") is None:
        return [f"a lead of at least {tol:,.0f} bp over {s['days']} sessions"]
    return [f"{bp(s['spread'], max(0, decimals(10_000 * s['spread'])))} (±{tol:,.0f} bp) "
            f"over {s['days']} sessions"]  # fmt: skip


def _o_relative_return(o, r):
    names = _names(r) if len(_names(r)) == 2 else ["series", "benchmark"]
    a, b = pct(o["return_series"]), pct(o["return_benchmark"])
    return [f"{bp(o['spread'])}, {span(o['start'], o['end'])}", f"{names[0]} {a}, {names[1]} {b}"]


def _s_relative_forecast(s, r):
    names = _names(r)
    who = f"{names[0]} beats {names[1]}" if len(names) == 2 else "outperforms"
    return [who, f"until {day(s['outperform_until'])}"]


def _o_relative_forecast(o, r):
    return [f"{bp(o['spread'])} so far, to {day(o['through'])}"]


def _o_returns(o, r):
    ranked = sorted(o.items(), key=lambda kv: -kv[1] if isinstance(kv[1], float) else 0)
    return ["; ".join(f"{label(str(k))} {pct(v) if isinstance(v, float) else number(v)}"
                      for k, v in ranked)]  # fmt: skip


def _o_momentum(o, r):
    return [f"{pct(o['return_before'])} before, {pct(o['return_after'])} after"]


def _s_target_range(s, r):
    return [rate_range(s["lower"], s["upper"])]


def _o_target_range(o, r):
    return [f"{rate_range(o['lower'], o['upper'])} on {day(o['date'])}"]


def _s_rate_decisions(s, r):
    return [
        _plural(s["cuts"], "cut") + (" at consecutive meetings" if s.get("consecutive") else "")
    ]


def _o_rate_decisions(o, r):
    when = o.get("cut_meetings") or o.get("cut_dates") or []
    head = _plural(o["cuts"], "cut") + (f": {days_list(when)}" if when else "")
    return [head, f"{o['consecutive_cuts_to_period_end']} in a row to the period's end"]


def _s_rate_forecast(s, r):
    return [f"{rate(s['rate'])} (±{s['tolerance']:g} pp) by {day(s['by'])}"]


def _o_rate_forecast(o, r):
    avg = o.get("realized_average")
    realized = f"realized average {rate(avg)}" if avg is not None else "realized average: not yet"
    return [
        f"futures implied {rate(o['implied_at_publication'])} on {day(o['implied_date'])}",
        realized,
    ]


def _s_valuation_point(s, r):
    tol = f" (±{multiple(s['tolerance'], decimals(s['tolerance']))})" if s.get("tolerance") else ""
    small, large = (multiple(s[k], decimals(s[k])) for k in ("small", "large"))
    return [f"small caps {small}, large caps {large}{tol}"]


def _o_valuation_point(o, r):
    return [f"small caps {multiple(o['small'])}, large caps {multiple(o['large'])}",
            f"a {percent(o['discount_pct'], sign=False)} discount"]  # fmt: skip


def _o_valuation_gap(o, r):
    if "n" in o:
        last = f", the last {o['ratio']:.2f}" if o.get("ratio") is not None else ""
        return [f"{_plural(o['n'], 'ratio')}: too few{last}"]
    lo, hi = o["long_run_mean_ci"]
    band = (
        "interval too wide to say"
        if o.get("long_run_mean_very_wide")
        else f"{lo:.2f}{DASH}{hi:.2f}"
    )
    return [f"small/large P/E {o['ratio']:.2f}, percentile {o['percentile']:.1f}",
            f"long-run mean {o['long_run_mean_ratio']:.2f} ({band})"]  # fmt: skip


def _s_earnings_forecast(s, r):
    (a, b), (c, d) = s["small"], s["large"]
    return [f"{s['year']} EPS growth",
            f"small caps {a:g}{DASH}{b:g}%, large caps {c:g}{DASH}{d:g}%"]  # fmt: skip


def _o_earnings_forecast(o, r):
    def side(v: Mapping) -> str:
        if v.get("realized") is not None:
            return f"{v['realized']:.1f}% realized, {v['status']}"
        est = f"consensus {v['estimate']:.1f}%" if v.get("estimate") is not None else "no consensus"
        return f"{est}, {v['status']}"

    return [f"{k} caps: {side(o[k])}" for k in ("small", "large") if k in o]


def _o_earnings_convergence(o, r):
    over = f" over {_plural(o['quarters'], 'quarter')}" if o.get("quarters") else ""
    return [f"growth gap {o['first_gap']:.1f} → {o['last_gap']:.1f} pp{over}",
            f"trend {o['slope_per_year']:+.2f} pp a year"]  # fmt: skip


def _o_factor_sensitivity(o, r):
    how = "market-controlled, " if o.get("market_controlled") else ""
    return [f"betas: small caps {signed(o['beta_small'])}, large caps {signed(o['beta_large'])}",
            f"difference {signed(o['difference'])} ({how}n = {count(o['nobs'])})"]  # fmt: skip


def _o_flow_record(o, r):
    total, rank = o["total"], o["rank"]
    amount = f"{abs(total):,.0f}" + (f" {o['unit']}" if o.get("unit") else "")
    said = _MONEY.search(
        str(_get(r, "summary") or "")
    )  # the summary names the unit: "$2,412 million"
    if said and not o.get("unit") and said.group(1) == f"{abs(total):,.0f}":
        amount = said.group()
    head = f"net {'inflows' if total >= 0 else 'outflows'} of {amount}"
    return [head, "a record" if rank == 1 else f"ranked {ordinal(rank)} of the windows as long"]


def _o_activity_change(o, r):
    per = "a year" if "a year" in str(_get(r, "summary") or "") else "a period"
    return [f"{o['recent_rate']:.1f} {per}, against {o['baseline_rate']:.1f} before",
            f"rate ratio {o['rate_ratio']:.2f}"]  # fmt: skip


def _s_indicator(s, r):
    if s.get("relation"):
        return [f"the close {s['relation']} its {s['indicator']}"]
    return [f"{s['indicator']} {in_words(s['compare'])}"]


def _o_indicator(o, r):
    name = str((_get(r, "stated") or {}).get("indicator") or "indicator")
    return [f"{name} {level(o['indicator'])}, close {level(o['close'])}", f"on {day(o['date'])}"]


def _s_period_rank(s, r):
    return [f"the {s['rank']} since {s['since']}"]


def _o_period_rank(o, r):
    key = next((k for k in o if k.startswith("last_as_")), "last_as_good")
    word = key.removeprefix("last_as_")
    last = f"the last as {word}: {day(o[key])}" if o.get(key) else f"none as {word} before"
    return [percent(o["change"], 2), last]


def _s_target_move(s, r):
    return [f"target {level(s['target'], decimals(s['target']))}, {in_words(s['compare'])} away"]


def _o_target_move(o, r):
    places = max(1, decimals(str((_get(r, "stated") or {}).get("compare"))))
    return [f"{percent(o['implied_move'], places)} to the target",
            f"from {level(o['close'])} on {day(o['date'])}"]  # fmt: skip


def _s_streak(s, r):
    parts = [f"{s['length']} sessions in a row"] if s.get("length") else []
    parts += [f"the longest since {day(s['since'])}"] if s.get("since") else []
    return parts or ["a streak"]


def _o_streak(o, r):
    lines = [f"{_plural(o['length'], 'session')} in a row to {day(o['end'])}"]
    return lines + ([f"one as long ended {day(o['as_long_on'])}"] if o.get("as_long_on") else [])


def _s_drawdown(s, r):
    return [f"{in_words(s['compare'])} below the peak"]


def _o_drawdown(o, r):
    places = max(1, decimals(str((_get(r, "stated") or {}).get("compare"))))
    return [f"{percent(o['drawdown'], places, sign=False)} below the peak",
            f"of {level(o['peak'])} on {day(o['peak_date'])}"]  # fmt: skip


def _decision(action: str, size: int | None, when: str, run: int | None) -> list[str]:
    what = f"a {abs(size)} bp {action}" if size and action != "hold" else f"a {action}"
    return [f"{what} on {day(when)}"] + (
        [f"the {ordinal(run)} in a row"] if run and run > 1 else []
    )


def _policy_period(period: Any) -> str:
    """A policy claim's period (``analysis.kinds.vocabulary.Period`` as JSON) in words."""
    from analysis.kinds.vocabulary import Period

    if not isinstance(period, Mapping):
        return _period(str(period))
    if period.get("since") and period.get("until"):
        return span(period["since"], period["until"])
    try:
        return _period(Period(**period).words())
    except (ValueError, TypeError):
        return number(period)


def _s_policy_decision(s, r):
    if "meeting" in s:
        return _decision(s["action"], s.get("size_bp"), s["meeting"], s.get("consecutive"))
    head, total = _plural(s.get("count"), s["action"]), s.get("cumulative_bp")
    if total is not None:
        head += (
            f", {total:,} bp in all" if s.get("count") is not None else f" of {total:,} bp in all"
        )
    return [head, _policy_period(s.get("period"))]


def _o_policy_decision(o, r):
    if "meeting" in o:
        return _decision(o["action"], o.get("change_bp"), o["meeting"], o.get("in_a_row"))
    action = str((_get(r, "stated") or {}).get("action", "decision"))
    return [f"{_plural(o['count'], action)}, {o['cumulative_bp']:,} bp in all",
            f"over {_plural(o['decisions'], 'meeting')}"]  # fmt: skip


# a kind's stated and observed writers; a kind or key not here falls back to :func:`details`
STATED: dict[str, Callable] = {
    "level": _s_compare, "level_on_date": _s_level_on_date, "change": _s_change,
    "record": _s_record, "record_high": _s_record_high, "window_move": _s_window_move,
    "relative_return": _s_relative_return, "relative_forecast": _s_relative_forecast,
    "target_range": _s_target_range, "rate_decisions": _s_rate_decisions,
    "rate_forecast": _s_rate_forecast, "valuation_point": _s_valuation_point,
    "earnings_forecast": _s_earnings_forecast, "indicator": _s_indicator,
    "period_rank": _s_period_rank, "target_move": _s_target_move, "streak": _s_streak,
    "drawdown": _s_drawdown, "policy_decision": _s_policy_decision,
}  # fmt: skip
OBSERVED: dict[str, Callable] = {
    "level": _o_level, "level_on_date": _o_level_on_date, "change": _o_change,
    "record": _o_record, "record_high": _o_record_high, "window_move": _o_window_move,
    "relative_return": _o_relative_return, "relative_forecast": _o_relative_forecast,
    "sector_leadership": _o_returns, "momentum": _o_momentum, "target_range": _o_target_range,
    "rate_decisions": _o_rate_decisions, "rate_forecast": _o_rate_forecast,
    "valuation_point": _o_valuation_point, "valuation_gap": _o_valuation_gap,
    "earnings_forecast": _o_earnings_forecast, "earnings_convergence": _o_earnings_convergence,
    "factor_sensitivity": _o_factor_sensitivity, "flow_record": _o_flow_record,
    "activity_change": _o_activity_change, "indicator": _o_indicator,
    "period_rank": _o_period_rank, "target_move": _o_target_move, "streak": _o_streak,
    "drawdown": _o_drawdown, "policy_decision": _o_policy_decision,
}  # fmt: skip
# what a claim states when its check takes no number (the claim's words say it)
IMPLIED = {
    "record_high": "a record high",
    "momentum": "the rise continues",
    "sector_leadership": "the named sectors lead",
}
