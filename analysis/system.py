"""Facts about the running system that more than one stage needs."""

from __future__ import annotations

import os
import sys
import tempfile
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
