"""Fresh data for a snapshot: ``workbook fetch`` and the sources behind it.

* :mod:`analysis.fetch.sources`: FRED, Yahoo and Ken French behind one small interface;
* :mod:`analysis.fetch.policy`: timeouts, retries (tenacity) and the errors;
* :mod:`analysis.fetch.plan`: what the claims registry needs, per source;
* :mod:`analysis.fetch.snapshot_writer`: the atomic, checked snapshot folder;
* :mod:`analysis.fetch.command`: the click command, ``fetch_cmd``.

Examples
--------
>>> from analysis.fetch import FetchPolicy
>>> FetchPolicy(read_timeout=5.0).timeout
(10.0, 5.0)
"""

from analysis.fetch.policy import FetchError, FetchPolicy
from analysis.fetch.snapshot_writer import fetch_snapshot
from analysis.fetch.sources import SOURCES

__all__ = ["SOURCES", "FetchError", "FetchPolicy", "fetch_snapshot"]
