"""Warm kernels: IPython kernels started ahead, each with the analysis stack already imported.

A notebook's first cell would otherwise spend most of its kernel's life importing pandas, scipy,
statsmodels, matplotlib and seaborn. The imports are paid once per run, in a **template**
process (:class:`Zygote`, ``python -m analysis.run.kernels``) that imports the stack and then
forks one kernel process per notebook on request; the child starts an ordinary IPython kernel
(``ipykernel``'s own application, the kernelspec's arguments, the connection file
``jupyter_client`` wrote, its own session and working folder), with the modules already in
memory. ``jupyter_client`` manages it as any kernel (:class:`ForkedProvisioner`). Where a
kernel cannot be forked (a kernelspec that is not this Python's ipykernel, no ``fork``), it is
started as usual and imports the stack itself.

:class:`KernelPool` hands each notebook one kernel, warmed (the imports run silently: nothing
in the user namespace, no history, no execution count used), and starts the next kernels while
the notebooks run. After its notebook a kernel is shut down, so every notebook still runs in a
clean kernel of its own: a notebook that fails or a kernel that dies leaves nothing behind for
the next one. A kernel found dead when it is handed out is replaced by a new one. The pool
starts no more kernels than it has notebooks to serve (``total``), at most ``size`` ahead, and
nothing until the first :meth:`~KernelPool.take`.
"""

from __future__ import annotations

import json
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

from jupyter_client import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from jupyter_core.utils import run_sync

from analysis import paths

# what every theme notebook imports first; importing it ahead is what makes a kernel warm
WARM_MODULES = (
    "analysis.report.notebook",
    "matplotlib.pyplot",
    "seaborn",
    "statsmodels.api",
    "scipy.stats",
)
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


class KernelError(RuntimeError):
    """A kernel could not be started or warmed."""


class Zygote:
    """The template process: imports ``modules`` once, then forks a kernel per request."""

    def __init__(self, modules: Sequence[str]) -> None:
        self.modules = tuple(modules)
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._ready = False
        self.broken = not hasattr(os, "fork")

    def start(self) -> None:
        """Start the template process (it imports the modules in the background)."""
        with self._lock:
            self._start()

    def _start(self) -> None:
        if self._process is None and not self.broken:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "analysis.run.kernels", json.dumps(self.modules)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                cwd=paths.PACKAGE.parent,  # this very package, whatever the caller's folder
            )  # fmt: skip

    def fork(self, argv: Sequence[str], cwd: str, env: dict[str, str]) -> int:
        """Fork a kernel process running ``ipykernel`` with ``argv``; return its pid."""
        with self._lock:
            if self.broken:
                raise KernelError("the template process is not available")
            try:
                self._start()
                if not self._ready:
                    if self._process.stdout.readline().strip() != "ready":
                        raise KernelError("the template process did not start")
                    self._ready = True
                request = {"argv": list(argv), "cwd": cwd, "env": env}
                self._process.stdin.write(json.dumps(request) + "\n")
                self._process.stdin.flush()
                return int(json.loads(self._process.stdout.readline())["pid"])
            except (OSError, ValueError, KeyError, KernelError) as exc:
                self.broken = True
                raise KernelError(f"the template process failed: {exc}") from exc

    def close(self) -> None:
        """End the template process (the kernels it forked are shut down by their pool)."""
        with self._lock:
            process, self._process, self.broken = self._process, None, True
        if process is not None:  # its kernels are processes of their own: it may simply go
            with suppress(OSError):
                process.stdin.close()
            process.kill()
            process.wait()
            with suppress(OSError):
                process.stdout.close()


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


class WarmError(KernelError):
    """The kernel started, but the analysis stack did not import in it."""


class WarmKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel is forked from a :class:`Zygote` (when given), and that
    remembers the clients it made, so that :func:`shutdown` closes them too (nbclient leaves a
    client open when the kernel manager is not its own)."""

    zygote: Zygote | None = None

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
        it after. Raises KernelError."""
        self._in_use.acquire()
        try:
            km = self._next()
        except BaseException:
            self._in_use.release()
            raise
        with self._lock:
            self.served += 1
        return km

    def release(self, km: WarmKernelManager) -> None:
        """Shut the notebook's kernel down: no kernel serves two notebooks."""
        try:
            shutdown(km)
        finally:
            self._in_use.release()

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


# ---------------------------------------------------------------- the template process


def serve(modules: Sequence[str]) -> None:
    """The template process: import ``modules`` and ipykernel, say ``ready``, then fork one
    kernel per request line (``{"argv", "cwd", "env"}``) and answer its pid; end at EOF."""
    import importlib

    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for name in (*modules, "ipykernel.kernelapp"):
        importlib.import_module(name)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped as they end
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the runner's; EOF ends this
    first = sys.path[0] if sys.path else None
    print("ready", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _kernel_child(request, first)
        print(json.dumps({"pid": pid}), flush=True)


def _kernel_child(request: dict, first: str | None) -> None:
    """In the forked child: become an ordinary kernel process, as ``ipykernel_launcher``."""
    code = 1
    try:
        os.setsid()  # its own session and process group, as jupyter_client starts kernels
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)  # interrupts reach the cell
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        if sys.path and sys.path[0] == first:  # ipykernel_launcher drops the launch folder
            del sys.path[0]
        sys.argv = [sys.executable, *request["argv"]]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=request["argv"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    finally:
        os._exit(code)


if __name__ == "__main__":
    serve(json.loads(sys.argv[1]) if len(sys.argv) > 1 else WARM_MODULES)
