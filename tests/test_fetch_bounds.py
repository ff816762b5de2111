"""``workbook fetch`` against hostile servers: every download ends, in bytes, time and memory.

The faults come from ``tests/fetch_server.py`` on 127.0.0.1 (an endless body, a trickle of one
byte every 50 ms, headers that never end, a gzip bomb, redirects) and from zips built here (a zip
bomb, a zip whose header lies about its size). Caps and budgets are made small through the
``WORKBOOK_FETCH_*`` variables so that each test takes a second or two. The four faults of the
issue run ``python -m analysis fetch`` in a subprocess whose peak resident memory is measured
(:func:`os.wait4`), so the memory bound covers the real command.
"""

from __future__ import annotations

import io
import os
import re
import struct
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from analysis.snapshot.fetch.bounded import ZIP_MAX_MEMBERS, unzip_one_csv, within
from analysis.snapshot.fetch.policy import Deadline, Exceeded, FetchError, FetchPolicy, Transient
from analysis.snapshot.fetch.sources import FredSource
from tests.conftest import PROJECT
from tests.test_fetch import (  # noqa: F401  (no_network, fast_env: autouse fixtures)
    FRENCH,
    RECORDINGS,
    _serve,
    claims_file,
    fast_env,
    fetch,
    leftovers,
    lines,
    no_network,
    server,
)

MiB = 1024 * 1024
PEAK_MB = 500  # the most resident memory a hostile answer may cost the fetch
SECONDS = 10  # the longest a subprocess fetch may take against a hostile answer


# ------------------------------------------------------------------------------ helpers
@dataclass
class Run:
    """A finished ``python -m analysis fetch``: exit status, output, seconds and peak RSS."""

    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float


def run_fetch(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    """Run ``python -m analysis fetch`` with the test's environment (the local server, short
    budgets) plus ``env``; kill it after 3 x :data:`SECONDS` (the test then fails)."""
    logs = tmp_path / "logs"
    logs.mkdir(exist_ok=True)
    full_env = {**os.environ, **(env or {}), "PYTHONPATH": str(PROJECT)}
    with open(logs / "out", "w") as out, open(logs / "err", "w") as err:
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "analysis", "fetch", *args],
            cwd=PROJECT,
            env=full_env,
            stdout=out,
            stderr=err,
        )
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        while pid == 0 and time.monotonic() - started < 3 * SECONDS:
            time.sleep(0.02)
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == 0:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
    return Run(
        code=proc.returncode,
        stdout=(logs / "out").read_text(),
        stderr=(logs / "err").read_text(),
        seconds=seconds,
        peak_mb=usage.ru_maxrss / 1024,  # KiB on Linux
    )


def assert_bounded_failure(run: Run, out: Path, message: str) -> str:
    """Exit 1 with one ``workbook:`` line naming the fault, in time, in memory, nothing left."""
    assert run.code == 1, run.stderr
    last = lines(run.stderr)[-1]
    assert last.startswith(f"workbook: {message}"), last
    assert last.endswith(f" s (nothing written at {out})"), last
    assert [ln for ln in lines(run.stderr) if ln.startswith("workbook:")] == [last]
    assert run.stdout == ""
    assert run.seconds < SECONDS, f"took {run.seconds:.1f} s"
    assert run.peak_mb < PEAK_MB, f"peak RSS {run.peak_mb:.0f} MB"
    assert leftovers(out.parent) == []  # neither --out nor a partial folder
    print(f"{run.seconds:.2f} s, peak RSS {run.peak_mb:.0f} MB: {last}")
    return last


def seconds_in(message: str) -> float:
    """The ``in 1.5 s`` of a fetch error."""
    return float(re.search(r" in (\d+\.\d) s", message).group(1))


def zip_of_zeros(name: str, size: int) -> bytes:
    """A zip bomb: one member of ``size`` zeros, deflated about 1000 times (written in 1 MiB
    steps, so building it costs no more memory than the zip itself)."""
    buffer = io.BytesIO()
    block = bytes(MiB)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(name, "w") as member:
            for _ in range(size // MiB):
                member.write(block)
    return buffer.getvalue()


def lie_about_size(data: bytes, declared: int) -> bytes:
    """``data`` (a one-member zip) with both headers declaring ``declared`` bytes unzipped."""
    patched = bytearray(data)
    struct.pack_into("<I", patched, patched.find(b"PK\x03\x04") + 22, declared)
    struct.pack_into("<I", patched, patched.find(b"PK\x01\x02") + 24, declared)
    return bytes(patched)


def zip_of(*members: tuple[str, bytes], comment: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.comment = comment
            archive.writestr(info, data)
    return buffer.getvalue()


@pytest.fixture
def hanging_yahoo(monkeypatch):
    """``yfinance.download`` hanging (until the test ends); the list of its calls' kwargs."""
    import yfinance

    calls: list[dict] = []
    release = threading.Event()

    def download(tickers, **kwargs):
        calls.append(kwargs)
        release.wait(10)
        raise RuntimeError("released")

    monkeypatch.setattr(yfinance, "download", download)
    yield calls
    release.set()


@pytest.fixture
def snap(tmp_path) -> Path:
    """``--out``, alone in its folder so that nothing else can be mistaken for a leftover."""
    (tmp_path / "snaps").mkdir()
    return tmp_path / "snaps" / "snap"


# ===================================================== the issue, as a subprocess each
@pytest.mark.parametrize(
    ("cap", "said"), [("1048576", "1 MiB"), (None, "64 MiB")], ids=["1MiB", "default"]
)
def test_an_endless_body_stops_at_the_byte_cap(cap, said, server, tmp_path, snap):
    server.fault("DGS10", "endless", forever=True)
    claims = claims_file(tmp_path, "fred/DGS10.csv")
    env = {"WORKBOOK_FETCH_MAX_BYTES": cap} if cap else {}
    run = run_fetch(
        tmp_path, "--sources", "fred", "--claims", str(claims), "--out", str(snap), env=env
    )
    assert_bounded_failure(
        run,
        snap,
        f"FRED DGS10: the body passed {said} (WORKBOOK_FETCH_MAX_BYTES); refused after 1 attempt",
    )
    assert server.hits("DGS10") == 1  # a cap breach is not retried


def test_a_trickle_stops_at_the_file_deadline(server, tmp_path, snap):
    server.fault("DGS10", "trickle", forever=True)  # one byte every 50 ms: no read times out
    claims = claims_file(tmp_path, "fred/DGS10.csv")
    env = {"WORKBOOK_FETCH_MAX_SECONDS": "1.5", "WORKBOOK_FETCH_TIMEOUT": "0.5"}
    run = run_fetch(
        tmp_path, "--sources", "fred", "--claims", str(claims), "--out", str(snap), env=env
    )
    last = assert_bounded_failure(
        run,
        snap,
        "FRED DGS10: the download passed its 1.5 s budget (WORKBOOK_FETCH_MAX_SECONDS); "
        "stopped after 1 attempt in ",
    )
    assert 1.5 <= seconds_in(last) <= 2.0
    assert server.hits("DGS10") == 1


def test_a_zip_bomb_is_refused_before_unpacking(server, tmp_path, snap):
    bomb = zip_of_zeros(f"{FRENCH}.csv", 128 * MiB)
    assert len(bomb) < MiB  # 128 MiB of zeros in about 130 KB
    server.serve(FRENCH, bomb)
    env = {"WORKBOOK_FETCH_MAX_BYTES": str(MiB)}
    run = run_fetch(tmp_path, "--sources", "french", "--out", str(snap), env=env)
    assert_bounded_failure(
        run,
        snap,
        f"Ken French {FRENCH}: {FRENCH}.csv declares 128 MiB unzipped, over 1 MiB "
        "(WORKBOOK_FETCH_MAX_BYTES); refused after 1 attempt",
    )
    assert server.hits(FRENCH) == 1


def test_a_zip_whose_header_lies_is_cut_at_the_declared_size(server, tmp_path, snap):
    liar = lie_about_size(zip_of_zeros(f"{FRENCH}.csv", 128 * MiB), 4242)
    assert zipfile.ZipFile(io.BytesIO(liar)).infolist()[0].file_size == 4242
    server.serve(FRENCH, liar)
    env = {"WORKBOOK_FETCH_MAX_BYTES": str(MiB)}
    run = run_fetch(tmp_path, "--sources", "french", "--out", str(snap), env=env)
    assert_bounded_failure(
        run,
        snap,
        f"Ken French {FRENCH}: {FRENCH}.csv unpacks past the 4.1 KiB its zip header declares "
        "(a lying header); refused after 1 attempt",
    )


# ================================================================ in-process, quicker
def one_series(tmp_path: Path, snap: Path, *extra: str):
    claims = claims_file(tmp_path, "fred/DGS10.csv")
    started = time.monotonic()
    result = fetch("--sources", "fred", "--claims", str(claims), "--out", str(snap), *extra)
    return result, time.monotonic() - started


def test_a_body_announced_over_the_cap_is_refused_unread(server, tmp_path, snap, monkeypatch):
    monkeypatch.setenv("WORKBOOK_FETCH_MAX_BYTES", str(MiB))
    server.fault("DGS10", "huge", forever=True)  # Content-Length: 5 GiB
    result, seconds = one_series(tmp_path, snap)
    assert result.exit_code == 1
    assert lines(result.stderr)[-1].startswith(
        "workbook: FRED DGS10: the body announces 5 GiB, over 1 MiB (WORKBOOK_FETCH_MAX_BYTES); "
        "refused after 1 attempt"
    )
    assert seconds < 3 and leftovers(snap.parent) == []


def test_a_gzip_bomb_stops_at_the_cap(server, tmp_path, snap, monkeypatch):
    monkeypatch.setenv("WORKBOOK_FETCH_MAX_BYTES", str(MiB))
    # a generous read timeout: on a loaded machine the suite's 0.5 s could expire first (a
    # transient fault, retried), and this test is about the cap, which is never retried
    monkeypatch.setenv("WORKBOOK_FETCH_TIMEOUT", "5")
    server.fault("DGS10", "gzipbomb", forever=True)  # 64 MiB of zeros in 64 KB of gzip
    result, seconds = one_series(tmp_path, snap)
    assert result.exit_code == 1
    assert lines(result.stderr)[-1].startswith(
        "workbook: FRED DGS10: the gzip-decoded body passed 1 MiB (WORKBOOK_FETCH_MAX_BYTES); "
        "refused after 1 attempt"
    )
    assert seconds < 3 and leftovers(snap.parent) == []
    assert server.hits("DGS10") == 1


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_bodies_are_decoded_byte_for_byte(encoding, server, tmp_path, snap):
    server.fault("DGS10", encoding)
    span = ("--start", "2025-01-01", "--end", "2026-01-31")
    result, _ = one_series(tmp_path, snap, *span)
    assert result.exit_code == 0, result.output
    expected = server.fred_body("DGS10", "2025-01-01", "2026-01-31")
    assert (snap / "fred" / "DGS10.csv").read_bytes() == expected


def test_headers_that_trickle_stop_at_the_file_deadline(server, tmp_path, snap, monkeypatch):
    monkeypatch.setenv("WORKBOOK_FETCH_MAX_SECONDS", "1")
    server.fault("DGS10", "slowheaders", forever=True)  # one header byte every 50 ms
    result, seconds = one_series(tmp_path, snap)
    assert result.exit_code == 1
    last = lines(result.stderr)[-1]
    assert last.startswith(
        "workbook: FRED DGS10: the download passed its 1 s budget (WORKBOOK_FETCH_MAX_SECONDS); "
        "stopped after 1 attempt in "
    )
    assert seconds < 3 and seconds_in(last) <= 1.5
    assert leftovers(snap.parent) == []


def test_the_whole_fetch_stops_within_its_budget(server, tmp_path, snap, monkeypatch):
    monkeypatch.setenv("WORKBOOK_FETCH_TOTAL_SECONDS", "1.5")
    monkeypatch.setenv("WORKBOOK_FETCH_MAX_SECONDS", "30")  # each file alone may take long
    server.fault("DFF", "trickle", forever=True)  # the third FRED series, after two good ones
    started = time.monotonic()
    result = fetch("--sources", "fred", "--out", str(snap))
    seconds = time.monotonic() - started
    assert result.exit_code == 1
    assert "[2/" in result.stderr  # two files came before the budget ran out
    assert lines(result.stderr)[-1].startswith(
        "workbook: FRED DFF: the fetch passed its 1.5 s budget (WORKBOOK_FETCH_TOTAL_SECONDS); "
        "stopped after 1 attempt"
    )
    assert 1.5 <= seconds < 3.5
    assert leftovers(snap.parent) == []


def test_redirects_are_followed_without_reading_their_bodies(server, tmp_path, snap):
    server.fault("DGS10", "redirect")  # 302 with an endless body, then the file
    result, seconds = one_series(tmp_path, snap)
    assert result.exit_code == 0, result.output
    assert server.hits("DGS10") == 2 and seconds < 3


def test_endless_redirects_are_refused(server, tmp_path, snap):
    server.fault("DGS10", "redirect", forever=True)
    result, seconds = one_series(tmp_path, snap)
    assert result.exit_code == 1
    assert lines(result.stderr)[-1].startswith(
        "workbook: FRED DGS10: more than 5 redirects after 1 attempt"
    )
    assert server.hits("DGS10") == 6 and seconds < 3


def test_a_hanging_yahoo_download_stops_at_the_file_deadline(hanging_yahoo, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBOOK_FETCH_MAX_SECONDS", "1")
    claims = claims_file(tmp_path, "prices/^RUT.csv")
    started = time.monotonic()
    result = fetch("--sources", "yahoo", "--claims", str(claims), "--out", str(tmp_path / "s"))
    assert result.exit_code == 1
    assert lines(result.stderr)[-1].startswith(
        "workbook: Yahoo ^RUT: the download passed its 1 s budget (WORKBOOK_FETCH_MAX_SECONDS)"
    )
    assert time.monotonic() - started < 3
    assert hanging_yahoo[0]["timeout"] == pytest.approx(0.5, abs=0.01)  # min(TIMEOUT, left)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("64MB", "expected a whole number of bytes"), ("0", "expected a positive value")],
)
def test_a_bad_byte_cap_is_a_bad_argument(value, expected, monkeypatch, tmp_path):
    monkeypatch.setenv("WORKBOOK_FETCH_MAX_BYTES", value)
    result = fetch("--sources", "fred", "--out", str(tmp_path / "s"))
    assert result.exit_code == 2
    assert lines(result.stderr) == [f"workbook: WORKBOOK_FETCH_MAX_BYTES is {value!r}, {expected}"]


# ============================================================================ units
def test_the_policy_reads_the_new_variables():
    policy = FetchPolicy.from_env(
        {"WORKBOOK_FETCH_MAX_BYTES": "1048576", "WORKBOOK_FETCH_TOTAL_SECONDS": "90"}
    )
    assert (policy.max_bytes, policy.total_seconds) == (MiB, 90.0)
    assert FetchPolicy.from_env({}).max_bytes == 64 * MiB


def test_a_files_deadline_never_passes_the_fetchs():
    fetch_deadline = Deadline.after(1, "WORKBOOK_FETCH_TOTAL_SECONDS", "fetch")
    source = FredSource(policy=FetchPolicy(max_seconds=60), deadline=fetch_deadline)
    assert source.file_deadline() is fetch_deadline
    roomy = Deadline.after(600, "WORKBOOK_FETCH_TOTAL_SECONDS", "fetch")
    assert (
        FredSource(policy=FetchPolicy(max_seconds=60), deadline=roomy).file_deadline().left() < 61
    )


def test_within_walks_away_at_the_deadline_and_passes_errors_on():
    release, cancelled = threading.Event(), []
    started = time.monotonic()
    with pytest.raises(Exceeded, match=r"^the download passed its 0\.2 s budget \(V\); stopped$"):
        within(
            lambda: release.wait(5), Deadline.after(0.2, "V"), cancel=lambda: cancelled.append(1)
        )
    assert time.monotonic() - started < 1 and cancelled == [1]
    release.set()
    with pytest.raises(Transient, match="HTTP 503"):
        within(lambda: (_ for _ in ()).throw(Transient("HTTP 503")), Deadline.after(5, "V"))
    assert within(lambda: 42, Deadline.after(5, "V")) == 42


def test_a_cap_breach_is_not_retried():
    from analysis.snapshot.fetch.policy import with_retries

    calls = []

    def attempt():
        calls.append(1)
        raise Exceeded("the body passed 1 MiB (WORKBOOK_FETCH_MAX_BYTES); refused")

    with pytest.raises(FetchError, match=r"^FRED DGS10: the body passed 1 MiB .*refused after 1 "):
        with_retries(attempt, policy=FetchPolicy(), provider="FRED", identifier="DGS10")
    assert calls == [1]


@pytest.mark.parametrize(
    ("make", "cap", "problem"),
    [
        (
            lambda: zip_of(*[(f"f{i}.csv", b"a,b\n") for i in range(ZIP_MAX_MEMBERS + 4)]),
            MiB,
            f"the zip lists {ZIP_MAX_MEMBERS + 4} members, over {ZIP_MAX_MEMBERS}; refused",
        ),
        (
            lambda: zip_of(*[(f"f{i}.csv", bytes(400 * 1024)) for i in range(3)]),
            MiB,
            re.escape("the zip's 3 members declare 1.2 MiB unzipped, over 1 MiB (WORKBOOK_"),
        ),
        (
            lambda: zip_of_zeros("x.csv", 32 * MiB),
            64 * MiB,
            r"x.csv declares a compression ratio of \d+:1, over 100:1 \(a zip bomb\?\); refused",
        ),
        (
            lambda: zip_of(("x.csv", b"a,b\n"), comment=b"c" * 65535),
            MiB,
            "the zip's directory takes 64.05 KiB, over 64 KiB; refused",
        ),
    ],
    ids=["members", "total", "ratio", "directory"],
)
def test_a_zip_is_checked_before_anything_is_unpacked(make, cap, problem):
    with pytest.raises(Exceeded, match=problem):
        unzip_one_csv(make(), cap=cap)


def test_a_plain_zip_unpacks_and_a_broken_one_is_retried():
    assert unzip_one_csv(zip_of(("x.csv", b"a,b\n1,2\n")), cap=MiB) == b"a,b\n1,2\n"
    with pytest.raises(Transient, match="not a readable zip"):
        unzip_one_csv(zip_of(("x.csv", b"a,b\n1,2\n"))[:-30], cap=MiB)
