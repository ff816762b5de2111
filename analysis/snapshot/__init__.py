"""Stage 1, the data: snapshot folders, their parsers and manifest, the demo, and fetch.

* :mod:`~analysis.snapshot.store`: :class:`Snapshot`, a folder read through the parsers;
* :mod:`~analysis.snapshot.parsers`: one parser per layout (fred, prices, french, user);
* :mod:`~analysis.snapshot.manifest`: ``manifest.json``;
* :mod:`~analysis.snapshot.demo`: the seeded synthetic demo snapshot;
* :mod:`~analysis.snapshot.fetch`: fresh data from FRED, Yahoo and Ken French.
"""

from analysis.snapshot.store import Snapshot, default_snapshot

__all__ = ["Snapshot", "default_snapshot"]
