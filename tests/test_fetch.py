"""Tests of ``workbook fetch`` (analysis/fetch/) against a local server; never the network.

Every test runs under a guard that fails it when anything connects to a host other than
127.0.0.1 / localhost. FRED and Ken French are played by ``tests/fetch_server.py`` (from the
recordings in ``tests/recordings/`` or from ``../shared/data/real``); Yahoo by a stand-in for
``yfinance.download`` returning frames shaped as yfinance 1.x returns them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from analysis.cliargs import expand_sources
from analysis.snapshot import Snapshot
from analysis.snapshot.fetch.policy import (
    FetchError,
    FetchPolicy,
    Transient,
    backoff_wait,
    retry_after_seconds,
    with_retries,
)
from analysis.snapshot.fetch.sources import FredSource
from analysis.snapshot.fetch.yahoo import flatten_yahoo
from analysis.snapshot.manifest import read_manifest, sha256_of
from analysis.snapshot.parsers import parse_file
from tests.conftest import PROJECT
from tests.fetch_server import ProviderServer

RECORDINGS = Path(__file__).resolve().parent / "recordings"
FRENCH = "F-F_Research_Data_5_Factors_2x3_daily"
KNOWN_SYMBOLS = {"^RUT": 1, "^GSPC": 2, "^IXIC": 3, "^NDX": 4, "KRE": 5, "XBI": 6, "XLI": 7}


def registry_needs() -> dict[str, list[str]]:
    """The default registry's files by folder, read without analysis.snapshot.fetch.plan."""
    from analysis.claims import load_claims

    needs: dict[str, set[str]] = {"fred": set(), "prices": set(), "french": set(), "user": set()}
    for claim in load_claims().claims:
        for rel in [*claim.data, *claim.proxy_files()]:
            folder, name = rel.split("/", 1)
            needs[folder].add(name if folder == "user" else name.removesuffix(".csv"))
    return {folder: sorted(names) for folder, names in needs.items()}


NEEDS = registry_needs()
FRED_NEEDS = NEEDS["fred"]  # DFEDTARL DFEDTARU DFF DGS10 DGS2 DTWEXBGS when this was written
LOCAL = {"127.0.0.1", "localhost", "::1"}
FAST = {  # short timeouts and backoffs: the whole module runs in seconds
    "WORKBOOK_FETCH_BACKOFF": "0.01",
    "WORKBOOK_FETCH_MAX_SECONDS": "3",
    "WORKBOOK_FETCH_TIMEOUT": "0.5",
    "WORKBOOK_FETCH_ATTEMPTS": "4",
}


# ------------------------------------------------------------------------------- the guard
@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail the test on any connection (or name lookup) beyond 127.0.0.1 / localhost."""
    violations: list[str] = []

    def allowed(address) -> bool:
        if isinstance(address, (str, bytes)):  # AF_UNIX
            return True
        return str(address[0]) in LOCAL

    def refuse(address) -> None:
        violations.append(repr(address))
        raise OSError(f"test tried to reach {address!r}: only 127.0.0.1 is allowed")

    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_create, real_getaddrinfo = socket.create_connection, socket.getaddrinfo

    def connect(self, address):
        if not allowed(address):
            refuse(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        if not allowed(address):
            refuse(address)
        return real_connect_ex(self, address)

    def create_connection(address, *args, **kwargs):
        if not allowed(address):
            refuse(address)
        return real_create(address, *args, **kwargs)

    def getaddrinfo(host, *args, **kwargs):
        if host is not None and str(host) not in LOCAL:
            refuse((host, *args[:1]))
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield violations
    if violations:
        pytest.fail(f"the test tried to leave 127.0.0.1: {', '.join(violations)}")


@pytest.fixture(autouse=True)
def fast_env(monkeypatch):
    """Short retries, no proxy between the client and the local server, no stray base URLs."""
    for var in ("WORKBOOK_FRED_URL", "WORKBOOK_FRENCH_URL", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(var, raising=False)
        monkeypatch.delenv(var.lower(), raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for var, value in FAST.items():
        monkeypatch.setenv(var, value)


def _serve(monkeypatch, fred: Path, french: Path, **kwargs) -> ProviderServer:
    server = ProviderServer(fred_dirs=[fred], french_dirs=[french], **kwargs).__enter__()
    monkeypatch.setenv("WORKBOOK_FRED_URL", server.fred_url)
    monkeypatch.setenv("WORKBOOK_FRENCH_URL", server.french_url)
    return server


@pytest.fixture
def server(monkeypatch):
    """The local FRED / Ken French stand-in serving tests/recordings/ (no real data needed)."""
    srv = _serve(monkeypatch, RECORDINGS / "fred", RECORDINGS / "french", stall_seconds=0.8)
    yield srv
    srv.stop()


@pytest.fixture
def real_server(monkeypatch, real_dir):
    """The stand-in serving ../shared/data/real (skipped where that folder is absent)."""
    if not (real_dir / "french" / f"{FRENCH}.csv").is_file():
        pytest.skip(f"no Ken French file in {real_dir}/french")
    srv = _serve(monkeypatch, real_dir / "fred", real_dir / "french")
    yield srv
    srv.stop()


def fetch(*args: str):
    """Run ``workbook fetch`` in-process, on the real ``workbook`` group."""
    from analysis.cli import main

    return CliRunner().invoke(main, ["fetch", *args])


def lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.strip()]


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir()) if parent.exists() else []


def claims_file(tmp_path: Path, *files: str) -> Path:
    """A one-claim registry needing ``files`` (the first names the claim's series)."""
    path = tmp_path / "claims.yaml"
    path.write_text(
        "article: {id: t, title: T, as_of: 2026-01-02}\n"
        "claims:\n"
        "  - id: c\n    theme: t\n    text: a claim\n    kind: level_on_date\n"
        f"    data: [{', '.join(files)}]\n"
        f"    params: {{series: {files[0]}, date: 2026-01-02, stated: 1.0, tolerance: 0.1}}\n"
    )
    return path


# ---------------------------------------------------------------------------- yfinance
def yf_frame(symbol: str, days: pd.DatetimeIndex, seed: int = 0) -> pd.DataFrame:
    """A frame shaped as ``yfinance.download`` 1.x returns it (synthetic values).

    Columns: MultiIndex ``(Price, Ticker)`` sorted (Adj Close, Close, High, Low, Open, Volume);
    index: ``DatetimeIndex`` named ``Date``. The second row is all NaN (a holiday Yahoo lists).
    """
    rng = np.random.default_rng(seed)
    close = 2500 * np.exp(np.cumsum(rng.normal(0, 0.01, len(days))))
    fields = {
        "Adj Close": close * 0.99,
        "Close": close,
        "High": close * 1.01,
        "Low": close * 0.99,
        "Open": close * 1.001,
        "Volume": rng.integers(1_000_000, 9_000_000, len(days)).astype(float),
    }
    frame = pd.DataFrame(
        {(f, symbol): v for f, v in fields.items()}, index=pd.DatetimeIndex(days, name="Date")
    )
    frame.columns = pd.MultiIndex.from_tuples(frame.columns, names=["Price", "Ticker"])
    frame.iloc[1] = np.nan
    return frame


def yf_empty(symbol: str) -> pd.DataFrame:
    """What yfinance 1.x returns for a symbol Yahoo does not have: no rows."""
    columns = pd.MultiIndex.from_product(
        [["Adj Close", "Close", "High", "Low", "Open", "Volume"], [symbol.upper()]],
        names=["Price", "Ticker"],
    )
    return pd.DataFrame(columns=columns, index=pd.DatetimeIndex([], name="Date"), dtype=float)


@pytest.fixture
def fake_yahoo(monkeypatch):
    """Replace ``yfinance.download``; returns the list of calls (symbol, kwargs)."""
    import yfinance

    days = pd.bdate_range("2025-12-01", "2026-01-30")
    known = KNOWN_SYMBOLS
    calls: list[tuple[str, dict]] = []
    script: dict[str, list] = {}

    def download(tickers, **kwargs):
        calls.append((tickers, kwargs))
        if script.get(tickers):
            step = script[tickers].pop(0)
            if isinstance(step, Exception):
                raise step
            return step()
        if tickers in known:
            return yf_frame(tickers, days, seed=known[tickers])
        return yf_empty(tickers)

    monkeypatch.setattr(yfinance, "download", download)
    download.calls = calls
    download.script = script
    return download


# ================================================================================ tests
def test_the_guard_refuses_other_hosts(no_network):
    with pytest.raises(OSError, match="only 127.0.0.1"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)
    assert no_network == ["('192.0.2.1', 80)"]
    no_network.clear()  # the refusal above was the point of this test


def test_dry_run_lists_the_registrys_needs_per_source(tmp_path):
    out = tmp_path / "snap"
    result = fetch("--dry-run", "--out", str(out), "--end", "2026-01-31")
    assert result.exit_code == 0, result.output
    text = result.stdout
    fred, yahoo = FRED_NEEDS, NEEDS["prices"]
    assert f"fred ({len(fred)}) from https://fred.stlouisfed.org/graph: {' '.join(fred)}" in text
    assert f"yahoo ({len(yahoo)}) via yfinance: {' '.join(yahoo)}" in text
    assert "^RUT" in yahoo and "DGS10" in fred  # the article's core series
    assert "french (1) from https://mba.tuck.dartmouth.edu" in text and FRENCH in text
    user = " ".join(f"user/{name}" for name in NEEDS["user"])
    assert f"not fetched: {user} (user/ files are data you bring yourself" in text
    assert "2000-01-01 to 2026-01-31" in text
    assert not out.exists()


@pytest.mark.parametrize(
    "form",
    [
        ["--sources", "fred,french"],
        ["--sources", "fred", "--sources", "french"],
        ["--sources", "fred", "french"],
        ["--sources=fred", "french"],
    ],
)
def test_sources_may_be_repeated_comma_or_space_separated(form, tmp_path):
    result = fetch("--dry-run", *form, "--out", str(tmp_path / "s"), "--end", "2026-01-31")
    assert result.exit_code == 0, result.output
    assert f"fred ({len(FRED_NEEDS)})" in result.stdout and "french (1)" in result.stdout
    assert f"not selected: yahoo ({len(NEEDS['prices'])})" in result.stdout


def test_expand_sources_only_takes_bare_words_after_sources():
    assert expand_sources(["--sources", "fred", "yahoo", "--strict"]) == [
        "--sources",
        "fred",
        "--sources",
        "yahoo",
        "--strict",
    ]
    assert expand_sources(["--out", "x", "--sources=fred"]) == ["--out", "x", "--sources=fred"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sources", "bloomberg"], "'bloomberg' is not a source, expected any of fred"),
        (["--start", "2026-13-01"], "'--start': '2026-13-01' does not match"),
        (["--start", "2026-02-01", "--end", "2026-01-01"], "--start 2026-02-01 is after --end"),
        (["--out", "EXISTING"], "already exists; a fetch never overwrites"),
        (["--bogus"], "No such option '--bogus'"),
        (["--claims", "nowhere.yaml"], "claims file does not exist"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args, message, tmp_path):
    (tmp_path / "EXISTING").mkdir()
    args = [str(tmp_path / a) if a in ("EXISTING", "nowhere.yaml") else a for a in args]
    result = fetch(*args)
    assert result.exit_code == 2
    assert len(lines(result.stderr)) == 1
    assert result.stderr.startswith("workbook: ") and message in result.stderr


def test_a_bad_policy_variable_is_a_bad_argument(monkeypatch, tmp_path):
    monkeypatch.setenv("WORKBOOK_FETCH_TIMEOUT", "soon")
    result = fetch("--sources", "fred", "--out", str(tmp_path / "s"))
    assert result.exit_code == 2
    assert lines(result.stderr) == [
        "workbook: WORKBOOK_FETCH_TIMEOUT is 'soon', expected a number of seconds"
    ]


def test_fetch_writes_a_snapshot_that_checks_clean_and_a_truthful_manifest(server, tmp_path):
    out = tmp_path / "snap"
    args = ["--sources", "fred", "french", "--start", "2025-06-01", "--end", "2026-01-31"]
    result = fetch(*args, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    progress = lines(result.stderr)
    assert len([ln for ln in progress if ln.startswith("[")]) == 7  # one line per file
    assert progress[-1].startswith(f"snapshot: {out} (7 files")
    assert leftovers(tmp_path) == ["snap"]  # no partial folder left beside it

    assert Snapshot(out).check() == []
    from analysis.cli import main

    checked = CliRunner().invoke(main, ["snapshot", "check", str(out)])
    assert checked.exit_code == 0 and checked.stdout.startswith("ok: ")

    manifest = read_manifest(out)
    assert sorted(manifest.files) == [f"fred/{s}.csv" for s in FRED_NEEDS] + [
        f"french/{FRENCH}.csv"
    ]
    assert manifest.missing == [] and manifest.synthetic is False
    assert {"pandas", "requests", "yfinance", "workbook"} <= set(manifest.packages)
    for rel, entry in manifest.files.items():
        frame = parse_file(out / rel, name=rel)
        assert entry.sha256 == sha256_of(out / rel)
        assert entry.bytes == (out / rel).stat().st_size
        assert entry.rows == len(frame)
        assert entry.first_date == frame.index[0].date()
        assert entry.last_date == frame.index[-1].date()
        assert entry.retrieved_at is not None and entry.retrieved_at.utcoffset().seconds == 0
        assert entry.identifier == Path(rel).stem
    dgs10 = manifest.files["fred/DGS10.csv"]
    assert dgs10.url.endswith("/fredgraph.csv?id=DGS10&cosd=2025-06-01&coed=2026-01-31")
    # byte for byte as served: FRED's answer, and the CSV inside Ken French's zip
    for series in FRED_NEEDS:
        assert (out / "fred" / f"{series}.csv").read_bytes() == server.served[series]
    recorded = (RECORDINGS / "french" / f"{FRENCH}.csv").read_bytes()
    assert (out / "french" / f"{FRENCH}.csv").read_bytes() == recorded
    assert b"\r\n" in recorded  # CRLF kept


def test_dates_are_passed_to_fred(server, tmp_path):
    out = tmp_path / "snap"
    claims = claims_file(tmp_path, "fred/DGS10.csv")
    args = ["--sources", "fred", "--claims", str(claims), "--start", "2025-12-01"]
    result = fetch(*args, "--end", "2025-12-31", "--out", str(out))
    assert result.exit_code == 0, result.output
    frame = parse_file(out / "fred" / "DGS10.csv")
    assert frame.index[0] >= pd.Timestamp("2025-12-01")
    assert frame.index[-1] <= pd.Timestamp("2025-12-31")


@pytest.mark.parametrize(
    "faults",
    [
        ("503",),
        ("500", "503"),
        ("429",),
        ("timeout",),
        ("reset",),
        ("truncated",),
        ("html",),
        ("header",),
        ("503", "reset", "html"),
    ],
)
def test_transient_faults_are_retried_then_succeed(faults, server, tmp_path, monkeypatch):
    server.retry_after = "0"
    server.fault("DGS10", *faults)
    out = tmp_path / "snap"
    claims = claims_file(tmp_path, "fred/DGS10.csv")  # one series keeps the suite fast
    result = fetch("--sources", "fred", "--claims", str(claims), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert server.hits("DGS10") == len(faults) + 1
    assert (out / "fred" / "DGS10.csv").read_bytes() == server.served["DGS10"]
    assert f", {len(faults) + 1} attempts)" in result.stderr
    assert Snapshot(out).check() == []


def test_retry_after_is_honoured(server, tmp_path):
    server.retry_after = "1"  # seconds, as FRED's servers send it
    server.fault("DFF", "429")
    claims = claims_file(tmp_path, "fred/DFF.csv")
    started = time.monotonic()
    result = fetch("--sources", "fred", "--claims", str(claims), "--out", str(tmp_path / "snap"))
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started >= 0.95
    assert "HTTP 429 (too many requests; Retry-After 1 s); retry 1 in 1.00 s" in result.stderr


def test_backoff_caps_retry_after_and_grows_otherwise():
    from tenacity import RetryCallState, Retrying

    policy = FetchPolicy(backoff=0.1, backoff_cap=0.4, retry_after_cap=2)
    wait = backoff_wait(policy)

    def state(exc: Exception, attempt: int) -> RetryCallState:
        s = RetryCallState(Retrying(), fn=None, args=(), kwargs={})
        s.attempt_number = attempt
        s.set_exception((type(exc), exc, None))
        return s

    assert wait(state(Transient("HTTP 429", retry_after=1.5), 1)) == 1.5
    assert wait(state(Transient("HTTP 429", retry_after=120), 1)) == 2  # capped
    first = wait(state(Transient("HTTP 503"), 1))
    assert 0.1 <= first <= 0.2  # initial + up to `backoff` of jitter
    assert wait(state(Transient("HTTP 503"), 6)) <= 0.4  # capped


def test_retry_after_accepts_seconds_and_http_dates():
    from datetime import UTC, datetime

    now = datetime(2026, 1, 2, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("30") == 30.0
    assert retry_after_seconds("Fri, 02 Jan 2026 12:00:45 GMT", now=now) == 45.0
    assert retry_after_seconds("Fri, 02 Jan 2026 11:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds("later") is None and retry_after_seconds(None) is None


def test_with_retries_is_bounded_in_time():
    policy = FetchPolicy(backoff=0.05, backoff_cap=0.1, max_seconds=0.3, max_attempts=1000)
    calls = []

    def attempt():
        calls.append(time.monotonic())
        raise Transient("HTTP 503")

    started = time.monotonic()
    with pytest.raises(FetchError, match=r"^P X: HTTP 503 after \d+ attempts in 0\.\d s$"):
        with_retries(attempt, policy=policy, provider="P", identifier="X")
    assert time.monotonic() - started < 0.5
    assert 2 <= len(calls) < 20


def test_a_dead_provider_exits_1_with_one_line_and_leaves_nothing(server, tmp_path):
    server.fault("*", "500", forever=True)
    out = tmp_path / "snap"
    result = fetch("--sources", "fred", "french", "--out", str(out))
    assert result.exit_code == 1
    last = lines(result.stderr)[-1]
    assert last.startswith("workbook: FRED DFEDTARL: HTTP 500 after 4 attempts in ")
    assert last.endswith(f" s (nothing written at {out})")
    assert [ln for ln in lines(result.stderr) if ln.startswith("workbook:")] == [last]
    assert result.stdout == ""
    assert leftovers(tmp_path) == []  # neither --out nor a partial folder
    assert server.hits("DFEDTARL") == 4 and server.hits("DGS10") == 0  # fails fast


@pytest.mark.parametrize(
    ("fault", "problem"),
    [
        ("html", "answered an HTML page with HTTP 200, expected CSV"),
        ("header", "header is 'date,value', expected 'observation_date,DGS10'"),
        ("truncated", "truncated body (the connection closed mid-answer)"),
    ],
)
def test_a_bad_answer_that_persists_fails_with_a_clear_line(fault, problem, server, tmp_path):
    server.fault("DGS10", fault, forever=True)
    claims = claims_file(tmp_path, "fred/DGS10.csv")
    out = tmp_path / "snap"
    result = fetch("--sources", "fred", "--claims", str(claims), "--out", str(out))
    assert result.exit_code == 1
    last = lines(result.stderr)[-1]
    assert last.startswith("workbook: FRED DGS10: ") and problem in last
    assert " after 4 attempts in " in last
    assert leftovers(tmp_path) == ["claims.yaml"]


def test_a_refusal_is_reported_after_one_attempt():
    from analysis.snapshot.fetch.policy import Refused

    def attempt():
        raise Refused("HTTP 403 Forbidden")

    with pytest.raises(FetchError, match=r"^FRED DGS10: HTTP 403 Forbidden after 1 attempt in"):
        with_retries(attempt, policy=FetchPolicy(), provider="FRED", identifier="DGS10")


def test_an_unknown_series_is_recorded_missing(server, tmp_path):
    claims = claims_file(tmp_path, "fred/DGS10.csv", "fred/NOSUCHSERIES.csv")
    out = tmp_path / "snap"
    result = fetch("--sources", "fred", "--claims", str(claims), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "fred/NOSUCHSERIES.csv: missing (FRED answered HTTP 404" in result.stderr
    assert not (out / "fred" / "NOSUCHSERIES.csv").exists()
    manifest = read_manifest(out)
    assert list(manifest.files) == ["fred/DGS10.csv"]
    (missing,) = manifest.missing
    assert (missing.source, missing.identifier) == ("fred", "NOSUCHSERIES")
    assert "404" in missing.reason
    assert Snapshot(out).check() == []


def test_strict_turns_a_missing_series_into_a_failure(server, tmp_path):
    claims = claims_file(tmp_path, "fred/DGS10.csv", "fred/NOSUCHSERIES.csv")
    out = tmp_path / "snap"
    result = fetch("--sources", "fred", "--claims", str(claims), "--out", str(out), "--strict")
    assert result.exit_code == 1
    assert lines(result.stderr)[-1].startswith(
        "workbook: FRED NOSUCHSERIES: not available (FRED answered HTTP 404 (no such item)); "
        "--strict is set"
    )
    assert leftovers(tmp_path) == ["claims.yaml"]


def test_a_series_without_observations_in_range_is_missing(server, tmp_path):
    from analysis.snapshot.fetch.policy import Missing

    source = FredSource(base_url=server.fred_url, policy=FetchPolicy.from_env())
    with pytest.raises(Missing, match="no observation of DGS10 between 2010-01-01"):
        source.fetch("DGS10", tmp_path, date(2010, 1, 1), date(2010, 12, 31))
    assert not (tmp_path / "fred" / "DGS10.csv").exists()


def test_nothing_fetched_writes_no_snapshot(server, tmp_path):
    claims = claims_file(tmp_path, "fred/NOSUCHSERIES.csv")
    result = fetch("--sources", "fred", "--claims", str(claims), "--out", str(tmp_path / "s"))
    assert result.exit_code == 1
    assert "no file could be fetched" in lines(result.stderr)[-1]
    assert leftovers(tmp_path) == ["claims.yaml"]


def test_default_out_is_a_new_timestamped_folder_beside_older_ones(server, tmp_path, monkeypatch):
    import analysis.paths

    snapshots = tmp_path / "snapshots"
    older = snapshots / "20250101T000000Z"
    (older / "fred").mkdir(parents=True)
    (older / "fred" / "DGS10.csv").write_bytes(b"observation_date,DGS10\n2025-01-02,4.5\n")
    before = sha256_of(older / "fred" / "DGS10.csv")
    (snapshots / ".x.partial-999999999").mkdir()  # left by a fetch killed outright
    monkeypatch.setattr(analysis.paths, "SNAPSHOTS", snapshots)
    result = fetch("--sources", "french")
    assert result.exit_code == 0, result.output
    made = Path(result.stdout.strip())
    assert made.parent == snapshots and len(made.name) == 16 and made.name.endswith("Z")
    assert made.name > older.name
    assert sha256_of(older / "fred" / "DGS10.csv") == before
    assert ".x.partial-999999999 is left from a fetch that was killed" in result.stderr
    snapshot_default, _ = analysis.snapshot.default_snapshot()
    assert snapshot_default == made


# ------------------------------------------------------------------------------ Yahoo
def test_yahoo_frames_are_flattened_with_close_and_adj_close(fake_yahoo, tmp_path):
    claims = claims_file(tmp_path, "prices/^RUT.csv", "prices/^TA125.TA.csv")
    out = tmp_path / "snap"
    args = ["--sources", "yahoo", "--claims", str(claims), "--start", "2025-12-01"]
    result = fetch(*args, "--end", "2026-01-30", "--out", str(out))
    assert result.exit_code == 0, result.output

    symbol, kwargs = fake_yahoo.calls[0]
    assert symbol == "^RUT"
    assert kwargs["auto_adjust"] is False and kwargs["actions"] is False
    assert kwargs["progress"] is False
    assert (kwargs["start"], kwargs["end"]) == ("2025-12-01", "2026-01-31")  # end exclusive

    path = out / "prices" / "^RUT.csv"
    text = path.read_text()
    assert text.splitlines()[0] == "Date,Open,High,Low,Close,Adj Close,Volume"
    assert text.splitlines()[1].startswith("2025-12-01,")
    frame = parse_file(path)
    served = yf_frame("^RUT", pd.bdate_range("2025-12-01", "2026-01-30"), seed=1)
    assert len(frame) == len(served) - 1  # the all-NaN row is dropped
    assert pd.Timestamp("2025-12-02") not in frame.index
    assert frame["Close"].iloc[0] == pytest.approx(served[("Close", "^RUT")].iloc[0], rel=1e-12)
    assert frame["Adj Close"].iloc[0] == pytest.approx(
        served[("Adj Close", "^RUT")].iloc[0], rel=1e-12
    )
    assert (frame["Adj Close"] < frame["Close"]).all()

    manifest = read_manifest(out)
    assert manifest.files["prices/^RUT.csv"].source == "yahoo"
    assert [(m.source, m.identifier) for m in manifest.missing] == [("yahoo", "^TA125.TA")]
    assert Snapshot(out).check() == []


def test_flatten_yahoo_accepts_flat_and_plain_empty_frames():
    days = pd.bdate_range("2026-01-05", periods=3)
    flat = yf_frame("IWM", days).droplevel("Ticker", axis=1)
    assert list(flatten_yahoo(flat, "IWM").columns) == [
        "Open",
        "High",
        "Low",
        "Close",
        "Adj Close",
        "Volume",
    ]
    assert flatten_yahoo(pd.DataFrame(), "IWM").empty
    assert flatten_yahoo(yf_empty("IWM"), "IWM").empty


def test_yahoo_network_failures_are_retried(fake_yahoo, tmp_path):
    import logging

    import requests

    def rate_limited():
        logging.getLogger("yfinance").error("['^RUT']: YFRateLimitError('Too Many Requests.')")
        return yf_empty("^RUT")

    fake_yahoo.script["^RUT"] = [requests.ConnectionError("reset"), rate_limited]
    claims = claims_file(tmp_path, "prices/^RUT.csv")
    result = fetch("--sources", "yahoo", "--claims", str(claims), "--out", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    assert len(fake_yahoo.calls) == 3
    assert "  Yahoo ^RUT: yfinance: ['^RUT']: YFRateLimitError" in result.stderr


def test_every_source_at_once_from_the_registry(server, fake_yahoo, tmp_path):
    out = tmp_path / "snap"
    result = fetch("--start", "2025-06-01", "--end", "2026-01-31", "--out", str(out))
    assert result.exit_code == 0, result.output
    manifest = read_manifest(out)
    fetched = [y for y in NEEDS["prices"] if y in KNOWN_SYMBOLS]
    assert len(manifest.files) == len(FRED_NEEDS) + len(fetched) + 1
    # the fake Yahoo lacks the others (ZQN26 and the Tel Aviv indices when this was written)
    expected_missing = sorted(y for y in NEEDS["prices"] if y not in KNOWN_SYMBOLS)
    assert sorted(m.identifier for m in manifest.missing) == expected_missing
    assert Snapshot(out).check() == []
    user = " ".join(f"user/{name}" for name in NEEDS["user"])
    assert f"not fetched (user/ files, bring them yourself): {user}" in result.stderr


# ---------------------------------------------------------------------- interruptions
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_fetch_leaves_nothing_and_the_next_one_succeeds(signum, server, tmp_path):
    server.fault("DGS10", "stall", forever=True)  # FRED hangs on DGS10, after 3 good files
    out = tmp_path / "snap"
    env = {
        **os.environ,
        "WORKBOOK_FETCH_TIMEOUT": "30",
        "WORKBOOK_FETCH_MAX_SECONDS": "60",
        "PYTHONPATH": str(PROJECT),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "analysis", "fetch", "--sources", "fred", "--out", str(out)],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while server.hits("DGS10") == 0 and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        assert server.hits("DGS10") == 1, "the fetch never reached the stalled series"
        partial = [p for p in tmp_path.iterdir() if ".partial-" in p.name]
        assert len(partial) == 1 and (partial[0] / "fred" / "DFF.csv").is_file()  # midway
        proc.send_signal(signum)
        stdout, stderr = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + signum
    assert lines(stderr)[-1] == (
        f"workbook: interrupted by {signal.Signals(signum).name}; nothing written at {out}"
    )
    assert stdout == ""
    assert leftovers(tmp_path) == []

    server.clear()
    again = fetch("--sources", "fred", "--out", str(out))
    assert again.exit_code == 0, again.output
    assert Snapshot(out).check() == []
    assert leftovers(tmp_path) == ["snap"]


# ------------------------------------------------------------------ the "done when"
@pytest.mark.real_data
def test_done_when_real_fred_and_french_make_a_clean_snapshot(real_server, real_dir, tmp_path):
    out = tmp_path / "snap"
    args = ["--sources", "fred", "french", "--start", "2025-06-01", "--end", "2026-01-31"]
    result = fetch(*args, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert Snapshot(out).check() == []
    manifest = read_manifest(out)
    assert len(manifest.files) == 7 and manifest.missing == []
    dgs10 = manifest.files["fred/DGS10.csv"]
    assert str(dgs10.first_date) >= "2025-06-01" and str(dgs10.last_date) <= "2026-01-31"
    # the Ken French file arrives whole and byte for byte (202601 CRSP vintage)
    french = (out / "french" / f"{FRENCH}.csv").read_bytes()
    assert french == (real_dir / "french" / f"{FRENCH}.csv").read_bytes()
    assert str(manifest.files[f"french/{FRENCH}.csv"].last_date) == "2026-01-30"


@pytest.mark.real_data
def test_done_when_a_server_answering_500_leaves_nothing(real_server, tmp_path):
    real_server.fault("*", "500", forever=True)
    out = tmp_path / "snap"
    args = ["--sources", "fred", "french", "--start", "2025-06-01", "--end", "2026-01-31"]
    result = fetch(*args, "--out", str(out))
    assert result.exit_code != 0
    last = lines(result.stderr)[-1]
    assert last.startswith("workbook: FRED DFEDTARL: HTTP 500 after ")
    assert [ln for ln in lines(result.stderr) if ln.startswith("workbook:")] == [last]
    assert leftovers(tmp_path) == []
