"""Hand computations for data/claims/corpus_real_news.yaml, independent of the workbook's code.

Every number is read from the real snapshot's CSV files with plain pandas, at rows named here by
hand (a row that is missing raises, so the choice of rows is checked against the file), and held
against the stated number with the rules of analysis/kinds/vocabulary.py's TOLERANCE_WORDS, written
out again below: "exactly" is the number +- half its last digit ("2.5%" covers 2.45-2.55), "about"
+- max(5% of |v|, that half digit), "nearly" [v - max(10% of |v|, half digit), v + half digit],
"more than" > v, "less than" < v, "at least" >= v, "at most" <= v (thresholds are exact). For a
negative stated value the one-sided words speak of the size of the fall (:func:`fall`): "more
than -20%" is a fall of more than 20%. Nothing here imports ``analysis``.

:func:`expected` returns, for each claim id, the verdict the claim deserves, the key of the
workbook's ``observed`` dict that carries the decisive number, and that number.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

INF = math.inf


@dataclass(frozen=True)
class Truth:
    verdict: str
    key: str  # the entry of ClaimResult.observed compared with `value`
    value: float


# ---------------------------------------------------------------- reading the CSVs
def read(real: Path, rel: str) -> pd.Series:
    """A price file's Close (else Adj Close) or a FRED file's only column, blanks dropped."""
    frame = pd.read_csv(real / rel, index_col=0, parse_dates=True)
    if rel.startswith("fred/"):
        column = frame.columns[0]
    else:
        column = "Close" if "Close" in frame.columns else "Adj Close"
    return pd.to_numeric(frame[column], errors="coerce").dropna()


def read_column(real: Path, rel: str, column: str) -> pd.Series:
    """One named column of a price file (High for intraday highs)."""
    frame = pd.read_csv(real / rel, index_col=0, parse_dates=True)
    return pd.to_numeric(frame[column], errors="coerce").dropna()


def row(series: pd.Series, day: str) -> float:
    """The value on exactly this row (a KeyError if the file has no such row)."""
    return float(series.loc[pd.Timestamp(day)])


# ---------------------------------------------------------------- stated numbers and words
def number(text: str) -> tuple[float, float]:
    """'-1,050.44 points' -> (-1050.44, 0.005): the value and half its last digit."""
    match = re.match(r"\s*([+-]?)\s*(\d[\d,]*)(?:\.(\d+))?", text)
    whole, decimals = match.group(2).replace(",", ""), match.group(3) or ""
    value = float(f"{whole}.{decimals}" if decimals else whole)
    return (-value if match.group(1) == "-" else value), 0.5 * 10.0 ** -len(decimals)


def exactly(text):
    v, p = number(text)
    return lambda x: v - p - 1e-12 <= x <= v + p + 1e-12


def about(text):
    v, p = number(text)
    w = max(0.05 * abs(v), p)
    return lambda x: v - w - 1e-12 <= x <= v + w + 1e-12


def nearly(text):
    v, p = number(text)
    return lambda x: v - max(0.10 * abs(v), p) - 1e-12 <= x <= v + p + 1e-12


def nearly_a_fall(text):
    """Fell "nearly 20%": the word applied to the size of the fall (18 to 20.5% here)."""
    v, p = number(text)
    return lambda x: v - max(0.10 * v, p) - 1e-12 <= -x <= v + p + 1e-12


def more_than(text):
    v, _ = number(text)
    return lambda x: x > v


def less_than(text):
    v, _ = number(text)
    return lambda x: x < v


def at_least(text):
    v, _ = number(text)
    return lambda x: x >= v - 1e-12


def fall(words):
    """A one-sided word about the size of a fall: ``fall(more_than("20"))`` holds for -21%."""
    return lambda x: words(-x)


def up(x):
    return x > 0


def down(x):
    return x < 0


def verdict(holds: bool) -> str:
    return "supported" if holds else "contradicted"


# ---------------------------------------------------------------- what the claims measure
def level(s: pd.Series, day: str, words) -> Truth:
    value = row(s, day)
    return Truth(verdict(words(value)), "value", value)


def pct(s: pd.Series, start: str, end: str) -> float:
    """Percent change from the close of row `start` to the close of row `end`."""
    return 100 * (row(s, end) / row(s, start) - 1)


def change(s: pd.Series, start: str, end: str, words, unit: str = "percent") -> Truth:
    a, b = row(s, start), row(s, end)
    value = {"percent": 100 * (b / a - 1), "points": b - a, "bp": 100 * (b - a)}[unit]
    return Truth(verdict(words(value)), "change", value)


def spread(s: pd.Series, bench: pd.Series, start: str, end: str, words) -> Truth:
    """Percentage points: the series' percent change minus the benchmark's."""
    value = pct(s, start, end) - pct(bench, start, end)
    return Truth(verdict(words(value)), "change", value)


def record_days(s: pd.Series) -> pd.Series:
    """The rows strictly above every earlier row (all-time records), one pass with a running max."""
    best, days = -INF, {}
    for day, value in s.items():
        if best > -INF and value > best:
            days[day] = value
        best = max(best, value)
    return pd.Series(days, dtype=float)


def trailing(moves: list[int], action) -> int:
    """How many of the last decisions, counted back from the latest, satisfy `action`."""
    run = 0
    for move in reversed(moves):
        if not action(move):
            break
        run += 1
    return run


def fomc_bp(upper: pd.Series, decision_day: str) -> int:
    """The change of the target range's upper bound announced on `decision_day`: the value on
    that day against the first value of the three days after (FRED records it the next day)."""
    day = pd.Timestamp(decision_day)
    before = float(upper.loc[:day].iloc[-1])
    after = float(upper.loc[day + pd.Timedelta(days=1) : day + pd.Timedelta(days=3)].iloc[0])
    return round(100 * (after - before))


def expected(real: Path) -> dict[str, Truth]:
    """The deserved verdict and the decisive number of every claim of the corpus."""
    dji, gspc = read(real, "prices/^DJI.csv"), read(real, "prices/^GSPC.csv")
    ixic, rut = read(real, "prices/^IXIC.csv"), read(real, "prices/^RUT.csv")
    ndx, dxy = read(real, "prices/^NDX.csv"), read(real, "prices/DX-Y.NYB.csv")
    kre, iwm = read(real, "prices/KRE.csv"), read(real, "prices/IWM.csv")
    dgs2, dgs10 = read(real, "fred/DGS2.csv"), read(real, "fred/DGS10.csv")
    dgs30, core = read(real, "fred/DGS30.csv"), read(real, "fred/PCEPILFE.csv")
    lower, upper = read(real, "fred/DFEDTARL.csv"), read(real, "fred/DFEDTARU.csv")
    t: dict[str, Truth] = {}

    # ============================================================ levels
    # prices/^DJI.csv row 2024-05-17: Close 40003.589844
    t["dji_close_40003_59_first_above_40k"] = level(dji, "2024-05-17", exactly("40,003.59"))
    t["dji_close_40000_59_typo"] = level(dji, "2024-05-17", exactly("40,000.59"))
    # prices/^DJI.csv row 2024-05-16: Close 39869.378906 (not 39,869.83)
    t["dji_close_39869_83_transposed"] = level(dji, "2024-05-16", exactly("39,869.83"))
    # prices/^GSPC.csv row 2025-06-06: Close 6000.36
    t["gspc_close_6000_36"] = level(gspc, "2025-06-06", exactly("6,000.36"))
    # prices/^GSPC.csv row 2021-04-01: Close 4019.87, inside 4,019.5-4,020.5
    t["gspc_close_4020_first_above_4000"] = level(gspc, "2021-04-01", exactly("4,020"))
    # prices/^DJI.csv row 2024-12-31: Close 42544.21875
    t["dji_close_42544_42_year_end_2024"] = level(dji, "2024-12-31", exactly("42,544.42"))
    # prices/^IXIC.csv row 2026-02-06: Close 23031.21
    t["ixic_close_23031_21"] = level(ixic, "2026-02-06", exactly("23,031.21"))
    # prices/^RUT.csv row 2024-11-22: Close 2406.67, inside 2,406.5-2,407.5
    t["rut_close_2407_2024_11_22"] = level(rut, "2024-11-22", exactly("2,407"))
    # fred/DGS2.csv row 2024-08-05: 3.89
    t["dgs2_below_4pct_2024_08_05"] = level(dgs2, "2024-08-05", less_than("4%"))
    # fred/DGS30.csv row 2025-05-21: 5.08
    t["dgs30_above_5pct_2025_05_21"] = level(dgs30, "2025-05-21", more_than("5%"))
    # fred/DGS10.csv row 2025-12-31: 4.18
    t["dgs10_4_12_year_end_2025"] = level(dgs10, "2025-12-31", exactly("4.12%"))

    # prices/^DJI.csv row 2024-05-16: High 40051.050781
    dji_high = read_column(real, "prices/^DJI.csv", "High")
    t["dji_intraday_high_40051_05"] = level(dji_high, "2024-05-16", exactly("40,051.05"))

    # ============================================================ changes
    # prices/^DJI.csv rows 2024-05-10 (39512.839844, the Friday before) and 2024-05-17
    # (40003.589844): +1.24% for the week, not "over 10 percent"
    t["dji_week_2024_05_17_over_10pct"] = change(dji, "2024-05-10", "2024-05-17", more_than("10"))
    t["dji_week_2024_05_17_1_2pct"] = change(dji, "2024-05-10", "2024-05-17", exactly("1.2"))
    # prices/^DJI.csv rows 2024-04-30 (37815.921875) and 2024-05-17: +5.785%
    t["dji_may_2024_mtd_5_8pct"] = change(dji, "2024-04-30", "2024-05-17", exactly("5.8"))
    # prices/^IXIC.csv rows 2025-04-02 (17601.05) and 2025-04-03 (16550.61)
    t["ixic_2025_04_03_points"] = change(
        ixic, "2025-04-02", "2025-04-03", exactly("-1,050.44"), "points"
    )
    # prices/^IXIC.csv rows 2025-01-24 (19954.30) and 2025-01-27 (19341.83)
    t["ixic_2025_01_27_deepseek"] = change(ixic, "2025-01-24", "2025-01-27", exactly("-3.07"))
    # prices/^DJI.csv rows 2025-01-24 (44424.25) and 2025-01-27 (44713.578125)
    t["dji_2025_01_27_points"] = change(
        dji, "2025-01-24", "2025-01-27", exactly("289.33"), "points"
    )
    # prices/^GSPC.csv rows 2025-04-08 (4982.77) and 2025-04-09 (5456.90): +9.5154%, just in
    t["gspc_2025_04_09_tariff_pause"] = change(gspc, "2025-04-08", "2025-04-09", exactly("9.52"))
    # prices/^DJI.csv rows 2025-04-08 (37645.589844) and 2025-04-09 (40608.449219)
    t["dji_2025_04_09_points"] = change(
        dji, "2025-04-08", "2025-04-09", exactly("2,962.86"), "points"
    )
    # prices/^IXIC.csv rows 2025-04-08 (15267.91) and 2025-04-09 (17124.97)
    t["ixic_2025_04_09"] = change(ixic, "2025-04-08", "2025-04-09", exactly("12.16"))
    # prices/^GSPC.csv rows 2025-04-02 (5670.97, before the tariffs) and 2025-04-09 (5456.90)
    t["gspc_still_below_liberation_day"] = change(gspc, "2025-04-02", "2025-04-09", down)
    # prices/^DJI.csv rows 2024-08-02 (39737.261719) and 2024-08-05 (38703.269531): -1033.99
    t["dji_2024_08_05_points"] = change(
        dji, "2024-08-02", "2024-08-05", exactly("-1,033"), "points"
    )
    # prices/^IXIC.csv rows 2024-08-02 (16776.16) and 2024-08-05 (16200.08)
    t["ixic_2024_08_05"] = change(ixic, "2024-08-02", "2024-08-05", exactly("-3.4"))
    # prices/^NDX.csv rows 2025-03-07 (20201.3691) and 2025-03-10 (19430.9492)
    t["ndx_2025_03_10"] = change(ndx, "2025-03-07", "2025-03-10", exactly("-3.8"))
    # prices/^IXIC.csv rows 2018-03-26 (7220.54) and 2018-03-27 (7008.81)
    t["ixic_2018_03_27"] = change(ixic, "2018-03-26", "2018-03-27", exactly("-2.9"))
    # prices/^DJI.csv rows 2018-03-26 (24202.599609) and 2018-03-27 (23857.710938)
    t["dji_2018_03_27_points"] = change(
        dji, "2018-03-26", "2018-03-27", exactly("-344.89"), "points"
    )
    # prices/^GSPC.csv rows 2022-06-10 (3900.86) and 2022-06-13 (3749.63)
    t["gspc_2022_06_13_points"] = change(
        gspc, "2022-06-10", "2022-06-13", exactly("-151.23"), "points"
    )
    # prices/KRE.csv rows 2025-10-15 (Close 61.98) and 2025-10-16 (58.139999): -6.20%
    t["kre_2025_10_16_nearly_5pct"] = change(kre, "2025-10-15", "2025-10-16", nearly_a_fall("5"))
    # prices/^DJI.csv rows 2025-10-15 (46253.308594) and 2025-10-16 (45952.238281): -301.07
    t["dji_2025_10_16_points"] = change(dji, "2025-10-15", "2025-10-16", exactly("-315"), "points")
    # prices/IWM.csv (Adj Close) rows 2025-04-02 (200.0237) and 2025-04-03 (187.1829): -6.42%
    t["iwm_2025_04_03"] = change(iwm, "2025-04-02", "2025-04-03", exactly("-6.5"))
    # prices/^RUT.csv rows 2024-11-05 (2260.84) and 2024-11-06 (2392.92)
    t["rut_2024_11_06_election"] = change(rut, "2024-11-05", "2024-11-06", more_than("5"))
    # prices/^RUT.csv rows 2023-12-29 (2027.07, last close of 2023) and 2024-11-11 (2434.98)
    t["rut_ytd_2024_11_11"] = change(rut, "2023-12-29", "2024-11-11", exactly("20"))
    # prices/^RUT.csv rows 2020-10-30 (1538.48) and 2020-11-30 (1819.82)
    t["rut_november_2020"] = change(rut, "2020-10-30", "2020-11-30", more_than("18"))
    # prices/^RUT.csv rows 2024-11-15 (2303.84, the Friday before) and 2024-11-22 (2406.67)
    t["rut_week_2024_11_22"] = change(rut, "2024-11-15", "2024-11-22", exactly("4.5"))
    # prices/^GSPC.csv rows 2024-11-01 (5728.80) and 2024-11-08 (5995.54): +4.656%
    t["gspc_week_2024_11_08"] = change(gspc, "2024-11-01", "2024-11-08", exactly("4.7"))
    # prices/^GSPC.csv rows 2023-12-29 (4769.83) and 2024-11-08 (5995.54)
    t["gspc_ytd_2024_11_08"] = change(gspc, "2023-12-29", "2024-11-08", exactly("25.7"))
    # prices/^GSPC.csv rows 2023-12-29 (4769.83) and 2024-12-31 (5881.63)
    t["gspc_year_2024"] = change(gspc, "2023-12-29", "2024-12-31", exactly("23.31"))
    # prices/^IXIC.csv rows 2023-12-29 (15011.35) and 2024-12-31 (19310.79)
    t["ixic_year_2024"] = change(ixic, "2023-12-29", "2024-12-31", exactly("28.64"))
    # prices/^GSPC.csv rows 2024-12-31 (5881.63) and 2025-12-31 (6845.50)
    t["gspc_year_2025_azzet"] = change(gspc, "2024-12-31", "2025-12-31", exactly("16.4"))
    # prices/^IXIC.csv rows 2024-12-31 (19310.79) and 2025-12-31 (23241.99): +20.36%
    t["ixic_year_2025_azzet"] = change(ixic, "2024-12-31", "2025-12-31", exactly("20.5"))
    # prices/^DJI.csv rows 2024-12-31 (42544.21875) and 2025-12-31 (48063.289062): +12.97%
    t["dji_year_2025_13_3"] = change(dji, "2024-12-31", "2025-12-31", exactly("13.3"))
    t["dji_year_2025_about_13_7"] = change(dji, "2024-12-31", "2025-12-31", about("13.7"))
    # prices/DX-Y.NYB.csv rows 2024-12-31 (108.49) and 2025-12-31 (98.28): -9.41%
    t["dxy_year_2025_about_9_5"] = change(dxy, "2024-12-31", "2025-12-31", about("-9.5"))
    # prices/DX-Y.NYB.csv rows 2024-12-31 (108.49) and 2025-06-30 (96.88): -10.70%
    t["dxy_first_half_2025_10_7"] = change(dxy, "2024-12-31", "2025-06-30", exactly("-10.7"))
    t["dxy_first_half_2025_10_8"] = change(dxy, "2024-12-31", "2025-06-30", exactly("-10.8"))
    # prices/^GSPC.csv rows 2022-01-03 (4796.56) and 2022-06-13 (3749.63): -21.83%
    t["gspc_bear_market_from_jan3"] = change(gspc, "2022-01-03", "2022-06-13", exactly("-21.8"))
    t["gspc_bear_market_more_than_20"] = change(
        gspc, "2022-01-03", "2022-06-13", fall(more_than("20"))
    )
    # prices/^IXIC.csv rows 2021-11-19 (16057.44) and 2022-06-13 (10809.23)
    t["ixic_from_peak_2022_06_13"] = change(ixic, "2021-11-19", "2022-06-13", exactly("-32.7"))
    # prices/^GSPC.csv rows 2021-12-31 (4766.18) and 2022-06-14 (3735.48): -21.63%
    t["gspc_ytd_2022_06_14"] = change(gspc, "2021-12-31", "2022-06-14", exactly("-21.1"))
    # fred/DGS2.csv rows 2023-03-10 (4.60) and 2023-03-13 (4.03): -57 bp
    t["dgs2_2023_03_13_svb"] = change(dgs2, "2023-03-10", "2023-03-13", exactly("-57"), "bp")
    # fred/DGS2.csv rows 2023-03-08 (5.05) and 2023-03-10 (4.60): -45 bp, not "at least 46"
    t["dgs2_two_days_2023_03_10"] = change(
        dgs2, "2023-03-08", "2023-03-10", fall(at_least("46")), "bp"
    )
    # fred/DGS2.csv rows 2023-02-28 (4.81) and 2023-03-31 (4.06): -75 bp
    t["dgs2_march_2023"] = change(dgs2, "2023-02-28", "2023-03-31", exactly("-73.5"), "bp")
    # fred/PCEPILFE.csv rows 2022-05-01 (113.703) and 2023-05-01 (119.083): +4.73% (revised)
    t["core_pce_yoy_may_2023"] = change(core, "2022-05-01", "2023-05-01", exactly("4.6"))

    # ============================================================ records
    rut_records, gspc_records = record_days(rut), record_days(gspc)
    dji_records, ixic_records = record_days(dji), record_days(ixic)

    def record(records: pd.Series, s: pd.Series, day: str, words=None, since=None) -> Truth:
        """A record close on `day` (at the stated level; none between `since` and `day`)."""
        when = pd.Timestamp(day)
        value = row(s, day)
        if when not in records.index:
            return Truth("contradicted", "record", value)
        if since is not None and len(records.loc[pd.Timestamp(since) : when - pd.Timedelta(1)]):
            return Truth("contradicted", "record", value)
        if words is not None and not words(value):
            return Truth("partly_supported", "record", value)
        return Truth("supported", "record", value)

    # prices/^RUT.csv row 2025-09-18 (2467.70) above every earlier close; the previous record
    # row is 2021-11-08 (2442.74), so no record from 2021-11-09 to 2025-09-17
    t["rut_record_2025_09_18_first_since_2021"] = record(
        rut_records, rut, "2025-09-18", exactly("2,467.70"), since="2021-11-09"
    )
    # prices/^RUT.csv row 2021-11-08 (2442.74) above 2021-11-05 (2437.08) and all before
    t["rut_record_2021_11_08"] = record(rut_records, rut, "2021-11-08", exactly("2,442.74"))
    # prices/^GSPC.csv row 2025-02-19 (6144.15)
    t["gspc_record_2025_02_19"] = record(gspc_records, gspc, "2025-02-19", exactly("6,144.15"))
    # prices/^GSPC.csv row 2024-11-08 (5995.54)
    t["gspc_record_2024_11_08"] = record(gspc_records, gspc, "2024-11-08", exactly("5,995.54"))
    # prices/^GSPC.csv row 2022-01-03 (4796.56) above 2021-12-29 (4793.06)
    t["gspc_record_2022_01_03"] = record(gspc_records, gspc, "2022-01-03")
    # prices/^DJI.csv row 2024-11-22 (44296.511719) above 2024-11-11 (44293.128906): a record,
    # but outside 44,295.5-44,296.5
    t["dji_record_44296_2024_11_22"] = record(dji_records, dji, "2024-11-22", exactly("44,296"))
    # prices/^IXIC.csv row 2024-11-11 (19298.76) above 2024-11-08 (19286.78); not 19,298
    t["ixic_record_19298_2024_11_11"] = record(ixic_records, ixic, "2024-11-11", exactly("19,298"))
    # prices/^RUT.csv row 2026-01-16 (2677.74) above 2026-01-15 (2674.56)
    t["rut_record_2026_01_16"] = record(rut_records, rut, "2026-01-16")
    # prices/^RUT.csv row 2026-01-08 (2603.91) above 2025-12-11 (2590.61); not 2,603.90
    t["rut_record_2603_90_2026_01_08"] = record(rut_records, rut, "2026-01-08", exactly("2,603.90"))
    # prices/^DJI.csv row 2026-02-06 (50115.671875) above 2026-01-12 (49590.199219)
    t["dji_record_50115_67"] = record(dji_records, dji, "2026-02-06", exactly("50,115.67"))
    # prices/^DJI.csv: row 2026-01-28 (49015.601562) is no record; the record days within 90
    # days of it (2025-10-30 on), in data up to the article (2026-02-07), and among them the one
    # above 50,000: row 2026-02-06 (the number right, the date not)
    near = dji_records.loc[pd.Timestamp("2025-10-30") : pd.Timestamp("2026-02-07")]
    above = near[near > 50_000]
    jan28_is_record = pd.Timestamp("2026-01-28") in dji_records.index
    t["dji_record_above_50000_wrong_date"] = Truth(
        "partly_supported" if not jan28_is_record and len(above) else "contradicted",
        "records_nearby",
        len(near),
    )
    # fred/DGS10.csv row 2023-10-19 (4.98) above every row of the 16 years before (the highest
    # of them: 2023-10-18, 4.91)
    dgs10_window = dgs10.loc[pd.Timestamp("2023-10-19") - pd.Timedelta(days=365 * 16) :]
    before = dgs10_window.loc[: pd.Timestamp("2023-10-18")]
    t["dgs10_16_year_high_2023_10_19"] = Truth(
        verdict(row(dgs10, "2023-10-19") > before.max()), "record", row(dgs10, "2023-10-19")
    )

    # intraday records: the High of the day above every earlier High
    gspc_highs = read_column(real, "prices/^GSPC.csv", "High")
    ixic_highs = read_column(real, "prices/^IXIC.csv", "High")
    gspc_high_records, ixic_high_records = record_days(gspc_highs), record_days(ixic_highs)
    # prices/^GSPC.csv row 2024-11-08: High 6012.45, above 2024-11-07's 5983.84 and all before
    t["gspc_intraday_record_6012_45"] = record(
        gspc_high_records, gspc_highs, "2024-11-08", exactly("6,012.45")
    )
    # prices/^GSPC.csv row 2026-01-28: High 7002.28, above 2026-01-27's 6988.82 and all before
    t["gspc_intraday_record_above_7000"] = record(
        gspc_high_records, gspc_highs, "2026-01-28", more_than("7,000")
    )
    # prices/^IXIC.csv row 2024-05-16: High 16797.83, above 2024-05-15's 16749.74; not 16,797
    t["ixic_intraday_record_16797"] = record(
        ixic_high_records, ixic_highs, "2024-05-16", exactly("16,797")
    )

    # ============================================================ policy
    # fred/DFEDTARU.csv: each decision is the upper bound on the decision day against the next
    # day's (2025-09-17 4.50 -> 09-18 4.25; 10-29 4.25 -> 10-30 4.00; 12-10 4.00 -> 12-11 3.75;
    # 2025-07-30 4.50 -> 07-31 4.50, a hold before the three cuts)
    moves = [fomc_bp(upper, d) for d in ("2025-07-30", "2025-09-17", "2025-10-29", "2025-12-10")]
    run = trailing(moves, lambda m: m < 0)
    t["fed_cut_2025_12_10_third_in_row"] = Truth(
        verdict(moves[-1] == -25 and run == 3), "in_a_row", run
    )
    # the September 2025 cut was -25 bp: the cut right, the stated 50 bp wrong
    september = fomc_bp(upper, "2025-09-17")
    t["fed_september_2025_half_point"] = Truth(
        "partly_supported" if september == -25 else "contradicted", "change_bp", september
    )
    # fred/DFEDTARL.csv and DFEDTARU.csv row 2025-12-11 (3.50, 3.75): the range the decision of
    # 2025-12-10 announced ("placing the new range at 3.5%-3.75%")
    announced = (row(lower, "2025-12-11"), row(upper, "2025-12-11"))
    t["fed_range_3_50_3_75_on_decision_day"] = Truth(
        verdict(announced == (3.50, 3.75)), "upper", announced[1]
    )
    # fred/DFEDTARU.csv rows 2026-01-28 and 2026-01-29: 3.75 and 3.75
    jan_2026 = fomc_bp(upper, "2026-01-28")
    t["fed_hold_2026_01_28"] = Truth(verdict(jan_2026 == 0), "change_bp", jan_2026)
    # the 2025 meetings (federalreserve.gov): cuts only at the last three, 75 bp in all
    meetings_2025 = [
        "2025-01-29",
        "2025-03-19",
        "2025-05-07",
        "2025-06-18",
        "2025-07-30",
        "2025-09-17",
        "2025-10-29",
        "2025-12-10",
    ]
    moves = [fomc_bp(upper, d) for d in meetings_2025]
    total = -sum(m for m in moves if m < 0)
    t["fed_three_cuts_2025"] = Truth(
        verdict(sum(m < 0 for m in moves) == 3 and total == 75), "cumulative_bp", total
    )
    # fred/DFEDTARU.csv rows 2024-09-18 (5.50) and 2024-09-19 (5.00)
    sept_2024 = fomc_bp(upper, "2024-09-18")
    t["fed_cut_2024_09_18_half_point"] = Truth(verdict(sept_2024 == -50), "change_bp", sept_2024)
    # fred/DFEDTARU.csv rows 2022-06-15 (1.00) and 2022-06-16 (1.75)
    june_2022 = fomc_bp(upper, "2022-06-15")
    t["fed_hike_2022_06_15_75bp"] = Truth(verdict(june_2022 == 75), "change_bp", june_2022)
    # 2022 up to the article (2022-06-16): Jan 26 hold, Mar 16 +25, May 4 +50, Jun 15 +75
    moves = [fomc_bp(upper, d) for d in ("2022-01-26", "2022-03-16", "2022-05-04", "2022-06-15")]
    total = sum(m for m in moves if m > 0)
    t["fed_hikes_2022_through_june"] = Truth(
        verdict(moves == [0, 25, 50, 75] and total == 150), "cumulative_bp", total
    )
    # fred/DFEDTARU.csv rows 2022-03-16 (0.25) and 2022-03-17 (0.50)
    march_2022 = fomc_bp(upper, "2022-03-16")
    t["fed_hike_2022_03_16"] = Truth(verdict(march_2022 == 25), "change_bp", march_2022)
    # the twelve meetings from March 2022 to July 2023: a hold on 2023-06-14 breaks the run, so
    # the July 2023 hike was the first in a row, not the 11th (the hike right: partly)
    hiking = [
        "2022-03-16",
        "2022-05-04",
        "2022-06-15",
        "2022-07-27",
        "2022-09-21",
        "2022-11-02",
        "2022-12-14",
        "2023-02-01",
        "2023-03-22",
        "2023-05-03",
        "2023-06-14",
        "2023-07-26",
    ]
    moves = [fomc_bp(upper, d) for d in hiking]
    run = trailing(moves, lambda m: m > 0)
    if moves[-1] <= 0:
        july = "contradicted"
    else:
        july = "supported" if run == 11 else "partly_supported"
    t["fed_july_2023_eleven_consecutive"] = Truth(july, "in_a_row", run)
    hikes, total = sum(m > 0 for m in moves), sum(m for m in moves if m > 0)
    t["fed_hikes_525bp_since_march_2022"] = Truth(verdict(total == 525), "cumulative_bp", total)
    t["fed_july_2023_11th_in_12_meetings"] = Truth(verdict(hikes == 11), "count", hikes)
    # holds at 2023-09-20, 2023-11-01, 2023-12-13 after the hike of 2023-07-26
    moves = [fomc_bp(upper, d) for d in ("2023-07-26", "2023-09-20", "2023-11-01", "2023-12-13")]
    run = trailing(moves, lambda m: m == 0)
    t["fed_hold_2023_12_13_third"] = Truth(verdict(run == 3), "in_a_row", run)
    # holds at 2025-01-29, 2025-03-19, 2025-05-07 after the cut of 2024-12-18
    moves = [fomc_bp(upper, d) for d in ("2024-12-18", "2025-01-29", "2025-03-19", "2025-05-07")]
    run = trailing(moves, lambda m: m == 0)
    t["fed_hold_2025_05_07_third"] = Truth(verdict(run == 3), "in_a_row", run)
    # fred/DFEDTARU.csv rows 2019-07-31 (2.50) and 2019-08-01 (2.25)
    july_2019 = fomc_bp(upper, "2019-07-31")
    t["fed_cut_2019_07_31"] = Truth(verdict(july_2019 == -25), "change_bp", july_2019)
    # fred/DFEDTARU.csv, March 2020: 2020-03-03 1.75 -> 03-04 1.25 (-50), 2020-03-15 1.25 ->
    # 03-16 0.25 (-100): two cuts, 150 bp, both at unscheduled meetings
    march_2020 = upper.loc["2020-03-01":"2020-03-31"]
    steps = 100 * march_2020.diff().dropna()
    cuts = steps[steps < 0]
    total = round(-cuts.sum())
    t["fed_emergency_cuts_march_2020"] = Truth(
        verdict(len(cuts) == 2 and total == 150), "cumulative_bp", total
    )

    # ============================================================ relative
    # prices/^RUT.csv rows 2025-12-31 (2481.91), 2026-01-02 (2508.22); prices/^GSPC.csv rows
    # 2025-12-31 (6845.50), 2026-01-02 (6858.47): 1.0601% - 0.1895% = 0.8706 percentage points
    t["rut_vs_gspc_2026_01_02_pp"] = spread(rut, gspc, "2025-12-31", "2026-01-02", exactly("0.87"))
    # rows 2026-01-16 and 2026-01-20: ^RUT -1.2092%, ^GSPC -2.0627%: 0.8535 points
    t["rut_vs_gspc_2026_01_20"] = spread(rut, gspc, "2026-01-16", "2026-01-20", exactly("0.85"))
    # prices/^RUT.csv rows 2025-12-31 (2481.91) and 2026-01-15 (2674.56): +7.76%
    t["rut_ytd_over_7pct_2026_01_15"] = change(rut, "2025-12-31", "2026-01-15", more_than("7"))
    # prices/^GSPC.csv rows 2025-12-31 (6845.50) and 2026-01-15 (6944.47): +1.4458%, under 1.45
    t["gspc_ytd_1_5pct_2026_01_15"] = change(gspc, "2025-12-31", "2026-01-15", exactly("1.5"))
    # prices/^RUT.csv rows 2025-12-31 and 2026-01-16 (2677.74): +7.89%
    t["rut_ytd_about_7_9_2026_01_16"] = change(rut, "2025-12-31", "2026-01-16", about("7.9"))
    # rows 2024-12-31 and 2025-09-18: ^RUT +10.65%, ^GSPC +12.76%: trailed
    t["rut_lagged_gspc_ytd_2025_09_18"] = spread(rut, gspc, "2024-12-31", "2025-09-18", down)
    t["rut_ytd_11pct_2025_09_18"] = change(rut, "2024-12-31", "2025-09-18", exactly("11"))
    # prices/^RUT.csv rows 2025-04-08 (1760.71) and 2025-09-18 (2467.70): +40.15%
    t["rut_since_april_8_about_40"] = change(rut, "2025-04-08", "2025-09-18", about("40"))
    # rows 2024-10-31 and 2024-11-25: ^RUT 2196.65 -> 2442.03, ^GSPC 5705.45 -> 5987.37
    t["rut_november_2024_mtd"] = change(rut, "2024-10-31", "2024-11-25", exactly("11.2"))
    t["gspc_november_2024_mtd"] = change(gspc, "2024-10-31", "2024-11-25", exactly("4.9"))
    # rows 2025-12-31 and 2026-02-06: ^DJI +4.27%, ^GSPC +1.27%
    t["dji_outpacing_gspc_ytd_2026_02_06"] = spread(dji, gspc, "2025-12-31", "2026-02-06", up)
    # prices/^GSPC.csv rows 2025-12-31 (6845.50) and 2026-02-05 (6798.40)
    t["gspc_negative_2026_day_before"] = change(gspc, "2025-12-31", "2026-02-05", down)
    # prices/^GSPC.csv rows 2025-02-19 (6144.15) and 2025-06-06 (6000.36): -2.34%
    t["gspc_below_record_2025_06_06"] = change(gspc, "2025-02-19", "2025-06-06", exactly("-2.3"))
    # prices/^GSPC.csv rows 2025-02-19 (6144.15) and 2025-04-08 (4982.77): -18.90%, a fall of
    # nearly 20% (18-20.5%)
    t["gspc_nearly_20pct_below_record_april_8"] = change(
        gspc, "2025-02-19", "2025-04-08", nearly_a_fall("20")
    )
    t["gspc_roughly_19pct_below_record_ap"] = change(gspc, "2025-02-19", "2025-04-08", about("-19"))
    return t
