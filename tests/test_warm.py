"""``workbook warm`` (analysis.run.warm): a server that keeps the analysis stack imported and
forks each run's template from it, for runs of the very same code and environment only."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import pytest

from analysis import paths
from analysis.run import warm
from analysis.run.template import WARM_MODULES, Zygote, _Forked
from tests.test_runner import CLAIMS, FIXTURES, paused_run, toy  # noqa: F401 (fixtures)

READY = "warm: runs of this code start from here"
WORKBOOK = str(Path(sys.executable).parent / "workbook")


def read_line(process: subprocess.Popen, seconds: float = 60) -> str:
    """The server's next line on standard output ('' when none came in time), read by a thread
    of its own (a buffered reader may hold lines that select() would not see)."""
    if not hasattr(process, "lines"):
        process.lines = queue.Queue()

        def pump() -> None:
            for line in process.stdout:
                process.lines.put(line)

        threading.Thread(target=pump, daemon=True).start()
    try:
        return process.lines.get(timeout=seconds)
    except queue.Empty:
        return ""


@pytest.fixture
def runtime(monkeypatch) -> Path:
    """A private XDG_RUNTIME_DIR for this test (short: a socket's path has ~100 bytes at most),
    and runs in this process allowed to use a warm template."""
    where = Path(tempfile.mkdtemp(prefix="wb"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(where))
    monkeypatch.delenv(warm.DISABLE, raising=False)
    yield where
    shutil.rmtree(where, ignore_errors=True)


def start_server(cwd: Path = paths.PACKAGE.parent, idle: str = "5") -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != warm.DISABLE}
    return subprocess.Popen([sys.executable, "-m", "analysis.run.warm", idle],
                            cwd=cwd, env=env, stdout=subprocess.PIPE, text=True)  # fmt: skip


@pytest.fixture
def server(runtime):
    process = start_server()
    try:
        line = read_line(process)
        assert line.startswith(READY), line
        yield process
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0
        assert not list((runtime / f"workbook-{os.getuid()}").glob("*.sock"))  # removed
    finally:  # whatever failed: nothing it forked stays (a kernel paused for a minute)
        with contextlib.suppress(psutil.Error):
            for child in psutil.Process(process.pid).children(recursive=True):
                child.kill()
        process.kill()
        process.wait()


def test_a_runs_template_is_forked_from_the_server_with_its_imports_done(server, toy, capfd):
    template = Zygote(WARM_MODULES)
    cold = Zygote(WARM_MODULES)
    try:
        records, _ = template.prime(str(toy["snapshot"]), str(toy["claims"]), None, 0.05)
        assert isinstance(template._process, _Forked)
        forked = psutil.Process(template._process.pid)
        assert forked.ppid() == server.pid
        assert forked.pid == int(read_line(server, 5).removeprefix("warm: forked process "))
        # the server had imported the statistics' stack: the template never imported it itself
        assert any("scipy/stats" in m.path for m in forked.memory_maps())
        # what the template prints goes where this process's standard error goes
        assert os.readlink(f"/proc/{forked.pid}/fd/2") == os.readlink("/proc/self/fd/2")
        # the same results as the template a run starts itself
        monkey = os.environ.pop("XDG_RUNTIME_DIR")
        try:
            cold_records, _ = cold.prime(str(toy["snapshot"]), str(toy["claims"]), None, 0.05)
        finally:
            os.environ["XDG_RUNTIME_DIR"] = monkey
        assert not isinstance(cold._process, _Forked)
        assert cold_records == records
        assert [r["verdict"] for r in records] == ["supported", "contradicted", "supported"]
    finally:
        template.close()
        cold.close()
    forked.wait(10)  # it ends at the end of its requests
    assert capfd.readouterr().err == ""


@pytest.mark.notebook
def test_a_run_with_the_server_gives_the_same_report(server, toy, runtime):
    def run(out: Path, env: dict) -> dict:
        done = subprocess.run(
            [
                WORKBOOK,
                "run",
                "--snapshot",
                str(toy["snapshot"]),
                "--claims",
                str(toy["claims"]),
                "--notebooks",
                str(FIXTURES),
                "--out",
                str(out),
                "--jobs",
                "2",
            ],  # fmt: skip
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return json.loads((out / "results.json").read_text())

    env = dict(os.environ)
    warm_report = run(toy["tmp"] / "warm", env)
    command_pid, template_pid = forked(server), forked(server)  # the command, then its template
    assert command_pid != template_pid
    cold_report = run(toy["tmp"] / "cold", {**env, warm.DISABLE: "0"})
    assert warm_report["claims"] == cold_report["claims"]
    assert [t["status"] for t in warm_report["run"]["notebooks"]] == ["ok", "ok"]
    pages = sorted(p.name for p in (toy["tmp"] / "warm").iterdir())
    assert pages == sorted(p.name for p in (toy["tmp"] / "cold").iterdir())
    assert "levels.html" in pages and "index.html" in pages


def test_a_run_of_other_code_or_environment_does_not_use_it(server, monkeypatch):
    assert warm.connect(WARM_MODULES) is not None
    assert warm.connect(("analysis.report.notebook",)) is None  # other modules
    monkeypatch.setenv("MPLBACKEND", "agg")  # the charts would be drawn otherwise
    assert warm.connect(WARM_MODULES) is None
    monkeypatch.delenv("MPLBACKEND")
    monkeypatch.setenv(warm.DISABLE, "0")  # told not to
    assert warm.connect(WARM_MODULES) is None


def test_the_fingerprint_follows_the_code_and_the_environment(tmp_path, monkeypatch):
    package = tmp_path / "analysis"
    (package / "run").mkdir(parents=True)
    (package / "run" / "x.py").write_text("X = 1\n")
    monkeypatch.setattr(paths, "PACKAGE", package)
    first = warm.fingerprint(WARM_MODULES)
    assert warm.fingerprint(WARM_MODULES) == first
    assert warm.fingerprint(WARM_MODULES, {**os.environ, warm.DISABLE: "1"}) == first
    assert warm.fingerprint(WARM_MODULES, {**os.environ, "LANG": "C.UTF-8x"}) != first
    st = (package / "run" / "x.py").stat()
    os.utime(package / "run" / "x.py", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert warm.fingerprint(WARM_MODULES) != first
    second = warm.fingerprint(WARM_MODULES)
    (package / "run" / "__pycache__").mkdir()
    (package / "run" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"compiled")
    assert warm.fingerprint(WARM_MODULES) == second  # what Python writes itself does not count


def test_a_second_server_of_the_same_code_is_refused(server):
    done = subprocess.run(
        [WORKBOOK, "warm"],
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != warm.DISABLE},
    )
    assert done.returncode == 2
    assert done.stderr.startswith("workbook: a warm template of this code already listens at ")
    assert done.stdout == ""


def test_a_folder_others_may_open_is_refused_by_the_server_and_the_runs(runtime):
    folder = runtime / f"workbook-{os.getuid()}"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    done = subprocess.run([WORKBOOK, "warm"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == (f"workbook: {folder} must be a folder of this user's that nobody "
                           "else may open (mode 0700)\n")  # fmt: skip
    assert not list(folder.iterdir())
    assert warm.connect(WARM_MODULES) is None


def test_runs_go_on_when_the_server_ends(server, toy):
    template, unserved = Zygote(WARM_MODULES), Zygote(WARM_MODULES)
    try:
        template.start()
        forked(server)
        server.send_signal(signal.SIGINT)
        assert server.wait(30) == 0
        assert warm.connect(WARM_MODULES) is None  # its socket went with it
        records, _ = template.prime(str(toy["snapshot"]), str(toy["claims"]), None, 0.05)
        assert isinstance(template._process, _Forked) and len(records) == 3
        # a template asked for as the server ends (its connection never accepted) is started
        # the usual way
        unserved._process = _Forked(socket.socketpair()[0])
        assert unserved.prime(str(toy["snapshot"]), str(toy["claims"]), None, 0.05)[0] == records
        assert isinstance(unserved._process, subprocess.Popen)
    finally:
        template.close()
        unserved.close()


def test_the_server_imports_again_when_its_code_changes(runtime, tmp_path):
    shutil.copytree(paths.PACKAGE, tmp_path / "analysis",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    process = start_server(cwd=tmp_path)
    try:
        first = read_line(process)
        assert first.startswith(READY) and str(runtime) in first
        old = Path(first.split("(")[1].split(")")[0])
        assert old.exists()
        target = tmp_path / "analysis" / "run" / "warm.py"
        st = target.stat()
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        assert read_line(process, 30) == "warm: the code changed: importing it again\n"
        again = read_line(process)
        assert again.startswith(READY) and again != first
        assert not old.exists()
        assert psutil.Process(process.pid).cwd() == str(tmp_path)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)


def test_the_server_ends_after_its_idle_minutes(runtime):
    process = start_server(idle="0.05")  # 3 seconds
    try:
        assert read_line(process).startswith(READY)
        started = time.monotonic()
        assert read_line(process, 30) == "warm: no run for 0.05 minutes, ended\n"
        assert time.monotonic() - started < 15
        assert process.wait(10) == 0
        assert not list((runtime / f"workbook-{os.getuid()}").glob("*.sock"))
    finally:
        process.kill()
        process.wait()


# ---------------------------------------------------------------- commands run by the server


def command(args: list[str], *, cold: bool = False, **kw) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != warm.DISABLE}
    if cold:
        env[warm.DISABLE] = "0"
    return subprocess.run([WORKBOOK, *args], env=env, capture_output=True, text=True,
                          timeout=300, **kw)  # fmt: skip


def forked(server: subprocess.Popen) -> int:
    line = read_line(server, 10)
    assert line.startswith("warm: forked process "), line
    return int(line.split()[-1])


def test_a_command_run_by_the_server_says_writes_and_exits_the_same(server, toy, tmp_path):
    """``workbook check`` run by the server: in the client's folder (a relative --json), the
    same output, file and exit status; a command refused exits 2 the same. A client with
    another umask is not served (its files would get the server's)."""
    args = ["check", "--snapshot", str(toy["snapshot"]), "--claims", str(toy["claims"]),
            "--json", "out/results.json"]  # fmt: skip
    for name in ("warm", "cold", "private"):
        (tmp_path / name).mkdir()
    by_server = command(args, cwd=tmp_path / "warm")
    assert forked(server) != 0
    here = command(args, cold=True, cwd=tmp_path / "cold")
    assert (by_server.returncode, by_server.stdout, by_server.stderr) == (
        here.returncode, here.stdout, here.stderr)  # fmt: skip
    assert by_server.returncode == 0 and "toy_close_wrong" in by_server.stdout
    documents = [json.loads((tmp_path / name / "out" / "results.json").read_text())
                 for name in ("warm", "cold")]  # fmt: skip
    for doc in documents:
        assert doc.pop("generated_at")
    assert documents[0] == documents[1]
    private = command(args, cwd=tmp_path / "private", preexec_fn=lambda: os.umask(0o077))
    assert private.returncode == 0 and read_line(server, 2) == ""  # run as without the server
    assert (tmp_path / "private" / "out" / "results.json").stat().st_mode & 0o777 == 0o600
    refused = command(["check", "--snapshot", str(tmp_path / "none")])
    assert forked(server)
    assert refused.returncode == 2
    assert refused.stderr == command(["check", "--snapshot", str(tmp_path / "none")],
                                     cold=True).stderr  # fmt: skip
    assert "--help" in command(["check", "--help"]).stdout  # run here: nothing to gain
    assert read_line(server, 1) == ""


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize("stop", ["ctrl-c", "sigterm", "client killed"])
def test_a_command_run_by_the_server_ends_with_its_client(server, toy, stop):
    """Ctrl-C reaches the run the server forked (it ends as it would here: "Aborted!", no
    report); a client killed outright ends it too. Its kernels and template go with it."""
    env = {k: v for k, v in os.environ.items() if k != warm.DISABLE}
    client, lines, out = paused_run(toy, [WORKBOOK], env=env)
    try:
        started = psutil.Process(server.pid).children(recursive=True)
        assert len(started) >= 3  # the command, its template and a kernel
        stopped = time.monotonic()
        if stop == "client killed":
            client.kill()
        else:
            client.send_signal(signal.SIGINT if stop == "ctrl-c" else signal.SIGTERM)
        lines += client.communicate(timeout=30)[0].splitlines()
        gone, alive = psutil.wait_procs(started, timeout=15)
    finally:
        client.kill()
    assert not alive and time.monotonic() - stopped < 20
    if stop == "ctrl-c":
        assert client.returncode == 1 and "Aborted!" in lines
    assert not out.exists()
    if stop == "sigterm":  # ended by the signal, as a run without the server is (which leaves
        assert client.returncode == -signal.SIGTERM  # its staging folder behind then too)
    else:
        assert not [p for p in toy["tmp"].iterdir() if ".report" in p.name]


def test_a_server_whose_socket_another_took_ends_and_leaves_it(server, runtime):
    path = next((runtime / f"workbook-{os.getuid()}").glob("*.sock"))
    path.unlink()
    other = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    other.bind(str(path))  # as a second server started at the same moment would
    try:
        assert read_line(server, 30) == "warm: another server of this code took its place, ended\n"
        assert server.wait(10) == 0
        assert path.exists()  # not removed: it is not this server's
    finally:
        other.close()
        path.unlink()
