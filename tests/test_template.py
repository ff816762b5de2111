"""The run's template process (analysis.run.template) and the evaluation it hands to every
kernel forked from it (analysis.checks.primed): the claims are evaluated once a run, and each
notebook's Workbook shows those very results without evaluating them again."""

from __future__ import annotations

import gc
import json
import os
import shutil
import threading
import time

import psutil
import pytest

from analysis import paths
from analysis.checks import Context, evaluate_all
from analysis.checks.primed import lookup, prime
from analysis.claims import load_claims
from analysis.run.kernels import WARM_MODULES, KernelError, KernelPool, Zygote
from analysis.snapshot import Snapshot
from tests.test_kernel_pool import run_code
from tests.test_runner import CLAIMS, FIXTURES, toy  # noqa: F401 (fixtures)


def test_a_primed_evaluation_serves_exactly_its_own_inputs(toy):
    snapshot, claims = toy["snapshot"], toy["claims"]
    records, seconds = prime(snapshot, claims, None, 0.05)
    assert seconds > 0 and prime(snapshot, claims, None, 0.05) == (records, seconds)  # kept
    expected = evaluate_all(load_claims(claims), Snapshot(snapshot), Context())
    assert [r["verdict"] for r in records] == [r.verdict for r in expected]
    registry, snap, results = lookup(snapshot, claims, None, 0.05)
    assert list(results) == ["toy_close", "toy_close_wrong", "toy_range"]
    assert results["toy_close_wrong"].verdict == "contradicted"
    assert snap.root == snapshot and registry.article.id == "toy"
    # another level, another date, another claims file: evaluated as usual
    assert lookup(snapshot, claims, None, 0.10) is None
    assert lookup(snapshot, claims, "2025-12-31", 0.05) is None
    other = toy["tmp"] / "other.yaml"
    shutil.copy(claims, other)
    assert lookup(snapshot, other, None, 0.05) is None
    # a file changed since (its size or modification time): evaluated as usual
    st = os.stat(claims)
    os.utime(claims, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert lookup(snapshot, claims, None, 0.05) is None
    prime(snapshot, claims, None, 0.05)
    assert lookup(snapshot, claims, None, 0.05) is not None
    (snapshot / "prices" / "^RUT.csv").write_text("Date,Close\n2026-01-02,2600\n")
    assert lookup(snapshot, claims, None, 0.05) is None


@pytest.mark.notebook
def test_a_kernel_forked_after_priming_opens_the_workbook_without_evaluating(toy):
    snapshot, claims = str(toy["snapshot"]), str(toy["claims"])
    template = Zygote(WARM_MODULES)
    try:
        records, seconds = template.prime(snapshot, claims, None, 0.05)
        assert [r["id"] for r in records] == ["toy_close", "toy_close_wrong", "toy_range"]
        assert seconds > 0
        with KernelPool(FIXTURES, size=1, total=1, zygote=template) as pool, pool.take() as km:
            code = (
                "import analysis.report.notebook as nb\n"
                "def refuse(*a, **k): raise AssertionError('evaluated again')\n"
                "nb.evaluate_all = refuse\n"
                f"wb = nb.Workbook.open(snapshot={snapshot!r}, claims={claims!r})\n"
                "[wb.results[c].verdict for c in ('toy_close', 'toy_close_wrong', 'toy_range')]"
            )
            shown = run_code(km, code)
    finally:
        template.close()
    assert shown == str([r["verdict"] for r in records])


@pytest.mark.notebook
def test_a_long_lived_template_evaluates_a_changed_claims_file_again(toy):
    """A Dask worker's template lives across runs: the same inputs are evaluated once while
    their files are unchanged, and again once the claims file changed."""
    snapshot, claims = str(toy["snapshot"]), str(toy["claims"])
    template = Zygote(WARM_MODULES)
    try:
        records, seconds = template.prime(snapshot, claims, None, 0.05)
        assert template.prime(snapshot, claims, None, 0.05) == (records, seconds)  # kept
        toy["claims"].write_text(CLAIMS.replace("stated: 2600,", "stated: 2508.22,"))
        again, _ = template.prime(snapshot, claims, None, 0.05)
    finally:
        template.close()
    assert records[1]["verdict"] == "contradicted" and again[1]["verdict"] == "supported"


@pytest.mark.notebook
def test_a_failed_evaluation_is_said_and_the_template_still_forks_kernels(toy, tmp_path):
    template = Zygote(WARM_MODULES)
    try:
        missing = tmp_path / "no-such-claims.yaml"
        with pytest.raises(KernelError, match="evaluation in the template failed.*no-such-claims"):
            template.prime(str(toy["snapshot"]), str(missing), None, 0.05)
        assert not template.broken and template.primed is None
        with KernelPool(tmp_path, size=1, total=1, zygote=template) as pool, pool.take() as km:
            assert run_code(km, "6 * 7") == "42"
    finally:
        template.close()


@pytest.mark.notebook
def test_a_stack_that_does_not_import_still_evaluates_then_leaves_plain_kernels(toy, tmp_path):
    """The template imports the notebooks' modules while it evaluates: one that does not import
    (code being edited) does not cost the evaluation, which is answered as ever; it ends the
    template when a kernel is asked for, and the notebooks get plain kernels."""
    template = Zygote(("no_such_module_anywhere",))
    try:
        records, _ = template.prime(str(toy["snapshot"]), str(toy["claims"]), None, 0.05)
        assert [r["verdict"] for r in records] == ["supported", "contradicted", "supported"]
        with KernelPool(tmp_path, size=1, total=1, zygote=template) as pool, pool.take() as km:
            assert run_code(km, "import no_such_module_anywhere").startswith("ModuleNotFound")
        assert template.broken
    finally:
        template.close()


@pytest.mark.notebook
def test_what_the_template_prints_never_reaches_its_answers(tmp_path, capfd):
    """``import this`` prints the Zen of Python on standard output: it goes to standard
    error, and the template's answers (on their own channel) still parse."""
    template = Zygote(("this", *WARM_MODULES))
    try:
        with KernelPool(tmp_path, size=1, total=1, zygote=template) as pool, pool.take() as km:
            assert run_code(km, "'this' in __import__('sys').modules") == "True"
    finally:
        template.close()
    assert "Beautiful is better than ugly" in capfd.readouterr().err


@pytest.mark.notebook
def test_the_template_and_its_kernels_say_nothing_in_the_runs_progress_lines(tmp_path, capfd):
    """The template imports what a kernel would (debugpy among it, which warns about frozen
    modules as it is imported): nothing of that reaches the run's standard error. The run's
    kernels keep no input history."""
    from analysis.run.execute import KERNEL_ARGS

    template = Zygote(WARM_MODULES)
    try:
        with (
            KernelPool(
                tmp_path, size=1, total=1, zygote=template, extra_arguments=KERNEL_ARGS
            ) as pool,
            pool.take() as km,
        ):
            assert run_code(km, "'debugpy' in __import__('sys').modules") == "True"
            # no input history: nothing written to, nor locked in, the user's history.sqlite
            assert run_code(km, "get_ipython().history_manager.enabled") == "False"
    finally:
        template.close()
    assert capfd.readouterr().err == ""


@pytest.mark.notebook
def test_a_run_records_its_one_evaluation_and_the_notebooks_results_match_it(toy):
    from analysis.run import run_all

    out = toy["tmp"] / "report"
    summary = run_all(toy["snapshot"], claims=toy["claims"], notebooks_dir=FIXTURES, out=out,
                      jobs=2, progress=False)  # fmt: skip
    assert [t.status for t in summary.themes] == ["ok", "ok"]
    record = json.loads((out / ".fingerprints" / "run.json").read_text())
    assert record["evaluation_seconds"] > 0  # evaluated once, in the template process
    recorded = json.loads((out / "results.json").read_text())
    verdicts = {c["id"]: c["verdict"] for c in recorded["claims"]}
    assert verdicts == {"toy_close": "supported", "toy_close_wrong": "contradicted",
                        "toy_range": "supported"}  # fmt: skip


def test_claims_checked_in_forked_workers_give_the_very_same_results(demo_snapshot):
    """``workers=2`` (``workbook check``, the template) forks two processes and hands each a
    claim at a time; the results, the family's adjusted p-values included, are the same."""
    registry = load_claims(paths.DEFAULT_CLAIMS)
    serial = evaluate_all(registry, Snapshot(demo_snapshot.root), Context())
    workers_then = []  # meanwhile(): the template imports the notebooks' modules then
    before = set(psutil.Process().children())  # others' (a resource tracker, say) left out

    def meanwhile():
        workers_then.append(len(set(psutil.Process().children()) - before))

    forked = evaluate_all(registry, Snapshot(demo_snapshot.root), Context(), workers=2,
                          meanwhile=meanwhile)  # fmt: skip
    assert [r.to_dict() for r in forked] == [r.to_dict() for r in serial]
    assert {r.verdict for r in forked} >= {"supported", "contradicted", "inconclusive", "pending"}
    assert gc.get_freeze_count() == 0  # frozen while the workers forked, not after
    assert workers_then == [2]  # once, both workers forked and at work


def test_objects_are_frozen_while_workers_fork_and_as_they_were_after():
    from analysis.system import frozen_objects

    assert gc.get_freeze_count() == 0
    with frozen_objects():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    gc.freeze()  # a process that froze its objects itself (the template) keeps them frozen
    try:
        with frozen_objects():
            pass
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


@pytest.mark.notebook
def test_a_killed_kernel_is_gone_when_the_kill_returns(tmp_path):
    """The end of every notebook: the kernel is killed, and the next notebook waits for that.
    The kill returns once the process is gone (jupyter_client, finding it still there just
    after the signal, would look again only 0.1 s later)."""
    from jupyter_client.utils import run_sync

    from analysis.system import process_alive

    template, unforked = Zygote(WARM_MODULES), Zygote(WARM_MODULES)
    unforked.broken = True  # kernels started as usual, a subprocess each (no fork)
    try:
        for zygote in (template, template, template, unforked):
            with KernelPool(tmp_path, size=1, total=1, modules=(), zygote=zygote) as pool:
                km = pool.acquire()
                pid = km.provisioner.pid
                run_sync(km.provisioner.kill)()
                gone = not process_alive(pid)
                pool.release(km)
                assert gone
    finally:
        template.close()


@pytest.mark.notebook
def test_a_notebooks_client_connects_again_at_once_to_a_kernel_still_starting(tmp_path):
    """A client connects as its kernel starts, often before the kernel listens: its sockets
    try again after 10 ms, not ZeroMQ's 100 ms, which each notebook's first request waited."""
    import asyncio

    import zmq

    from analysis.run.kernels import RECONNECT_MS

    def reconnect(kc) -> list[tuple[int, int]]:
        # not the heartbeat: its thread makes its socket late, and a client stopped at once
        # can close the context under it (jupyter_client's race, not a run's: a notebook's
        # client lives for its whole notebook)
        kc.start_channels(stdin=False, hb=False, control=False)
        try:
            return [(s.getsockopt(zmq.RECONNECT_IVL), s.getsockopt(zmq.RECONNECT_IVL_MAX))
                    for s in (kc.shell_channel.socket, kc.iopub_channel.socket)]  # fmt: skip
        finally:
            kc.stop_channels()
            assert kc.context.closed  # the client's own context, closed with it as before

    async def nbclients(km) -> list[tuple[int, int]]:  # nbclient's client, in its event loop
        return reconnect(km.client())

    template = Zygote(WARM_MODULES)
    try:
        with KernelPool(tmp_path, size=1, total=1, zygote=template) as pool, pool.take() as km:
            quick = [(RECONNECT_MS, 0)] * 2  # 0: every try after RECONNECT_MS, no doubling
            assert reconnect(km.blocking_client()) == quick  # the warm-up's
            assert asyncio.run(nbclients(km)) == quick
    finally:
        template.close()


@pytest.mark.notebook
def test_a_kernel_ends_when_its_template_process_is_killed(tmp_path):
    """A runner or a Dask worker killed mid-notebook takes its template with it: the kernel
    forked from that template, nobody's now, ends too instead of running on."""
    from analysis.system import process_alive

    template = Zygote(WARM_MODULES)
    try:
        with KernelPool(tmp_path, size=1, total=1, zygote=template) as pool, pool.take() as km:
            kernel = km.provisioner.pid
            assert process_alive(kernel)
            template._process.kill()
            deadline = time.monotonic() + 10
            while process_alive(kernel) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not process_alive(kernel)
    finally:
        template.close()


def test_an_error_in_a_forked_worker_is_raised_here_not_a_hang(tmp_path, demo_snapshot):
    """A user file that does not parse raises DataError while a claim is checked, in a worker;
    the DataError does not even survive pickling. The claims are evaluated again here and the
    error raised as with one worker (``workbook check`` exits 2 with it)."""
    from analysis.errors import DataError

    snapshot = tmp_path / "snap"
    shutil.copytree(demo_snapshot.root, snapshot)
    (snapshot / "user" / "forward_pe.csv").write_text("date,series,value\n2020-01-01,x,1\n")
    registry = load_claims(paths.DEFAULT_CLAIMS)
    started = time.monotonic()
    with pytest.raises(DataError, match="user/forward_pe.csv line 1: missing column 'unit'"):
        evaluate_all(registry, Snapshot(snapshot), Context(), workers=2)
    assert time.monotonic() - started < 60


@pytest.mark.parametrize("when", ["importing", "evaluating"])
def test_closing_the_template_ends_an_evaluation_asked_for_on_another_thread(demo_snapshot, when):
    """A run asks for its evaluation ahead, on a thread of its own; Ctrl-C (or an error in what
    it checks meanwhile) closes the template: that must not wait for the evaluation's answer
    (the template's imports and the 23 claims, over a second), nor hang on the workers the
    evaluation forked, which hold the template's answers open; none of them is left."""
    template = Zygote(WARM_MODULES)
    failed = []

    def ask() -> None:
        try:
            template.prime(str(demo_snapshot.root), str(paths.DEFAULT_CLAIMS), None, 0.05)
        except KernelError as exc:
            failed.append(exc)

    asking = threading.Thread(target=ask)
    asking.start()
    time.sleep(0.3)  # the request is in flight: the template still imports
    process = psutil.Process(template._process.pid)
    deadline = time.monotonic() + 60
    while when == "evaluating" and not process.children() and time.monotonic() < deadline:
        time.sleep(0.005)  # until it forked its evaluation's workers
    workers = process.children()
    assert (when == "evaluating") == bool(workers)
    started = time.monotonic()
    template.close()
    asking.join(10)
    assert time.monotonic() - started < 0.8
    assert not asking.is_alive() and len(failed) == 1
    assert not psutil.wait_procs(workers, timeout=5)[1]
