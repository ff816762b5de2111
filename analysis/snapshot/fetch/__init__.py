"""Fresh data for a snapshot: ``workbook fetch`` and the sources behind it.

* :mod:`analysis.snapshot.fetch.sources`: FRED, Yahoo and Ken French behind one small interface;
* :mod:`analysis.snapshot.fetch.policy`: timeouts, retries (tenacity) and the errors;
* :mod:`analysis.snapshot.fetch.plan`: what the claims registry needs, per source;
* :mod:`analysis.snapshot.fetch.snapshot_writer`: the atomic, checked snapshot folder;
* :mod:`analysis.snapshot.fetch.run`: a whole fetch for a claims file (what the CLI calls).

Examples
--------
>>> from analysis.snapshot.fetch import FetchPolicy
>>> FetchPolicy(read_timeout=5.0).timeout
(10.0, 5.0)
"""

from analysis.snapshot.fetch.policy import FetchError, FetchPolicy
from analysis.snapshot.fetch.snapshot_writer import fetch_snapshot
from analysis.snapshot.fetch.sources import SOURCES

__all__ = ["SOURCES", "FetchError", "FetchPolicy", "fetch_snapshot"]
