"""A template kept warm for many runs: ``workbook warm``.

Every run starts a template process (:mod:`analysis.run.template`) that imports pandas, scipy,
statsmodels and the charts' modules before it can evaluate a claim or fork a kernel: about
1.2 s on the critical path of every run. ``workbook warm`` imports them once and waits on a
Unix socket; a run that finds it gets its template forked from it, ready at once and the same
as the one it would have started itself (the same code, imports and environment):

- the socket is named by a fingerprint (:func:`fingerprint`) of what the imports depend on:
  the Python, this package's files (path, size, modification time), the installed packages'
  folders, the modules imported and the environment variables that change how they behave. A
  run whose fingerprint differs (code edited, a package installed) does not find the socket
  and starts its own template; the server notices within seconds and imports again;
- the socket lives in a folder only this user may open (``$XDG_RUNTIME_DIR/workbook-<uid>``,
  else ``<tmp>/workbook-<uid>``, mode 0700): whoever connects can start processes as this user;
- a run passes its standard error over the socket (``SCM_RIGHTS``), so that what its template
  prints lands where it would have;
- ``WORKBOOK_WARM=0`` makes runs ignore it.
"""

from __future__ import annotations

import hashlib
import os
import socket
import stat
import sys
import sysconfig
import tempfile
from collections.abc import Mapping, Sequence
from contextlib import suppress
from pathlib import Path
from typing import NoReturn

from analysis import paths
from analysis.errors import WorkbookError

# environment variables that change what the template imports or how its evaluation behaves:
# a server started with other values would not be the template a run would start itself
ENV_PREFIXES = ("PYTHON", "MPL", "WORKBOOK_", "JUPYTER", "IPYTHON", "PYDEVD", "OMP_", "MKL_",
                "OPENBLAS", "NUMEXPR", "LC_", "DASK_")  # fmt: skip
ENV_NAMES = ("LANG", "TZ", "HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME")
DISABLE = "WORKBOOK_WARM"  # "0": runs start their own template, whatever is listening


def fingerprint(modules: Sequence[str], environ: Mapping[str, str] = os.environ) -> str:
    """What a template's imports depend on, as 20 hexadecimal digits: equal for the server and
    a run exactly when the server's template is the one the run would start (some 2 ms).
    ``environ``: the environment the template starts with (the server's as it started: the
    template sets a few variables of its own as it imports)."""
    digest = hashlib.sha256()
    digest.update(repr((sys.executable, sys.version, tuple(modules), str(paths.PACKAGE))).encode())
    for name in sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}):
        digest.update(f"{name} {_stamp(Path(name))}\n".encode())  # changes as packages come, go
    for path in sorted(paths.PACKAGE.rglob("*")):
        if "__pycache__" not in path.parts and path.is_file():
            digest.update(f"{path.relative_to(paths.PACKAGE)} {_stamp(path)}\n".encode())
    for name, value in sorted(environ.items()):
        if (name.startswith(ENV_PREFIXES) or name in ENV_NAMES) and name != DISABLE:
            digest.update(f"{name}={value}\n".encode(errors="replace"))
    return digest.hexdigest()[:20]


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


def connect(modules: Sequence[str]) -> socket.socket | None:
    """A connection to a warm template of ``modules`` for this very code, with this process's
    standard error passed along; None when there is none (or runs are told not to use it)."""
    if os.environ.get(DISABLE, "").strip() == "0" or not private(folder()):
        return None
    path = address(fingerprint(modules))
    if not path.exists():
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(path))
        socket.send_fds(connection, [b"run\n"], [sys.stderr.fileno()])
    except (OSError, ValueError):  # a socket left by a server that is gone; no usable stderr
        connection.close()
        return None
    return connection


def listen(key: str) -> tuple[socket.socket, Path]:
    """The server's listening socket (its folder made private first); a WorkbookError when the
    folder is not private or another server of this code already listens there."""
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
    listener.listen(16)
    return listener, path


def become_server(idle_minutes: float) -> NoReturn:
    """``workbook warm``: this process becomes the server (:func:`~analysis.run.template.
    serve_warm`), started as every template is, in this package's folder, so that it imports
    exactly what a run's own template would."""
    os.chdir(paths.PACKAGE.parent)
    os.execv(sys.executable, [sys.executable, "-m", "analysis.run.template", "--warm",
                              repr(idle_minutes)])  # fmt: skip
