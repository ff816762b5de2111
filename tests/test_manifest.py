"""A snapshot's manifest.json: written, read back, and compared with the folder."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from analysis.errors import DataError
from analysis.snapshot import Snapshot
from analysis.snapshot.manifest import (
    MANIFEST,
    Manifest,
    MissingEntry,
    describe_file,
    read_manifest,
    sha256_of,
    utc_now,
    verify_manifest,
    write_manifest,
)

FILES = {
    "prices/^RUT.csv": "Date,Close\n2025-12-31,2481.91\n2026-01-02,2508.22\n",
    "fred/DFEDTARU.csv": "observation_date,DFEDTARU\n2025-12-30,3.75\n2025-12-31,3.75\n",
}
CREATED = datetime(2026, 1, 3, 12, 0, 0, tzinfo=UTC)


def build(root: Path) -> Manifest:
    """Write FILES and a manifest describing them into ``root``; return the manifest."""
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(text.encode())
    manifest = Manifest(
        created_at=CREATED,
        description="a toy snapshot",
        files={
            "prices/^RUT.csv": describe_file(
                root,
                "prices/^RUT.csv",
                source="yahoo",
                identifier="^RUT",
                url="https://example.invalid/^RUT",
                retrieved_at=CREATED,
            ),
            "fred/DFEDTARU.csv": describe_file(
                root, "fred/DFEDTARU.csv", source="fred", identifier="DFEDTARU"
            ),
        },
        missing=[MissingEntry(source="yahoo", identifier="KRE", reason="not found")],
    )
    write_manifest(root, manifest)
    return manifest


def test_describe_file_counts_rows_dates_bytes_and_checksum(tmp_path):
    build(tmp_path)
    entry = describe_file(tmp_path, "prices/^RUT.csv", source="yahoo", identifier="^RUT")
    raw = FILES["prices/^RUT.csv"].encode()
    assert (
        entry.sha256 == hashlib.sha256(raw).hexdigest() == sha256_of(tmp_path / "prices/^RUT.csv")
    )
    assert entry.bytes == len(raw)
    assert entry.rows == 2
    assert entry.first_date == date(2025, 12, 31)
    assert entry.last_date == date(2026, 1, 2)


def test_write_then_read_round_trip(tmp_path):
    manifest = build(tmp_path)
    again = read_manifest(tmp_path)
    assert again == manifest
    assert again.files["prices/^RUT.csv"].retrieved_at == CREATED
    assert again.missing[0].identifier == "KRE"
    assert not again.synthetic
    # keys sorted, two-space indent, a trailing newline: stable diffs between snapshots
    text = (tmp_path / MANIFEST).read_text()
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, sort_keys=True) + "\n"
    assert data["created_at"] == "2026-01-03T12:00:00Z"
    assert list(data["files"]) == sorted(FILES)


def test_no_manifest_reads_as_none(tmp_path):
    assert read_manifest(tmp_path) is None


def test_a_clean_folder_verifies(tmp_path):
    manifest = build(tmp_path)
    assert verify_manifest(tmp_path, manifest, sorted(FILES)) == []
    assert Snapshot(tmp_path).check() == []


def test_one_altered_byte_is_a_checksum_mismatch_naming_the_file(tmp_path):
    build(tmp_path)
    path = tmp_path / "prices" / "^RUT.csv"
    path.write_bytes(path.read_bytes().replace(b"2508.22", b"2508.23"))  # still parses
    problems = Snapshot(tmp_path).check()
    assert len(problems) == 1
    assert problems[0].field == "files.prices/^RUT.csv.sha256"
    assert re.fullmatch(
        r"manifest\.json: sha256 of prices/\^RUT\.csv is [0-9a-f]{12}\.\.\., but the file's is "
        r"[0-9a-f]{12}\.\.\. \(the file changed after the snapshot was written\)",
        str(problems[0]),
    )


def test_a_listed_file_that_is_missing(tmp_path):
    build(tmp_path)
    (tmp_path / "fred" / "DFEDTARU.csv").unlink()
    problems = Snapshot(tmp_path).check()
    assert [str(p) for p in problems] == [
        "manifest.json: lists fred/DFEDTARU.csv, but the file is missing"
    ]
    assert problems[0].field == "files.fred/DFEDTARU.csv"


def test_an_unlisted_data_file(tmp_path):
    build(tmp_path)
    (tmp_path / "fred" / "DGS2.csv").write_text("observation_date,DGS2\n2026-01-02,3.47\n")
    problems = Snapshot(tmp_path).check()
    assert [str(p) for p in problems] == [
        "manifest.json: does not list fred/DGS2.csv, expected an entry for every data file"
    ]


def _edit(root: Path, change) -> None:
    data = json.loads((root / MANIFEST).read_text())
    change(data)
    (root / MANIFEST).write_text(json.dumps(data))


def test_a_bad_sha256_field(tmp_path):
    build(tmp_path)
    _edit(tmp_path, lambda d: d["files"]["prices/^RUT.csv"].update(sha256="ABC123"))
    with pytest.raises(
        DataError,
        match=re.escape(
            "manifest.json: files.prices/^RUT.csv.sha256: String should match pattern "
            "'^[0-9a-f]{64}$'"
        ),
    ) as excinfo:
        read_manifest(tmp_path)
    assert excinfo.value.field == "files.prices/^RUT.csv.sha256"
    # Snapshot.check reports it as one problem instead of raising
    problems = Snapshot(tmp_path).check()
    assert [p.field for p in problems] == ["files.prices/^RUT.csv.sha256"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("created_at"), "manifest.json: created_at: Field required"),
        (lambda d: d.update(colour="red"), "manifest.json: colour: Extra inputs are not permitted"),
        (
            lambda d: d["files"]["fred/DFEDTARU.csv"].update(rows=-1),
            "manifest.json: files.fred/DFEDTARU.csv.rows: Input should be greater than or "
            "equal to 0",
        ),
    ],
    ids=["missing-field", "unknown-field", "negative-rows"],
)
def test_bad_fields_are_one_line_problems(tmp_path, change, message):
    build(tmp_path)
    _edit(tmp_path, change)
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        read_manifest(tmp_path)


@pytest.mark.parametrize("text", ["{not json", "", "[1, 2"], ids=["garbled", "empty", "cut"])
def test_a_non_json_manifest_is_a_data_error(tmp_path, text):
    build(tmp_path)
    (tmp_path / MANIFEST).write_text(text)
    with pytest.raises(DataError, match=r"^manifest\.json: .*Invalid JSON"):
        read_manifest(tmp_path)
    problems = Snapshot(tmp_path).check()
    assert len(problems) == 1
    assert "Invalid JSON" in str(problems[0])


def test_a_non_json_manifest_message_has_no_empty_field(tmp_path):
    build(tmp_path)
    (tmp_path / MANIFEST).write_text("{not json")
    with pytest.raises(DataError) as excinfo:
        read_manifest(tmp_path)
    assert str(excinfo.value).startswith("manifest.json: Invalid JSON")
    assert excinfo.value.field is None


def test_utc_now_is_aware_and_whole_seconds():
    now = utc_now()
    assert now.tzinfo is not None and now.utcoffset().total_seconds() == 0
    assert now.microsecond == 0
