"""Reuse fingerprints (analysis.run.reuse): the code digest covers the whole package."""

from __future__ import annotations

import shutil

from analysis import paths
from analysis.run.reuse import code_digest


def test_the_code_digest_covers_every_stage_and_the_package_data(tmp_path, monkeypatch):
    copy = tmp_path / "analysis"
    shutil.copytree(paths.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(paths, "PACKAGE", copy)
    monkeypatch.setattr(paths, "RESOURCES", copy / "resources")
    seen = {code_digest()}
    for rel in ("stats/windows.py", "kinds/window_move.py", "report/plots.py", "cli.py",
                "resources/fomc_meetings.csv"):  # fmt: skip
        with (copy / rel).open("a", encoding="utf-8") as fh:
            fh.write("\n# changed\n")
        seen.add(code_digest())
    assert len(seen) == 6  # every change moved the digest
    (copy / "stats" / "__pycache__").mkdir(exist_ok=True)
    (copy / "stats" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    assert code_digest() in seen  # compiled files are not code changes
