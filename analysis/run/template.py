"""The template process that every notebook's kernel is forked from.

:class:`Zygote` starts it (``python -m analysis.run.template``) at the beginning of a run. It
imports the analysis stack once, says ``ready``, and then answers one request per line on its
standard input:

- ``{"prime": {"snapshot", "claims", "as_of", "alpha"}}``: evaluate the claims once
  (:func:`analysis.checks.primed.prime`) and answer their results as JSON records, with the
  seconds the evaluation took; every kernel forked afterwards inherits the evaluation, so its
  notebook shows the results the runner saw without evaluating them again;
- ``{"argv", "cwd", "env"}``: fork a kernel process (``ipykernel`` with those arguments, in that
  folder, with that environment) and answer its pid.

It says ``ready`` once it has imported what the evaluation needs (:data:`EVALUATION_MODULES`
and the statistics); the notebooks' own modules (the charts, IPython's kernel) it imports while
its forked workers evaluate the claims (alongside them: the runner mostly waits then), else
after the evaluation, or before its first kernel when it is not asked to evaluate. A module that
does not import ends the template at its next kernel, after it answered the evaluation: the
runner then starts plain kernels, whose notebooks show the import's error.

The answers go on a channel of their own (the process's original standard output), so that
anything the evaluation prints goes to standard error and never into the protocol. The process
ends at the end of its input; the kernels it forked are processes of their own, shut down by
their pool.

When ``workbook warm`` serves this code (:mod:`analysis.run.warm`), :class:`Zygote` connects to
it instead and gets a template forked from it, its imports done, which answers the same requests
over the connection (``ready <pid>`` first).
"""

from __future__ import annotations

import gc
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from contextlib import suppress
from typing import Any

from analysis import paths
from analysis.system import freeze_objects

# what the claims' evaluation imports, before the template says ready (then the statistics'
# own modules, :func:`~analysis.checks.evaluate.import_statistics`)
EVALUATION_MODULES = ("analysis.checks.primed", "analysis.checks", "analysis.claims",
                      "analysis.snapshot")  # fmt: skip
# what every theme notebook imports first (the Workbook, and the charts' matplotlib and
# seaborn), imported by the template while it evaluates the claims
WARM_MODULES = ("analysis.report.notebook", "analysis.report.plots")
# what an IPython kernel imports as it starts and runs its first cells (ipykernel's debugger,
# which brings debugpy, IPython's magics, the inline backend), found by comparing a kernel's
# modules with its template's: imported once here, not once per kernel (some 0.1 s of CPU each);
# optional, as ipykernel's versions differ
KERNEL_MODULES = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
    "IPython.core.completerlib", "IPython.core.magics", "IPython.core.pylabtools",
    "IPython.extensions.storemagic", "matplotlib_inline.backend_inline",
    "matplotlib.backends.backend_agg", "PIL.features", "psutil", "tornado.platform.asyncio",
    "tornado.queues", "tornado.locks", "pandas.io.formats.csvs",
)  # fmt: skip


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
        self.primed: tuple | None = None  # the inputs of the last evaluation it did

    def start(self) -> None:
        """Start the template process (it imports what the evaluation needs in the background)."""
        with self._lock:
            self._start()

    def _start(self) -> None:
        if self._process is None and not self.broken:
            from analysis.run import warm

            connection = warm.connect(self.modules)
            if connection is not None:  # ``workbook warm`` forks one, its imports done
                self._process = _Forked(connection)
                return
            self._process = self._popen()

    def _popen(self) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "analysis.run.template", json.dumps(self.modules)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            cwd=paths.PACKAGE.parent,  # this very package, whatever the caller's folder
            start_new_session=True,  # its group: it and its evaluation's workers end together
        )  # fmt: skip

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        """Send one request and read its answer (locked); a broken channel breaks the template."""
        if self.broken:
            raise KernelError("the template process is not available")
        try:
            self._start()
            if not self._ready:
                said = self._process.stdout.readline().split()
                if not said and isinstance(self._process, _Forked) and not self.broken:
                    # the server ended before it forked one: start it here
                    self._process.wait()
                    self._process = self._popen()
                    said = self._process.stdout.readline().split()
                if said[:1] != ["ready"]:
                    raise KernelError("the template process did not start")
                if len(said) == 2:  # a template forked by ``workbook warm``: its pid
                    self._process.pid = int(said[1])
                self._ready = True
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
            answer = json.loads(self._process.stdout.readline())
            if not isinstance(answer, dict):
                raise ValueError(f"unexpected answer {answer!r:.80}")
            return answer
        except (OSError, ValueError, KernelError) as exc:
            self.broken = True
            raise KernelError(f"the template process failed: {exc}") from exc

    def prime(
        self, snapshot: str, claims: str, as_of: str | None, alpha: float
    ) -> tuple[list[dict], float]:
        """Evaluate the claims in the template, for every kernel forked after; return their
        results as JSON records and the seconds the evaluation took. The template evaluates
        the same inputs once while their files are unchanged (:func:`~analysis.checks.primed.
        lookup`: a long-lived Dask worker's template evaluates a changed claims file again).
        Raises KernelError when the template cannot (the evaluation failed: its error is in the
        message, and the notebooks evaluate for themselves)."""
        inputs = {"snapshot": snapshot, "claims": claims, "as_of": as_of, "alpha": alpha}
        with self._lock:
            answer = self._ask({"prime": inputs})
            if "error" in answer:
                raise KernelError(f"evaluation in the template failed: {answer['error']}")
            self.primed = tuple(inputs.values())
            return list(answer["records"]), float(answer.get("seconds", 0.0))

    def fork(self, argv: Sequence[str], cwd: str, env: dict[str, str]) -> int:
        """Fork a kernel process running ``ipykernel`` with ``argv``; return its pid."""
        with self._lock:
            answer = self._ask({"argv": list(argv), "cwd": cwd, "env": env})
            try:
                return int(answer["pid"])
            except (KeyError, TypeError, ValueError) as exc:
                self.broken = True
                raise KernelError(f"the template process failed: {answer!r:.80}") from exc

    def close(self) -> None:
        """End the template process (the kernels it forked are shut down by their pool), at
        once: a request in flight on another thread (an evaluation asked for ahead, while this
        run stops on Ctrl-C or an error) fails as the process goes, not after it is answered."""
        self.broken = True  # nothing is started or asked for any more
        ended: list[Any] = []
        while not self._lock.acquire(timeout=0.05):  # a request in flight holds it
            if self._process is not None and self._process not in ended:
                ended.append(self._process)
                _end(self._process)  # the request fails as its process goes
        try:
            process, self._process = self._process, None
        finally:
            self._lock.release()
        if process is not None and process not in ended:
            _end(process)
            ended.append(process)
        for gone in ended:  # its kernels are processes of their own: it may simply go
            gone.wait()
            with suppress(OSError, ValueError):
                gone.stdout.close()


def _end(process: subprocess.Popen | _Forked) -> None:
    """Kill a template and the workers it forked for an evaluation, which hold its answers'
    channel open (its process group; its kernels have sessions of their own)."""
    if isinstance(process, _Forked):
        process.kill()
    else:  # not waited for yet: its pid, which leads its group, is not anybody else's
        with suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
    with suppress(OSError, ValueError):
        process.stdin.close()


class _Forked:
    """A template forked by ``workbook warm`` for this run, used as the :class:`~subprocess.
    Popen` of a template started here is (its requests and answers over the connection)."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.stdin = connection.makefile("w")
        self.stdout = connection.makefile("r")
        self.pid: int | None = None  # said with ``ready``

    def kill(self) -> None:
        """End the template and its evaluation's workers at once (they would otherwise end
        only after the request they answer: an evaluation goes on for a second), and the
        connection. Its pid (said with ``ready``) leads its group, which lives as long as one
        of them holds the connection open: only then is it killed."""
        if self.pid is not None and self._held():
            with suppress(OSError):
                os.killpg(self.pid, signal.SIGKILL)
        with suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _held(self) -> bool:
        """Whether the template's end of the connection is still open somewhere."""
        try:
            return self.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b""
        except BlockingIOError:  # open, nothing to read
            return True
        except OSError:
            return False

    def wait(self) -> None:
        self.connection.close()


# ---------------------------------------------------------------- the template process


def serve(modules: Sequence[str]) -> None:
    """The template process: import what the evaluation needs, say ``ready``, then answer each
    request line (module docstring), with ``modules`` and ipykernel imported before the first
    kernel; end at EOF."""
    channel = os.fdopen(os.dup(1), "w")  # the answers; stdout now goes where stderr goes
    os.dup2(2, 1)
    _import_evaluation()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the runner's; EOF ends this
    first = sys.path[0] if sys.path else None
    freeze_objects()  # what every kernel inherits: out of the collections in the kernels
    print("ready", file=channel, flush=True)
    answer_requests(sys.stdin, channel, modules, first)


def import_for_templates(modules: Sequence[str]) -> None:
    """All a template imports, at once (``workbook warm``, :mod:`analysis.run.warm`)."""
    _import_evaluation()
    _import_all(modules)


def _import_evaluation() -> None:
    """Import what the claims' evaluation needs; children are reaped as they end."""
    import importlib

    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # debugpy (ipykernel's debugger, among KERNEL_MODULES) warns on standard error, as it is
    # imported, that Python's frozen modules may hide breakpoints: in a kernel that output went
    # nowhere, here it would land in the middle of the run's progress lines
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    from analysis.checks.evaluate import import_statistics

    for name in EVALUATION_MODULES:
        importlib.import_module(name)
    import_statistics()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)


def answer_requests(requests, channel, modules: Sequence[str], first: str | None,
                    own: Sequence[Any] = ()) -> None:  # fmt: skip
    """Answer each request line of ``requests`` on ``channel`` until their end; a forked
    kernel closes ``own`` (the template's connection) before it becomes a kernel."""
    for line in requests:
        request = json.loads(line)
        if "prime" in request:
            answer = _prime(request["prime"], meanwhile=lambda: _import_quietly(modules))
            _import_quietly(modules)  # at once when done while the workers evaluated
            gc.collect()  # what the evaluation left (frozen now, a cycle would stay for good)
            freeze_objects()  # the evaluation and the modules imported meanwhile too
        else:
            # a module that does not import ends this process here (the evaluation answered
            # before): the runner then starts plain kernels, whose notebooks show the error
            _import_all(modules)
            freeze_objects()  # what a first kernel not preceded by an evaluation imported
            pid = os.fork()
            if pid == 0:
                for item in (channel, *own):
                    item.close()
                _kernel_child(request, first)
            answer = {"pid": pid}
        print(json.dumps(answer), file=channel, flush=True)


def _import_all(modules: Sequence[str]) -> None:
    """Import ``modules`` and what a kernel imports as it starts (at once when done before)."""
    import importlib

    for name in modules:
        importlib.import_module(name)
    for name in KERNEL_MODULES:
        with suppress(Exception):  # a speed-up only: a kernel imports what it lacks itself
            importlib.import_module(name)


def _import_quietly(modules: Sequence[str]) -> None:
    """:func:`_import_all` around the evaluation: an import that fails is not the evaluation's
    failure (it fails again, and ends the template, when a kernel is asked for)."""
    with suppress(Exception):
        _import_all(modules)


def _prime(inputs: dict[str, Any], meanwhile) -> dict[str, Any]:
    """Evaluate the claims for the kernels to come (``meanwhile()`` while the forked workers
    evaluate them); the error as text when it fails."""
    from analysis.checks.primed import prime

    try:
        records, seconds = prime(inputs["snapshot"], inputs["claims"], inputs["as_of"],
                                 inputs["alpha"], workers=os.cpu_count() or 1,
                                 meanwhile=meanwhile)  # fmt: skip
    except Exception as exc:  # the runner evaluates for itself, and says why if it fails too
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {"records": records, "seconds": seconds}


def _end_with(parent: int) -> None:
    """End this kernel when the template process is gone (a runner or a Dask worker killed
    mid-notebook): it is then nobody's, and would run on."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="end-with-template", daemon=True).start()


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
        _end_with(os.getppid())
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
