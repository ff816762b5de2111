"""What ``workbook fetch`` downloads: the claims registry's data needs, sorted by provider.

Every claim lists the snapshot files it needs (``data``, and stand-ins under ``proxies``). A file's
folder says who provides it:

* ``fred/<ID>.csv`` is FRED series ``<ID>``;
* ``prices/<SYMBOL>.csv`` is Yahoo symbol ``<SYMBOL>``;
* ``french/<NAME>.csv`` is Ken French's file ``<NAME>`` (``F-F_Research_Data_5_Factors_2x3_daily``
  when the claims name none);
* ``user/<NAME>.csv`` is data a user brings (licensed or hand-entered): never fetched.

Examples
--------
>>> from analysis.claims import load_claims
>>> from analysis.snapshot.fetch.plan import plan_fetch
>>> plan = plan_fetch(load_claims())  # doctest: +SKIP
>>> plan.items["fred"][:2]  # doctest: +SKIP
['DFEDTARL', 'DFEDTARU']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from analysis.claims import Registry
from analysis.snapshot.fetch.sources import FRENCH_DEFAULT, LAYOUT_SOURCE, SOURCES


@dataclass(frozen=True, slots=True)
class FetchPlan:
    """The identifiers to fetch per source, and the files left to the user.

    Attributes
    ----------
    items
        Source name (``fred``, ``yahoo``, ``french``) to its sorted identifiers; only the
        selected sources appear, in the order of :data:`~analysis.snapshot.fetch.sources.SOURCES`.
    user
        ``user/`` files the claims need, which nobody fetches.
    skipped
        Needs of sources not selected, as source name to identifiers.
    french_default
        True when the Ken French file is the default one (the claims name none).
    """

    items: dict[str, list[str]]
    user: list[str] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=dict)
    french_default: bool = False

    @property
    def count(self) -> int:
        """How many files the plan fetches."""
        return sum(len(ids) for ids in self.items.values())


def plan_fetch(registry: Registry, sources: Sequence[str] | None = None) -> FetchPlan:
    """Turn the claims' ``data`` (and ``proxies``) into identifiers per source.

    Parameters
    ----------
    registry
        The loaded claims registry.
    sources : subset of {"fred", "yahoo", "french"}, optional
        The sources to fetch from (default: all three).

    Returns
    -------
    FetchPlan

    Raises
    ------
    ValueError
        When a source name is unknown.
    """
    chosen = list(SOURCES) if not sources else list(dict.fromkeys(sources))
    unknown = [s for s in chosen if s not in SOURCES]
    if unknown:
        raise ValueError(
            f"The value for `--sources` must be one of {{{', '.join(SOURCES)}}}, "
            f"but {unknown[0]!r} was passed."
        )
    needs: dict[str, set[str]] = {name: set() for name in SOURCES}
    user: set[str] = set()
    for claim in registry.claims:
        for rel in [*claim.data, *claim.proxy_files()]:
            path = PurePosixPath(rel)
            layout = path.parent.name
            if layout == "user":
                user.add(rel)
            elif layout in LAYOUT_SOURCE:
                needs[LAYOUT_SOURCE[layout]].add(path.stem)
    french_default = not needs["french"]
    if french_default:
        needs["french"].add(FRENCH_DEFAULT)
    return FetchPlan(
        items={name: sorted(needs[name]) for name in SOURCES if name in chosen},
        user=sorted(user),
        skipped={name: sorted(needs[name]) for name in SOURCES if name not in chosen},
        french_default=french_default,
    )
