"""Corpus runs (analysis.run.corpus) and the Dask executor (analysis.run.cluster): a report
folder per article, a corpus scorecard, reuse by the files each article reads, the same results
on a LocalCluster as on this machine, and a worker lost mid-task that costs nothing but time."""

from __future__ import annotations

import json
import shutil
import signal
import threading
import time
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from analysis import paths
from analysis.cli import main
from analysis.errors import RunError
from analysis.report.corpus import render_corpus
from analysis.run import run_corpus
from analysis.run.corpus import claims_files
from tests.test_runner import BOOM, CLAIMS, FIXTURES, fake_kernel, toy  # noqa: F401 (fixtures)

FED = """\
article: {id: toy_fed, title: "The Fed's range", outlet: "Toy Wire", as_of: 2026-01-02}
claims:
  - id: fed_range
    theme: fed
    text: "The target range is 3.50%-3.75%"
    kind: target_range
    data: [fred/DFEDTARL.csv, fred/DFEDTARU.csv]
    params: {lower: fred/DFEDTARL.csv, upper: fred/DFEDTARU.csv, date: 2026-01-02,
             stated_lower: 3.5, stated_upper: 3.75}
"""
CLOSES = """\
article: {id: toy_closes, title: "Small caps <script>alert(1)</script>", source:
          "https://www.example.com/markets/1", as_of: 2025-12-31}
claims:
  - id: rut_close_dec31
    theme: closes
    text: "The index closed 2025 at 2,481.91"
    kind: level
    data: [prices/^RUT.csv]
    params: {series: prices/^RUT.csv, date: 2025-12-31, compare: {op: exactly, value: "2,481.91"}}
"""


@pytest.fixture
def corpus(toy) -> dict[str, Path]:
    folder = toy["tmp"] / "articles"
    folder.mkdir()
    shutil.copy(toy["claims"], folder / "a_toy.yaml")
    (folder / "b_fed.yaml").write_text(FED)
    (folder / "c_closes.yml").write_text(CLOSES)
    return {**toy, "folder": folder, "out": toy["tmp"] / "corpus"}


def test_claims_files_come_from_folders_corpus_files_and_lists(tmp_path):
    (tmp_path / "b.yaml").write_text("x")
    (tmp_path / "a.yml").write_text("x")
    (tmp_path / ".hidden.yaml").write_text("x")
    (tmp_path / "notes.txt").write_text("x")
    assert claims_files([tmp_path]) == [tmp_path / "a.yml", tmp_path / "b.yaml"]
    listing = tmp_path / "sub" / "corpus.yaml"
    listing.parent.mkdir()
    listing.write_text("corpus: [../b.yaml, ../a.yml]\n")
    assert claims_files([listing]) == [listing.parent / "../b.yaml", listing.parent / "../a.yml"]
    listing.write_text("corpus: 3\n")
    with pytest.raises(RunError, match="corpus.yaml: field 'corpus': expected a list"):
        claims_files([listing])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(RunError, match="no claims file found"):
        claims_files([empty])


def test_the_shipped_corpus_lists_the_seed_article_and_two_more():
    files = claims_files([paths.DATA / "corpus" / "corpus.yaml"])
    assert [f.resolve() for f in files][0] == paths.DEFAULT_CLAIMS.resolve()
    assert len(files) == 3 and all(f.is_file() for f in files)


def test_two_files_of_one_article_or_a_scheduler_without_dask_exit_2(corpus):
    copy = corpus["folder"] / "d_again.yaml"
    shutil.copy(corpus["folder"] / "a_toy.yaml", copy)
    base = ["run", "--snapshot", str(corpus["snapshot"]), "--out", str(corpus["out"])]
    result = CliRunner().invoke(main, [*base, "--claims", str(corpus["folder"])])
    assert result.exit_code == 2
    assert "a_toy.yaml and" in result.output and "d_again.yaml are both article 'toy'" in (
        result.output
    )  # fmt: skip
    result = CliRunner().invoke(main, [*base, "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2 and "--scheduler is for --executor dask" in result.output
    result = CliRunner().invoke(main, [*base, "--claims", str(corpus["folder"]), "--only", "fed"])
    assert result.exit_code == 2 and "--only selects one article's themes" in result.output
    result = CliRunner().invoke(main, [*base[:1], "--fresh", "--out", str(corpus["out"]),
                                       "--claims", str(corpus["folder"])])  # fmt: skip
    assert result.exit_code == 2 and "--fresh fetches for one claims file" in result.output
    result = CliRunner().invoke(main, [*base, "--executor", "dask", "--scheduler", "nohost",
                                       "--claims", str(corpus["claims"])])  # fmt: skip
    assert result.exit_code == 2 and result.output.startswith("workbook: --scheduler nohost:")
    # the address in the environment is for --executor dask only: a local run ignores it
    env = {"DASK_SCHEDULER_ADDRESS": "tcp://127.0.0.1:9"}
    result = CliRunner(env=env).invoke(main, [*base, "--claims", str(corpus["folder"])])
    assert result.exit_code == 2 and "are both article 'toy'" in result.output
    dask = ["--executor", "dask", "--claims", str(corpus["claims"])]
    result = CliRunner(env=env).invoke(main, [*base, *dask])
    assert result.exit_code == 2
    assert "--scheduler tcp://127.0.0.1:9: cannot connect" in result.output
    assert not corpus["out"].exists()  # nothing written


def test_the_outlet_is_named_or_taken_from_the_source_url():
    from analysis.report.corpus import outlet_of

    assert outlet_of({"outlet": "Example Wire", "source": "https://x.org"}) == "Example Wire"
    assert outlet_of({"source": "https://www.reuters.com/markets/us/"}) == "reuters.com"
    assert outlet_of({"source": "http://[broken"}) == ""  # free text, not a URL
    assert outlet_of({"source": "a newsletter"}) == ""


def test_the_corpus_page_escapes_every_text_and_sorts_without_script():
    rows = [
        {"id": f"a{n}", "title": title, "outlet": outlet, "source": "", "as_of": day,
         "claims_file": "x.yaml", "folder": f"a{n}/", "claims": claims, "status": "ok",
         "counts": {"supported": sup, "contradicted": claims - sup}, "failed": [],
         "share_supported": sup / claims, "synthetic": False}
        for n, (title, outlet, day, claims, sup) in enumerate([
            ("<script>alert(1)</script>", "<b>Wire</b>", "2026-01-02", 4, 1),
            ("Beta", "Alpha News", "2025-12-11", 2, 2),
            ("Gamma", "Zeta", "2026-02-01", 10, 0),
        ])
    ]  # fmt: skip
    totals = {"articles": 3, "claims": 16, "counts": {"supported": 3, "contradicted": 13}}
    page = render_corpus({"generated_at": "2026-11-30T00:00:00+00:00", "snapshot": "/s",
                          "articles": rows, "totals": totals})  # fmt: skip
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>Wire</b>" not in page and "script-src 'none'" in page

    def titles(anchor: str) -> list[str]:
        section = page.split(f'id="{anchor}"')[1].split("</section>")[0]
        return sorted(("alert", "Beta", "Gamma"), key=section.index)

    assert titles("by-date") == ["Gamma", "alert", "Beta"]  # newest first, the default
    assert titles("by-share") == ["Beta", "alert", "Gamma"]
    assert titles("by-claims") == ["Gamma", "alert", "Beta"]
    assert titles("by-outlet") == ["alert", "Beta", "Gamma"]  # <b>Wire</b> sorts first
    assert 'class="order default" id="by-date"' in page
    assert page.index('id="by-date"') > page.index('id="by-share"')  # the default comes last


def test_a_corpus_writes_a_report_per_article_and_reuses_by_the_files_each_reads(
    corpus, fake_kernel
):
    out = corpus["out"]

    def run() -> dict[str, dict[str, str]]:
        summary = run_corpus(corpus["snapshot"], [corpus["folder"]], out=out,
                             notebooks_dir=FIXTURES, progress=False, jobs=2)  # fmt: skip
        return {name: {t.theme: t.status for t in s.themes} for name, s in summary.articles}

    assert run() == {"toy": {"levels": "ok", "policy": "ok"}, "toy_fed": {"fed": "ok"},
                     "toy_closes": {"closes": "ok"}}  # fmt: skip
    assert sorted(fake_kernel()) == ["closes", "fed", "levels", "policy"]
    doc = json.loads((out / "corpus.json").read_text())
    rows = {r["id"]: r for r in doc["articles"]}
    assert rows["toy_fed"]["outlet"] == "Toy Wire" and rows["toy_closes"]["outlet"] == "example.com"
    assert rows["toy"]["counts"]["contradicted"] == 1 and rows["toy"]["claims"] == 3
    assert rows["toy_fed"]["share_supported"] == 1.0
    index = (out / "index.html").read_text()
    for name in ("toy", "toy_fed", "toy_closes"):
        assert f'href="{name}/index.html"' in index
        assert (out / name / "index.html").is_file() and (out / name / "results.json").is_file()
    assert run() == {"toy": {"levels": "reused", "policy": "reused"},
                     "toy_fed": {"fed": "reused"}, "toy_closes": {"closes": "reused"}}  # fmt: skip
    assert fake_kernel() == []
    upper = corpus["snapshot"] / "fred" / "DFEDTARU.csv"  # read by toy and toy_fed only
    upper.write_text(upper.read_text() + "2026-01-05,3.75\n")
    statuses = run()
    assert sorted(fake_kernel()) == ["fed", "levels", "policy"]
    assert statuses["toy_closes"] == {"closes": "reused"}
    assert json.loads((out / "corpus.json").read_text())["articles"][2]["status"] == "reused"


def slow_notebooks(folder: Path) -> Path:
    """The generic fixture notebook, with a ``start_log`` parameter: each start appends its
    theme to that file, then the notebook waits 4 s (long enough to lose a worker in it)."""
    folder.mkdir()
    nb = nbformat.read(FIXTURES / "claims.ipynb", as_version=4)
    nb.cells[1].source += '\nstart_log: str = ""'
    nb.cells.insert(2, nbformat.v4.new_code_cell(
        "import time\nif start_log:\n    with open(start_log, 'a') as fh:\n"
        "        fh.write(theme + '\\n')\n    time.sleep(4)"
    ))  # fmt: skip
    nbformat.write(nb, folder / "claims.ipynb")
    return folder


@pytest.mark.slow
@pytest.mark.notebook
def test_an_existing_dask_cluster_gives_the_local_executors_results(tmp_path):
    """The shipped corpus (the seed article and two more) on the demo, on a running cluster of
    two workers (``--executor dask --scheduler ADDRESS``) and on this machine: the same
    verdicts, findings and adjusted p-values, and the same pages."""
    import logging

    from distributed import LocalCluster

    corpus_file = str(paths.DATA / "corpus" / "corpus.yaml")
    results = {}
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster:  # fmt: skip
        for executor in ("local", "dask"):
            out = tmp_path / executor
            args = ["run", "--snapshot", str(paths.DEMO), "--claims", corpus_file, "--out",
                    str(out), "--jobs", "2", "--executor", executor]  # fmt: skip
            if executor == "dask":
                args += ["--scheduler", cluster.scheduler_address]
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 0, result.output
            assert "russell2000_2026                 8 ok" in result.output
            results[executor] = {
                name: [(c["id"], c["verdict"], c["summary"], c.get("pvalue_adjusted"))
                       for c in json.loads((out / name / "results.json").read_text())["claims"]]
                for name in ("russell2000_2026", "fed_december_cut", "small_caps_new_year")
            }  # fmt: skip
            assert (out / "russell2000_2026" / "valuation_gap.html").is_file()
            assert 'href="fed_december_cut/index.html"' in (out / "index.html").read_text()
    assert results["dask"] == results["local"]
    assert sum(len(v) for v in results["local"].values()) == 30


@pytest.mark.slow
@pytest.mark.notebook
def test_a_worker_lost_mid_task_has_its_task_run_again_and_the_corpus_completes(corpus):
    import psutil

    log = corpus["tmp"] / "starts.log"
    notebooks = slow_notebooks(corpus["tmp"] / "notebooks")
    done: dict = {}

    def run() -> None:
        done["summary"] = run_corpus(
            corpus["snapshot"],
            [corpus["folder"]],
            out=corpus["out"],
            executor="dask",
            jobs=2,
            notebooks_dir=notebooks,
            parameters={"start_log": str(log)},
            progress=False,
        )

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not log.exists() or len(log.read_text().split()) < 2):
        time.sleep(0.1)
    started = log.read_text().split()
    assert len(started) >= 2, "the notebooks never started"
    workers = [p for p in psutil.Process().children() if "spawn_main" in " ".join(p.cmdline())]
    assert workers, "no Dask worker process found"
    workers[0].send_signal(signal.SIGKILL)  # both workers are inside a notebook's 4 s wait
    thread.join(timeout=300)
    summary = done["summary"]
    assert summary.ok, summary.failed
    assert {name: sorted(t.status for t in s.themes) for name, s in summary.articles} == {
        "toy": ["ok", "ok"], "toy_fed": ["ok"], "toy_closes": ["ok"]}  # fmt: skip
    starts = log.read_text().split()
    assert len(starts) > 4  # four themes, and at least one started again on another worker
    assert sorted(set(starts)) == ["closes", "fed", "levels", "policy"]


@pytest.mark.slow
@pytest.mark.notebook
def test_a_failing_notebook_fails_its_theme_and_the_other_articles_run_on(corpus):
    """One article's notebook raises: its theme is failed (exit status 1, named), its other
    theme and the other articles are reported as usual, and the corpus page says so."""
    toy_file = corpus["folder"] / "a_toy.yaml"
    toy_file.write_text(CLAIMS + BOOM)
    result = CliRunner().invoke(main, [
        "run", "--snapshot", str(corpus["snapshot"]), "--claims", str(corpus["folder"]),
        "--notebooks", str(FIXTURES), "--out", str(corpus["out"]), "--jobs", "2",
    ])  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "1 notebook(s) failed: toy/boom" in result.output
    assert "toy_fed" in result.output and "toy_closes" in result.output
    doc = json.loads((corpus["out"] / "corpus.json").read_text())
    rows = {r["id"]: r for r in doc["articles"]}
    assert rows["toy"]["status"] == "failed" and rows["toy"]["failed"] == ["boom"]
    assert rows["toy_fed"]["status"] == rows["toy_closes"]["status"] == "ok"
    assert rows["toy_fed"]["counts"]["supported"] == 1
    assert "1 notebook(s) failed:" in (corpus["out"] / "index.html").read_text()


@pytest.mark.slow
def test_a_scheduler_without_workers_is_exit_2_not_a_hang(corpus, monkeypatch):
    import logging

    from distributed import LocalCluster

    monkeypatch.setattr("analysis.run.cluster.WORKER_TIMEOUT", 2)
    with LocalCluster(n_workers=0, dashboard_address=None, silence_logs=logging.ERROR) as empty:
        result = CliRunner().invoke(main, [
            "run", "--snapshot", str(corpus["snapshot"]), "--claims", str(corpus["claims"]),
            "--out", str(corpus["out"]), "--executor", "dask", "--scheduler",
            empty.scheduler_address,
        ])  # fmt: skip
    assert result.exit_code == 2
    assert f"--scheduler {empty.scheduler_address}: no worker" in result.output
    assert not corpus["out"].exists()
