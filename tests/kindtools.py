"""Helpers for the kinds' toy-snapshot tests: write a snapshot and a one-claim file, check it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from analysis.checks import Context, evaluate_all
from analysis.claims import load_claims
from analysis.results import ClaimResult
from analysis.snapshot import Snapshot


def write_prices(root: Path, symbol: str, closes: dict[str, float]) -> None:
    (root / "prices").mkdir(parents=True, exist_ok=True)
    rows = "".join(f"{d},{c}\n" for d, c in closes.items())
    (root / "prices" / f"{symbol}.csv").write_text(f"Date,Close\n{rows}")


def write_fred(root: Path, series: str, values: dict[str, float]) -> None:
    (root / "fred").mkdir(parents=True, exist_ok=True)
    rows = "".join(f"{d},{v}\n" for d, v in values.items())
    (root / "fred" / f"{series}.csv").write_text(f"observation_date,{series}\n{rows}")


def check_one(
    root: Path, kind: str, params: dict, data: list[str], *, as_of: str = "2026-01-02",
    until: date | None = None, **claim,
) -> ClaimResult:  # fmt: skip
    """Evaluate one claim of ``kind`` on the snapshot at ``root`` (as ``workbook check``)."""
    doc = {
        "article": {"id": "toy", "title": "Toy", "as_of": as_of},
        "claims": [{"id": "c", "theme": "t", "text": "a claim", "kind": kind, "data": data,
                    "params": params, **claim}],
    }  # fmt: skip
    path = root / "claims.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    (result,) = evaluate_all(load_claims(path), Snapshot(root / "snap"), Context(until=until))
    return result
