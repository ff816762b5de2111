"""The three providers ``workbook fetch`` downloads from, behind one small interface.

Each is a :class:`~analysis.snapshot.fetch.base.Source` (the interface, its retries and its
validation); FRED and Ken French are here, Yahoo in :mod:`analysis.snapshot.fetch.yahoo`.
:data:`SOURCES` names them.

=========  ============================  ==========================================================
source     file                          what is fetched
=========  ============================  ==========================================================
fred       ``fred/<ID>.csv``             ``{WORKBOOK_FRED_URL}/fredgraph.csv?id=<ID>&cosd=&coed=``,
                                         byte for byte
yahoo      ``prices/<SYMBOL>.csv``       ``yfinance.download`` (unadjusted, with Adj Close),
                                         written as ``Date,Open,High,Low,Close,Adj Close,Volume``
french     ``french/<NAME>.csv``         ``{WORKBOOK_FRENCH_URL}/<NAME>_CSV.zip``, its single CSV
                                         byte for byte
=========  ============================  ==========================================================

Examples
--------
>>> from analysis.snapshot.fetch.sources import SOURCES
>>> sorted(SOURCES)
['fred', 'french', 'yahoo']
"""

from __future__ import annotations

from datetime import date

from analysis.snapshot.fetch.base import Fetched, Source, looks_like_html, new_session
from analysis.snapshot.fetch.bounded import unzip_one_csv
from analysis.snapshot.fetch.policy import Missing, Transient
from analysis.snapshot.fetch.yahoo import YahooSource

FRED_URL = "https://fred.stlouisfed.org/graph"
FRENCH_URL = "https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/ftp"
FRENCH_DEFAULT = "F-F_Research_Data_5_Factors_2x3_daily"

__all__ = [
    "SOURCES",
    "Fetched",
    "FredSource",
    "FrenchSource",
    "Source",
    "YahooSource",
    "new_session",
]


# ---------------------------------------------------------------------------------- FRED
class FredSource(Source):
    """FRED's ``fredgraph.csv``: one series per file, stored exactly as served.

    The answer must be FRED's CSV (``observation_date,<ID>`` or the older ``DATE,<ID>``); an
    HTML page, another header or a cut-off body is retried and then reported. An unknown series
    (HTTP 404) and a series with no observation between ``start`` and ``end`` are missing.
    """

    name = "fred"
    label = "FRED"
    layout = "fred"
    env = "WORKBOOK_FRED_URL"
    default_url = FRED_URL

    def url(self, identifier: str, start: date, end: date) -> str:
        return (
            f"{self.base_url}/fredgraph.csv?id={identifier}"
            f"&cosd={start.isoformat()}&coed={end.isoformat()}"
        )

    def fetch_raw(self, identifier: str, start: date, end: date) -> bytes:
        body = self.download(self.url(identifier, start, end))  # the URL the manifest records
        if looks_like_html(body):
            raise Transient("answered an HTML page with HTTP 200, expected CSV")
        lines = [ln for ln in body.decode("utf-8-sig", errors="replace").splitlines() if ln]
        if len(lines) == 1 and lines[0].split(",")[-1].strip() == identifier:
            raise Missing(f"FRED has no observation of {identifier} between {start} and {end}")
        return body


# ---------------------------------------------------------------------------- Ken French
class FrenchSource(Source):
    """A file of Ken French's data library: ``<NAME>_CSV.zip``, its single CSV stored as served.

    The file is published whole, so ``start`` and ``end`` do not apply. A zip that is not one
    (an HTML page, a cut-off download) or holds other than one CSV is retried and then reported;
    HTTP 404 means the library has no such file (missing). A zip whose members declare more than
    ``policy.max_bytes`` unzipped, or a zip bomb's compression ratio, is refused before anything
    is unpacked (:func:`~analysis.snapshot.fetch.bounded.unzip_one_csv`).
    """

    name = "french"
    label = "Ken French"
    layout = "french"
    env = "WORKBOOK_FRENCH_URL"
    default_url = FRENCH_URL

    def url(self, identifier: str, start: date, end: date) -> str:
        return f"{self.base_url}/{identifier}_CSV.zip"

    def fetch_raw(self, identifier: str, start: date, end: date) -> bytes:
        body = self.download(self.url(identifier, start, end))
        if looks_like_html(body):
            raise Transient("answered an HTML page with HTTP 200, expected a zip file")
        return unzip_one_csv(body, cap=self.policy.max_bytes)


SOURCES: dict[str, type[Source]] = {
    "fred": FredSource,
    "yahoo": YahooSource,
    "french": FrenchSource,
}
LAYOUT_SOURCE = {cls.layout: name for name, cls in SOURCES.items()}
