"""A hostile user's snapshot: every trick refused with one line, and nothing written anywhere.

Each case puts one bad file (or link) beside a clean one; ``check()``, ``load()``,
``validate()`` and ``workbook snapshot check`` must all refuse it with a one-line DataError
naming the file (and the line where there is one), never a traceback, and the folder must be
byte for byte as it was. The 300 MB file is sparse (``truncate``): nothing of it is written or
read.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis.cli import main
from analysis.errors import DataError
from analysis.snapshot import Snapshot
from analysis.snapshot.files import MAX_FILE_BYTES
from analysis.snapshot.manifest import (
    MANIFEST,
    Manifest,
    describe_file,
    read_manifest,
    write_manifest,
)

CLEAN = {"prices/IWM.csv": "Date,Adj Close\n2025-12-31,246.10\n2026-01-02,249.00\n"}
FRENCH = "notes\n\n,{columns}\n{rows}\n\nCopyright 2026 Eugene F. Fama and Kenneth R. French\n"
OUTSIDE = "Date,Close\n2026-01-02,1\n"  # a valid file outside the snapshot: refused all the same


def write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)


def link(target: Callable[[Path], Path]) -> Callable[[Path, Path], None]:
    """A maker of ``root/rel`` as a symbolic link to ``target(tmp)``."""

    def make(path: Path, tmp: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target(tmp))

    return make


def sparse(size: int) -> Callable[[Path, Path], None]:
    def make(path: Path, tmp: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        os.truncate(path, size)
        if path.stat().st_blocks * 512 >= size // 2:  # the file system wrote it all out
            pytest.skip("this file system does not keep sparse files")

    return make


def outside_folder(tmp: Path) -> Path:
    write(tmp / "outside" / "^RUT.csv", OUTSIDE)
    return tmp / "outside"


def outside_file(tmp: Path) -> Path:
    write(tmp / "outside" / "secret.csv", "root:x:0:0:root:/root:/bin/bash\n")
    return tmp / "outside" / "secret.csv"


def outside_file_relative(tmp: Path) -> Path:
    """The same, as a relative link from ``snap/<layout>/``."""
    outside_file(tmp)
    return Path("../../outside/secret.csv")


# (id, rel, content or a maker, the problem, its line or None)
HOSTILE = [
    (
        "200kb-field",
        "prices/^RUT.csv",
        "Date,Close\n2026-01-02," + "9" * 200_000 + "\n",
        "line is 200,011 characters long, expected at most 16,384",
        2,
    ),
    (
        "200kb-quoted-field",  # what the csv module refused with a `_csv.Error` traceback
        "user/eps.csv",
        'date,series,value,unit,source\n2026-01-02,eps,1,USD,"' + "x" * 200_000 + '"\n',
        "line is 200,023 characters long, expected at most 16,384",
        2,
    ),
    (
        "5000-character-cell",
        "user/eps.csv",
        "date,series,value,unit,source\n2026-01-02,eps,1,USD," + "x" * 5_000 + "\n",
        "field 5 is 5,000 characters long, expected at most 4,096",
        2,
    ),
    (
        "year-0001-prices",
        "prices/^RUT.csv",
        "Date,Close\n0001-01-01,1\n2026-01-02,2\n",
        "date '0001-01-01' is outside 1900-01-01..2100-12-31, expected a date in that range",
        2,
    ),
    (
        "year-9999-fred",
        "fred/DGS2.csv",
        "observation_date,DGS2\n2026-01-02,3.47\n9999-12-31,3.5\n",
        "date '9999-12-31' is outside 1900-01-01..2100-12-31, expected a date in that range",
        3,
    ),
    (
        "year-9999-user",  # the row that turned a pending forecast into "supported"
        "user/eps.csv",
        "date,series,value,unit,source\n2026-01-02,eps,1,USD,me\n9999-12-31,eps,2,USD,me\n",
        "date '9999-12-31' is outside 1900-01-01..2100-12-31, expected a date in that range",
        3,
    ),
    (
        "year-9999-french-daily",
        "french/FF_daily.csv",
        FRENCH.format(columns="SMB", rows="20260102,0.1\n99991231,0.2"),
        "date '99991231' is outside 1900-01-01..2100-12-31, expected a date in that range",
        5,
    ),
    (
        "year-0001-french-monthly",
        "french/FF.csv",
        FRENCH.format(columns="SMB", rows="000101,0.1\n202601,0.2"),
        "date '000101' is outside 1900-01-01..2100-12-31, expected a date in that range",
        4,
    ),
    (
        "link-to-etc-passwd",
        "prices/X.csv",
        link(lambda tmp: Path("/etc/passwd")),
        "is a link to outside the snapshot; refused",
        None,
    ),
    (
        "link-to-a-file-outside",
        "prices/^RUT.csv",
        link(outside_file),
        "is a link to outside the snapshot; refused",
        None,
    ),
    (
        "relative-link-out",
        "fred/DFF.csv",
        link(outside_file_relative),
        "is a link to outside the snapshot; refused",
        None,
    ),
    (
        "column-[/oops]-french",
        "french/FF.csv",
        FRENCH.format(columns="[/oops],SMB", rows="202601,0.1,0.2"),
        "column name '[/oops]' holds '[', expected only ASCII letters, digits, space "
        "and _-.^=()%/&+",
        3,
    ),
    (
        "series-[/oops]-user",
        "user/eps.csv",
        "date,series,value,unit,source\n2026-01-02,[/oops],1,USD,me\n",
        "series name '[/oops]' holds '[', expected only ASCII letters, digits, space "
        "and _-.^=()%/&+",
        2,
    ),
    (
        "column-[oops]-fred",
        "fred/[oops].csv",
        "observation_date,[oops]\n2026-01-02,1\n",
        "column name '[oops]' holds '[', expected only ASCII letters, digits, space "
        "and _-.^=()%/&+",
        1,
    ),
    (
        "nul-in-a-price",
        "prices/^RUT.csv",
        b"Date,Close\n2026-01-02,1\x00\n",
        "holds a NUL byte, expected plain text",
        2,
    ),
    (
        "nul-in-a-user-source",
        "user/eps.csv",
        b"date,series,value,unit,source\n2026-01-02,eps,1,USD,me\x00\n",
        "holds a NUL byte, expected plain text",
        2,
    ),
    (
        "nul-in-french-preamble",
        "french/FF.csv",
        FRENCH.format(columns="SMB", rows="202601,0.1").replace("notes", "no\x00tes"),
        "holds a NUL byte, expected plain text",
        1,
    ),
    (
        "terminal-escape-in-a-unit",
        "user/eps.csv",
        "date,series,value,unit,source\n2026-01-02,eps,1,\x1b[31mUSD,me\n",
        "holds control character '\\x1b', expected plain text",
        2,
    ),
    (
        "300mb-sparse-file",
        "prices/BIG.csv",
        sparse(300 * 2**20),
        "file is 314,572,800 bytes, expected at most 268,435,456 (256 MiB); refused unread",
        None,
    ),
    (
        "quote-left-open",
        "prices/^RUT.csv",
        'Date,Close\n2026-01-02,"1\n2026-01-05,2"\n',
        "has a quoted field that does not close on its line, expected a closing '\"' "
        "before the line ends",
        2,
    ),
]


def message(rel: str, problem: str, line: int | None) -> str:
    """What ``str(DataError)`` says: ``<rel>[ line <n>]: <problem>``."""
    return f"{rel}{'' if line is None else f' line {line}'}: {problem}"


def fingerprint(top: Path) -> dict[str, tuple]:
    """Every entry under ``top`` (links not followed): kind, size, times and content hash."""
    found = {}
    for folder, dirs, files in os.walk(top):
        for entry in [*dirs, *files]:
            path = Path(folder) / entry
            info = path.lstat()
            if path.is_symlink():
                what = ("link", os.readlink(path))
            elif path.is_file() and info.st_size <= 2**20:
                what = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
            else:  # a folder, or the sparse file (not read: its size and times say enough)
                what = ("other", info.st_size)
            found[str(path.relative_to(top))] = (*what, info.st_mode, info.st_mtime_ns)
    return found


def build(tmp: Path, rel: str, content) -> Path:
    root = tmp / "snap"
    for clean_rel, text in CLEAN.items():
        write(root / clean_rel, text)
    if callable(content):
        content(root / rel, tmp)
    else:
        write(root / rel, content)
    return root


@pytest.mark.parametrize(
    ("rel", "content", "problem", "line"),
    [pytest.param(*case[1:], id=case[0]) for case in HOSTILE],
)
def test_each_hostile_file_is_refused_with_one_line(tmp_path, rel, content, problem, line):
    root = build(tmp_path, rel, content)
    before = fingerprint(tmp_path)
    started = time.perf_counter()
    snap = Snapshot(root)
    assert rel in snap.files
    expected = message(rel, problem, line)

    problems = snap.check()
    assert [str(p) for p in problems] == [expected]
    assert (problems[0].path, problems[0].line) == (rel, line)
    with pytest.raises(DataError) as loaded:
        snap.load(rel)
    with pytest.raises(DataError) as validated:
        snap.validate([*CLEAN, rel, "prices/NOT_THERE.csv"])
    for exc in (loaded.value, validated.value):
        assert str(exc) == expected
        assert "\n" not in str(exc) and len(str(exc)) < 300
        assert "root:x:0" not in str(exc)  # nothing of a file outside is shown
    assert snap.load("prices/IWM.csv").iloc[-1, 0] == 249.0  # the clean file still loads
    assert time.perf_counter() - started < 10  # nothing huge was read
    assert fingerprint(tmp_path) == before


def test_a_layout_folder_linked_outside_is_refused_and_not_looked_into(tmp_path):
    root = build(tmp_path, "fred", link(outside_folder))
    (root / "prices").rename(root / "prices_")  # so that fred/ is the only layout folder...
    with pytest.raises(DataError, match=r"snap/fred: is a link to outside the snapshot; refused$"):
        Snapshot(root)  # ...and its refusal, not "no data file", is what a user reads
    (root / "prices_").rename(root / "prices")
    before = fingerprint(tmp_path)
    snap = Snapshot(root)
    assert snap.files == ["prices/IWM.csv"]  # nothing listed from the folder outside
    assert [str(p) for p in snap.check()] == ["fred: is a link to outside the snapshot; refused"]
    assert snap.has("fred/^RUT.csv")  # present, so that loading it is refused, not skipped
    with pytest.raises(DataError, match=r"^fred: is a link to outside the snapshot; refused$"):
        snap.load("fred/^RUT.csv")
    with pytest.raises(DataError, match=r"^fred: is a link to outside the snapshot; refused$"):
        snap.validate(["fred/^RUT.csv"])
    assert fingerprint(tmp_path) == before


def test_links_inside_the_snapshot_are_followed(tmp_path):
    root = build(tmp_path, "prices/ALIAS.csv", link(lambda tmp: Path("IWM.csv")))
    write(root / "kept" / "fred" / "DGS2.csv", "observation_date,DGS2\n2026-01-02,3.47\n")
    (root / "fred").symlink_to("kept/fred")  # a layout folder linked inside the snapshot
    snap = Snapshot(root)
    assert snap.files == ["fred/DGS2.csv", "prices/ALIAS.csv", "prices/IWM.csv"]
    assert snap.check() == []
    assert snap.series("fred/DGS2.csv").iloc[-1] == 3.47
    assert snap.load("prices/ALIAS.csv").equals(snap.load("prices/IWM.csv"))
    assert snap.load("prices/ALIAS.csv").attrs["symbol"] == "ALIAS"  # the name it is read by


@pytest.mark.parametrize(
    ("rel", "problem"),
    [
        ("../../../../etc/passwd", "is not a data file of the snapshot"),
        ("prices/../../outside/secret.csv", "is not a data file of the snapshot"),
        ("/etc/passwd", "is not a data file of the snapshot"),
        ("prices/..", "file is missing from the snapshot"),
    ],
)
def test_load_refuses_paths_that_leave_the_snapshot(tmp_path, rel, problem):
    root = build(tmp_path, "fred/DGS2.csv", "observation_date,DGS2\n2026-01-02,3.47\n")
    outside_file(tmp_path)
    with pytest.raises(DataError, match=re.escape(problem)) as excinfo:
        Snapshot(root).load(rel)
    assert "root:x:0" not in str(excinfo.value)


def test_a_link_loop_is_refused(tmp_path):
    root = build(tmp_path, "prices/A.csv", link(lambda tmp: Path("B.csv")))
    (root / "prices" / "B.csv").symlink_to("A.csv")
    problems = [str(p) for p in Snapshot(root).check()]
    assert problems == [
        "prices/A.csv: cannot be resolved (a link loop?); refused",
        "prices/B.csv: cannot be resolved (a link loop?); refused",
    ]


def test_validate_skips_missing_files_unless_asked_and_keeps_what_it_parsed(tmp_path):
    root = build(tmp_path, "fred/DGS2.csv", "observation_date,DGS2\n2026-01-02,3.47\n")
    snap = Snapshot(root)
    assert snap.validate(["prices/IWM.csv", "prices/KRE.csv", "fred/DGS2.csv"]) is None
    assert set(snap._frames) == {"prices/IWM.csv", "fred/DGS2.csv"}
    with pytest.raises(DataError, match=r"snap/prices/KRE\.csv: file is missing from the snapshot"):
        snap.validate(["prices/IWM.csv", "prices/KRE.csv"], missing_ok=False)
    assert [str(p) for p in snap.check_files(["prices/KRE.csv"], missing_ok=False)] == [
        f"{root}/prices/KRE.csv: file is missing from the snapshot"
    ]
    assert snap.check_files(snap.files) == []


def test_the_first_problem_in_the_order_given_is_raised(tmp_path):
    root = build(tmp_path, "prices/A.csv", "Date,Close\n9999-12-31,1\n")
    write(root / "prices" / "B.csv", "Date,Close\n2026-01-02,n/a\n")
    snap = Snapshot(root)
    with pytest.raises(DataError, match=r"^prices/B\.csv line 2: Close is 'n/a'"):
        snap.validate(["prices/IWM.csv", "prices/B.csv", "prices/A.csv"])
    assert [p.path for p in snap.check_files(["prices/B.csv", "prices/A.csv"])] == [
        "prices/B.csv",
        "prices/A.csv",
    ]


# ------------------------------------------------------------------------------ manifest
def test_a_manifest_linked_outside_is_refused(tmp_path):
    root = build(tmp_path, "fred/DGS2.csv", "observation_date,DGS2\n2026-01-02,3.47\n")
    write(tmp_path / "outside" / "manifest.json", "{}")
    (root / MANIFEST).symlink_to(tmp_path / "outside" / "manifest.json")
    with pytest.raises(DataError, match=r"^manifest\.json: is a link to outside the snapshot"):
        read_manifest(root)
    assert [str(p) for p in Snapshot(root).check()] == [
        "manifest.json: is a link to outside the snapshot; refused"
    ]


def test_manifest_entries_outside_the_snapshot_are_not_followed(tmp_path):
    root = build(tmp_path, "fred/DGS2.csv", "observation_date,DGS2\n2026-01-02,3.47\n")
    entry = describe_file(root, "fred/DGS2.csv", source="fred", identifier="DGS2")
    iwm = describe_file(root, "prices/IWM.csv", source="yahoo", identifier="IWM")
    files = {
        "fred/DGS2.csv": entry,
        "prices/IWM.csv": iwm,
        "../outside/secret.csv": entry,
        "prices/a\nb.csv": entry,
        "prices/LINK.csv": entry,
    }
    outside_file(tmp_path)
    (root / "prices" / "LINK.csv").symlink_to(tmp_path / "outside" / "secret.csv")
    write_manifest(root, Manifest(created_at="2026-01-03T00:00:00Z", files=files))
    problems = [str(p) for p in Snapshot(root).check()]
    assert problems == [
        "prices/LINK.csv: is a link to outside the snapshot; refused",
        "manifest.json: lists ../outside/secret.csv, expected a data file as <layout>/<name> "
        "with layout one of fred, prices, french, user",
        "manifest.json: lists prices/a\\nb.csv, but the file is missing",
    ]
    assert all("\n" not in p for p in problems)


def test_a_manifest_entry_for_a_huge_file_is_not_hashed(tmp_path):
    root = build(tmp_path, "prices/BIG.csv", sparse(MAX_FILE_BYTES + 1))
    iwm = describe_file(root, "prices/IWM.csv", source="yahoo", identifier="IWM")
    write_manifest(
        root,
        Manifest(
            created_at="2026-01-03T00:00:00Z", files={"prices/IWM.csv": iwm, "prices/BIG.csv": iwm}
        ),
    )
    started = time.perf_counter()
    problems = [str(p) for p in Snapshot(root).check()]
    assert problems == [
        "prices/BIG.csv: file is 268,435,457 bytes, expected at most 268,435,456 (256 MiB); "
        "refused unread"
    ]
    assert time.perf_counter() - started < 5


# ------------------------------------------------------------------------ workbook snapshot check
def test_snapshot_check_on_a_hostile_folder_prints_one_line_per_problem(tmp_path):
    root = tmp_path / "snap"
    for clean_rel, text in CLEAN.items():
        write(root / clean_rel, text)
    expected = {}
    for i, (_, rel, content, problem, line) in enumerate(HOSTILE):
        if not rel.startswith("fred/"):  # a FRED file's name must match its column
            rel = rel.replace(".csv", f"_{i}.csv")
        if callable(content):
            content(root / rel, tmp_path)
        else:
            write(root / rel, content)
        expected[rel] = f"{root}/{message(rel, problem, line)}"
    (root / "french_").mkdir()
    link(outside_folder)(root / "french_" / "x", tmp_path)  # not a layout folder: not read
    before = fingerprint(tmp_path)

    result = CliRunner().invoke(main, ["snapshot", "check", str(root)])

    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout.splitlines() == [expected[rel] for rel in sorted(expected)]
    assert result.stderr.splitlines() == [
        f"{len(expected)} problem(s) in {len(expected) + len(CLEAN)} file(s)"
    ]
    assert fingerprint(tmp_path) == before


def test_snapshot_check_when_the_only_layout_folder_is_linked_outside(tmp_path):
    root = tmp_path / "snap"
    root.mkdir()
    link(outside_folder)(root / "prices", tmp_path)
    before = fingerprint(tmp_path)
    result = CliRunner().invoke(main, ["snapshot", "check", str(root)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"workbook: {root}/prices: is a link to outside the snapshot; refused\n"
    assert fingerprint(tmp_path) == before


@pytest.mark.parametrize("what", ["huge", "folder", "not-utf8"])
def test_a_hostile_manifest_is_one_problem(tmp_path, what):
    root = build(tmp_path, "fred/DGS2.csv", "observation_date,DGS2\n2026-01-02,3.47\n")
    if what == "huge":
        sparse(17 * 2**20)(root / MANIFEST, tmp_path)
        expected = (
            "manifest.json: file is 17,825,792 bytes, expected at most 16,777,216 (16 MiB); "
            "refused unread"
        )
    elif what == "folder":
        (root / MANIFEST).mkdir()
        expected = "manifest.json: is a folder, not a file; refused"
    else:
        write(root / MANIFEST, b'{"created_at": "\xff"}')
        expected = "manifest.json: is not UTF-8 text (byte 16), expected a JSON file"
    before = fingerprint(tmp_path)
    assert [str(p) for p in Snapshot(root).check()] == [expected]
    assert fingerprint(tmp_path) == before
