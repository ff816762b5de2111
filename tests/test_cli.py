"""The command line: `workbook snapshot check` and `workbook claims` (exit codes, one-line errors).

`snapshot check` must never write: every test of it compares the folder's paths, bytes and
modification times before and after the command.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis import paths
from analysis.claims import load_claims
from analysis.cli import main
from analysis.snapshot.manifest import Manifest, describe_file, write_manifest
from tests.conftest import PROJECT

CLEAN = {
    "prices/^RUT.csv": "Date,Open,High,Low,Close\n2026-01-02,2491.82,2509.72,2481.59,2508.22\n",
    "prices/IWM.csv": "\ufeffDate,Adj Close\r\n2025-12-31,246.10\r\n2026-01-02,249.00\r\n",
    "fred/DFEDTARU.csv": "DATE,DFEDTARU\n2025-12-31,3.75\n2026-01-01,.\n2026-01-02,3.75\n",
    "french/FF.CSV": "notes\r\n\r\n,SMB\r\n202512,-1.06\r\n\r\n"
    " Annual Factors: January-December \r\n,SMB\r\n  2025,   -4.00\r\n\r\n"
    "Copyright 2026 Eugene F. Fama and Kenneth R. French\r\n",
    "user/eps.csv": "date,series,value,unit,source\n2025-12-31,sp500_eps_ttm,250.1,USD,FactSet\n",
}
BAD = {
    **CLEAN,
    "prices/^RUT.csv": "Date,Open,High,Low,Close\n2026-01-02,2491.82,2509.72,2481.59,0\n",
    "fred/DFEDTARU.csv": "observation_date,DFEDTARL\n2025-12-31,3.75\n",
    "fred/DGS2.csv": "<!DOCTYPE html><html><body>Too many requests</body></html>\n",
    "user/eps.csv": "date,series,value,source\n2025-12-31,sp500_eps_ttm,250.1,FactSet\n",
}
BAD_LINES = [
    "fred/DFEDTARU.csv line 1: header names series 'DFEDTARL', expected 'DFEDTARU' "
    "(the file's name)",
    "fred/DGS2.csv: is an HTML page saved as CSV (an error or login page?), expected CSV",
    "prices/^RUT.csv line 2: Close is 0, expected a positive price",
    "user/eps.csv line 1: missing column 'unit', expected columns date,series,value,unit,source",
]


def make(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(text.encode())
    return root


def state(root: Path) -> dict[str, tuple]:
    """Every path under ``root`` with its bytes and modification time (None for folders)."""
    return {
        str(p.relative_to(root)): (None, None)
        if p.is_dir()
        else (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
    }


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


# ------------------------------------------------------------------------- snapshot check
def test_clean_folder_exits_0_and_writes_nothing(tmp_path):
    root = make(tmp_path / "snap", CLEAN)
    before = state(root)
    result = run("snapshot", "check", root)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"ok: {root} (market data, 5 files, no manifest.json)\n"
    assert result.stderr == ""
    assert state(root) == before


def test_clean_folder_with_manifest(tmp_path):
    root = make(tmp_path / "snap", CLEAN)
    files = {rel: describe_file(root, rel, source="test", identifier=rel) for rel in CLEAN}
    created = datetime(2026, 1, 3, 12, 0, tzinfo=UTC)
    write_manifest(root, Manifest(created_at=created, synthetic=True, files=files))
    before = state(root)
    result = run("snapshot", "check", root)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"ok: {root} (synthetic demo data, 5 files, written 2026-01-03 12:00 UTC)\n"
    )
    assert state(root) == before


def test_bad_folder_exits_2_with_one_line_per_problem_and_writes_nothing(tmp_path):
    root = make(tmp_path / "snap", BAD)
    before = state(root)
    result = run("snapshot", "check", root)
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [f"{root}/{line}" for line in BAD_LINES]
    assert one_line(result.stderr) == "4 problem(s) in 6 file(s)"
    assert state(root) == before


def test_a_changed_file_fails_its_manifest_checksum(tmp_path):
    root = make(tmp_path / "snap", CLEAN)
    files = {rel: describe_file(root, rel, source="test", identifier=rel) for rel in CLEAN}
    write_manifest(root, Manifest(created_at=datetime(2026, 1, 3, tzinfo=UTC), files=files))
    path = root / "fred" / "DFEDTARU.csv"
    path.write_bytes(path.read_bytes().replace(b"3.75\n2026-01-01", b"3.50\n2026-01-01"))
    before = state(root)
    result = run("snapshot", "check", root)
    assert result.exit_code == 2
    assert re.fullmatch(
        re.escape(f"{root}/manifest.json: sha256 of fred/DFEDTARU.csv is ")
        + r"[0-9a-f]{12}\.\.\., but the file's is [0-9a-f]{12}\.\.\. "
        r"\(the file changed after the snapshot was written\)",
        one_line(result.stdout),
    )
    assert state(root) == before


def test_missing_folder_exits_2_with_one_line(tmp_path):
    result = run("snapshot", "check", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert one_line(result.stderr) == (
        f"workbook: {tmp_path / 'nowhere'}: snapshot folder does not exist"
    )
    assert not (tmp_path / "nowhere").exists()


def test_empty_folder_exits_2_with_one_line_and_stays_empty(tmp_path):
    root = tmp_path / "empty"
    root.mkdir()
    result = run("snapshot", "check", root)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert one_line(result.stderr) == (
        f"workbook: {root}: snapshot folder holds no data file, expected CSV files under "
        "fred/, prices/, french/, user/"
    )
    assert list(root.iterdir()) == []


def test_installed_command_exit_status(tmp_path):
    exe = PROJECT / ".venv" / "bin" / "workbook"
    if not exe.is_file():
        pytest.skip(f"the installed console script is not at {exe} (pip install -e . first)")
    root = make(tmp_path / "snap", BAD)
    before = state(root)
    proc = subprocess.run(
        [str(exe), "snapshot", "check", str(root)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout.splitlines() == [f"{root}/{line}" for line in BAD_LINES]
    assert one_line(proc.stderr) == "4 problem(s) in 6 file(s)"
    assert state(root) == before


@pytest.mark.real_data
def test_the_real_snapshot_checks_clean_and_is_not_touched(real_dir):
    before = state(real_dir)
    result = run("snapshot", "check", real_dir)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"ok: {real_dir} (market data, 32 files, no manifest.json)\n"
    assert state(real_dir) == before


# ------------------------------------------------------------------------------- claims
IDS = [
    "rut_close_2026_01_02",
    "rut_surge_12pct_late_december",
    "rut_record_high_2595_98",
    "fed_funds_range_350_375",
    "fed_three_consecutive_cuts_2025",
    "terminal_rate_near_3pct_mid2026",
    "smallcaps_beat_megacap_tech_yearend",
    "rut_beat_nasdaq_600bp_month",
    "sector_leaders_banks_biotech_manufacturing",
    "smallcaps_lead_2026",
    "valuation_15x_vs_22x",
    "smallcaps_historically_cheap",
    "earnings_growth_17_22_vs_14_15",
    "earnings_convergence",
    "floating_rate_relief",
    "rising_yields_headwind",
    "dollar_insensitivity",
    "record_smallcap_etf_inflows",
    "biotech_mna_activity",
    "ta125_historic_high",
    "ta_sme60_record_high",
    "ta_banks5_momentum",
    "ta_realestate_driver",
]


def rows(stdout: str) -> dict[str, str]:
    """The table's rows by claim id (the first line of each row)."""
    out = {}
    for line in stdout.splitlines():
        cells = [c.strip() for c in line.strip("│ ").split("│")]
        if cells and re.fullmatch(r"[a-z][a-z0-9_]*", cells[0]) and cells[0] not in out:
            out[cells[0]] = line
    return out


def test_claims_lists_the_23_ids_in_order():
    result = run("claims")
    assert result.exit_code == 0, result.output
    assert "(23 claims, as of 2026-01-02)" in result.stdout
    listed = [i for i in rows(result.stdout) if i in IDS]
    assert listed == IDS


@pytest.mark.real_data
def test_claims_against_the_real_snapshot_names_the_missing_files(real_dir):
    result = run("claims", "--snapshot", real_dir)
    assert result.exit_code == 0, result.output
    table = rows(result.stdout)
    assert list(table) == IDS
    assert "missing user/forward_pe.csv" in table["valuation_15x_vs_22x"]
    assert "missing user/eps.csv" in table["earnings_convergence"]
    assert "missing prices/^TA125.TA.csv" in table["ta125_historic_high"]
    for present in (
        "rut_close_2026_01_02",
        "fed_funds_range_350_375",
        "floating_rate_relief",
        "sector_leaders_banks_biotech_manufacturing",  # KRE, XBI and XLI arrived in 2026-11
    ):
        assert table[present].rstrip(" │").endswith("yes"), table[present]


def test_a_bad_claims_file_exits_2_with_one_line(tmp_path):
    shipped = (PROJECT / "data" / "claims" / "russell2000_2026.yaml").read_text()
    bad = tmp_path / "claims.yaml"
    bad.write_text(
        shipped.replace("- id: rut_surge_12pct_late_december", "- id: rut_close_2026_01_02")
    )
    result = run("claims", "--claims", bad)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert one_line(result.stderr) == (
        f"workbook: {bad} claim rut_close_2026_01_02: duplicate id, expected every id once"
    )


def test_claims_with_a_missing_snapshot_exits_2(tmp_path):
    result = run("claims", "--snapshot", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert one_line(result.stderr).endswith("nowhere: snapshot folder does not exist")


def test_claims_warns_of_what_a_run_would_do(tmp_path):
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        "article: {id: other_article, title: T, as_of: 2026-01-02}\n"
        "claims:\n"
        "  - {id: c, theme: index_levels, text: t, kind: level, data: [prices/NOPE.csv],\n"
        "     params: {series: prices/NOPE.csv, date: 2026-01-02,\n"
        "              compare: {op: up}}}\n"
    )
    result = run("claims", "--claims", claims, "--snapshot", PROJECT / "data" / "demo")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        # another article reusing a shipped theme name gets the generic notebook
        "note: theme index_levels: runs through the generic notebooks/claims.ipynb",
        "note: claim c: needs_data until the snapshot has prices/NOPE.csv",
    ]


def test_the_command_keeps_jsonschema_from_compiling_the_iri_grammar_and_still_validates():
    """``rfc3987_syntax`` (jsonschema's iri checker) compiles its grammar at import: about 1 s
    of every run's start. The command line marks it absent; nbformat still validates."""
    code = (
        "import sys\n"
        "from analysis.cli import main\n"
        "main(['claims'], prog_name='workbook', standalone_mode=False)\n"
        "import nbformat, nbformat.v4\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
        "nbformat.validate(nb)\n"
        "del nb.cells[0]['source']\n"
        "try:\n"
        "    nbformat.validate(nb)\n"
        "except nbformat.ValidationError:\n"
        "    print('refused', end=' ')\n"
        "print(sys.modules.get('rfc3987_syntax', 'absent'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=PROJECT, check=True)  # fmt: skip
    assert done.stdout.strip().endswith("refused None")


def test_the_command_keeps_its_exit_status_and_writes_its_output_whole(tmp_path):
    """``python -m analysis`` (as the ``workbook`` script) freezes the objects on the way out
    (:func:`analysis.cli.entry`): the exit status and the files are the command's own."""
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "check", "--snapshot", "data/demo",
         "--json", str(tmp_path / "check.json")],
        capture_output=True, text=True, cwd=PROJECT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith(f"results: {tmp_path / 'check.json'}")
    claims = load_claims(paths.DEFAULT_CLAIMS).claims
    assert [c["id"] for c in json.loads((tmp_path / "check.json").read_text())["claims"]] == [
        c.id for c in claims
    ]
    missing = tmp_path / "nowhere"
    done = subprocess.run([sys.executable, "-m", "analysis", "check", "--snapshot", str(missing)],
                          capture_output=True, text=True, cwd=PROJECT)  # fmt: skip
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"workbook: {missing}: snapshot folder does not exist\n"
