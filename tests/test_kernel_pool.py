"""Warm kernels (analysis.run.kernels): started ahead with the analysis stack imported, one kernel
per notebook, shut down after it; a kernel that died is replaced, and nothing of one notebook's
kernel reaches the next."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from analysis.run.kernels import (
    WARM_MODULES,
    KernelError,
    KernelPool,
    PoolStopped,
    alive,
    start_kernel,
)
from analysis.system import process_alive
from tests.test_runner import FIXTURES, toy  # noqa: F401 (fixtures)

pytestmark = pytest.mark.notebook


def run_code(km, code: str) -> str:
    """Execute ``code`` in the kernel; return the text of its last expression (or the error)."""
    kc = km.blocking_client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        shown: list[str] = []

        def output(msg):
            content = msg["content"]
            if msg["msg_type"] == "execute_result":
                shown.append(content["data"]["text/plain"])
            elif msg["msg_type"] == "error":
                shown.append(f"{content['ename']}: {content['evalue']}")

        kc.execute_interactive(code, timeout=120, output_hook=output)
        return "\n".join(shown)
    finally:
        kc.stop_channels()


def crash(km) -> None:
    """Make the kernel exit as a notebook cell would (``os._exit``); wait until it is gone."""
    kc = km.blocking_client()
    kc.start_channels()
    kc.execute("import os; os._exit(3)")
    deadline = time.monotonic() + 30
    while alive(km) and time.monotonic() < deadline:
        time.sleep(0.1)
    kc.stop_channels()
    assert not alive(km)


def pid(km) -> int:
    return km.provisioner.pid


def test_a_warm_kernel_has_the_stack_imported_and_a_clean_namespace(tmp_path):
    with KernelPool(tmp_path, size=1, total=1) as pool, pool.take() as km:
        assert run_code(km, "len(In)") == "2"  # this cell only: the warm-up left no history
        assert run_code(km, "import os; os.getcwd()") == repr(str(tmp_path))
        loaded = run_code(km, f"import sys; [m for m in {WARM_MODULES!r} if m not in sys.modules]")
        assert loaded == "[]"  # imported before the notebook's first cell
        names = run_code(km, "sorted(n for n in globals() if not n.startswith('_'))")
        assert "warm" not in names and "importlib" not in names and "seaborn" not in names
        assert run_code(km, "import matplotlib; matplotlib.get_backend()").endswith("inline'")
        # forked from the template process, which paid the imports once for every kernel
        assert run_code(km, "os.getppid()") == str(pool.zygote._process.pid)
        assert run_code(km, "os.getpgid(0) == os.getpid()") == "True"  # a session of its own


def test_each_notebook_gets_its_own_kernel_shut_down_after_it(tmp_path):
    with KernelPool(tmp_path, size=2, total=3) as pool:
        pids = []
        for n in range(3):
            with pool.take() as km:
                pids.append(pid(km))
                run_code(km, f"leftover = {n}")
            assert not process_alive(pids[-1])  # shut down when its notebook ends
        assert len(set(pids)) == 3
        assert pool.served == 3 and pool.replaced == 0
        with pool.take() as km:  # one more than announced: started on the spot
            assert run_code(km, "'leftover' in globals()") == "False"
    assert pool._started == 3  # no kernel was started for nothing


@pytest.mark.parametrize("fork", [True, False])
def test_a_kernel_that_died_while_waiting_is_replaced_by_a_fresh_one(tmp_path, fork):
    with KernelPool(tmp_path, size=1, total=2, fork=fork, modules=("json",)) as pool:
        with pool.take() as first:
            crash(first)  # the notebook killed its own kernel
            waiting = pool._ahead[0].result()  # the next notebook's kernel, started ahead
            os.kill(pid(waiting), signal.SIGKILL)
        with pool.take() as second:
            assert pid(second) != pid(waiting)
            assert run_code(second, "1 + 1") == "2"
        assert pool.replaced == 1


def test_a_kernel_that_cannot_start_is_an_error_not_a_hang(tmp_path):
    with pytest.raises(KernelError, match="did not start"):
        start_kernel(tmp_path, kernel_name="no-such-kernel")


def test_a_stack_that_does_not_import_gives_a_plain_kernel(tmp_path, capfd):
    """Code being edited: the notebook gets a plain kernel and fails at its own import, where
    its page shows the error, as it would without warm kernels."""
    with KernelPool(tmp_path, size=1, total=1, modules=("no_such_module_anywhere",)) as pool:
        with pool.take() as km:
            assert run_code(km, "import sys; 'no_such_module_anywhere' in sys.modules") == "False"
            assert run_code(km, "import no_such_module_anywhere").startswith("ModuleNotFound")
        assert pool.zygote.broken  # the template could not import it either


def test_a_run_leaves_no_kernel_behind_and_a_failure_does_not_reach_the_next(toy, monkeypatch):
    import analysis.run.kernels as kernels
    from analysis.run import run_all
    from tests.test_runner import BOOM, CLAIMS

    started, real_start = [], kernels.start_kernel

    def start_kernel(*args, **kwargs):
        km = real_start(*args, **kwargs)
        started.append((km.provisioner.pid, km.zygote._process.pid))
        return km

    monkeypatch.setattr(kernels, "start_kernel", start_kernel)
    head, claims = CLAIMS.split("claims:\n")
    toy["claims"].write_text(f"{head}claims:\n{BOOM}{claims}")  # the failing notebook first
    out = toy["tmp"] / "report"
    before = _children()
    summary = run_all(toy["snapshot"], claims=toy["claims"], notebooks_dir=FIXTURES, out=out,
                      jobs=1, progress=False)  # fmt: skip
    assert {t.theme: t.status for t in summary.themes} == {
        "boom": "failed", "levels": "ok", "policy": "ok"
    }  # fmt: skip
    assert _children() <= before  # the template process ended
    assert len({kernel for kernel, _ in started}) == 3  # one kernel per notebook
    assert not [p for pair in started for p in pair if process_alive(p)]  # all shut down
    doc = json.loads((out / "results.json").read_text())
    assert [c["verdict"] for c in doc["claims"]] == ["error", "supported", "contradicted",
                                                     "supported"]  # fmt: skip


def _children() -> set[int]:
    tasks = Path(f"/proc/{os.getpid()}/task")
    found: set[int] = set()
    for task in tasks.iterdir():
        text = (task / "children").read_text() if (task / "children").exists() else ""
        found |= {int(p) for p in text.split()}
    return {p for p in found if process_alive(p)}


def test_no_more_notebooks_hold_a_kernel_at_once_than_the_pool_size(tmp_path):
    """The runner has twice as many threads as --jobs (a page exports while the next notebook
    runs): the pool still lets only ``size`` notebooks hold a kernel at once."""
    with KernelPool(tmp_path, size=1, total=2, modules=()) as pool:
        first, got = pool.acquire(), []
        waiting = threading.Thread(target=lambda: got.append(pool.acquire()))
        waiting.start()
        waiting.join(timeout=3)
        assert waiting.is_alive() and not got  # until the first notebook's kernel is released
        pool.release(first)
        waiting.join(timeout=60)
        assert got and pid(got[0]) != pid(first)
        pool.release(got[0])


def test_a_stopped_pool_kills_its_busy_kernels_and_hands_out_no_other(tmp_path, monkeypatch):
    """Ctrl-C (:meth:`KernelPool.stop`): the kernel running a notebook is killed, the next
    notebook gets no kernel (PoolStopped, not a KernelError after which papermill would start
    one itself), and a kernel being handed out as the stop came is not kept either."""

    class Kernel:  # what stop() needs of a kernel manager: its process
        def __init__(self, pid: int) -> None:
            self.provisioner = SimpleNamespace(pid=pid)

    sleepers = [subprocess.Popen(["sleep", "60"]) for _ in range(2)]
    fakes = iter(Kernel(p.pid) for p in sleepers)
    pool = KernelPool(tmp_path, size=2, total=3, fork=False, modules=())
    monkeypatch.setattr(pool, "_next", lambda: next(fakes))
    try:
        busy = pool.acquire()
        pool.stop()
        assert sleepers[0].wait(timeout=10) == -signal.SIGKILL
        with pytest.raises(PoolStopped):
            pool.acquire()
        assert not issubclass(PoolStopped, KernelError)
        pool.release(busy)
        monkeypatch.setattr(pool, "_stopped", False)  # the stop comes as the kernel is handed out
        monkeypatch.setattr(
            pool, "_next", lambda: (setattr(pool, "_stopped", True), next(fakes))[1]
        )
        with pytest.raises(PoolStopped):
            pool.acquire()
        assert pool._in_use.acquire(blocking=False) and pool._in_use.acquire(blocking=False)
    finally:
        for p in sleepers:
            p.kill()
        pool.close()
