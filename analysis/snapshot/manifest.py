"""``manifest.json``: what a snapshot's files are, where they came from, and their checksums.

The manifest is optional for a hand-made folder; when present it must describe every data file
and every checksum must match, so a run can state exactly which data it used. It is read within
the rules of :mod:`analysis.snapshot.files` (up to :data:`MAX_MANIFEST_BYTES`), and what it names
is checked before any file is hashed: an entry that is not ``<layout>/<name>`` inside the folder
is a problem, not a path to follow.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from analysis.errors import DataError
from analysis.snapshot.files import (
    MAX_FILE_BYTES,
    printable,
    read_text,
    resolve_inside,
    show,
)

MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 16 * 1024 * 1024  # a fetched manifest.json is a few kB


# ------------------------------------------------------------------------------ manifest
class FileEntry(BaseModel):
    """One data file of the snapshot, keyed in the manifest by its path (``prices/^RUT.csv``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(description="provider: fred, yahoo, french, demo, or who brought the file")
    identifier: str = Field(description="the provider's id: a FRED series, a Yahoo symbol, ...")
    url: str | None = None
    retrieved_at: datetime | None = Field(None, description="UTC time of the download")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    bytes: int = Field(ge=0)
    rows: int = Field(ge=0)
    first_date: date | None = None
    last_date: date | None = None


class MissingEntry(BaseModel):
    """Something asked of a provider that it did not have."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    identifier: str
    reason: str


class Manifest(BaseModel):
    """The whole ``manifest.json``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    created_at: datetime
    synthetic: bool = False
    description: str = ""
    generator: str | None = None
    files: dict[str, FileEntry]
    missing: list[MissingEntry] = []
    packages: dict[str, str] = {}


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe_file(
    root: Path,
    rel: str,
    *,
    source: str,
    identifier: str,
    url: str | None = None,
    retrieved_at: datetime | None = None,
) -> FileEntry:
    """Build a manifest entry for ``root/rel``, parsing the file for its rows and date range."""
    from analysis.snapshot.parsers import parse_file

    path = root / rel
    frame = parse_file(path, name=rel)
    return FileEntry(
        source=source,
        identifier=identifier,
        url=url,
        retrieved_at=retrieved_at,
        sha256=sha256_of(path),
        bytes=path.stat().st_size,
        rows=len(frame),
        first_date=frame.index[0].date() if len(frame) else None,
        last_date=frame.index[-1].date() if len(frame) else None,
    )


def read_manifest(root: Path) -> Manifest | None:
    """Read ``root/manifest.json``; ``None`` when the folder has none.

    Raises
    ------
    DataError
        When the file is not JSON or a field is missing or of the wrong type.
    """
    path = root / MANIFEST
    if not path.exists() and not path.is_symlink():
        return None
    text = read_text(path, MANIFEST, root=root, kind="a JSON file", limit=MAX_MANIFEST_BYTES)
    try:
        return Manifest.model_validate_json(text)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = show(".".join(str(p) for p in err["loc"]), 120)[1:-1]
        msg = show(err["msg"], 200)[1:-1]
        problem = f"{field}: {msg}" if field else f"{msg}, expected a JSON object"
        raise DataError(MANIFEST, problem, field=field or None) from exc


def write_manifest(root: Path, manifest: Manifest) -> Path:
    """Write ``root/manifest.json`` (keys sorted, two-space indent) and return its path."""
    path = root / MANIFEST
    data = json.loads(manifest.model_dump_json())
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def verify_manifest(root: Path, manifest: Manifest, data_files: list[str]) -> list[DataError]:
    """Compare the manifest with the folder: every file listed, present, with its checksum.

    A listed path that is not ``<layout>/<name>``, or that leads outside the folder, is a
    problem and is not followed; a data file too big to parse is not hashed (its own check
    reports it).
    """
    from analysis.snapshot.parsers import LAYOUTS

    data_rel = re.compile(rf"(?:{'|'.join(LAYOUTS)})/[^/\\]+")
    problems = []
    for rel, entry in sorted(manifest.files.items()):
        shown = show(rel, 80)[1:-1] if len(rel) > 80 or not rel.isprintable() else rel
        if not data_rel.fullmatch(rel) or rel.split("/")[1] in (".", ".."):
            problems.append(
                DataError(
                    MANIFEST,
                    f"lists {shown}, expected a data file as <layout>/<name> with layout one of "
                    f"{', '.join(LAYOUTS)}",
                    field="files",
                )
            )
            continue
        try:
            path = resolve_inside(root, rel)
        except DataError as exc:
            if rel not in data_files:  # else the data file's own check says so
                problems.append(
                    DataError(MANIFEST, f"lists {shown}, but it {exc.problem}", field="files")
                )
            continue
        if not path.is_file():
            problems.append(
                DataError(
                    MANIFEST, f"lists {shown}, but the file is missing", field=f"files.{shown}"
                )
            )
        elif path.stat().st_size > MAX_FILE_BYTES:
            if rel not in data_files:
                problems.append(
                    DataError(MANIFEST, f"lists {shown}, a file too big to read", field="files")
                )
        elif (actual := sha256_of(path)) != entry.sha256:
            problems.append(
                DataError(
                    MANIFEST,
                    f"sha256 of {shown} is {entry.sha256[:12]}..., "
                    f"but the file's is {actual[:12]}... "
                    "(the file changed after the snapshot was written)",
                    field=f"files.{shown}.sha256",
                )
            )
    for rel in data_files:
        if rel not in manifest.files:
            problems.append(
                DataError(
                    MANIFEST,
                    f"does not list {printable(rel)}, expected an entry for every data file",
                    field="files",
                )
            )
    return problems


def utc_now() -> datetime:
    """The current time in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)
