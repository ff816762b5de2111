"""``workbook run`` (analysis.run.runner, analysis.run_command) and the HTML export (htmlexport).

The runner tests execute the tiny fixture notebooks of tests/notebooks/ (``claims.ipynb``, the
generic one; ``boom.ipynb``, which fails on purpose) on a toy snapshot of three files, so each
kernel has little to compute; the HTML export tests build notebooks in memory, without a kernel.
"""

from __future__ import annotations

import base64
import json
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import click
import nbformat
import psutil
import pytest
from click.testing import CliRunner
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis import paths
from analysis.checks import Context, evaluate_all
from analysis.claims import load_claims
from analysis.cli import main
from analysis.errors import ParameterError, RunError
from analysis.report import htmlexport
from analysis.report.htmlexport import ExportError, external_references, notebook_to_html
from analysis.run import run_all
from analysis.run.parameters import CONTRACT, read_parameters
from analysis.snapshot import Snapshot
from analysis.system import process_alive

FIXTURES = Path(__file__).resolve().parent / "notebooks"
# a 1x1 PNG (red pixel), the smallest image an output can carry
PIXEL = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5Er"
    "kJggg=="
)

CLAIMS = """\
article: {id: toy, title: "A toy article", as_of: 2026-01-02}
claims:
  - id: toy_close
    theme: levels
    text: "The index closed at 2,508.22"
    kind: level_on_date
    data: [prices/^RUT.csv]
    params: {series: prices/^RUT.csv, date: 2026-01-02, stated: 2508.22, tolerance: 0.005}
  - id: toy_close_wrong
    theme: levels
    text: "The index closed at 2,600"
    kind: level_on_date
    data: [prices/^RUT.csv]
    params: {series: prices/^RUT.csv, date: 2026-01-02, stated: 2600, tolerance: 0.005}
  - id: toy_range
    theme: policy
    text: "The target range is 3.50%-3.75%"
    kind: target_range
    data: [fred/DFEDTARL.csv, fred/DFEDTARU.csv]
    params: {lower: fred/DFEDTARL.csv, upper: fred/DFEDTARU.csv, date: 2026-01-02,
             stated_lower: 3.5, stated_upper: 3.75}
"""
BOOM = """\
  - id: toy_boom
    theme: boom
    text: "A claim whose notebook fails"
    kind: level_on_date
    data: [prices/^RUT.csv]
    params: {series: prices/^RUT.csv, date: 2026-01-02, stated: 2508.22, tolerance: 0.005}
"""


def make_snapshot(root: Path) -> Path:
    """Three files in the providers' layouts: ^RUT closes and the FOMC target range."""
    (root / "prices").mkdir(parents=True)
    (root / "fred").mkdir()
    closes = [("2025-12-29", 2520.0), ("2025-12-30", 2510.5), ("2025-12-31", 2481.91),
              ("2026-01-02", 2508.22)]  # fmt: skip
    (root / "prices" / "^RUT.csv").write_text(
        "Date,Close\n" + "".join(f"{d},{c}\n" for d, c in closes)
    )
    days = ["2025-12-10", "2025-12-11", "2025-12-31", "2026-01-02"]
    for series, values in {
        "DFEDTARL": [3.75, 3.5, 3.5, 3.5],
        "DFEDTARU": [4.0, 3.75, 3.75, 3.75],
    }.items():
        rows = "".join(f"{d},{v}\n" for d, v in zip(days, values, strict=True))
        (root / "fred" / f"{series}.csv").write_text(f"observation_date,{series}\n{rows}")
    return root


@pytest.fixture
def toy(tmp_path) -> dict[str, Path]:
    claims = tmp_path / "claims.yaml"
    claims.write_text(CLAIMS)
    return {"snapshot": make_snapshot(tmp_path / "snap"), "claims": claims, "tmp": tmp_path}


def cli() -> click.Group:
    """The workbook's main group, which holds ``run``."""
    return main


def invoke(*args: str):
    return CliRunner().invoke(cli(), ["run", *args], catch_exceptions=False)


# ------------------------------------------------------------------ parameters, refused runs


def test_parameters_are_read_from_the_tagged_cell():
    declared = read_parameters(FIXTURES / "claims.ipynb")
    assert tuple(declared) == CONTRACT
    assert declared["as_of"].annotation == "str | None"
    assert declared["alpha"].default == 0.05
    assert declared["as_of"].accepts(None) and declared["as_of"].accepts("2026-01-02")
    assert not declared["as_of"].accepts(5)
    assert declared["alpha"].accepts(1) and not declared["alpha"].accepts(True)
    assert not declared["snapshot"].accepts(None)


def test_a_notebook_without_a_parameters_cell_is_refused(tmp_path):
    nb = new_notebook(cells=[new_code_cell("x = 1")])
    nbformat.write(nb, tmp_path / "x.ipynb")
    with pytest.raises(ParameterError, match="no code cell tagged 'parameters'"):
        read_parameters(tmp_path / "x.ipynb")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "extra=1"], "unknown parameter 'extra'"),
        (["-p", "alpha=0.1"], "parameter 'alpha' is set by the run itself"),
        (["--only", "nowhere"], "unknown theme 'nowhere', expected one of levels, policy"),
    ],
)
def test_refused_arguments_exit_2_before_anything_runs(toy, args, message):
    out = toy["tmp"] / "report"
    before = set(toy["tmp"].iterdir())
    result = invoke("--snapshot", str(toy["snapshot"]), "--claims", str(toy["claims"]),
                    "--notebooks", str(FIXTURES), "--out", str(out), *args)  # fmt: skip
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert result.output.startswith("workbook: ")
    assert pytest.importorskip("re").search(message, result.output)
    assert set(toy["tmp"].iterdir()) == before  # no report folder, no temporary one


def test_a_value_of_the_wrong_type_exits_2(toy):
    notebooks = toy["tmp"] / "notebooks"
    shutil.copytree(FIXTURES, notebooks)
    nb = nbformat.read(notebooks / "claims.ipynb", as_version=4)
    nb.cells[1].source += "\nwindow: int = 5"
    nbformat.write(nb, notebooks / "claims.ipynb")
    out = toy["tmp"] / "report"
    args = ["--snapshot", str(toy["snapshot"]), "--claims", str(toy["claims"]),
            "--notebooks", str(notebooks), "--out", str(out)]  # fmt: skip
    result = invoke(*args, "-p", "window=five")
    assert result.exit_code == 2
    assert "parameter 'window' must be int, but 'five' (str) was passed" in result.output
    assert not out.exists()
    result = invoke(*args, "-p", "window=2.5")
    assert "parameter 'window' must be int, but 2.5 (float) was passed" in result.output


def test_a_parameters_cell_with_the_wrong_type_is_refused(toy):
    notebooks = toy["tmp"] / "notebooks"
    shutil.copytree(FIXTURES, notebooks)
    nb = nbformat.read(notebooks / "claims.ipynb", as_version=4)
    nb.cells[1].source = nb.cells[1].source.replace("alpha: float = 0.05", "alpha: int = 1")
    nb.metadata["workbook"] = {"article": "toy"}  # written for the toy article
    nbformat.write(nb, notebooks / "levels.ipynb")
    with pytest.raises(ParameterError, match=r"levels.ipynb: parameter 'alpha' must be int"):
        run_all(toy["snapshot"], claims=toy["claims"], notebooks_dir=notebooks,
                out=toy["tmp"] / "report")  # fmt: skip
    assert not (toy["tmp"] / "report").exists()


def test_a_missing_snapshot_or_a_foreign_out_folder_exits_2(toy):
    result = invoke("--snapshot", str(toy["tmp"] / "nowhere"), "--claims", str(toy["claims"]),
                    "--notebooks", str(FIXTURES), "--out", str(toy["tmp"] / "report"))  # fmt: skip
    assert result.exit_code == 2
    assert "snapshot folder does not exist" in result.output
    foreign = toy["tmp"] / "mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("precious")
    with pytest.raises(RunError, match="not a workbook report"):
        run_all(toy["snapshot"], claims=toy["claims"], notebooks_dir=FIXTURES, out=foreign)
    assert (foreign / "thesis.tex").read_text() == "precious"


def test_themes_after_only_and_the_exclusive_options():
    result = CliRunner().invoke(cli(), ["run", "stray"])
    assert result.exit_code == 2 and "themes go after --only" in result.output
    result = CliRunner().invoke(cli(), ["run", "--fresh", "--snapshot", "x"])
    assert result.exit_code == 2 and "exclude each other" in result.output


# ------------------------------------------------------------------ runs that execute kernels


def _window(nb_path: Path) -> tuple[datetime, datetime]:
    meta = nbformat.read(nb_path, as_version=4).metadata.papermill
    return datetime.fromisoformat(meta.start_time), datetime.fromisoformat(meta.end_time)


def pausing_notebooks(folder: Path, seconds: float) -> Path:
    """The generic fixture notebook, waiting ``seconds`` after its parameters: two of them run
    at once overlap whatever the kernels' start-up costs."""
    folder.mkdir()
    nb = nbformat.read(FIXTURES / "claims.ipynb", as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell(f"import time\ntime.sleep({seconds})"))
    nbformat.write(nb, folder / "claims.ipynb")
    return folder


@pytest.mark.slow
@pytest.mark.notebook
def test_two_kernels_run_in_parallel_and_agree_with_check(toy):
    out = toy["tmp"] / "report"
    notebooks = pausing_notebooks(toy["tmp"] / "notebooks", 1.5)
    summary = run_all(toy["snapshot"], claims=toy["claims"], notebooks_dir=notebooks, out=out,
                      jobs=2, progress=False)  # fmt: skip
    assert [(t.theme, t.status) for t in summary.themes] == [("levels", "ok"), ("policy", "ok")]
    (a0, a1), (b0, b1) = _window(out / "levels.ipynb"), _window(out / "policy.ipynb")
    assert a0 < b1 and b0 < a1  # the two kernels ran at the same time
    doc = json.loads((out / "results.json").read_text())
    expected = evaluate_all(load_claims(toy["claims"]), Snapshot(toy["snapshot"]), Context())
    assert [(c["id"], c["verdict"], c["summary"]) for c in doc["claims"]] == [
        (r.id, r.verdict, r.summary) for r in expected
    ]
    assert [c["verdict"] for c in doc["claims"]] == ["supported", "contradicted", "supported"]
    page = (out / "levels.html").read_text()
    assert 'id="toy_close"' in page and "data:image/png;base64," in page
    assert external_references(page) == []
    assert summary.index.is_file() and summary.results.is_file()
    assert not [p for p in toy["tmp"].iterdir() if p.name.startswith(".report")]


@pytest.mark.slow
@pytest.mark.notebook
def test_a_notebook_that_times_out_has_its_page_up_to_the_cell_that_did(toy, monkeypatch):
    """The executed notebook is written as it ends, however it ends, not at every cell's start
    and end: a cell past its timeout still leaves the notebook, written up to that cell, and
    its page says why it failed."""
    import papermill.engines

    notebooks = pausing_notebooks(toy["tmp"] / "notebooks", 60)
    monkeypatch.setattr("analysis.run.execute.CELL_TIMEOUT", 2)
    written, write = [], papermill.engines.write_ipynb

    def counted(nb, path, **kwargs):
        written.append(Path(path).name)
        return write(nb, path, **kwargs)

    monkeypatch.setattr(papermill.engines, "write_ipynb", counted)
    out = toy["tmp"] / "report"
    summary = run_all(toy["snapshot"], claims=toy["claims"], notebooks_dir=notebooks, out=out,
                      jobs=2, progress=False)  # fmt: skip
    assert [(t.theme, t.status) for t in summary.themes] == [("levels", "failed"),
                                                            ("policy", "failed")]  # fmt: skip
    assert all("CellTimeoutError" in t.error for t in summary.themes)
    executed = nbformat.read(out / "levels.ipynb", as_version=4)
    assert "time.sleep(60)" in executed.cells[3].source  # the cell that timed out
    assert executed.cells[1].metadata.papermill.status == "completed"  # the ones before ran
    page = (out / "levels.html").read_text()
    assert "THIS NOTEBOOK FAILED: CellTimeoutError" in page
    # papermill's bookkeeping wrote each notebook as it started and as it ended: not the
    # two writes per cell it does by itself (the final notebook is papermill's own write)
    assert sorted(written) == ["levels.ipynb", "levels.ipynb", "policy.ipynb", "policy.ipynb"]


def paused_run(toy, workbook: list[str], **popen) -> tuple[subprocess.Popen, list[str], Path]:
    """A ``workbook run`` (``workbook``: how the command is started) of notebooks that pause a
    minute, one at a time, into its first notebook's pause: the process, the lines it printed
    so far (standard output and error), its report folder."""
    notebooks = pausing_notebooks(toy["tmp"] / "notebooks", 60)
    out = toy["tmp"] / "report"
    proc = subprocess.Popen(
        [*workbook, "run", "--snapshot", str(toy["snapshot"]), "--claims", str(toy["claims"]),
         "--notebooks", str(notebooks), "--out", str(out), "--notes", str(toy["tmp"]),
         "--jobs", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **popen,
    )  # fmt: skip
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line.strip())
            if line.startswith("[start]"):
                break
        time.sleep(2)  # into the notebook's pause
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return proc, lines, out


@pytest.mark.slow
@pytest.mark.notebook
def test_ctrl_c_stops_the_notebook_running_and_starts_no_other(toy):
    """Ctrl-C while a notebook runs: its kernel is killed, the next notebook never starts, the
    command ends at once (before, every notebook queued still ran to its end) and leaves no
    report, no staging folder and no kernel behind."""
    proc, lines, out = paused_run(toy, [sys.executable, "-m", "analysis"], cwd=paths.PROJECT_ROOT)
    try:
        kernels = _kernel_pids(proc.pid)
        stopped = time.monotonic()
        proc.send_signal(signal.SIGINT)
        lines += proc.communicate(timeout=30)[0].splitlines()
    finally:
        proc.kill()
    assert proc.wait() == 1
    assert time.monotonic() - stopped < 15  # not the 60 s pause, nor the next notebook's
    assert [line for line in lines if line.startswith("[start]")] == ["[start] levels"]
    assert "Aborted!" in lines
    assert not out.exists() and not [p for p in toy["tmp"].iterdir() if ".report" in p.name]
    assert kernels and not [pid for pid in kernels if process_alive(pid)]


def _kernel_pids(runner: int) -> list[int]:
    """The kernel processes forked from the runner's template process."""
    templates = [
        p for p in psutil.Process(runner).children() if "analysis.run.template" in p.cmdline()
    ]
    return [kernel.pid for template in templates for kernel in template.children()]


def _no_template(self, *args):
    from analysis.run.kernels import KernelError

    raise KernelError("no template process in these tests")


@pytest.fixture
def fake_kernel(monkeypatch):
    """Replace the notebook execution by a quick stand-in; return the themes it ran, per run."""
    calls: list[str] = []

    def execute(job, show_code, page):
        calls.append(job.theme)
        stage = job.stage
        params = job.parameters
        registry = load_claims(params["claims"])
        results = evaluate_all(registry, Snapshot(params["snapshot"]), Context())
        claims = [r.to_dict() for r in results if r.theme == job.theme]
        Path(params["results_path"]).write_text(json.dumps({"theme": job.theme, "claims": claims}))
        nbformat.write(new_notebook(), stage / f"{job.theme}.ipynb")
        (stage / f"{job.theme}.html").write_text(f"<html>{job.theme} {show_code}</html>")
        return None, 0.01

    monkeypatch.setattr("analysis.run.execute._execute", execute)
    monkeypatch.setattr("analysis.run.reuse.code_digest", lambda: "code v1")
    monkeypatch.setattr("analysis.run.kernels.Zygote.start", lambda self: None)  # no kernel
    monkeypatch.setattr("analysis.run.kernels.Zygote.prime", _no_template)  # evaluated here

    def ran() -> list[str]:
        done = sorted(calls)
        calls.clear()
        return done

    return ran


def test_unchanged_inputs_are_reused_and_any_change_reruns(toy, fake_kernel, monkeypatch):
    notebooks = toy["tmp"] / "notebooks"
    shutil.copytree(FIXTURES, notebooks)
    out = toy["tmp"] / "report"
    kw = {"claims": toy["claims"], "notebooks_dir": notebooks, "out": out, "progress": False}

    def run(**extra):
        summary = run_all(toy["snapshot"], **{**kw, **extra})
        return {t.theme: t.status for t in summary.themes}

    assert run() == {"levels": "ok", "policy": "ok"} and fake_kernel() == ["levels", "policy"]
    first = json.loads((out / "results.json").read_text())["claims"]
    assert run() == {"levels": "reused", "policy": "reused"} and fake_kernel() == []
    assert json.loads((out / "results.json").read_text())["claims"] == first
    assert run(alpha=0.01) == {"levels": "ok", "policy": "ok"}  # a parameter
    assert fake_kernel() == ["levels", "policy"]
    assert run(alpha=0.01) == {"levels": "reused", "policy": "reused"}
    prices = toy["snapshot"] / "prices" / "^RUT.csv"  # the snapshot
    prices.write_text(prices.read_text().replace("2520.0", "2519.0"))
    run(alpha=0.01)
    assert fake_kernel() == ["levels", "policy"]
    nb = nbformat.read(notebooks / "claims.ipynb", as_version=4)  # the notebook
    nb.cells[0].source += "\n\nEdited."
    nbformat.write(nb, notebooks / "claims.ipynb")
    run(alpha=0.01)
    assert fake_kernel() == ["levels", "policy"]
    monkeypatch.setattr("analysis.run.reuse.code_digest", lambda: "code v2")  # the package
    run(alpha=0.01)
    assert fake_kernel() == ["levels", "policy"]
    run(alpha=0.01, show_code=True)  # the pages' form
    assert fake_kernel() == ["levels", "policy"]
    (out / "levels.html").unlink()  # a missing output
    assert run(alpha=0.01, show_code=True) == {"levels": "ok", "policy": "reused"}
    assert fake_kernel() == ["levels"]
    assert run(alpha=0.01, show_code=True, force=True) == {"levels": "ok", "policy": "ok"}
    assert fake_kernel() == ["levels", "policy"]
    assert run(alpha=0.01, show_code=True, only=["policy"]) == {"policy": "reused"}
    assert not (out / "levels.html").exists()  # the report holds the run's themes only
    assert not [p for p in toy["tmp"].iterdir() if p.name.startswith(".report")]


def test_a_rerun_with_nothing_changed_says_so_and_keeps_the_report(toy, fake_kernel):
    out = toy["tmp"] / "report"
    args = ["--snapshot", str(toy["snapshot"]), "--claims", str(toy["claims"]), "--notebooks",
            str(FIXTURES), "--out", str(out), "--notes", str(toy["tmp"])]  # fmt: skip
    first = invoke(*args)
    assert first.exit_code == 0, first.output
    assert fake_kernel() == ["levels", "policy"]
    index = (out / "index.html").read_bytes()
    again = invoke(*args)
    assert again.exit_code == 0, again.output
    assert "nothing changed since the last run" in again.output
    assert [line.split()[:2] for line in again.output.splitlines() if "reused" in line] == [
        ["levels", "reused"], ["policy", "reused"]
    ]  # fmt: skip
    assert f"index: {out / 'index.html'}" in again.output
    assert fake_kernel() == [] and (out / "index.html").read_bytes() == index
    forced = invoke(*args, "--force")
    assert forced.exit_code == 0 and fake_kernel() == ["levels", "policy"]


def test_a_notebook_that_records_nothing_fails_its_claims(toy, monkeypatch):
    def execute(job, show_code, page):
        nbformat.write(new_notebook(), job.stage / f"{job.theme}.ipynb")
        if job.theme == "policy":
            return "notebook failed: it ran but wrote no results to results_path", 0.0
        Path(job.parameters["results_path"]).write_text('{"theme": "levels", "claims": []}')
        return None, 0.0

    monkeypatch.setattr("analysis.run.execute._execute", execute)
    out = toy["tmp"] / "report"
    summary = run_all(toy["snapshot"], claims=toy["claims"], notebooks_dir=FIXTURES, out=out,
                      progress=False)  # fmt: skip
    assert [t.theme for t in summary.failed] == ["policy"]
    doc = json.loads((out / "results.json").read_text())
    assert {c["id"]: c["summary"] for c in doc["claims"]} == {
        "toy_close": "the notebook wrote no result for this claim",
        "toy_close_wrong": "the notebook wrote no result for this claim",
        "toy_range": "notebook failed: it ran but wrote no results to results_path",
    }
    assert doc["counts"]["error"] == 3


@pytest.mark.slow
@pytest.mark.notebook
def test_a_failing_notebook_is_reported_and_the_others_still_run(toy):
    toy["claims"].write_text(CLAIMS + BOOM)
    out = toy["tmp"] / "report"
    result = invoke("--snapshot", str(toy["snapshot"]), "--claims", str(toy["claims"]),
                    "--notebooks", str(FIXTURES), "--out", str(out), "--jobs", "2")  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "boom" in result.output and f"index: {out / 'index.html'}" in result.output
    doc = json.loads((out / "results.json").read_text())
    verdicts = {c["id"]: (c["verdict"], c["summary"]) for c in doc["claims"]}
    assert verdicts["toy_close"][0] == "supported"
    assert verdicts["toy_range"][0] == "supported"
    assert verdicts["toy_boom"] == (
        "error", "notebook failed: RuntimeError: deliberate failure for the runner tests"
    )  # fmt: skip
    page = (out / "boom.html").read_text()
    assert "deliberate failure for the runner tests" in page and "RuntimeError" in page
    assert "never reached" not in page
    assert "THIS NOTEBOOK FAILED: RuntimeError: deliberate failure" in page
    assert external_references(page) == []
    index = (out / "index.html").read_text()
    assert "1 notebook(s) failed" in index and 'href="levels.html#toy_close"' in index
    assert not (out / ".fingerprints" / "boom.json").exists()  # a failure is never reused
    assert {r["theme"]: r["status"] for r in doc["run"]["notebooks"]} == {
        "levels": "ok", "policy": "ok", "boom": "failed"
    }  # fmt: skip


# ------------------------------------------------------------------ HTML export, no kernel


def executed_notebook() -> nbformat.NotebookNode:
    code = new_code_cell("SECRET_CODE_MARKER = 1\ndisplay(figure)", execution_count=1)
    code.outputs = [
        new_output("display_data", data={"image/png": PIXEL, "text/plain": "<Figure>"}),
        new_output("stream", name="stdout", text="printed output\n"),
    ]
    return new_notebook(
        cells=[
            new_markdown_cell(
                '# A page\n\n<a id="claim_one"></a>Source: '
                '<a href="https://fred.stlouisfed.org/series/DFF">FRED</a>'
            ),
            code,
        ],
        metadata={"language_info": {"name": "python"}},
    )


def test_export_is_self_contained_with_code_hidden_by_default():
    page = notebook_to_html(executed_notebook())
    assert external_references(page) == []
    assert f"data:image/png;base64,{PIXEL}" in page
    assert "printed output" in page and 'id="claim_one"' in page
    assert "SECRET_CODE_MARKER" not in page
    assert "<script src" not in page and "mathjax" not in page.lower()
    shown = notebook_to_html(executed_notebook(), show_code=True)
    assert "SECRET_CODE_MARKER" in shown and external_references(shown) == []


def test_pages_exported_at_once_are_the_pages_exported_one_by_one(monkeypatch, tmp_path):
    """The runner exports pages from several threads, each on an exporter lent to it alone;
    after the first export of each kind, the exporters (and their compiled templates) are
    reused, not made again, and a page never shows anything of the one before."""
    made, make = [], htmlexport.exporter

    def counted(*, show_code: bool = False):
        made.append(show_code)
        return make(show_code=show_code)

    (tmp_path / "chart.png").write_bytes(base64.b64decode(PIXEL))
    other = executed_notebook()  # another title, language and folder, a Markdown image
    other.cells[0].source = "# Another page\n\n![a chart](chart.png)"
    other.metadata["language_info"] = {"name": "r", "pygments_lexer": "r"}
    nbformat.write(other, tmp_path / "other.ipynb")
    sources = [executed_notebook(), tmp_path / "other.ipynb"]  # cells' ids: anchors, kept fixed
    monkeypatch.setattr(htmlexport, "_IDLE", {False: [], True: []})
    serial = {(n, code): notebook_to_html(sources[n], show_code=code)
              for n in (0, 1) for code in (False, True)}  # fmt: skip
    monkeypatch.setattr(htmlexport, "exporter", counted)
    kinds = [(n % 2, n % 3 == 0) for n in range(24)]
    with ThreadPoolExecutor(4) as pool:
        pages = list(pool.map(lambda k: notebook_to_html(sources[k[0]], show_code=k[1]), kinds))
    assert pages == [serial[k] for k in kinds]
    assert "Another page" in serial[1, False] and "Another page" not in serial[0, False]
    assert serial[1, False].count(f"base64,{PIXEL}") == 2  # the Markdown image, embedded
    assert "SECRET_CODE_MARKER" in serial[0, True] and "SECRET_CODE_MARKER" not in serial[0, False]
    assert len(made) <= 2 * 4 - 2  # the two made by the serial exports were lent again


def test_the_warm_up_page_leaves_its_exporter_to_the_runs_first_page(monkeypatch):
    """``workbook run`` exports a small page while it waits for its template process: the
    run's first page then compiles nothing (no exporter made), and comes out as ever."""
    nb = executed_notebook()
    expected = notebook_to_html(nb)
    monkeypatch.setattr(htmlexport, "_IDLE", {False: [], True: []})
    htmlexport.warm_up()
    made, make = [], htmlexport.exporter
    monkeypatch.setattr(htmlexport, "exporter", lambda **kw: made.append(kw) or make(**kw))
    assert notebook_to_html(nb) == expected and made == []


def test_an_exporter_that_failed_is_not_lent_again(monkeypatch):
    notebook_to_html(executed_notebook())  # an exporter idle now
    broken = htmlexport._IDLE[False][-1]

    def fails(*args, **kwargs):
        raise RuntimeError("half-way through a page")

    monkeypatch.setattr(broken, "from_notebook_node", fails)
    with pytest.raises(RuntimeError, match="half-way"):
        notebook_to_html(executed_notebook())
    assert broken not in htmlexport._IDLE[False]
    page = notebook_to_html(executed_notebook())
    assert "printed output" in page and external_references(page) == []


def test_markdown_images_next_to_the_notebook_are_embedded(tmp_path):
    (tmp_path / "chart.png").write_bytes(base64.b64decode(PIXEL))
    nb = executed_notebook()
    nb.cells.append(new_markdown_cell("![a chart](chart.png)"))
    nbformat.write(nb, tmp_path / "page.ipynb")
    page = notebook_to_html(tmp_path / "page.ipynb")
    assert page.count(f"base64,{PIXEL}") == 2 and 'src="chart.png"' not in page


def test_a_page_that_would_load_from_the_web_fails_loudly():
    nb = executed_notebook()
    nb.cells.append(new_markdown_cell("![remote](https://example.com/chart.png)"))
    with pytest.raises(ExportError, match=r"<img src>: https://example.com/chart.png"):
        notebook_to_html(nb)


def test_external_references_tells_resources_from_links():
    page = textwrap.dedent("""\
        <a href="https://example.com/article">the article</a>
        <script type="application/ld+json">{"@context": "https://schema.org"}</script>
        <img src="data:image/png;base64,AAAA"><img src="local.png">
        <script src="https://cdn.example/require.js"></script>
        <link rel="stylesheet" href="//fonts.example/css">
        <iframe src="http://example.com/x"></iframe>
        <div style="background: url('https://example.com/bg.png')"></div>
        <style>@import "https://example.com/a.css";</style>
        <script type="module">await import("https://cdn.example/mermaid.mjs")</script>
    """)
    found = external_references(page)
    assert found == [
        "<script src>: https://cdn.example/require.js",
        "<link href>: //fonts.example/css",
        "<iframe src>: http://example.com/x",
        "<div style> url(): https://example.com/bg.png",
        "<style> @import: https://example.com/a.css",
        "<script> loads: https://cdn.example/mermaid.mjs",
    ]


def test_fresh_falls_back_to_the_newest_snapshot_and_says_so(toy, fake_kernel, monkeypatch):
    import analysis.snapshot.fetch.run

    calls = []

    def fetch_snapshot(out, items, **kwargs):
        calls.append((out, items, kwargs))
        raise ConnectionError("no route to fred.stlouisfed.org")

    monkeypatch.setattr(analysis.snapshot.fetch.run, "fetch_snapshot", fetch_snapshot)
    monkeypatch.setattr(
        "analysis.snapshot.default_snapshot", lambda: (toy["snapshot"], "the newest")
    )
    out = toy["tmp"] / "report"
    result = invoke("--fresh", "--claims", str(toy["claims"]), "--notebooks", str(FIXTURES),
                    "--out", str(out), "--as-of", "2026-01-02")  # fmt: skip
    assert result.exit_code == 0, result.output
    # the fetch was asked for what the claims need, from 2000-01-01 to today
    assert calls and calls[0][2]["start"].isoformat() == "2000-01-01"
    assert any(calls[0][1].values())
    assert "WARNING: fetching fresh data failed (ConnectionError: no route" in result.output
    doc = json.loads((out / "results.json").read_text())
    assert doc["run"]["warnings"][0].startswith("fetching fresh data failed (ConnectionError")
    assert doc["evaluated_until"] == "2026-01-02"
    assert "WARNING: fetching fresh data failed" in (out / "index.html").read_text()
