"""Time the workbook against its references, in one sitting (`make bench`).

Measured, each as the median of several repetitions (one process tree, the project's venv):

- the naive loop a user would write: the papermill CLI then the `jupyter nbconvert` CLI, one
  theme notebook after another;
- a bare kernel start with the imports every notebook needs (the fresh-kernel floor is that
  times the notebooks, over the parallel jobs);
- a full `workbook run --force --jobs 2` on the demo, and the compute it really does (the
  notebooks' cells' own durations, recorded by papermill, plus the HTML export of each page,
  over the jobs; plus the claims' evaluation, done once before the notebooks);
- a rerun with nothing changed, and a rerun after one analyst note changed;
- `workbook check`, the bare imports and `--help`;
- a full run and `workbook check` again with `workbook warm` running (a server of its own);
- the scale table: a full run for 1, 2, 4 and 8 articles' worth of the demo's claims (copies
  with renamed ids and themes; a theme without a notebook runs through notebooks/claims.ipynb),
  with --jobs 1 and 2;
- the corpus table: 1, 2 and 4 claims files run as a corpus on a local Dask cluster of 1 and 2
  workers, with the efficiency against linear scaling.

It prints each measure as a ratio to its reference and writes docs/benchmarks.md with the
machine described. It reports; it never fails. `--quick` measures once and scales to 2 articles.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORKBOOK = str(BIN / "workbook")
DEMO = ROOT / "data" / "demo"
CLAIMS = ROOT / "data" / "claims" / "russell2000_2026.yaml"
NOTEBOOKS = ROOT / "notebooks"
IMPORTS = "import pandas, scipy.stats, statsmodels.api"
KERNEL_IMPORTS = (
    "%matplotlib inline\nfrom analysis.report.notebook import Workbook\n"
    "import seaborn, statsmodels.api, scipy.stats"
)
JOBS = 2


def timed(cmd: list[str], **kw) -> float | None:
    """Wall seconds of one command, or None when it fails (reported, not raised)."""
    start = time.perf_counter()
    try:
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, **kw)  # fmt: skip
    except (subprocess.CalledProcessError, OSError):
        return None
    return time.perf_counter() - start


def median(measure: Callable[[], float | None], repeat: int) -> float | None:
    times = []
    for _ in range(repeat):
        seconds = measure()
        if seconds is None:
            return None
        times.append(seconds)
    return statistics.median(times)


def run_cmd(out: Path, *extra: str, claims: Path = CLAIMS, jobs: int = JOBS) -> list[str]:
    return [WORKBOOK, "run", "--snapshot", str(DEMO), "--claims", str(claims), "--out", str(out),
            "--jobs", str(jobs), *extra]  # fmt: skip


# ---------------------------------------------------------------- the references


def naive_loop(tmp: Path) -> float | None:
    """papermill CLI then nbconvert CLI, one notebook after another, as a user would write."""
    from analysis.claims import load_claims
    from analysis.run.plan import notebook_for

    registry = load_claims(CLAIMS)
    out = tmp / "naive"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    start = time.perf_counter()
    for theme in registry.themes:
        notebook = notebook_for(theme, registry.article.id, NOTEBOOKS)
        params = {
            "snapshot": str(DEMO),
            "claims": str(CLAIMS),
            "theme": theme,
            "results_path": str(out / f"{theme}.json"),
            "notes_dir": str(ROOT / "notes"),
        }
        executed = out / f"{theme}.ipynb"
        steps = [
            [str(BIN / "papermill"), str(notebook), str(executed), "-y", json.dumps(params),
             "--cwd", str(NOTEBOOKS), "-k", "python3", "--no-progress-bar"],
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)],
        ]  # fmt: skip
        for step in steps:
            if timed(step) is None:
                return None
    return time.perf_counter() - start


def kernel_start() -> float | None:
    """One fresh kernel: started, the notebooks' imports run, shut down."""
    from jupyter_client.manager import start_new_kernel

    start = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(NOTEBOOKS),
                              extra_arguments=["--IPKernelApp.log_level=CRITICAL"])  # fmt: skip
    try:
        reply = kc.execute_interactive(KERNEL_IMPORTS, timeout=300, output_hook=lambda m: None)
        ok = reply["content"]["status"] == "ok"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return time.perf_counter() - start if ok else None


# the claims' evaluation as the run's template does it (analysis.checks.primed.prime, forked
# workers), timed on its own in a process that has imported the statistics first
EVALUATE = """
import os, sys, time
from analysis.checks.evaluate import import_statistics
from analysis.checks.primed import prime
import_statistics()
started = time.perf_counter()
prime(sys.argv[1], sys.argv[2], None, 0.05, workers=os.cpu_count() or 1)
print(time.perf_counter() - started)
"""


def evaluation_seconds(repeat: int) -> float | None:
    """The seconds of one evaluation of the demo's claims (median): the run's own record would
    also count the notebooks' modules its template imports meanwhile, on the other core."""

    def once() -> float | None:
        done = subprocess.run([sys.executable, "-c", EVALUATE, str(DEMO), str(CLAIMS)], cwd=ROOT,
                              capture_output=True, text=True)  # fmt: skip
        if done.returncode != 0:
            print(f"the evaluation failed:\n{done.stderr[-2000:]}", file=sys.stderr)
            return None
        return float(done.stdout.strip())

    return median(once, repeat)


def compute_seconds(out: Path, repeat: int) -> tuple[float, float] | None:
    """What a run really computes: the notebooks' part, which the jobs share (every cell's own
    duration, papermill's record, plus the HTML export of each page, timed again here), and the
    claims' evaluation, done once in the template process before the notebooks (timed on its
    own, :func:`evaluation_seconds`)."""
    from analysis.report.htmlexport import export_notebook

    evaluation = evaluation_seconds(repeat)
    if evaluation is None:
        return None
    total = 0.0
    for ipynb in sorted(out.glob("*.ipynb")):
        nb = json.loads(ipynb.read_text(encoding="utf-8"))
        total += sum(
            (c.get("metadata", {}).get("papermill", {}).get("duration") or 0.0) for c in nb["cells"]
        )
        start = time.perf_counter()
        export_notebook(ipynb, out.parent / "export-check.html")
        total += time.perf_counter() - start
    return total, evaluation


def scaled_claims(tmp: Path, articles: int) -> Path:
    """The demo's claims and ``articles - 1`` copies of them, ids and themes renamed."""
    doc = yaml.safe_load(CLAIMS.read_text(encoding="utf-8"))
    claims = list(doc["claims"])
    for n in range(2, articles + 1):
        for claim in doc["claims"]:
            twin = copy.deepcopy(claim)
            twin["id"], twin["theme"] = f"{claim['id'][:58]}_a{n}", f"{claim['theme'][:58]}_a{n}"
            claims.append(twin)
    path = tmp / f"claims-{articles}.yaml"

    class NoAliases(yaml.SafeDumper):
        def ignore_aliases(self, data):
            return True

    text = yaml.dump({**doc, "claims": claims}, Dumper=NoAliases, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- the workbook's own runs


def reruns(tmp: Path, repeat: int) -> tuple[float | None, float | None, int]:
    """A rerun with nothing changed, then reruns after one note changed each time: the medians
    and how many notebooks the note's rerun executed."""
    notes, out = tmp / "notes", tmp / "rerun"
    shutil.copytree(ROOT / "notes", notes, dirs_exist_ok=True)
    cmd = run_cmd(out, "--notes", str(notes))
    if timed(cmd) is None:
        return None, None, 0
    unchanged = median(lambda: timed(cmd), repeat)
    executed: list[int] = []

    def one_note() -> float | None:
        claim = yaml.safe_load(CLAIMS.read_text(encoding="utf-8"))["claims"][0]["id"]
        (notes / f"{claim}.md").write_text(f"Checked by hand ({time.time()}).\n")
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            return None
        executed.append(sum(1 for line in done.stdout.splitlines() if line.split()[1:2] == ["ok"]))
        return time.perf_counter() - start

    return unchanged, median(one_note, repeat), max(executed, default=0)


def scale_table(tmp: Path, articles: tuple[int, ...]) -> list[tuple[str, ...]]:
    """A full run's wall time for each number of articles' worth of claims and each --jobs."""
    from analysis.claims import load_claims

    rows = []
    for n in articles:
        claims = scaled_claims(tmp, n)
        registry = load_claims(claims)
        cells = [str(n), str(len(registry.themes)), str(len(registry.claims))]
        for jobs in (1, 2):
            seconds = timed(run_cmd(tmp / f"scale-{n}-{jobs}", "--force", claims=claims, jobs=jobs))
            cells.append("failed" if seconds is None else f"{seconds:.1f}")
        rows.append(tuple(cells))
    return rows


def corpus_files(tmp: Path, articles: int) -> list[Path]:
    """``articles`` claims files, each the demo's claims under another article id."""
    doc = yaml.safe_load(CLAIMS.read_text(encoding="utf-8"))
    files = []
    for n in range(1, articles + 1):
        path = tmp / f"corpus-{articles}" / f"article_{n}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        article = {**doc["article"], "id": f"article_{n}", "title": f"Copy {n} of the demo"}
        path.write_text(yaml.safe_dump({**doc, "article": article}, sort_keys=False))
        files.append(path)
    return files


def corpus_table(tmp: Path, articles: tuple[int, ...], workers: tuple[int, ...]) -> list:
    """A corpus run (``--executor dask``, a LocalCluster) for each number of articles and of
    workers: the wall time and the efficiency against linear scaling from one article on one
    worker (its time x articles / workers)."""
    rows, base = [], None
    for n in articles:
        claims = [arg for f in corpus_files(tmp, n) for arg in ("--claims", str(f))]
        for w in workers:
            out = tmp / f"corpus-out-{n}-{w}"
            cmd = [WORKBOOK, "run", "--snapshot", str(DEMO), *claims, "--executor", "dask",
                   "--jobs", str(w), "--force", "--out", str(out)]  # fmt: skip
            seconds = timed(cmd)
            base = seconds if (n, w) == (articles[0], workers[0]) and seconds else base
            ideal = base * n / articles[0] * workers[0] / w if base else None
            efficiency = f"{ideal / seconds:.0%}" if ideal and seconds else ""
            rows.append((str(n), str(8 * n), str(w), "failed" if seconds is None else
                         f"{seconds:.1f}", efficiency))  # fmt: skip
    return rows


@contextmanager
def warm_server(tmp: Path) -> Iterator[dict[str, str] | None]:
    """A ``workbook warm`` server for the measures that use one (its own socket folder, in
    ``tmp``): the environment of the commands it serves, or None when it did not start."""
    env = {k: v for k, v in os.environ.items() if k != "WORKBOOK_WARM"}
    env["XDG_RUNTIME_DIR"] = str(tmp)
    server = subprocess.Popen([sys.executable, "-m", "analysis.run.warm", "30"], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        line = server.stdout.readline()
        if not line.startswith("warm: runs of this code start from here"):
            print(f"workbook warm did not start: {line!r}", file=sys.stderr)
            yield None
        else:
            yield env
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def measure(tmp: Path, repeat: int, articles: tuple[int, ...]) -> dict:
    out = tmp / "full"
    found: dict = {"notebooks": len(load_themes())}
    found["naive_loop"] = median(lambda: naive_loop(tmp), max(1, min(repeat, 2)))
    found["kernel_start"] = median(kernel_start, repeat)
    found["full_run"] = median(lambda: timed(run_cmd(out, "--force")), repeat)
    found["compute"] = compute_seconds(out, repeat) if found["full_run"] else None
    with warm_server(tmp) as env:
        check = [WORKBOOK, "check", "--snapshot", str(DEMO)]
        found["warm_run"] = env and median(lambda: timed(run_cmd(out, "--force"), env=env), repeat)
        found["warm_check"] = env and median(lambda: timed(check, env=env), repeat)
    found["rerun_unchanged"], found["rerun_one_note"], found["note_executed"] = reruns(tmp, repeat)
    found["check"] = median(lambda: timed([WORKBOOK, "check", "--snapshot", str(DEMO)]), repeat)
    found["bare_imports"] = median(lambda: timed([sys.executable, "-c", IMPORTS]), repeat)
    found["help"] = median(lambda: timed([WORKBOOK, "--help"]), repeat)
    found["scale"] = scale_table(tmp, articles)
    found["corpus"] = corpus_table(tmp, articles[:3], (1, 2))
    return found


def load_themes() -> list[str]:
    from analysis.claims import load_claims

    return load_claims(CLAIMS).themes


# ---------------------------------------------------------------- the report

HEADER = ("measure", "median s", "ratio", "aim", "result")
SCALE_HEADER = ("articles", "notebooks", "claims", "--jobs 1 s", "--jobs 2 s")
CORPUS_HEADER = ("articles", "notebooks", "Dask workers", "wall s", "efficiency vs linear")


def ratio_rows(f: dict) -> list[tuple[str, ...]]:
    """One row per measure: seconds, the ratio to its reference, the aim and whether it is met."""
    n, full = f["notebooks"], f["full_run"]
    floor = f["kernel_start"] * n / JOBS if f["kernel_start"] else None
    ideal = f["compute"][0] / JOBS + f["compute"][1] if f["compute"] else None
    cold = ideal + f["bare_imports"] if ideal and f["bare_imports"] else None

    def row(name, secs, ref=None, ref_name="", aim=None, limit=None, unit_aim=None):
        if secs is None:
            return (name, "failed", "", "", "")
        ratio = f"{secs / ref:.2f}x {ref_name}" if ref else ""
        if unit_aim is not None:
            return (name, f"{secs:.2f}", ratio, f"< {unit_aim} s", verdict(secs < unit_aim))
        met = verdict(secs / ref <= limit) if ref and limit else ""
        return (name, f"{secs:.2f}", ratio, aim or "", met)

    return [
        row("naive loop (papermill + nbconvert CLIs)", f["naive_loop"]),
        row("kernel start + imports (one)", f["kernel_start"]),
        row(f"fresh-kernel floor ({n} kernels / {JOBS} jobs)", floor),
        row(f"compute: notebooks (/ {JOBS} jobs) + one evaluation", ideal),
        row(f"full run --force --jobs {JOBS}", full, f["naive_loop"], "naive loop"),
        row("full run vs the fresh-kernel floor", full, floor, "floor", "< 1x", 0.99),
        row("full run vs the compute", full, ideal, "compute", "<= 1.3x", 1.3),
        row("full run vs the compute + one bare import", full, cold, "compute + import"),
        row(
            "what is left, per notebook (run - compute - import) x jobs / notebooks",
            (full - cold) * JOBS / n if full and cold else None,
        ),  # fmt: skip
        row(
            "full run, `workbook warm` running, vs the compute",
            f["warm_run"],
            ideal,
            "compute",
            "<= 1.3x",
            1.3,
        ),  # fmt: skip
        row("rerun, nothing changed", f["rerun_unchanged"], unit_aim=1),
        note_row(f, full),
        row("bare imports (pandas, scipy, statsmodels)", f["bare_imports"]),
        row("workbook check", f["check"], f["bare_imports"], "bare imports", "<= 1.5x", 1.5),
        row(
            "workbook check, `workbook warm` running",
            f["warm_check"],
            f["bare_imports"],
            "bare imports",
            "<= 1.5x",
            1.5,
        ),  # fmt: skip
        row("workbook --help", f["help"], unit_aim=0.5),
    ]


def note_row(f: dict, full: float | None) -> tuple[str, ...]:
    """The rerun after one note changed: its time, and whether only that note's theme ran."""
    name = f"rerun, one note changed ({f['note_executed']} notebook(s) ran)"
    secs = f["rerun_one_note"]
    if secs is None:
        return (name, "failed", "", "", "")
    ratio = f"{secs / full:.2f}x full run" if full else ""
    return (name, f"{secs:.2f}", ratio, "1 notebook", verdict(f["note_executed"] == 1))


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def memory_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (
        f"{os.cpu_count()} CPUs ({cpu_model()}), {memory_gib()} RAM, "
        f"Python {platform.python_version()}, {platform.platform()}; load average at start {load}"
    )


def text_table(header: tuple[str, ...], table: list[tuple[str, ...]]) -> str:
    lines = [header, *table]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def md_table(header: tuple[str, ...], table: list[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in table]


def markdown(rows, scale, corpus, repeat: int, described: str, quick: bool) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Measured {datetime.date.today().isoformat()} with "
        f"`make bench{' BENCH=--quick' if quick else ''}` on the demo snapshot "
        "(8 theme notebooks, 23 claims); "
        f"medians of {repeat} repetition(s) (the naive loop: of {max(1, min(repeat, 2))}).",
        "",
        f"Machine: {described}",
        "",
        "The fresh-kernel floor is one kernel start with the notebooks' imports, times the "
        f"notebooks, over {JOBS} jobs. The compute is what the run really does: the sum of the "
        "notebooks' cells' durations (papermill's record) and of their HTML exports, over "
        f"{JOBS} jobs, plus the claims' evaluation, done once in the template process before "
        "the notebooks start (timed on its own, in a process with the statistics imported). "
        "A cold run also imports the stack once before anything else can start (the bare "
        "imports' row); the last ratio of the first table adds it to the compute. With "
        "`workbook warm` running (started once, before the measures that use it), the "
        "commands are forked from a process that has imported everything already.",
        "",
        *md_table(HEADER, rows),
        "",
        "## Scale",
        "",
        "A full run (`--force`) for n articles' worth of the demo's claims: the claims file "
        "holds n copies of the demo's claims, ids and themes renamed; the copies' themes run "
        "through `notebooks/claims.ipynb`. One run each.",
        "",
        *md_table(SCALE_HEADER, scale),
        "",
        "## Corpus on Dask",
        "",
        "A corpus run (`workbook run --claims A --claims B ... --executor dask --jobs W --force`) "
        "of n claims files, each the demo's claims under its own article id (their themes run "
        "through `notebooks/claims.ipynb`), on a LocalCluster of W worker processes started "
        "by the run (its start-up, and each worker's template importing the stack, included). "
        "Efficiency: the time of the first row scaled linearly (x articles / workers), over the "
        "time measured. One run each.",
        "",
        *md_table(CORPUS_HEADER, corpus),
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="one repetition; scale to 1 and 2 articles only")  # fmt: skip
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="also write Markdown")
    args = parser.parse_args()
    os.environ["WORKBOOK_WARM"] = "0"  # the cold measures: not a server a developer left running
    repeat = 1 if args.quick else max(1, args.repeat)
    articles = (1, 2) if args.quick else (1, 2, 4, 8)
    described = machine()
    print(f"machine: {described}", flush=True)
    with tempfile.TemporaryDirectory(prefix="workbook-bench-") as tmp:
        found = measure(Path(tmp), repeat, articles)
    rows = ratio_rows(found)
    print(f"medians of {repeat} repetition(s)\n")
    print(text_table(HEADER, rows))
    print("\nscale (full run, seconds)\n")
    print(text_table(SCALE_HEADER, found["scale"]))
    print("\ncorpus on a local Dask cluster\n")
    print(text_table(CORPUS_HEADER, found["corpus"]))
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        text = markdown(rows, found["scale"], found["corpus"], repeat, described, args.quick)
        args.markdown.write_text(text)
        print(f"\nwritten: {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
