"""Series names in words (``Russell 2000``, ``10-year Treasury yield``) for pages, charts and
summaries, from the gazetteer shipped in ``analysis/resources/series.yaml``.

A snapshot file (``prices/^RUT.csv``), its stem (``^RUT``) or a user file's series name
(``sp600_pe_fwd``) all name a series; an unknown one is shown as it is written (escaped by the
caller, like any text from a snapshot).
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from analysis.paths import RESOURCES


class SeriesName(NamedTuple):
    """A series in words, its unit (``index``, ``percent``, ``multiple``, ``usd``, ...) and the
    spellings an article uses for it."""

    name: str
    unit: str
    aliases: tuple[str, ...]
    user: str = ""  # the index's name in user files' series (russell2000_fwd_pe), if any


@cache
def gazetteer() -> dict[str, SeriesName]:
    """Every known series by key (a file's stem or a user series name)."""
    import yaml

    with (RESOURCES / "series.yaml").open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return {
        str(key): SeriesName(
            str(v["name"]), str(v["unit"]), tuple(v.get("aliases") or ()), str(v.get("user") or "")
        )  # fmt: skip
        for key, v in raw.items()
    }


def key_of(series: str) -> str:
    """``prices/^RUT.csv -> '^RUT'``; anything else unchanged."""
    return series.rsplit("/", 1)[-1].removesuffix(".csv")


def label(series: str) -> str:
    """The series in words: ``label("prices/^RUT.csv") == "Russell 2000"``; unknown ones as
    written (``key_of``)."""
    known = gazetteer().get(key_of(series))
    return known.name if known else key_of(series)


def unit(series: str) -> str | None:
    """The series' unit, or ``None`` when it is not in the gazetteer."""
    known = gazetteer().get(key_of(series))
    return known.unit if known else None
