"""Generate the synthetic demo snapshot shipped in ``data/demo/`` (seeded, byte-for-byte stable).

The demo lets every notebook and check run offline. It is *not market data*: its manifest says
``"synthetic": true`` and every report built on it says so. All draws come from one
``numpy.random.Generator(seed)``; the model, briefly:

* Calendar: business days 2016-01-04..2026-08-31 less the main NYSE holidays (TASE indices use
  it too). FRED's DFEDTARL, DFEDTARU and DFF are daily on every calendar day, as FRED publishes
  them; DGS2, DGS10 and DTWEXBGS are on weekdays, empty on exchange holidays.
* Daily log returns load on factors (market, size, tech, banks, biotech, industrials, an Israeli
  market and its sectors, the dollar), each a GARCH(1,1) process (alpha 0.06, beta 0.92) with
  unit-variance Student-t(5) shocks: fat tails and volatility clustering. Annual vols come out
  near 15-16% (S&P 500), 21-22% (Russell 2000), 18-19% (Nasdaq), Russell/S&P correlation ~0.8.
  Beyond the market, small caps lose 3.5% per point of 10-year yield rise (large caps ~0), load
  less than large caps on the dollar, and drift weakly against the lagged valuation gap.
* One constant drift per index makes it start near its early-2016 level and hit a plausible
  level on 2025-12-31. ETFs track their index (IWM ~ ^RUT/10, SPY ~ ^GSPC/10, QQQ ~ ^NDX/40)
  with AR(1) tracking error and fee drag; Adj Close adds quarterly dividends. Open, High and Low
  come from the close with volatility-scaled overnight gaps and intraday ranges.
* The target range follows the public record of FOMC decisions 2015-2025 (cuts effective
  2025-09-18, 2025-10-30 and 2025-12-11 end at 3.50-3.75) plus one synthetic cut in 2026. DFF
  sits inside the range. DGS2 mean-reverts to the policy rate expected six months ahead, DGS10
  adds a mean-reverting term spread; both rise with equities. ZQN26 is 100 minus the realized
  July-2026 average DFF plus an error that moves with DGS2 and shrinks to zero at expiry.
* Ken French factors: SMB is 85% of the small-minus-large simple return plus noise, Mkt-RF a
  cap-weighted mix of the two indices less RF (DFF / 252), HML, RMW, CMA correlated noise.
* Forward P/E: the log S&P 500 P/E and the log small/large ratio are Gaussian AR(1) processes
  (monthly phi 0.97 and 0.94) conditioned on a few anchor points (end 2025 near 15x and 22x):
  the ratio is stationary, low at end 2025 but not absurd. EPS: quarterly log EPS with trend
  growth, recessions in 2008-09 and 2020 and AR(1) noise, summed over four quarters. 2026 growth
  estimates: Brownian bridges to a draw in a plausible range at end 2025, drifting down after.
  ETF flows: AR(1) with Student-t(3) shocks scaled by fund size, plus performance chasing.
  Biotech deals: Poisson counts with a slowly varying log-rate.

Examples
--------
>>> from analysis.snapshot.demo import generate
>>> generate(Path("data/demo"))  # doctest: +SKIP
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.tseries import holiday as hol

from analysis.paths import DEMO
from analysis.snapshot.manifest import Manifest, describe_file, write_manifest
from analysis.snapshot.store import Snapshot

SEED = 20260102
CREATED_AT = datetime(2026, 8, 31, tzinfo=UTC)
START, END, PIN = "2016-01-04", "2026-08-31", "2025-12-31"
# (effective date, lower bound of the target range in percent); the range is 25 bp wide.
FED_PATH = """
2015-12-17 0.25 2016-12-15 0.50 2017-03-16 0.75 2017-06-15 1.00 2017-12-14 1.25 2018-03-22 1.50
2018-06-14 1.75 2018-09-27 2.00 2018-12-20 2.25 2019-08-01 2.00 2019-09-19 1.75 2019-10-31 1.50
2020-03-04 1.00 2020-03-16 0.00 2022-03-17 0.25 2022-05-05 0.75 2022-06-16 1.50 2022-07-28 2.25
2022-09-22 3.00 2022-11-03 3.75 2022-12-15 4.25 2023-02-02 4.50 2023-03-23 4.75 2023-05-04 5.00
2023-07-27 5.25 2024-09-19 4.75 2024-11-08 4.50 2024-12-19 4.25 2025-09-18 4.00 2025-10-30 3.75
2025-12-11 3.50 2026-04-30 3.25
"""
# symbol: (level on 2016-01-04, level pinned on 2025-12-31)
LEVELS = {
    "^GSPC": (2012.0, 6850.0),
    "^RUT": (1131.0, 2480.0),
    "^NDX": (4310.0, 25300.0),
    "^IXIC": (4900.0, 23200.0),
    "KRE": (40.5, 64.0),
    "XBI": (67.0, 118.0),
    "XLI": (52.0, 154.0),
    "^TA125.TA": (1420.0, 3380.0),
    "^TASME60.TA": (880.0, 2150.0),
    "^TABANKS5.TA": (1650.0, 5100.0),
    "^TAREALESTATE.TA": (330.0, 1180.0),
    "DX-Y.NYB": (98.9, 98.3),
    "DTWEXBGS": (119.8, 121.3),
}
# ETF: (index, price ratio, annual fee, dividend yield, mean daily volume)
ETFS = {
    "IWM": ("^RUT", 10.0, 0.0019, 0.012, 3.0e7),
    "SPY": ("^GSPC", 10.0, 0.0009, 0.015, 8.0e7),
    "QQQ": ("^NDX", 40.0, 0.0020, 0.006, 4.0e7),
}
# EPS: (trend growth, 2009 and 2020 recession depths in log points, noise s.d., TTM at end 2025)
EPS = {"sp500": (0.065, 0.75, 0.5, 0.03, 268.0), "russell2000": (0.07, 1.0, 0.7, 0.06, 132.0)}
OHLC = ("^RUT", "^GSPC", "^IXIC", "^TA125.TA", "^TASME60.TA", "^TABANKS5.TA", "^TAREALESTATE.TA")
FRENCH = "french/F-F_Research_Data_5_Factors_2x3_daily.csv"


class _Exchange(hol.AbstractHolidayCalendar):
    """The main NYSE holidays (approximate: no one-off closures)."""

    rules = [
        hol.Holiday("New Year's Day", month=1, day=1, observance=hol.sunday_to_monday),
        *(hol.USMartinLutherKingJr, hol.USPresidentsDay, hol.GoodFriday, hol.USMemorialDay),
        hol.Holiday(
            "Juneteenth", month=6, day=19, start_date="2022", observance=hol.nearest_workday
        ),
        hol.Holiday("Independence Day", month=7, day=4, observance=hol.nearest_workday),
        *(hol.USLaborDay, hol.USThanksgivingDay),
        hol.Holiday("Christmas", month=12, day=25, observance=hol.nearest_workday),
    ]


def _garch(rng: np.random.Generator, n: int, vol: float) -> np.ndarray:
    """GARCH(1,1) innovations with unconditional daily s.d. ``vol`` and Student-t(5) shocks."""
    alpha, beta = 0.06, 0.92
    z = rng.standard_t(5, n) * np.sqrt(3 / 5)
    h, out = vol**2, np.empty(n)
    for t in range(n):
        out[t] = np.sqrt(h) * z[t]
        h = vol**2 * (1 - alpha - beta) + alpha * out[t] ** 2 + beta * h
    return out


def _ar1(shocks: np.ndarray, phi: float, x0: float = 0.0) -> np.ndarray:
    """The AR(1) path ``x[t] = phi * x[t-1] + shocks[t]`` started from ``x0``."""
    out = np.empty(len(shocks))
    for t, e in enumerate(shocks):
        x0 = out[t] = phi * x0 + e
    return out


def _anchored_ar1(rng, n: int, phi: float, sd: float, mean: float, anchors: dict) -> np.ndarray:
    """A stationary Gaussian AR(1) conditioned to pass through ``anchors`` ({position: value})."""
    x = mean + _ar1(rng.normal(0, sd, n), phi, rng.normal(0, sd / np.sqrt(1 - phi**2)))
    at, target = np.array(list(anchors)), np.array(list(anchors.values()))
    cov = phi ** np.abs(at[:, None] - at[None, :])  # AR(1) correlations; the variance cancels
    cross = phi ** np.abs(np.arange(n)[:, None] - at[None, :])
    return x + cross @ np.linalg.solve(cov, target - x[at])


def _step(values: pd.Series, days: pd.DatetimeIndex) -> pd.Series:
    """``values`` carried forward onto ``days``."""
    return values.reindex(values.index.union(days)).ffill().reindex(days)


def _fed(days: pd.DatetimeIndex) -> pd.Series:
    """The lower bound of the target range on each of ``days``."""
    cells = FED_PATH.split()
    return _step(pd.Series([float(v) for v in cells[1::2]], pd.to_datetime(cells[::2])), days)


def _pinned(r: np.ndarray, days: pd.DatetimeIndex, symbol: str) -> np.ndarray:
    """Levels from daily log returns plus the constant drift that meets ``LEVELS[symbol]``."""
    start, target = LEVELS[symbol]
    k = days.searchsorted(pd.Timestamp(PIN), side="right") - 1
    cum = np.cumsum(r) - r[0]
    return start * np.exp(cum + (np.log(target / start) - cum[k]) / k * np.arange(len(r)))


def _market(rng, days: pd.DatetimeIndex, gap: pd.Series):
    """Index, ETF, TASE and dollar levels and the 2- and 10-year yields on trading ``days``."""
    n = len(days)
    vols = dict(mkt=0.010, size=0.0075, tech=0.006, bank=0.011, bio=0.014, ind=0.0045)
    vols |= dict(il=0.0085, il_sme=0.006, il_bank=0.009, il_re=0.011, usd=0.003)
    f = {name: _garch(rng, n, vol) for name, vol in vols.items()}
    m, m_lag = f["mkt"], np.r_[0.0, f["mkt"][:-1]]  # Tel Aviv closes before New York opens
    ahead = np.r_[_fed(days).to_numpy()[126:], np.full(126, _fed(days).iloc[-1])] + 0.125
    shock2 = 0.045 * rng.standard_t(5, n) * np.sqrt(3 / 5) + 1.5 * m
    shock_spread = 0.03 * rng.standard_normal(n)
    y2, spread = np.full(n, 1.05), np.full(n, 1.2)
    for t in range(1, n):
        scale = np.clip((y2[t - 1] + 0.1) / 1.5, 0.15, 1.0)  # quieter near the zero bound
        y2[t] = max(y2[t - 1] + 0.01 * (ahead[t] + 0.15 - y2[t - 1]) + scale * shock2[t], 0.02)
        slope = 1.0 - 0.4 * (ahead[t] - 2.0)
        spread[t] = spread[t - 1] + 0.005 * (slope - spread[t - 1]) + shock_spread[t]
    dy10 = np.diff(y2 + spread, prepend=y2[0] + spread[0])
    usd = f["usd"] - 0.05 * m
    value = -0.5 / 252 * (_step(gap, days).to_numpy() - gap.mean())
    ret = {
        "^GSPC": m - 0.005 * dy10 - 0.25 * usd,
        "^RUT": 1.12 * m + f["size"] + value - 0.035 * dy10 - 0.05 * usd,
        "^NDX": 1.10 * m + f["tech"] - 0.30 * usd,
        "^IXIC": 1.06 * m + 0.8 * f["tech"] + 0.15 * f["size"] + rng.normal(0, 0.0015, n),
        "KRE": 1.0 * m + 0.6 * f["size"] + f["bank"] + 0.04 * dy10,
        "XBI": 1.1 * m + 0.7 * f["size"] + f["bio"],
        "XLI": 1.0 * m + 0.2 * f["size"] + f["ind"],
        "^TA125.TA": 0.25 * m_lag + 0.1 * m + f["il"],
        "^TASME60.TA": 0.2 * m_lag + f["il"] + f["il_sme"],
        "^TABANKS5.TA": 0.25 * m_lag + 1.1 * f["il"] + f["il_bank"],
        "^TAREALESTATE.TA": 0.2 * m_lag + f["il"] + f["il_re"],
        "DTWEXBGS": usd,
        "DX-Y.NYB": 1.1 * usd + rng.normal(0, 0.0015, n),
    }
    return {s: _pinned(r, days, s) for s, r in ret.items()}, y2, y2 + spread


def _ohlc(rng, close: np.ndarray, start: float) -> pd.DataFrame:
    """Open, High, Low around a close path: volatility-scaled overnight gaps and ranges."""
    n, prev = len(close), np.r_[start, close[:-1]]
    vol = pd.Series(np.log(close / prev) ** 2).ewm(alpha=0.06).mean().clip(lower=1.6e-5) ** 0.5
    o = prev * np.exp(0.3 * vol * rng.standard_normal(n))
    hi = np.maximum(o, close) * np.exp(0.45 * vol * np.abs(rng.standard_normal(n)))
    lo = np.minimum(o, close) * np.exp(-0.45 * vol * np.abs(rng.standard_normal(n)))
    o, hi, lo, c = (np.round(np.asarray(x), 2) for x in (o, hi, lo, close))
    high, low = np.maximum.reduce([hi, o, c]), np.minimum.reduce([lo, o, c])
    return pd.DataFrame({"Open": o, "High": high, "Low": low, "Close": c})


def _etf(rng, index: np.ndarray, days, ratio, fee, dividend, volume) -> pd.DataFrame:
    """An ETF's Close (index / ratio with tracking error and fee drag), Adj Close and Volume."""
    n = len(index)
    close = index / ratio * np.exp(_ar1(rng.normal(0, 4e-4, n), 0.9) - fee * np.arange(n) / 252)
    late = (days.month % 3 == 0) & (days.day >= 20)
    ex = late & ~np.r_[False, late[:-1]]  # ex-dividend: first day after the 19th, quarter end
    later = np.r_[np.cumprod(np.where(ex, 1 - dividend / 4, 1.0)[::-1])[::-1][1:], 1.0]
    move = np.abs(np.diff(np.log(close), prepend=np.log(close[0])))
    shares = volume * np.exp(0.35 * rng.standard_normal(n)) * (1 + 40 * move)
    adj = (close * later).round(2)
    return pd.DataFrame({"Close": close.round(2), "Adj Close": adj, "Volume": shares.astype(int)})


def _futures(rng, days: pd.DatetimeIndex, dff: pd.Series, y2: pd.Series) -> pd.DataFrame:
    """ZQN26 in 0.0025 ticks: 100 minus July 2026's average DFF, plus a fading error."""
    days = days[(days >= "2024-07-31") & (days <= "2026-07-31")]
    n, tick = len(days), 0.0025
    walk = np.cumsum(0.8 * y2.reindex(days).diff().fillna(0).to_numpy() + rng.normal(0, 0.02, n))
    left = 1 - np.arange(n) / (n - 1)
    rate = dff["2026-07"].mean() + left * (rng.normal(-0.3, 0.1) + walk)
    close = np.round((100 - rate) / tick) * tick
    o = np.round((np.r_[close[0], close[:-1]] + rng.normal(0, 0.01, n)) / tick) * tick
    width = np.round(np.abs(rng.normal(0, 0.015, (2, n))) / tick) * tick
    high, low = np.maximum(o, close) + width[0], np.minimum(o, close) - width[1]
    volume = rng.poisson(np.exp(8 - 6 * left + rng.normal(0, 0.5, n)))
    columns = {"Open": o, "High": high, "Low": low, "Close": close, "Volume": volume}
    return pd.DataFrame(columns, index=days.rename("Date"))


def _french(rng, days: pd.DatetimeIndex, levels: dict, dff: pd.Series) -> str:
    """Ken French's daily 5-factor file in its native layout (percent), up to 2026-07-31."""
    n, keep = len(days), days <= "2026-07-31"
    small, large, banks = (
        np.r_[0.0, levels[s][1:] / levels[s][:-1] - 1] for s in ("^RUT", "^GSPC", "KRE")
    )
    rf = np.round((dff.reindex(days).to_numpy() - 0.05).clip(0) / 252, 2)
    hml = rng.normal(0, 0.45, n) + 10 * (banks - large)  # regional banks as a value tilt
    cols = {
        "Mkt-RF": 100 * (0.85 * large + 0.15 * small) + rng.normal(0, 0.04, n) - rf,
        "SMB": 85 * (small - large) + rng.normal(0, 0.2, n),
        "HML": hml,
        "RMW": rng.normal(0, 0.3, n) - 0.1 * hml,
        "CMA": 0.4 * hml + rng.normal(0, 0.25, n),
        "RF": rf,
    }
    rows = np.column_stack([np.round(v, 2) + 0.0 for v in cols.values()])[keep]  # no "-0.00"
    lines = [
        "This file was created by analysis.snapshot.demo: synthetic data in the layout of the "
        "daily 5-factor file.",
        "The Tbill return is the simple daily rate that, over the number of trading days",
        "compounds to 1-month TBill rate.",
        "",
        "," + ",".join(cols),
        *(
            f"{d:%Y%m%d}," + ",".join(f"{v:8.2f}" for v in row)
            for d, row in zip(days[keep], rows, strict=True)
        ),
        "",
        "Copyright 2026 Eugene F. Fama and Kenneth R. French",
    ]
    return "\r\n".join(lines) + "\r\n"


def _valuation(rng) -> tuple[pd.Series, pd.Series]:
    """Month-end forward P/E of the S&P 500 and the log small/large P/E ratio, 2000-01..2026-07."""
    months = pd.date_range("2000-01-31", "2026-07-31", freq="ME")
    at = [months.get_loc(pd.Timestamp(m)) for m in ("2000-01-31", "2009-02-28", PIN)]
    anchors = dict(zip(at, np.log([25.0, 10.8, 22.0]) + rng.normal(0, 0.02, 3), strict=True))
    large = _anchored_ar1(rng, len(months), 0.97, 0.035, np.log(16.5), anchors)
    end_gap = np.log(15.0 / 22.0) + rng.normal(0, 0.03)
    gap = _anchored_ar1(rng, len(months), 0.94, 0.045, np.log(0.88), {at[-1]: end_gap})
    return pd.Series(np.exp(large), months), pd.Series(gap, months)


def _eps(rng, growth: float, dip09: float, dip20: float, sd: float, end: float) -> pd.Series:
    """Quarterly operating EPS at quarter ends 2004-06..2026-06 (see ``EPS``), rounded to cents,
    with a fixed seasonal pattern (no random draw: the other demo files keep their bytes); the
    trailing-12-month series is the sum of its last four quarters."""
    quarters = pd.date_range("2004-06-30", "2026-06-30", freq="QE")
    year = np.asarray(quarters.year + (quarters.day_of_year - 1) / 365.25)
    dips = dip09 * np.exp(-0.5 * ((year - 2009.3) / 0.4) ** 2)
    dips += dip20 * np.exp(-0.5 * ((year - 2020.5) / 0.25) ** 2)
    log_q = growth * (year - 2004) - dips + _ar1(rng.normal(0, sd, len(year)), 0.7)
    ttm = pd.Series(np.exp(log_q), quarters).rolling(4).sum().dropna()
    season = np.array([0.94, 1.02, 0.99, 1.05])[quarters.quarter - 1]
    return (
        pd.Series(np.exp(log_q) * season, quarters) * end * np.exp(rng.normal(0, 0.03)) / ttm[PIN]
    ).round(2)


def _estimate(rng, low: float, high: float, start: float, sd: float) -> pd.Series:
    """Consensus calendar-2026 growth, month ends 2025-01..2026-07: a bridge into [low, high]."""
    months = pd.date_range("2025-01-31", "2026-07-31", freq="ME")
    walk, frac = np.cumsum(rng.normal(0, sd, 12)), np.arange(12) / 11
    bridge = start + (rng.uniform(low, high) - start) * frac + walk - frac * walk[-1]
    return pd.Series(np.r_[bridge, bridge[-1] + np.cumsum(rng.normal(-0.2, sd, 7))], months)


def _tidy(source: str, items: list[tuple[str, pd.Series, str, int]]) -> pd.DataFrame:
    """The user layout from ``(series, values, unit, decimals)`` items."""
    frames = (
        pd.DataFrame({"date": values.index.strftime("%Y-%m-%d"), "series": name}).assign(
            value=[f"{v:.{d}f}" for v in values.round(d) + 0.0], unit=unit, source=source
        )
        for name, values, unit, d in items
    )
    return pd.concat(frames)


def _user(rng, seed: int, rut: pd.Series, pe_large: pd.Series, gap: pd.Series) -> dict:
    """The ``user/`` tables: forward P/E, EPS and estimates, ETF flows, biotech deals."""
    eps = {name: _eps(rng, *spec) for name, spec in EPS.items()}
    months = pd.date_range("2010-01-31", "2026-07-31", freq="ME")
    deals = rng.poisson(np.exp(np.log(9.0) + _ar1(rng.normal(0, 0.07, len(months)), 0.97)))
    chase = np.log(rut).diff(5).fillna(0.0)  # performance chasing: last week's return
    flows = []
    for name, size, push in (("IWM", 300.0, 3000.0), ("IJR", 90.0, 800.0), ("VB", 35.0, 300.0)):
        noise = _ar1(rng.standard_t(3, len(rut)) / np.sqrt(3), 0.15)
        scale = size * (rut / rut.iloc[0]) ** 0.8  # flows grow with the fund
        flows.append((name, scale * noise + push * chase, "USD millions", 1))
    per_unit, source = "USD per index unit", f"synthetic demo (analysis.snapshot.demo, seed {seed})"
    tables = {
        "forward_pe": [
            ("russell2000_fwd_pe", pe_large * np.exp(gap), "x", 2),
            ("sp500_fwd_pe", pe_large, "x", 2),
        ],
        "eps": [
            ("russell2000_eps_q", eps["russell2000"], per_unit, 2),
            ("sp500_eps_q", eps["sp500"], per_unit, 2),
            ("russell2000_eps_ttm", eps["russell2000"].rolling(4).sum().dropna(), per_unit, 2),
            ("sp500_eps_ttm", eps["sp500"].rolling(4).sum().dropna(), per_unit, 2),
            ("russell2000_eps_growth_est_2026", _estimate(rng, 17.5, 21.5, 27, 0.6), "percent", 1),
            ("sp500_eps_growth_est_2026", _estimate(rng, 14.0, 15.0, 14.5, 0.25), "percent", 1),
        ],
        "etf_flows": flows,
        "biotech_deals": [("biotech_mna_deals", pd.Series(deals, months), "count", 0)],
    }
    return {f"user/{name}.csv": _tidy(source, items) for name, items in tables.items()}


def _write(root: Path, seed: int) -> None:
    """Write every data file of the demo into ``root`` (everything but the manifest)."""
    rng = np.random.default_rng(seed)
    days = pd.bdate_range(START, END, freq="C", holidays=_Exchange().holidays(START, END))
    calendar = pd.date_range("2016-01-01", END)
    pe_large, gap = _valuation(rng)
    levels, y2, y10 = _market(rng, days, gap)
    files = {f"prices/{s}.csv": _ohlc(rng, levels[s], LEVELS[s][0]) for s in OHLC}
    files["prices/^NDX.csv"] = pd.DataFrame({"Close": levels["^NDX"].round(2)})
    for etf, (index, *spec) in ETFS.items():
        files[f"prices/{etf}.csv"] = _etf(rng, levels[index], days, *spec)
    for symbol in ("KRE", "XBI", "XLI"):
        files[f"prices/{symbol}.csv"] = pd.DataFrame({"Adj Close": levels[symbol].round(2)})
    files["prices/DX-Y.NYB.csv"] = pd.DataFrame({"Close": levels["DX-Y.NYB"].round(2)})
    for frame in files.values():
        frame.index = days.rename("Date")
    lower = _fed(calendar)
    dff = lower + np.clip(0.08 + _ar1(rng.normal(0, 0.01, len(calendar)), 0.9), 0.03, 0.2)
    dff = dff.round(2)
    files["prices/ZQN26.csv"] = _futures(rng, days, dff, pd.Series(y2, days))
    weekday = pd.bdate_range(START, END)
    fred = {"DFEDTARL": lower, "DFEDTARU": lower + 0.25, "DFF": dff}
    fred |= {"DGS2": pd.Series(y2, days).round(2), "DGS10": pd.Series(y10, days).round(2)}
    fred |= {"DTWEXBGS": pd.Series(levels["DTWEXBGS"], days).round(4)}
    for name, values in fred.items():
        on = calendar if name in ("DFEDTARL", "DFEDTARU", "DFF") else weekday
        frame = values.reindex(on).rename(name).to_frame().rename_axis("observation_date")
        files[f"fred/{name}.csv"] = frame
    for rel, frame in files.items():
        digits = "%.4f" if rel in ("prices/ZQN26.csv", "fred/DTWEXBGS.csv") else "%.2f"
        (root / rel).parent.mkdir(exist_ok=True)
        frame.to_csv(root / rel, float_format=digits, date_format="%Y-%m-%d", lineterminator="\n")
    (root / FRENCH).parent.mkdir()
    (root / FRENCH).write_bytes(_french(rng, days, levels, dff).encode())
    (root / "user").mkdir()
    for rel, frame in _user(rng, seed, pd.Series(levels["^RUT"], days), pe_large, gap).items():
        frame.to_csv(root / rel, index=False, lineterminator="\n")


def generate(out: Path, *, seed: int = SEED) -> Path:
    """Write the demo snapshot (data files and ``manifest.json``) to ``out``.

    The files are written to a temporary sibling folder, checked, and then renamed into place;
    an existing ``out`` is replaced only after that succeeded.

    Parameters
    ----------
    out
        The snapshot folder to write.
    seed
        Seed of the random generator: the same seed gives byte-identical files.

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    RuntimeError
        When the generated folder does not pass ``Snapshot.check`` (``out`` is left untouched).
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        tmp.chmod(0o755)
        _write(tmp, seed)
        files = {
            rel: describe_file(tmp, rel, source="demo", identifier=Path(rel).stem)
            for rel in Snapshot(tmp).files
        }
        description = f"Synthetic demo data generated by analysis.snapshot.demo (seed {seed}); "
        manifest = Manifest(
            created_at=CREATED_AT,
            synthetic=True,
            description=description + "not market data.",
            generator=f"analysis.snapshot.demo seed={seed}",
            files=files,
        )
        write_manifest(tmp, manifest)
        if problems := Snapshot(tmp).check():
            raise RuntimeError(f"the generated demo does not check clean: {problems[0]}")
        if out.exists():
            old = tmp.with_name(tmp.name.replace(".new-", ".old-"))
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old)
        else:
            tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


if __name__ == "__main__":
    print(f"wrote {generate(Path(sys.argv[1]) if len(sys.argv) > 1 else DEMO)}")
