"""Facts about the running system that more than one stage needs."""

from __future__ import annotations

import gc
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def process_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (one of another user's counts as alive): the folders a
    run or a fetch left behind are removed only when their process is gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def skip_slow_iri_checker() -> None:
    """Keep ``jsonschema`` (which nbformat, nbconvert and papermill import) from importing
    ``rfc3987_syntax``: installed with ``jsonschema[format-nongpl]``, it compiles some 35 Earley
    parsers at import, about 1 s of CPU on this machine, the largest single cost of a run's
    start (python-jsonschema/jsonschema#1428). It serves only the ``iri`` and ``iri-reference``
    formats, which no notebook schema uses. Marked absent in this process (jsonschema then
    simply has no checker for those two formats); nothing changes once jsonschema is loaded."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


def freeze_objects() -> None:
    """Move every object this process holds into the garbage collector's permanent generation
    (``gc.freeze``), where no collection looks at them again; for processes the workbook owns.
    Two uses: in a process that forks children (the template process), so that collections in
    the children do not walk the objects they inherit, writing to (so copying) every page they
    share with the parent, as the documentation of ``gc.freeze`` advises; and at the end of a
    command, so that the interpreter's last collection skips the million objects pandas, scipy
    and statsmodels made (some 0.2 s). Reference counts and atexit handlers work as usual;
    objects in reference cycles among the frozen ones are never freed, nor finalized at exit
    (the workbook writes its files in ``with`` blocks, never leaving one to a finalizer)."""
    gc.freeze()


@contextmanager
def frozen_objects() -> Iterator[None]:
    """:func:`freeze_objects` while the block forks workers, undone after it (unless this
    process had frozen its objects already): the workers are spared the collections, the
    process keeps its own."""
    frozen = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not frozen:
            gc.unfreeze()


def write_text_atomic(path: Path, text: str) -> Path:
    """``text`` at ``path``, whole or not at all: a temporary file beside it, renamed into place
    (with the modes of an ordinary new file, not ``mkstemp``'s 0600). Raises OSError; a
    temporary file left by a failure is removed."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
