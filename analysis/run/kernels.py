"""Warm kernels: IPython kernels started ahead, each with the analysis stack already imported.

A notebook's first cell would otherwise spend most of its kernel's life importing pandas, scipy,
statsmodels, matplotlib and seaborn. The imports are paid once per run, in a **template**
process (:class:`~analysis.run.template.Zygote`) that imports the stack, evaluates the claims
once (:mod:`analysis.checks.primed`) and then forks one kernel process per notebook on request;
the child starts an ordinary IPython kernel (``ipykernel``'s own application, the kernelspec's
arguments, the connection file ``jupyter_client`` wrote, its own session and working folder),
with the modules and the evaluation already in memory. ``jupyter_client`` manages it as any
kernel (:class:`ForkedProvisioner`). Where a kernel cannot be forked (a kernelspec that is not
this Python's ipykernel, no ``fork``), it is started as usual and imports the stack itself.

:class:`KernelPool` hands each notebook one kernel, warmed (the imports run silently: nothing
in the user namespace, no history, no execution count used), and starts the next kernels while
the notebooks run. After its notebook a kernel is shut down, so every notebook still runs in a
clean kernel of its own: a notebook that fails or a kernel that dies leaves nothing behind for
the next one. A kernel found dead when it is handed out is replaced by a new one. The pool
starts no more kernels than it has notebooks to serve (``total``), at most ``size`` ahead, and
nothing until the first :meth:`~KernelPool.take`.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from queue import Empty

import zmq
import zmq.asyncio
from jupyter_client import AsyncKernelClient, AsyncKernelManager, BlockingKernelClient
from jupyter_client.provisioning import LocalProvisioner
from jupyter_core.utils import ensure_async, run_sync
from traitlets import Type, default

from analysis.run.template import WARM_MODULES, KernelError, Zygote

WARM_CODE = (
    "def _workbook_warm():\n"
    "    import importlib\n"
    "    for name in {modules!r}:\n"
    "        importlib.import_module(name)\n"
    "_workbook_warm()\n"
    "del _workbook_warm\n"
    "get_ipython().run_line_magic('matplotlib', 'inline')\n"
)
START_TIMEOUT = 60  # seconds for a kernel to answer once started
WARM_TIMEOUT = 300  # seconds for the imports; a kernel slower than that is broken


class ForkedProcess:
    """What ``jupyter_client`` needs of a kernel process it did not start itself."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid, self.returncode = pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)  # the template reaps its children: no zombie stays
            except ProcessLookupError:
                self.returncode = -1
            except PermissionError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.02)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        with suppress(ProcessLookupError):
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkedProvisioner(LocalProvisioner):
    """Launches the kernel by forking the template process, when the kernel command is this
    Python's ``ipykernel_launcher``; else as :class:`LocalProvisioner` does."""

    zygote: Zygote | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs):
        forkable = cmd[1:3] == ["-m", "ipykernel_launcher"] and cmd[0] == sys.executable
        if self.zygote is None or self.zygote.broken or not forkable:
            return await super().launch_kernel(cmd, **kwargs)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        pid = self.zygote.fork(cmd[3:], cwd, env)
        self.process, self.pid, self.pgid, self.cwd = ForkedProcess(pid), pid, pid, cwd
        return self.connection_info

    async def kill(self, restart: bool = False) -> None:
        """Kill the kernel and wait the few milliseconds it takes to go: ``jupyter_client``
        would find it still there just after the signal and look again only 0.1 s later
        (``_async_wait``), at the end of every notebook, before the next may start."""
        await super().kill(restart=restart)
        deadline = time.monotonic() + 2
        while self.process is not None and self.process.poll() is None:
            if time.monotonic() > deadline:
                break  # jupyter_client waits on, and says so
            await asyncio.sleep(0.005)


class PoolStopped(Exception):
    """The run was stopped: no kernel for another notebook (not a :class:`KernelError`, after
    which papermill would start a kernel itself)."""


class WarmError(KernelError):
    """The kernel started, but the analysis stack did not import in it."""


async def _wait_for_ready(self, timeout: float | None = None) -> None:
    """``wait_for_ready`` without its fixed 0.2 s wait: ready once a ``kernel_info`` request
    has its reply on the shell channel and its ``idle`` status on IOPub (which shows IOPub
    connected, as jupyter_client checks, and flushed of this request's messages); asked again
    when that status has not come 0.05 s after the reply (IOPub not yet connected as the
    kernel sent it: waiting longer only delays the next request, whose status will arrive).
    jupyter_client waits until IOPub has been quiet for 0.2 s instead, twice per notebook
    (the pool's warm-up, then nbclient's)."""
    deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
    while True:
        msg_id, reply, idle = self.kernel_info(), None, False
        with suppress(Empty):
            while reply is None:
                msg = await ensure_async(self.shell_channel.get_msg(timeout=1))
                if msg["parent_header"].get("msg_id") == msg_id:
                    reply = msg
        with suppress(Empty):
            while reply is not None and not idle:
                msg = await ensure_async(self.iopub_channel.get_msg(timeout=0.05))
                idle = msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == (
                    "status"
                ) and msg["content"].get("execution_state") == "idle"  # fmt: skip
        if idle:
            self._handle_kernel_info_reply(reply)
            return
        if not await ensure_async(self.is_alive()):
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


# how soon a client's socket connects again to a kernel not yet listening, every time (no
# doubling: the kernel listens some 50 ms after its fork, and doubled waits would pass that by
# up to as much again; the clients are closed before their kernel is killed)
RECONNECT_MS = 10


def _quick_reconnect(context: zmq.Context) -> zmq.Context:
    """``context``, its sockets connecting again after :data:`RECONNECT_MS`: a client connects
    as the kernel starts, often before the kernel has bound its ports, and ZeroMQ would try
    again only 100 ms later (its default), each notebook waiting for that."""
    context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
    return context


class ReadyClient(AsyncKernelClient):
    """nbclient's client (asynchronous) with :func:`_wait_for_ready`, reconnecting quickly."""

    wait_for_ready = _wait_for_ready

    @default("context")
    def _context_default(self) -> zmq.asyncio.Context:
        return _quick_reconnect(super()._context_default())


class ReadyBlockingClient(BlockingKernelClient):
    """The warm-up's client (blocking) with :func:`_wait_for_ready`, reconnecting quickly."""

    wait_for_ready = run_sync(_wait_for_ready)

    @default("context")
    def _context_default(self) -> zmq.Context:
        return _quick_reconnect(super()._context_default())


class WarmKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel is forked from a :class:`Zygote` (when given), whose
    clients wait for readiness without a fixed pause (:func:`_wait_for_ready`), and that
    remembers the clients it made, so that :func:`shutdown` closes them too (nbclient leaves a
    client open when the kernel manager is not its own)."""

    zygote: Zygote | None = None
    client_factory = Type(ReadyClient, klass=AsyncKernelClient)
    blocking_class = Type(ReadyBlockingClient, klass=BlockingKernelClient)

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None and self.zygote is not None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
            provisioner = ForkedProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
            provisioner.zygote = self.zygote
            self.provisioner = provisioner
        return await super()._async_pre_start_kernel(**kw)

    def client(self, **kwargs):  # type: ignore[override]
        kc = super().client(**kwargs)
        self.__dict__.setdefault("_workbook_clients", []).append(kc)
        return kc


def start_kernel(
    cwd: Path,
    *,
    kernel_name: str = "python3",
    extra_arguments: Sequence[str] = (),
    modules: Sequence[str] = WARM_MODULES,
    zygote: Zygote | None = None,
) -> WarmKernelManager:
    """Start a kernel in ``cwd`` (forked from ``zygote`` when given) and import ``modules`` in
    it; raise :class:`KernelError`. When the modules do not import (code being edited), the
    kernel is a plain one instead: its notebook then fails at its own import, where the page
    shows why, as with any kernel."""
    km = WarmKernelManager(kernel_name=kernel_name)
    km.zygote = zygote
    try:
        run_sync(km.start_kernel)(cwd=str(cwd), extra_arguments=list(extra_arguments))
        _warm(km, modules)
    except WarmError:
        shutdown(km)
        return start_kernel(cwd, kernel_name=kernel_name, extra_arguments=extra_arguments,
                            modules=())  # fmt: skip
    except Exception as exc:
        shutdown(km)
        raise KernelError(f"kernel {kernel_name!r} did not start: {exc}") from exc
    return km


def _warm(km: WarmKernelManager, modules: Sequence[str]) -> None:
    """Import ``modules`` in the kernel, silently (no history, no output, no count)."""
    kc = km.blocking_client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=START_TIMEOUT)
        if not modules:
            return
        msg_id = kc.execute(WARM_CODE.format(modules=tuple(modules)), silent=True)
        while True:
            reply = kc.get_shell_msg(timeout=WARM_TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content.get("status") != "ok":
            raise WarmError(f"{content.get('ename')}: {content.get('evalue')}")
    finally:
        kc.stop_channels()


def alive(km: WarmKernelManager) -> bool:
    try:
        return bool(run_sync(km.is_alive)())
    except Exception:
        return False


def shutdown(km: WarmKernelManager) -> None:
    """Kill the kernel and close every client made for it; never raises."""
    for kc in km.__dict__.pop("_workbook_clients", []):
        with suppress(Exception):
            kc.stop_channels()
    with suppress(Exception):
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
    with suppress(Exception):
        run_sync(km.cleanup_resources)()


class KernelPool:
    """Warm kernels for ``total`` notebooks run in ``cwd``, at most ``size`` started ahead;
    forked from ``zygote`` (else from a template process of its own, unless ``fork`` is
    False)."""

    def __init__(
        self,
        cwd: Path,
        *,
        size: int,
        total: int,
        extra_arguments: Sequence[str] = (),
        modules: Sequence[str] = WARM_MODULES,
        fork: bool = True,
        zygote: Zygote | None = None,
    ) -> None:
        self.cwd, self.size, self.total = Path(cwd), max(1, size), total
        self._own_zygote = zygote is None  # a template given is its giver's to end
        if zygote is None and fork and modules:
            zygote = Zygote(modules)
        self.zygote = zygote
        self._options = {"extra_arguments": tuple(extra_arguments), "modules": tuple(modules),
                         "zygote": self.zygote}  # fmt: skip
        self._lock = threading.Lock()
        self._ahead: deque[Future[WarmKernelManager]] = deque()
        self._started = 0  # kernels asked for, the replacements of dead ones left out
        self._closed = False
        self._starter = ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="kernel")
        self._in_use = threading.BoundedSemaphore(self.size)  # kernels running a notebook
        self._busy: set[WarmKernelManager] = set()  # those kernels
        self._stopped = False
        self.served = 0  # notebooks handed a kernel
        self.replaced = 0  # kernels found dead or broken when handed out, replaced

    def _fill(self) -> None:
        """Start kernels until ``size`` are on their way or every notebook has one (locked)."""
        while not self._closed and len(self._ahead) < self.size and self._started < self.total:
            self._started += 1
            self._ahead.append(self._starter.submit(start_kernel, self.cwd, **self._options))

    def _next(self) -> WarmKernelManager:
        """The oldest kernel started ahead (a new one when none is), checked alive."""
        with self._lock:
            if self._closed:
                raise KernelError("the kernel pool is closed")
            self._fill()
            future = self._ahead.popleft() if self._ahead else None
            self._fill()  # the next notebook's kernel warms up while this one runs
        if future is None:  # more notebooks than announced: start one now
            return start_kernel(self.cwd, **self._options)
        try:
            km = future.result()
        except KernelError:
            km = None
        if km is not None and alive(km):
            return km
        if km is not None:
            shutdown(km)
        with self._lock:
            self.replaced += 1
        return start_kernel(self.cwd, **self._options)  # a fresh one, or the error says why

    def acquire(self) -> WarmKernelManager:
        """A warm kernel for one notebook, once fewer than ``size`` are in use; :meth:`release`
        it after. Raises KernelError, or PoolStopped once :meth:`stop` was called."""
        self._in_use.acquire()
        try:
            if self._stopped:
                raise PoolStopped("the run was stopped")
            km = self._next()
        except BaseException:
            self._in_use.release()
            raise
        with self._lock:
            self.served += 1
            self._busy.add(km)
            stopped = self._stopped
        if stopped:  # stopped while this kernel was being handed out
            self.release(km)
            raise PoolStopped("the run was stopped")
        return km

    def release(self, km: WarmKernelManager) -> None:
        """Shut the notebook's kernel down: no kernel serves two notebooks."""
        try:
            shutdown(km)
        finally:
            with self._lock:
                self._busy.discard(km)
            self._in_use.release()

    def stop(self) -> None:
        """Stop now (Ctrl-C): kill the kernels running a notebook, whose notebooks then end at
        once with a dead kernel, and hand out no kernel any more (:class:`PoolStopped`)."""
        with self._lock:
            self._stopped = True
            busy = list(self._busy)
        for km in busy:
            with suppress(Exception):
                os.kill(km.provisioner.pid, signal.SIGKILL)

    @contextmanager
    def take(self) -> Iterator[WarmKernelManager]:
        """A warm kernel for one notebook, shut down when the block ends (whatever happened)."""
        km = self.acquire()
        try:
            yield km
        finally:
            self.release(km)

    def close(self) -> None:
        """Shut down the kernels started ahead and never handed out."""
        with self._lock:
            self._closed = True
            left, self._ahead = list(self._ahead), deque()
        for future in left:
            if future.cancel():
                continue
            with suppress(Exception):
                shutdown(future.result())
        self._starter.shutdown(wait=True)
        if self.zygote is not None and self._own_zygote:
            self.zygote.close()

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
