"""The shipped demo snapshot: complete, clean, marked synthetic, reproducible, plausible."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.snapshot.demo import generate
from analysis.snapshot.manifest import sha256_of
from tests.conftest import DEMO

EXPECTED = [
    "fred/DFEDTARL.csv",
    "fred/DFEDTARU.csv",
    "fred/DFF.csv",
    "fred/DGS10.csv",
    "fred/DGS2.csv",
    "fred/DTWEXBGS.csv",
    "french/F-F_Research_Data_5_Factors_2x3_daily.csv",
    "prices/DX-Y.NYB.csv",
    "prices/IWM.csv",
    "prices/KRE.csv",
    "prices/QQQ.csv",
    "prices/SPY.csv",
    "prices/XBI.csv",
    "prices/XLI.csv",
    "prices/ZQN26.csv",
    "prices/^GSPC.csv",
    "prices/^IXIC.csv",
    "prices/^NDX.csv",
    "prices/^RUT.csv",
    "prices/^TA125.TA.csv",
    "prices/^TABANKS5.TA.csv",
    "prices/^TAREALESTATE.TA.csv",
    "prices/^TASME60.TA.csv",
    "user/biotech_deals.csv",
    "user/eps.csv",
    "user/etf_flows.csv",
    "user/forward_pe.csv",
]


def _all_files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _log_returns(snap, symbol: str) -> pd.Series:
    return np.log(snap.series(f"prices/{symbol}.csv")).diff().dropna()


def test_demo_checks_clean_and_is_synthetic(demo_snapshot):
    assert demo_snapshot.check() == []
    assert demo_snapshot.synthetic
    assert "not market data" in demo_snapshot.manifest.description


def test_demo_has_every_expected_file_and_nothing_else(demo_snapshot):
    assert demo_snapshot.files == EXPECTED
    assert sorted(demo_snapshot.manifest.files) == EXPECTED
    assert _all_files(DEMO) == sorted([*EXPECTED, "manifest.json"])


def test_demo_is_small():
    assert sum((DEMO / rel).stat().st_size for rel in _all_files(DEMO)) < 5 * 2**20


def test_regenerating_replaces_the_folder_with_identical_bytes(tmp_path):
    out = tmp_path / "demo"
    (out / "prices").mkdir(parents=True)
    (out / "prices" / "stale.csv").write_text("Date,Close\n2020-01-02,1\n")
    assert generate(out) == out
    assert [p.name for p in tmp_path.iterdir()] == ["demo"]  # no temporary folder left behind
    assert _all_files(out) == _all_files(DEMO)  # the stale file is gone
    for rel in _all_files(DEMO):
        assert sha256_of(out / rel) == sha256_of(DEMO / rel), rel


def test_returns_have_fat_tails_and_volatility_clustering(demo_snapshot):
    r = _log_returns(demo_snapshot, "^RUT")
    assert r.kurt() + 3 > 3
    assert r.pow(2).autocorr(1) > 0
    assert 0.17 < r.std() * np.sqrt(252) < 0.27


def test_small_and_large_caps_are_correlated_but_distinct(demo_snapshot):
    pair = pd.concat([_log_returns(demo_snapshot, s) for s in ("^RUT", "^GSPC")], axis=1).dropna()
    assert 0.6 < pair.corr().iloc[0, 1] < 0.95


def test_price_files_are_consistent(demo_snapshot):
    rut = demo_snapshot.load("prices/^RUT.csv")
    assert (rut["Low"] <= rut[["Open", "Close"]].min(axis=1)).all()
    assert (rut["High"] >= rut[["Open", "Close"]].max(axis=1)).all()
    iwm, rut_close = (demo_snapshot.series(f"prices/{s}.csv", "Close") for s in ("IWM", "^RUT"))
    ratio = iwm / rut_close
    assert ratio.between(0.095, 0.105).all()


def test_policy_path_has_three_cuts_in_late_2025(demo_snapshot):
    upper = demo_snapshot.series("fred/DFEDTARU.csv")
    lower = demo_snapshot.series("fred/DFEDTARL.csv")
    moves = upper.diff()[lambda s: s != 0].loc["2025"]
    assert list(moves.index.strftime("%Y-%m-%d")) == ["2025-09-18", "2025-10-30", "2025-12-11"]
    assert (moves == -0.25).all()
    assert (lower["2025-12-31"], upper["2025-12-31"]) == (3.5, 3.75)
    dff = demo_snapshot.series("fred/DFF.csv")
    assert ((dff >= lower) & (dff <= upper)).all()


def test_valuation_ratio_is_mean_reverting_and_low_at_end_2025(demo_snapshot):
    from statsmodels.tsa.stattools import adfuller

    pe = demo_snapshot.load("user/forward_pe.csv")
    log_ratio = np.log(pe["russell2000_fwd_pe"] / pe["sp500_fwd_pe"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        p_value = adfuller(log_ratio, autolag="BIC")[1]  # the data are AR(1): BIC picks lag 0
    assert p_value < 0.05
    end = log_ratio["2025-12-31"]
    assert (log_ratio < end).mean() < 0.15
    assert 13 < pe.loc["2025-12-31", "russell2000_fwd_pe"] < 17
    assert 20 < pe.loc["2025-12-31", "sp500_fwd_pe"] < 24


def test_eps_has_estimates_but_no_realized_2026_growth(demo_snapshot):
    eps = demo_snapshot.load("user/eps.csv")
    assert "russell2000_eps_growth_2026" not in eps
    assert "sp500_eps_growth_2026" not in eps
    assert 15 < eps.loc["2025-12-31", "russell2000_eps_growth_est_2026"] < 24
    assert 12 < eps.loc["2025-12-31", "sp500_eps_growth_est_2026"] < 17


def test_smb_follows_the_small_minus_large_return(demo_snapshot):
    ff = demo_snapshot.load("french/F-F_Research_Data_5_Factors_2x3_daily.csv")
    spread = (
        demo_snapshot.series("prices/^RUT.csv").pct_change()
        - demo_snapshot.series("prices/^GSPC.csv").pct_change()
    )
    joined = pd.concat([ff["SMB"], spread], axis=1, join="inner").dropna()
    assert joined.corr().iloc[0, 1] > 0.8


def test_french_file_keeps_the_native_layout():
    raw = (DEMO / "french/F-F_Research_Data_5_Factors_2x3_daily.csv").read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")
    lines = raw.decode().splitlines()
    assert ",Mkt-RF,SMB,HML,RMW,CMA,RF" in lines
    first = lines[lines.index(",Mkt-RF,SMB,HML,RMW,CMA,RF") + 1]
    assert len(first.split(",")[1]) == 8
    assert lines[-1] == "Copyright 2026 Eugene F. Fama and Kenneth R. French"


def test_a_failed_generation_leaves_the_old_folder_alone(tmp_path, monkeypatch):
    import analysis.snapshot.demo

    out = tmp_path / "demo"
    (out / "prices").mkdir(parents=True)
    (out / "prices" / "old.csv").write_text("Date,Close\n2020-01-02,1\n")

    def broken(root, seed):
        (root / "prices").mkdir()
        (root / "prices" / "bad.csv").write_text("Date,Close\n2020-01-02,-1\n")

    monkeypatch.setattr(analysis.snapshot.demo, "_write", broken)
    with pytest.raises(Exception, match="bad.csv"):
        generate(out)
    assert (out / "prices" / "old.csv").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["demo"]
