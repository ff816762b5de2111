"""A server that keeps the analysis stack imported for many runs: ``workbook warm``.

Every run starts a template process (:mod:`analysis.run.template`) that imports pandas, scipy,
statsmodels and the charts' modules before it can evaluate a claim or fork a kernel, and the
runner itself imports papermill, nbconvert and jupyter_client: over a second on the critical
path of every run, on two cores. ``workbook warm`` imports all of it once and waits on a Unix
socket (:func:`serve`). For each connection it forks a process:

- a run's template (:data:`TEMPLATE`): ready at once, and the same as the one the run would
  start itself; the run passes its standard error, so what the template prints lands where it
  would have;
- a whole ``workbook run`` or ``workbook check`` (:data:`COMMAND`, :func:`delegate`): the
  ``workbook`` command connects before it imports anything heavy and passes its arguments,
  folder, environment, umask and standard streams; the forked process runs the command as it
  would have run here (its template forked from the server in turn), answers its exit status,
  and gets Ctrl-C and SIGTERM passed on; it is interrupted when its client goes.

Only runs of the very same code use it: the socket is named by a fingerprint (:func:`fingerprint`)
of the Python, this package's files (path, size, modification time), the installed packages'
folders, the modules imported and the environment variables that change how they behave. A run
whose fingerprint differs (code edited, a package installed) does not find the socket and does
everything itself; the server notices within seconds and imports again. The socket lives in a
folder only this user may open (``$XDG_RUNTIME_DIR/workbook-<uid>``, else
``<tmp>/workbook-<uid>``, mode 0700): whoever connects can start processes as this user.
``WORKBOOK_WARM=0`` makes a command ignore the server.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import stat
import struct
import sys
import sysconfig
import tempfile
import time
import traceback
from collections.abc import Mapping, Sequence
from contextlib import suppress
from pathlib import Path
from typing import NoReturn

from analysis import paths
from analysis.errors import WorkbookError

# environment variables that change what the template imports or how its evaluation behaves:
# a server started with other values would not be the template a run would start itself
ENV_PREFIXES = ("PYTHON", "MPL", "WORKBOOK_", "JUPYTER", "IPYTHON", "PYDEVD", "OMP_", "MKL_",
                "OPENBLAS", "NUMEXPR", "LC_", "DASK_", "TQDM_")  # fmt: skip
ENV_NAMES = ("LANG", "TZ", "HOME", "TMPDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME",
             "XDG_DATA_HOME")  # fmt: skip
TEMPLATE, COMMAND = b"T", b"C"  # what a connection asks the server to fork
COMMANDS = ("run", "check")  # the commands that import the analysis stack: a server runs them
DISABLE = "WORKBOOK_WARM"  # "0": runs start their own template, whatever is listening


def fingerprint(modules: Sequence[str], environ: Mapping[str, str] = os.environ) -> str:
    """What a template's imports depend on, as 20 hexadecimal digits: equal for the server and
    a run exactly when the server's template is the one the run would start (some 2 ms).
    ``environ``: the environment the template starts with (the server's as it started: the
    template sets a few variables of its own as it imports)."""
    digest = hashlib.sha256()
    python = os.path.realpath(sys.executable)  # a venv reached through a link is the same
    digest.update(repr((python, sys.version, tuple(modules), str(paths.PACKAGE), sys.flags,
                        sys.warnoptions, sys._xoptions, _umask())).encode())  # fmt: skip
    for name in sorted({os.path.realpath(sysconfig.get_path(k)) for k in ("purelib", "platlib")}):
        digest.update(f"{name} {_stamp(Path(name))}\n".encode())  # changes as packages come, go
    for path in sorted(paths.PACKAGE.rglob("*")):
        if "__pycache__" not in path.parts and path.is_file():
            digest.update(f"{path.relative_to(paths.PACKAGE)} {_stamp(path)}\n".encode())
    for name, value in sorted(environ.items()):
        if (name.startswith(ENV_PREFIXES) or name in ENV_NAMES) and name != DISABLE:
            digest.update(f"{name}={value}\n".encode(errors="replace"))
    return digest.hexdigest()[:20]


def _umask() -> int:
    """This process's umask, read without setting it (other threads may be writing files)."""
    with suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)  # no /proc: set and set back
    os.umask(mask)
    return mask


def _stamp(path: Path) -> str:
    try:
        st = path.stat()
    except OSError:
        return "-"
    return f"{st.st_size} {st.st_mtime_ns}"


def folder() -> Path:
    """The folder of the warm templates' sockets (this user's only; not created here)."""
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    return Path(base) / f"workbook-{os.getuid()}"


def private(where: Path) -> bool:
    """Whether ``where`` is a folder (not a link) owned by this user that nobody else may open."""
    try:
        st = os.lstat(where)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


def address(key: str) -> Path:
    return folder() / f"template-{key}.sock"


def connect(modules: Sequence[str], kind: bytes = TEMPLATE,
            fds: Sequence[int] = (2,)) -> socket.socket | None:  # fmt: skip
    """A connection to a warm server of ``modules`` for this very code, asking for a ``kind``
    of process and passing it ``fds`` (this process's standard error, for a template); None
    when there is none (or runs are told not to use it)."""
    if os.environ.get(DISABLE, "").strip() == "0" or not private(folder()):
        return None
    path = address(fingerprint(modules))
    if not path.exists():
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(path))
        if not same_user(connection):  # the folder is private: never, but never pass it on
            raise OSError("the warm server is another user's")
        socket.send_fds(connection, [kind], list(fds))
    except (OSError, ValueError):  # a socket left by a server that is gone; no usable stream
        connection.close()
        return None
    return connection


def delegate(argv: Sequence[str]) -> int | None:
    """``workbook run`` and ``workbook check`` (:data:`COMMANDS`) run by a warm server for this
    code, in a process it forks with this one's arguments, folder, environment, umask and
    standard streams; Ctrl-C and SIGTERM are passed on to it. Its exit status; None when
    another command is asked for or there is no server (nothing ran)."""
    words = [arg for arg in argv[1:] if not arg.startswith("-")]
    if not words or words[0] not in COMMANDS or {"-h", "--help"} & set(argv):
        return None
    from analysis.run.template import WARM_MODULES

    connection = connect(WARM_MODULES, COMMAND, (0, 1, 2))
    if connection is None:
        return None
    with connection, connection.makefile("rb") as answers:
        asked = {"argv": list(argv), "cwd": os.getcwd(), "env": dict(os.environ),
                 "umask": _umask()}  # fmt: skip
        try:
            connection.sendall(json.dumps(asked).encode() + b"\n")
            pid = int(answers.readline(32))
        except (OSError, ValueError):  # the server went before it forked: run it here
            return None
        passed: list[int] = []
        handlers = {signum: signal.signal(signum, lambda n, _: _pass_on(pid, n, passed))
                    for signum in (signal.SIGINT, signal.SIGTERM)
                    if signal.getsignal(signum) is not signal.SIG_IGN}  # fmt: skip
        try:
            status = answers.readline(32)
        finally:
            for signum, handler in handlers.items():
                signal.signal(signum, handler)
    try:
        return int(status)
    except ValueError:
        if passed:  # it ended of the signal passed on: end of it too, as without the server
            signal.signal(passed[-1], signal.SIG_DFL)
            os.kill(os.getpid(), passed[-1])
        print(f"workbook: the warm server's process {pid} for this command ended without an "
              "exit status", file=sys.stderr)  # fmt: skip
        return 1


def _pass_on(pid: int, signum: int, passed: list[int]) -> None:
    passed.append(signum)
    with suppress(OSError):
        os.kill(pid, signum)


def listen(key: str) -> tuple[socket.socket, Path, int | None]:
    """The server's listening socket, its path and the socket file's inode (its folder made
    private first); a WorkbookError when the folder is not private or another server of this
    code already listens there."""
    where = folder()
    with suppress(FileExistsError):
        where.mkdir(mode=0o700, parents=False)
    if not private(where):
        raise WorkbookError(f"{where} must be a folder of this user's that nobody else may open "
                            "(mode 0700)")  # fmt: skip
    path = address(key)
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(str(path))
    except OSError:
        with suppress(FileNotFoundError):
            path.unlink()  # a socket left by a server that ended without removing it
    else:
        raise WorkbookError(f"a warm template of this code already listens at {path}")
    finally:
        probe.close()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    bound = _inode(path)  # the socket's: removed as the server ends unless another took the name
    listener.listen(16)
    return listener, path, bound


def become_server(idle_minutes: float) -> NoReturn:
    """``workbook warm``: this process becomes the server (:func:`serve`), started as every
    template is, in this package's folder, so that it imports exactly what a run's own
    template would."""
    os.chdir(paths.PACKAGE.parent)
    os.execv(sys.executable, [sys.executable, "-m", "analysis.run.warm", repr(idle_minutes)])


# ---------------------------------------------------------------- the server

STOPS = {signal.SIGINT, signal.SIGTERM}  # what ends the server
# what ``workbook run`` and ``check`` import beyond a template's modules (the command line, the
# runner, papermill, nbconvert, jupyter_client): a command forked from the server has them
COMMAND_MODULES = ("analysis.cli", "analysis.cliargs", "analysis.run.executors",
                   "analysis.run.execute", "analysis.report.htmlexport", "tqdm")  # fmt: skip
MAX_ASKED = 1 << 20  # bytes of a command's arguments and environment


def serve(modules: Sequence[str], idle_minutes: float) -> None:
    """The server: import the evaluation's, the notebooks' and the commands' modules once,
    then fork a process for each connection (a run's template, or a whole command), until
    Ctrl-C, SIGTERM or ``idle_minutes`` without a connection; when this code changes, start
    again (and import it all again)."""
    from analysis.run import template
    from analysis.system import freeze_objects

    environ = dict(os.environ)  # as a run's template starts: it sets a few variables itself
    key = fingerprint(modules, environ)  # before the imports: an edit meanwhile is seen
    listener, path, bound = listen(key)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        template.import_for_templates(modules)
        _import_for_commands()
        first = sys.path[0] if sys.path else None
        freeze_objects()
        print(f"warm: runs of this code start from here ({path}); Ctrl-C ends it", flush=True)
        why = _accept(listener, (key, environ, path, bound), modules, idle_minutes * 60, first)
        if why == "changed":
            print("warm: the code changed: importing it again", flush=True)
            _remove(path, bound)
            listener.close()
            os.environ.clear()
            os.environ.update(environ)
            os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
        print(f"warm: no run for {idle_minutes:g} minutes, ended" if why == "idle" else
              "warm: another server of this code took its place, ended", flush=True)  # fmt: skip
    except KeyboardInterrupt:
        print("warm: ended", flush=True)
    finally:
        _remove(path, bound)
        listener.close()


def _remove(path: Path, bound: int) -> None:
    """Remove the server's socket, if it is still this server's (two started at once)."""
    if _inode(path) == bound:
        with suppress(OSError):
            path.unlink()


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None


def _import_for_commands() -> None:
    """What a command imports beyond a template's modules, and what a run prepares while it
    waits for its template (:func:`~analysis.run.executors.prepare_execution`: a first page
    exported, whose exporter is then ready in every command forked from here)."""
    import importlib

    from analysis.run.executors import prepare_execution

    for name in COMMAND_MODULES:
        importlib.import_module(name)
    prepare_execution(show_code=False)


def _accept(listener, stamp: tuple[str, dict, Path, int], modules: Sequence[str], idle: float,
            first: str | None) -> str:  # fmt: skip
    """Fork a process for each connection, until this code changed (``"changed"``: import it
    again), ``idle`` seconds passed without a connection (``"idle"``) or another server of
    this code bound the socket's name (``"replaced"``)."""
    key, environ, path, bound = stamp
    listener.settimeout(2.0)
    last = time.monotonic()
    while time.monotonic() - last < idle:
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            if fingerprint(modules, environ) != key:
                return "changed"
            if _inode(path) != bound:
                return "replaced"
            continue
        last = time.monotonic()
        if not same_user(connection):  # the folder is private: never, but never serve another
            connection.close()
            continue
        sys.stdout.flush()
        sys.stderr.flush()
        # Ctrl-C and SIGTERM wait while it forks: Python ignores an exception raised in the
        # handlers it runs around a fork (logging's), and this server would not end
        signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
        pid = os.fork()
        if pid == 0:
            listener.close()
            _serve_connection(connection, modules, first)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)
        connection.close()
        print(f"warm: forked process {pid}", flush=True)
    return "idle"


def same_user(connection: socket.socket) -> bool:
    """Whether the process at the other end of ``connection`` is this user's (SO_PEERCRED)."""
    creds = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1] == os.getuid()


def _serve_connection(connection: socket.socket, modules: Sequence[str],
                      first: str | None) -> NoReturn:  # fmt: skip
    """In the process forked for one connection: a run's template (its standard error passed
    over the connection, its requests and answers going over it), or a whole command."""
    from analysis.run.template import answer_requests

    code = 1
    try:
        os.setsid()  # not the server's terminal's: Ctrl-C there leaves the runs going on
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)
        connection.settimeout(None)
        kind, fds, _, _ = socket.recv_fds(connection, 1, 3)
        if kind == COMMAND and len(fds) == 3:
            _run_command(connection, fds)
        if kind == TEMPLATE and len(fds) == 1:
            os.dup2(fds[0], 2)
            os.dup2(2, 1)
            os.close(fds[0])
            requests, channel = connection.makefile("r"), connection.makefile("w")
            print(f"ready {os.getpid()}", file=channel, flush=True)
            answer_requests(requests, channel, modules, first, own=(requests, connection))
            code = 0
    finally:
        with suppress(OSError, ValueError):  # what the evaluation printed, as a process's exit
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _run_command(connection: socket.socket, fds: Sequence[int]) -> NoReturn:
    """Become the command a client asked for: its arguments, folder, environment, umask and
    standard streams; say this process's pid, run it, answer its exit status and end. Ends it
    as Ctrl-C would when the client goes (its connection closes)."""
    import threading

    from analysis.cli import main

    with connection.makefile("rb") as lines:
        asked = json.loads(lines.readline(MAX_ASKED))
    connection.sendall(f"{os.getpid()}\n".encode())
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    sys.stdout.reconfigure(line_buffering=sys.stdout.isatty())
    os.chdir(asked["cwd"])
    os.environ.clear()
    os.environ.update(asked["env"])
    os.umask(int(asked["umask"]))
    sys.argv = [str(arg) for arg in asked["argv"]]
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
        signal.signal(signum, signal.default_int_handler if signum == signal.SIGINT
                      else signal.SIG_DFL)  # fmt: skip
    threading.Thread(target=_end_with_client, args=(connection,), daemon=True).start()
    code: int = 1
    try:
        main(args=sys.argv[1:], prog_name="workbook")
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    except BaseException:  # as Python says it, without the server, before exiting with 1
        traceback.print_exc()
    finally:
        with suppress(OSError, ValueError):
            sys.stdout.flush()
            sys.stderr.flush()
        with suppress(OSError):
            connection.sendall(f"{code}\n".encode())
        os._exit(code)


def _end_with_client(connection: socket.socket) -> None:
    """Interrupt this command, as Ctrl-C would, when its client is gone."""
    with suppress(OSError):
        while connection.recv(1):
            pass
    os.kill(os.getpid(), signal.SIGINT)


if __name__ == "__main__":  # workbook warm
    from analysis.run.template import WARM_MODULES

    try:
        serve(WARM_MODULES, float(sys.argv[1]))
    except WorkbookError as exc:
        print(f"workbook: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
