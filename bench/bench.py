"""Time the workbook's start-up against the bare imports it cannot avoid.

Run with the project's venv (`make bench`). It reports; it never fails.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = str(Path(sys.executable).parent / "workbook")
COMMANDS = {
    "bare_imports": [sys.executable, "-c", "import pandas, scipy.stats, statsmodels.api"],
    "help": [WORKBOOK, "--help"],
    "check_demo": [WORKBOOK, "check", "--snapshot", "data/demo"],
    "claims": [WORKBOOK, "claims"],
}
HEADER = ("command", "median s", "measure", "aim", "result")
VERDICT = {True: "PASS", False: "MISS"}


def median_seconds(cmd: list[str], repeat: int) -> float | None:
    """Median wall time, or None when the command fails (reported, not raised)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            subprocess.run(
                cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        except (subprocess.CalledProcessError, OSError):
            return None
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def memory_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def machine() -> str:
    return (
        f"{os.cpu_count()} CPUs, {memory_gib()} RAM, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )


def rows(results: dict[str, float | None]) -> list[tuple[str, str, str, str, str]]:
    out = []
    base = results["bare_imports"]
    for name, secs in results.items():
        measure, aim, verdict = "", "", ""
        if secs is None:
            out.append((name, "failed", "", "", ""))
            continue
        if name == "check_demo" and base:
            ratio = secs / base
            measure, aim, verdict = f"{ratio:.2f}x bare_imports", "<= 1.5x", VERDICT[ratio <= 1.5]
        elif name == "help":
            measure, aim, verdict = f"{secs:.3f} s", "< 0.5 s", VERDICT[secs < 0.5]
        out.append((name, f"{secs:.3f}", measure, aim, verdict))
    return out


def text_table(table: list[tuple[str, ...]]) -> str:
    lines = [HEADER, *table]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def markdown(table: list[tuple[str, ...]], repeat: int) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Measured {datetime.date.today().isoformat()} with `make bench` "
        f"(median of {repeat} runs per command).",
        "",
        f"Machine: {machine()}",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join(["---"] * len(HEADER)) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in table]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per command (default 5)")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="also write a Markdown table")
    args = parser.parse_args()
    repeat = max(1, args.repeat)

    results = {name: median_seconds(cmd, repeat) for name, cmd in COMMANDS.items()}
    table = rows(results)
    print(f"machine: {machine()}")
    print(f"medians of {repeat} runs\n")
    print(text_table(table))
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(markdown(table, repeat))
        print(f"\nwritten: {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
