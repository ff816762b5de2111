"""A cache of parsed files, so that a rerun (``workbook check``, a notebook's kernel) does not
parse the same bytes again.

A parsed frame is stored under a key made of the file's SHA-256, its name in the snapshot and a
digest of the parsers' own code: changed bytes or a changed parser is a miss, never a stale
frame. Entries are ``.npz`` files (dates, float columns, JSON attributes) read with
``allow_pickle=False``, so a planted file can at worst be a miss; writes go through a temporary
file and a rename. The folder is ``$WORKBOOK_CACHE`` when set, else ``$XDG_CACHE_HOME/workbook``
(``~/.cache/workbook``); ``WORKBOOK_CACHE=off`` turns the cache off. The cache only ever writes
into its ``frames/`` and ``arrays/`` folders there (:func:`array` keeps costly simulations).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import paths

_CHUNK = 1 << 20


def folder() -> Path | None:
    """Where frames are cached, or ``None`` when the cache is off."""
    setting = os.environ.get("WORKBOOK_CACHE", "").strip()
    if setting.lower() == "off":
        return None
    if setting:
        return Path(setting) / "frames"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "workbook" / "frames"


@cache
def _parser_digest() -> str:
    h = hashlib.sha256(pd.__version__.encode())
    for name in ("parsers.py", "frames.py", "files.py", "cache.py"):
        h.update((paths.PACKAGE / "snapshot" / name).read_bytes())
    return h.hexdigest()


def key(path: Path, name: str) -> str:
    """The cache key of ``path`` (read in chunks) as the snapshot file ``name``."""
    h = hashlib.sha256(_parser_digest().encode() + b"\0" + name.encode() + b"\0")
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def load(key: str) -> pd.DataFrame | None:
    """The cached frame, or ``None`` (a miss, an unreadable or foreign entry)."""
    where = folder()
    entry = where / f"{key}.npz" if where else None
    if entry is None or not entry.is_file():
        return None
    try:
        with np.load(entry, allow_pickle=False) as npz:
            columns = [str(c) for c in npz["columns"]]
            frame = pd.DataFrame(
                npz["values"], columns=columns,
                index=pd.DatetimeIndex(npz["dates"].astype(str(npz["unit"])), name="date"),
            )  # fmt: skip
            frame.attrs = json.loads(str(npz["attrs"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return frame


def save(key: str, frame: pd.DataFrame) -> None:
    """Store ``frame`` under ``key``; a cache that cannot be written is simply not used."""
    where = folder()
    if where is None:
        return
    tmp = None
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".", suffix=".npz")
        with os.fdopen(fd, "wb") as fh:
            np.savez(
                fh,
                dates=frame.index.to_numpy().astype("int64"),
                unit=np.array(str(frame.index.dtype)),
                values=frame.to_numpy(dtype="float64"),
                columns=np.array(list(frame.columns), dtype=str),
                attrs=np.array(json.dumps(frame.attrs)),
            )
        os.replace(tmp, where / f"{key}.npz")
    except (OSError, TypeError, ValueError):
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def array(name: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
    """``compute()``, kept under ``name`` beside the frames (``arrays/<name>.npy``, read without
    pickle) for arrays that are costly and depend on nothing but their name: a simulation whose
    size, seed and method version the name spells out."""
    where = folder()
    entry = where.parent / "arrays" / f"{name}.npy" if where else None
    if entry is not None and entry.is_file():
        try:
            return np.load(entry, allow_pickle=False)
        except (OSError, ValueError):
            pass
    values = compute()
    if entry is not None:
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".", suffix=".npy")
            with os.fdopen(fd, "wb") as fh:
                np.save(fh, values, allow_pickle=False)
            os.replace(tmp, entry)
        except OSError:
            pass
    return values
