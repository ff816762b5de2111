"""Yahoo Finance daily prices through :func:`yfinance.download`, as ``prices/<SYMBOL>.csv``.

yfinance 1.x returns columns as a ``(Price, Ticker)`` MultiIndex and adjusts prices unless told
not to; this source asks for unadjusted prices (``auto_adjust=False``) so that both Close and
Adj Close are kept, flattens the columns and writes Yahoo's familiar CSV layout.

Examples
--------
>>> import pandas as pd
>>> from analysis.snapshot.fetch.yahoo import flatten_yahoo
>>> flatten_yahoo(pd.DataFrame(), "^RUT").empty
True
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pandas as pd

from analysis.snapshot.fetch.base import Source
from analysis.snapshot.fetch.bounded import over_cap
from analysis.snapshot.fetch.policy import Missing, Transient

YAHOO_COLUMNS = ("Open", "High", "Low", "Close", "Adj Close", "Volume")

# Words in yfinance's logged errors that mean "the network failed", not "no such symbol".
_YAHOO_TRANSIENT = ("rate limit", "too many requests", "timed out", "timeout", "connection", "curl")


class YahooSource(Source):
    """Yahoo Finance daily prices through :func:`yfinance.download`.

    Asks for unadjusted prices (``auto_adjust=False``) so both Close and Adj Close are kept,
    flattens yfinance 1.x's ``(Price, Ticker)`` column MultiIndex, drops rows with no price and
    writes ``Date,Open,High,Low,Close,Adj Close,Volume`` with ISO dates. yfinance's ``end`` is
    exclusive, so it is asked for ``end + 1 day``. An empty answer means Yahoo does not have the
    symbol (missing), unless yfinance logged a network failure or a rate limit (retried).

    yfinance does its own HTTP, so its timeout is shortened to the time left before the file's
    deadline (which :meth:`Source.fetch` enforces around it) and the table it returns, not the
    answer, is held to ``policy.max_bytes``.
    """

    name = "yahoo"
    label = "Yahoo"
    layout = "prices"

    def url(self, identifier: str, start: date, end: date) -> str:
        return f"https://finance.yahoo.com/quote/{identifier}/history"

    def fetch_raw(self, identifier: str, start: date, end: date) -> bytes:
        import yfinance as yf

        deadline = self._deadline or self.file_deadline()
        deadline.check()
        errors = _LogCapture()
        logger = logging.getLogger("yfinance")
        logger.addHandler(errors)
        try:
            frame = yf.download(
                identifier,
                start=start.isoformat(),
                end=(end + timedelta(days=1)).isoformat(),
                auto_adjust=False,
                actions=False,
                progress=False,
                threads=False,
                multi_level_index=True,
                timeout=self.policy.timeout_within(deadline)[1],
            )
        except Exception as exc:  # yfinance raises its own and curl_cffi's network errors
            raise Transient(f"yfinance failed ({type(exc).__name__}: {exc})") from exc
        finally:
            logger.removeHandler(errors)
        table = flatten_yahoo(frame, identifier)
        if table.empty:
            said = "; ".join(errors.messages)
            if any(word in said.lower() for word in _YAHOO_TRANSIENT):
                raise Transient(f"yfinance: {said}")
            why = f" ({said})" if said else ""
            raise Missing(f"Yahoo returned no rows for {identifier} from {start} to {end}{why}")
        body = yahoo_csv(table).encode("utf-8")
        if len(body) > self.policy.max_bytes:
            raise over_cap("the table", self.policy.max_bytes)
        return body


def flatten_yahoo(frame: pd.DataFrame | None, symbol: str) -> pd.DataFrame:
    """yfinance's frame as one column per price field, no all-empty rows, naive dates.

    Accepts yfinance 1.x's MultiIndex columns (``Price``, ``Ticker``) and flat columns alike.
    """
    if frame is None or frame.empty:
        return pd.DataFrame(columns=list(YAHOO_COLUMNS))
    frame = frame.copy()
    if isinstance(frame.columns, pd.MultiIndex):
        price_level = next(
            (
                i
                for i in range(frame.columns.nlevels)
                if {"Close", "Adj Close"} & set(frame.columns.get_level_values(i))
            ),
            0,
        )
        tickers = frame.columns.droplevel(price_level)
        if len(tickers.unique()) > 1:
            frame = frame.loc[:, [str(t).upper() == symbol.upper() for t in tickers]]
        frame.columns = frame.columns.get_level_values(price_level)
    frame = frame.loc[:, [c for c in YAHOO_COLUMNS if c in frame.columns]]
    prices = [c for c in frame.columns if c != "Volume"]
    frame = frame.dropna(how="all", subset=prices or None)
    index = pd.DatetimeIndex(frame.index)
    if index.tz is not None:
        index = index.tz_localize(None)
    frame.index = index.normalize()
    frame.index.name = "Date"
    return frame


def yahoo_csv(table: pd.DataFrame) -> str:
    """Render a flattened Yahoo table as the ``prices/`` layout (ISO dates, integer Volume)."""
    out = table.copy()
    if "Volume" in out:
        out["Volume"] = out["Volume"].round().astype("Int64")
    return out.to_csv(date_format="%Y-%m-%d", lineterminator="\n")


class _LogCapture(logging.Handler):
    """Collects yfinance's error messages during one download."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().strip()
        if message:
            self.messages.append(" ".join(message.split()))
