"""A new article needs a claims file, not code: the guide's example file, with theme names of its
own (one, ``levels``, unlike any notebook; others like none), runs through ``workbook run`` on
the generic notebook and agrees with ``workbook check``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from analysis.cli import main
from tests.conftest import PROJECT

pytestmark = [pytest.mark.slow, pytest.mark.notebook]


def test_the_guide_example_runs_end_to_end_without_new_code(tmp_path, real_dir):
    guide = (PROJECT / "docs" / "writing-claims.md").read_text(encoding="utf-8")
    block = guide.split("## A file that runs")[1].split("```yaml\n")[1].split("```")[0]
    claims = tmp_path / "guide.yaml"
    claims.write_text(block, encoding="utf-8")
    out = tmp_path / "report"
    run = CliRunner().invoke(main, ["run", "--snapshot", str(real_dir), "--claims", str(claims),
                                    "--out", str(out), "--jobs", "2"])  # fmt: skip
    assert run.exit_code == 0, run.output
    args = ["check", "--snapshot", str(real_dir), "--claims", str(claims)]
    check = CliRunner().invoke(main, [*args, "--json", str(tmp_path / "check.json")])
    assert check.exit_code == 0, check.output
    ran = json.loads((out / "results.json").read_text())
    checked = json.loads((tmp_path / "check.json").read_text())
    assert [(c["id"], c["verdict"], c["summary"]) for c in ran["claims"]] == [
        (c["id"], c["verdict"], c["summary"]) for c in checked["claims"]
    ]
    assert {nb["notebook"].rsplit("/", 1)[-1] for nb in ran["run"]["notebooks"]} == {"claims.ipynb"}
    assert all(c["verdict"] != "error" for c in ran["claims"])
    for theme in {c["theme"] for c in ran["claims"]}:
        page = (out / f"{theme}.html").read_text(encoding="utf-8")
        assert all(f'<a id="{c["id"]}">' in page for c in ran["claims"] if c["theme"] == theme)
