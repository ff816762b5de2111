"""The interface every source of ``workbook fetch`` implements, and its HTTP plumbing.

Like pandas-datareader's readers, a source overrides how one file is fetched
(:meth:`Source.fetch_raw`, a single attempt returning the bytes to store) and inherits the rest:
the retries (:func:`~analysis.snapshot.fetch.policy.with_retries`), writing the file into the
snapshot folder and validating it with the snapshot parsers (:meth:`Source.parse`) before
accepting it. A body that does not parse (an HTML page, a truncated file, a changed header) is a
fault, retried and then reported; never a file in the snapshot.

Every file is bounded: :meth:`Source.download` streams a body within ``policy.max_bytes`` (see
:mod:`analysis.snapshot.fetch.bounded`), and each attempt runs against the file's deadline
(``policy.max_seconds``, or the whole fetch's if that comes first) with :func:`within`, so
neither a server that sends forever nor one that trickles a byte at a time outlives it.

Examples
--------
>>> from analysis.snapshot.fetch.base import Source
>>> sorted(Source.__abstractmethods__)
['fetch_raw']
"""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import ClassVar
from urllib.parse import urljoin

import pandas as pd
import requests
from requests.cookies import extract_cookies_to_jar

from analysis.errors import DataError
from analysis.snapshot.fetch.bounded import read_body, within
from analysis.snapshot.fetch.policy import (
    ENV,
    Deadline,
    FetchPolicy,
    Missing,
    Refused,
    Transient,
    retry_after_seconds,
    with_retries,
)
from analysis.snapshot.manifest import utc_now
from analysis.snapshot.parsers import parse_file

MAX_REDIRECTS = 5
"""Redirects followed per request (by :meth:`Source.get`, which never reads their bodies)."""

ACCEPT_ENCODING = "gzip, deflate"
"""What a server may compress a body with: what :mod:`~analysis.snapshot.fetch.bounded` decodes."""


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
    deadline
        The whole fetch's deadline (``policy.total_seconds`` from its start), when there is one;
        each file's own deadline never reaches past it.
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
        deadline: Deadline | None = None,
    ) -> None:
        self.policy = policy or FetchPolicy.from_env()
        self.session = session or new_session()
        env_url = os.environ.get(self.env, "").strip() if self.env else ""
        self.base_url = (base_url or env_url or self.default_url or "").rstrip("/")
        self.on_retry = on_retry
        self.fetch_deadline = deadline
        self._deadline: Deadline | None = None  # the file's, while fetch() runs
        self._live: list[requests.Response] = []  # the answer being read, to cut at a deadline
        self._lock = threading.Lock()

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
            When the provider stays down, keeps answering something that does not parse, or
            passes a bound (the body's size, the file's or the fetch's time budget).
        Missing
            When the provider does not have ``identifier`` (no file is left behind).
        """
        rel = self.rel(identifier)
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        deadline = self.file_deadline()

        def attempt() -> tuple[pd.DataFrame, datetime]:
            deadline.check()
            retrieved_at = utc_now()
            # the download runs in a thread the deadline can walk away from; the file is
            # written here, so an abandoned download never writes into the snapshot
            raw = within(lambda: self.fetch_raw(identifier, start, end), deadline, cancel=self._cut)
            path.write_bytes(raw)
            try:
                return self.parse(path, rel), retrieved_at
            except DataError as exc:
                path.unlink(missing_ok=True)
                raise Transient(f"unusable answer: {exc}") from exc

        self._deadline = deadline
        try:
            (frame, retrieved_at), attempts, seconds = with_retries(
                attempt,
                policy=self.policy,
                provider=self.label,
                identifier=identifier,
                on_retry=self.on_retry,
                deadline=deadline,
            )
        finally:
            self._deadline = None
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

    def file_deadline(self) -> Deadline:
        """A new file's deadline: ``policy.max_seconds`` from now, or the fetch's if sooner."""
        own = Deadline.after(self.policy.max_seconds, ENV["max_seconds"])
        return own.sooner(self.fetch_deadline)

    # ------------------------------------------------------------------------------- HTTP
    def download(self, url: str, params: dict[str, str] | None = None) -> bytes:
        """The body of a GET, streamed within ``policy.max_bytes`` and the file's deadline.

        Raises
        ------
        Exceeded
            When the body passes the cap or the deadline passes (not retried).
        Transient, Missing, Refused
            As :meth:`get`, or when the body breaks off or does not decode.
        """
        deadline = self._deadline or self.file_deadline()
        response = self.get(url, params)
        with self._lock:
            self._live.append(response)
        try:
            return read_body(
                response,
                cap=self.policy.max_bytes,
                deadline=deadline,
                read_timeout=self.policy.read_timeout,
            )
        finally:
            with self._lock:
                self._live.remove(response)
            response.close()

    def get(self, url: str, params: dict[str, str] | None = None) -> requests.Response:
        """One GET with the policy's timeouts, its faults sorted into retry / missing / refuse.

        Returns only a 200 answer, its body not yet read (``stream=True``: read it with
        :meth:`download`); 404 and 410 raise :class:`Missing`. Redirects are followed here, up
        to :data:`MAX_REDIRECTS`, without reading their bodies. Timeouts are shortened to the
        time left before the file's deadline, and past it :class:`Exceeded` is raised.
        """
        deadline = self._deadline or self.file_deadline()
        for _ in range(MAX_REDIRECTS + 1):
            response = self._get_once(url, params, deadline)
            if not response.is_redirect:
                return self._sort(response)
            url = urljoin(response.url, response.headers["Location"])
            params = None  # the Location carries the query
            response.close()
        raise Refused(f"more than {MAX_REDIRECTS} redirects")

    def _get_once(
        self, url: str, params: dict[str, str] | None, deadline: Deadline
    ) -> requests.Response:
        deadline.check()
        try:
            return self.session.get(
                url,
                params=params,
                timeout=self.policy.timeout_within(deadline),
                headers={"Accept-Encoding": ACCEPT_ENCODING},
                stream=True,
                allow_redirects=False,
                hooks={"response": _stop_at_redirect},
            )
        except _Redirect as redirect:
            response = redirect.response
            request = response.request
            extract_cookies_to_jar(self.session.cookies, request, response.raw)
            return response
        except requests.ConnectTimeout as exc:
            deadline.check()
            raise Transient(f"no connection within {self.policy.connect_timeout:g} s") from exc
        except requests.Timeout as exc:
            deadline.check()
            raise Transient(f"no answer within {self.policy.read_timeout:g} s") from exc
        except requests.exceptions.ChunkedEncodingError as exc:
            raise Transient("truncated body (the connection closed mid-answer)") from exc
        except requests.ConnectionError as exc:
            raise Transient(f"connection failed ({_root_cause(exc)})") from exc

    def _sort(self, response: requests.Response) -> requests.Response:
        status = response.status_code
        if status == 200:
            return response
        response.close()  # its body is never read
        if status in (404, 410):
            raise Missing(f"{self.label} answered HTTP {status} (no such item)")
        if status == 429:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            said = f"; Retry-After {wait:g} s" if wait is not None else ""
            raise Transient(f"HTTP 429 (too many requests{said})", retry_after=wait)
        if status >= 500 or status == 408:
            raise Transient(f"HTTP {status}")
        raise Refused(f"HTTP {status} {response.reason or ''}".rstrip())

    def _cut(self) -> None:
        """Wake a download its deadline walked away from: shut its socket for reading."""
        with self._lock:
            live = list(self._live)
        for response in live:
            try:
                response.raw.shutdown()
            except (AttributeError, OSError, RuntimeError, ValueError):
                pass  # already closed or released


class _Redirect(Exception):
    """Carries a redirect out of :meth:`requests.Session.send` before it reads the body.

    Even with ``allow_redirects=False``, requests reads a redirect's whole body (to prepare
    ``Response.next``), however long it is; a response hook runs just before that.
    """

    def __init__(self, response: requests.Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def _stop_at_redirect(response: requests.Response, *args, **kwargs) -> requests.Response:
    if response.is_redirect:
        raise _Redirect(response)
    return response


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
