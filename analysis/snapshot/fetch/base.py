"""The interface every source of ``workbook fetch`` implements, and its HTTP plumbing.

Like pandas-datareader's readers, a source overrides how one file is fetched
(:meth:`Source.fetch_raw`, a single attempt returning the bytes to store) and inherits the rest:
the retries (:func:`~analysis.snapshot.fetch.policy.with_retries`), writing the file into the
snapshot folder and validating it with the snapshot parsers (:meth:`Source.parse`) before
accepting it. A body that does not parse (an HTML page, a truncated file, a changed header) is a
fault, retried and then reported; never a file in the snapshot.

Examples
--------
>>> from analysis.snapshot.fetch.base import Source
>>> sorted(Source.__abstractmethods__)
['fetch_raw']
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import ClassVar

import pandas as pd
import requests

from analysis.errors import DataError
from analysis.snapshot.fetch.policy import (
    FetchPolicy,
    Missing,
    Refused,
    Transient,
    retry_after_seconds,
    with_retries,
)
from analysis.snapshot.manifest import utc_now
from analysis.snapshot.parsers import parse_file


def _user_agent() -> str:
    try:
        version = metadata.version("workbook")
    except metadata.PackageNotFoundError:
        version = "dev"
    return f"workbook-fetch/{version} python-requests/{requests.__version__}"


@dataclass(frozen=True, slots=True)
class Fetched:
    """One file written into the snapshot folder, with what the manifest needs to know."""

    rel: str
    source: str
    identifier: str
    url: str | None
    retrieved_at: datetime
    attempts: int
    seconds: float
    rows: int
    first_date: date | None
    last_date: date | None


class Source(ABC):
    """A provider of one snapshot layout.

    Parameters
    ----------
    policy
        Timeouts and retry limits (default: :meth:`FetchPolicy.from_env`).
    session
        The HTTP session (default: a new :class:`requests.Session`).
    base_url
        The provider's address (default: the source's environment variable, else its public
        address). Mirrors and test servers are given here.
    on_retry
        Called with one line before each retry.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    layout: ClassVar[str]
    env: ClassVar[str | None] = None
    default_url: ClassVar[str | None] = None

    def __init__(
        self,
        *,
        policy: FetchPolicy | None = None,
        session: requests.Session | None = None,
        base_url: str | None = None,
        on_retry: Callable[[str], None] | None = None,
    ) -> None:
        self.policy = policy or FetchPolicy.from_env()
        self.session = session or new_session()
        env_url = os.environ.get(self.env, "").strip() if self.env else ""
        self.base_url = (base_url or env_url or self.default_url or "").rstrip("/")
        self.on_retry = on_retry

    def rel(self, identifier: str) -> str:
        """The file's path in the snapshot (``fred/DGS10.csv``)."""
        return f"{self.layout}/{identifier}.csv"

    def url(self, identifier: str, start: date, end: date) -> str | None:
        """The address fetched for ``identifier`` (``None`` when not a plain URL)."""
        return None

    @abstractmethod
    def fetch_raw(self, identifier: str, start: date, end: date) -> bytes:
        """One attempt: the bytes to store for ``identifier``.

        Raises
        ------
        Transient
            For a fault worth retrying.
        Missing
            When the provider does not have ``identifier``.
        Refused
            For a fault not worth retrying.
        """

    def parse(self, path: Path, rel: str) -> pd.DataFrame:
        """Validate a written file with the snapshot parser of this layout."""
        return parse_file(path, layout=self.layout, name=rel)

    def fetch(self, identifier: str, folder: Path, start: date, end: date) -> Fetched:
        """Fetch ``identifier`` into ``folder`` (retrying), validate it and describe it.

        Raises
        ------
        FetchError
            When the provider stays down or keeps answering something that does not parse.
        Missing
            When the provider does not have ``identifier`` (no file is left behind).
        """
        rel = self.rel(identifier)
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)

        def attempt() -> tuple[pd.DataFrame, datetime]:
            retrieved_at = utc_now()
            raw = self.fetch_raw(identifier, start, end)
            path.write_bytes(raw)
            try:
                return self.parse(path, rel), retrieved_at
            except DataError as exc:
                path.unlink(missing_ok=True)
                raise Transient(f"unusable answer: {exc}") from exc

        (frame, retrieved_at), attempts, seconds = with_retries(
            attempt,
            policy=self.policy,
            provider=self.label,
            identifier=identifier,
            on_retry=self.on_retry,
        )
        return Fetched(
            rel=rel,
            source=self.name,
            identifier=identifier,
            url=self.url(identifier, start, end),
            retrieved_at=retrieved_at,
            attempts=attempts,
            seconds=seconds,
            rows=len(frame),
            first_date=frame.index[0].date() if len(frame) else None,
            last_date=frame.index[-1].date() if len(frame) else None,
        )

    # ------------------------------------------------------------------------------- HTTP
    def get(self, url: str, params: dict[str, str] | None = None) -> requests.Response:
        """One GET with the policy's timeouts, its faults sorted into retry / missing / refuse.

        Returns only a 200 answer; 404 and 410 raise :class:`Missing`.
        """
        try:
            response = self.session.get(url, params=params, timeout=self.policy.timeout)
        except requests.ConnectTimeout as exc:
            raise Transient(f"no connection within {self.policy.connect_timeout:g} s") from exc
        except requests.Timeout as exc:
            raise Transient(f"no answer within {self.policy.read_timeout:g} s") from exc
        except requests.exceptions.ChunkedEncodingError as exc:
            raise Transient("truncated body (the connection closed mid-answer)") from exc
        except requests.ConnectionError as exc:
            raise Transient(f"connection failed ({_root_cause(exc)})") from exc
        status = response.status_code
        if status == 200:
            return response
        if status in (404, 410):
            raise Missing(f"{self.label} answered HTTP {status} (no such item)")
        if status == 429:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            said = f"; Retry-After {wait:g} s" if wait is not None else ""
            raise Transient(f"HTTP 429 (too many requests{said})", retry_after=wait)
        if status >= 500 or status == 408:
            raise Transient(f"HTTP {status}")
        raise Refused(f"HTTP {status} {response.reason or ''}".rstrip())


def new_session() -> requests.Session:
    """A :class:`requests.Session` naming the workbook in its ``User-Agent``."""
    session = requests.Session()
    session.headers["User-Agent"] = _user_agent()
    return session


def _root_cause(exc: BaseException) -> str:
    """What a connection error amounts to, briefly (``connection reset``)."""
    text = str(exc).lower()
    for words, meaning in (
        (("reset",), "connection reset"),
        (("refused",), "connection refused"),
        (("aborted", "remote end closed", "remotedisconnected"), "closed without an answer"),
        (("name or service", "nodename", "getaddrinfo", "resolve"), "host name not found"),
    ):
        if any(w in text for w in words):
            return meaning
    return type(exc).__name__


def looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")) or (
        b"<html" in head
    )
