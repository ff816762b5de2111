"""A snapshot's files on disk, read safely: a hostile or broken file is refused with one
:class:`DataError` line, never read in full or echoed whole (for the parsers, the manifest and
:class:`~analysis.snapshot.Snapshot`).

* Given the snapshot folder, a file is opened only after its path resolved inside it
  (:func:`resolve_inside`): a file or folder that is a link to outside is refused.
* A file is at most :data:`MAX_FILE_BYTES` (256 MiB, checked before reading) and
  :data:`MAX_LINES` lines; a line at most :data:`MAX_LINE_CHARS` characters, a cell at most
  :data:`MAX_CELL_CHARS`. The line limit is below the csv module's field limit (131,072), so
  ``csv.field_size_limit`` is never reached and left as it is.
* The text holds no NUL or other control character (:data:`CONTROL_CHARACTERS`).
* Values echoed in messages are escaped (:func:`printable`) and cut (:func:`show`).
"""

from __future__ import annotations

import csv
import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path

from analysis.errors import DataError

# ------------------------------------------------------------------------------ the limits
MAX_FILE_BYTES = 256 * 1024 * 1024  # the largest real data file is about 1 MB
MAX_LINES = 5_000_000  # a century of daily rows is about 36,500
MAX_LINE_CHARS = 16_384  # the longest real line is under 300 characters
MAX_CELL_CHARS = 4_096  # the longest real cell, a user file's source, is about 150
SHOWN_CHARS = 40  # longest value echoed in a message; longer ones are cut, their length given
CONTROL_CHARACTERS = (
    "C0 controls but tab (NUL included), DEL, C1 controls, U+2028/U+2029 line separators and "
    "the bidirectional overrides U+202A-U+202E, U+2066-U+2069"
)
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


# ------------------------------------------------------------------------------ reading
def printable(text: str) -> str:
    """``text`` with anything unprintable (a newline, a NUL, ...) escaped, so it fits one line."""
    return text if text.isprintable() else repr(text)[1:-1]


def show(value: str, limit: int = SHOWN_CHARS) -> str:
    """``repr(value)`` for a message: escaped, and cut after ``limit`` characters."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}... ({len(value)} characters)"


def resolve_inside(root: Path, rel: str | Path, name: str | None = None) -> Path:
    """The real path of ``root/rel``, refusing any part of it that leads outside ``root``.

    Every component from ``root`` down is looked at: a link that resolves outside ``root``
    (say ``prices/`` linked to another folder, or ``prices/X.csv`` linked to ``/etc/passwd``)
    is refused naming that component, as is an absolute ``rel`` or one with ``..``.

    Raises
    ------
    DataError
        ``"<component>: is a link to outside the snapshot; refused"`` and the like.
    """
    rel = Path(rel)
    shown = printable(name or rel.as_posix())
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise DataError(shown, "is not a path inside the snapshot folder; refused")
    try:
        base = root.resolve(strict=True)
        here = root
        for i, part in enumerate(rel.parts):
            here = here / part
            last = i == len(rel.parts) - 1
            if here.is_symlink() and not here.resolve().is_relative_to(base):
                where = shown if last else printable(Path(*rel.parts[: i + 1]).as_posix())
                raise DataError(where, "is a link to outside the snapshot; refused")
        real = here.resolve()
    except (OSError, RuntimeError) as exc:  # a link loop, a folder we may not read
        problem = (exc.strerror if isinstance(exc, OSError) else None) or "a link loop?"
        raise DataError(shown, f"cannot be resolved ({problem}); refused") from exc
    if not real.is_relative_to(base):  # defensive: the walk above already refused it
        raise DataError(shown, "is a link to outside the snapshot; refused")
    return real


def read_text(
    path: Path,
    name: str,
    *,
    root: Path | None = None,
    kind: str = "a CSV file",
    limit: int = MAX_FILE_BYTES,
) -> str:
    """The file's text, decoded; refused when missing, not a plain file, over ``limit`` bytes
    (checked before reading) or not UTF-8.

    With ``root``, ``path`` (which lies under ``root``) is opened only after
    :func:`resolve_inside` found it inside ``root``, and without following a link.
    """
    if root is not None:
        try:
            rel = path.relative_to(root)
        except ValueError:
            raise DataError(name, "is not a path inside the snapshot folder; refused") from None
        path = resolve_inside(root, rel, name)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise DataError(name, "file is missing") from None
    except OSError as exc:
        raise DataError(name, f"cannot be read ({exc.strerror}), expected {kind}") from exc
    if not stat.S_ISREG(info.st_mode):
        what = "folder" if stat.S_ISDIR(info.st_mode) else "device, pipe or socket"
        raise DataError(name, f"is a {what}, not a file; refused")
    if info.st_size > limit:
        raise DataError(name, _too_big(info.st_size, limit))
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # swapped since the stat
                raise DataError(name, "is not a plain file; refused")
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise DataError(name, f"cannot be read ({exc.strerror}), expected {kind}") from exc
    if len(raw) > limit:  # grew since the stat
        raise DataError(name, _too_big(len(raw), limit))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(name, f"is not UTF-8 text (byte {exc.start}), expected {kind}") from exc


def _too_big(size: int, limit: int) -> str:
    return (
        f"file is {size:,} bytes, expected at most {limit:,} ({limit / 2**20:g} MiB); "
        "refused unread"
    )


def read_lines(path: Path, name: str, *, root: Path | None = None) -> list[str]:
    """Read a CSV file as text lines, refusing empty files, non-UTF-8 bytes, HTML pages, control
    characters and overlong lines (see the limits above).

    Lines end at ``\\n``, ``\\r\\n`` or ``\\r``, so line numbers are an editor's.
    """
    text = read_text(path, name, root=root)
    if not text.strip():
        raise DataError(name, "file is empty, expected a CSV header and rows")
    head = text[:4096].lstrip().lower()
    if head.startswith(("<!doctype", "<html", "<?xml", "<head", "<body")) or "<html" in head:
        raise DataError(
            name, "is an HTML page saved as CSV (an error or login page?), expected CSV"
        )
    if max(text.count("\n"), text.count("\r")) >= MAX_LINES:
        raise DataError(name, f"has more than {MAX_LINES:,} lines; refused")
    lines = _LINE_BREAK.split(text)
    if _CONTROL.search(text):  # looked for before the trailing blank lines go: str.strip()
        # takes \x0b, \x0c, \x85 and \u2028 for blanks, so a last line of them would vanish
        i, ch = next((i, m.group()) for i, ln in enumerate(lines) if (m := _CONTROL.search(ln)))
        what = "a NUL byte" if ch == "\x00" else f"control character {ch!r}"
        raise DataError(name, f"holds {what}, expected plain text", line=i + 1)
    while lines and not lines[-1].strip():  # blank lines at the end are not rows
        lines.pop()
    if max(map(len, lines)) > MAX_LINE_CHARS:
        i = next(i for i, ln in enumerate(lines) if len(ln) > MAX_LINE_CHARS)
        raise DataError(
            name,
            f"line is {len(lines[i]):,} characters long, expected at most {MAX_LINE_CHARS:,}",
            line=i + 1,
        )
    return lines


def split_rows(name: str, lines: Sequence[str], first_line: int = 1) -> list[list[str]]:
    """Rows of cells, each stripped: a plain split when nothing is quoted (what ``csv.reader``
    gives then, at a fraction of the cost), ``csv.reader`` otherwise.

    ``first_line`` is the file line of ``lines[0]``. A quoted field must close on its own line
    and no cell may pass :data:`MAX_CELL_CHARS`, else a :class:`DataError` naming the line.
    """
    if any('"' in line for line in lines):
        rows: list[list[str]] = []
        reader = csv.reader(lines, strict=True)
        try:
            for row in reader:
                if reader.line_num != len(rows) + 1:
                    problem = (
                        "has a quoted field that does not close on its line, "
                        "expected a closing '\"' before the line ends"
                    )
                    raise DataError(name, problem, line=first_line + len(rows))
                rows.append(row)
        except csv.Error as exc:
            problem = f"is not valid CSV ({printable(str(exc))})"
            raise DataError(name, problem, line=first_line + len(rows)) from exc
    else:
        rows = [line.split(",") if line else [] for line in lines]
    if any(" " in line or "\t" in line for line in lines):
        rows = [[cell.strip() for cell in row] for row in rows]
    for i, line in enumerate(lines):
        if len(line) > MAX_CELL_CHARS and any(len(c) > MAX_CELL_CHARS for c in rows[i]):
            j, cell = next((j, c) for j, c in enumerate(rows[i]) if len(c) > MAX_CELL_CHARS)
            problem = f"field {j + 1} is {len(cell):,} characters long, expected at most "
            raise DataError(name, f"{problem}{MAX_CELL_CHARS:,}", line=first_line + i)
    return rows
