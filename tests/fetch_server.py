"""A stand-in for FRED and Ken French's library on 127.0.0.1, with faults on demand.

Routes (``server.url`` is ``http://127.0.0.1:<port>``):

* ``{server.fred_url}/fredgraph.csv?id=<ID>&cosd=<start>&coed=<end>``: the file ``<ID>.csv`` of
  the FRED folders given, cut to ``cosd``..``coed`` (its bytes otherwise as on disk); an unknown
  id answers 404 with an HTML page, as FRED does.
* ``{server.french_url}/<NAME>_CSV.zip``: ``<NAME>.csv`` of the French folders, zipped on the fly.

:meth:`ProviderServer.serve` replaces an identifier's answer with given bytes (a zip bomb built
by a test, say).

Faults are set per identifier (a FRED id or a French name; ``"*"`` for every one) and served one
per request until the list runs out, or forever:

===============  =====================================================================
``429``          HTTP 429 with ``Retry-After: <server.retry_after>``
``503``          HTTP 503
``500``          HTTP 500
``404``          HTTP 404 with an HTML page
``timeout``      no answer for ``server.stall_seconds`` (past the client's timeout)
``stall``        no answer until the server is stopped (for interrupting a fetch)
``reset``        the connection is reset (TCP RST) before any answer
``truncated``    HTTP 200 announcing the full length, then half the body and a close
``html``         HTTP 200 with an HTML error page
``header``       HTTP 200 with a changed CSV header (``date,value``)
``gzip``         HTTP 200 with the body gzip-encoded (``Content-Encoding: gzip``)
``deflate``      HTTP 200 with the body zlib-encoded (``Content-Encoding: deflate``)
``endless``      HTTP 200, chunked, 64 KiB chunks without end
``trickle``      HTTP 200 without a length, then one byte per ``server.trickle_interval``
``slowheaders``  HTTP 200, then one byte of headers per ``server.trickle_interval``
``huge``         HTTP 200 announcing ``Content-Length`` 5 GiB, then chunks without end
``gzipbomb``     HTTP 200, ``Content-Encoding: gzip``: ``server.bomb_bytes`` zeros, about
                 1000 times smaller on the wire
``redirect``     HTTP 302 back to the same address, with a chunked body without end
===============  =====================================================================

The answers "without end" are bounded on the server's side all the same, so that no test can
hang on them: each stops after ``server.stream_seconds`` or ``server.stream_bytes``, when the
client goes away (a write blocked for 2 s counts) or when the server is stopped.

Examples
--------
>>> with ProviderServer(fred_dirs=[Path("tests/recordings/fred")]) as server:  # doctest: +SKIP
...     server.fault("DGS10", "503", "timeout")
...     server.fault("*", "500", forever=True)
"""

from __future__ import annotations

import io
import socket
import struct
import threading
import time
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FAULTS = (
    "429",
    "503",
    "500",
    "404",
    "timeout",
    "stall",
    "reset",
    "truncated",
    "html",
    "header",
    "gzip",
    "deflate",
    "endless",
    "trickle",
    "slowheaders",
    "huge",
    "gzipbomb",
    "redirect",
)
STREAMS = ("endless", "trickle", "slowheaders", "huge", "gzipbomb", "redirect")

FRED_404 = b"""<!DOCTYPE html>
<html lang="en"><head><title>Error - FRED | St. Louis Fed</title></head>
<body><h1>Error</h1><p>The series does not exist.</p></body></html>
"""
HTML_ERROR = b"""<!DOCTYPE html>
<html><head><title>Service temporarily unavailable</title></head>
<body><h1>We'll be back soon</h1><p>Maintenance in progress.</p></body></html>
"""


class ProviderServer:
    """A threaded HTTP server on 127.0.0.1 serving FRED and Ken French answers.

    Parameters
    ----------
    fred_dirs
        Folders of ``<ID>.csv`` files in FRED's layout; the first that has an id wins.
    french_dirs
        Folders of ``<NAME>.csv`` files in Ken French's layout.
    stall_seconds
        How long a ``timeout`` fault keeps the client waiting.
    retry_after
        The ``Retry-After`` value sent with a 429.
    trickle_interval
        The pause between the bytes of ``trickle`` and ``slowheaders``.
    bomb_bytes
        How many zeros a ``gzipbomb`` decodes to.
    stream_seconds, stream_bytes
        The server's own bounds on an answer "without end".
    """

    def __init__(
        self,
        *,
        fred_dirs: Sequence[Path] = (),
        french_dirs: Sequence[Path] = (),
        stall_seconds: float = 1.0,
        retry_after: str = "1",
        trickle_interval: float = 0.05,
        bomb_bytes: int = 64 * 1024 * 1024,
        stream_seconds: float = 20.0,
        stream_bytes: int = 1024**3,
    ) -> None:
        self.fred_dirs = [Path(d) for d in fred_dirs]
        self.french_dirs = [Path(d) for d in french_dirs]
        self.stall_seconds = stall_seconds
        self.retry_after = retry_after
        self.trickle_interval = trickle_interval
        self.bomb_bytes = bomb_bytes
        self.stream_seconds = stream_seconds
        self.stream_bytes = stream_bytes
        self.requests: list[str] = []
        self.served: dict[str, bytes] = {}
        self.bodies: dict[str, bytes] = {}
        self._bomb: bytes | None = None
        self._faults: dict[str, list[str]] = defaultdict(list)
        self._forever: dict[str, str] = {}
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._zips: dict[str, bytes] = {}
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # ------------------------------------------------------------------------ lifecycle
    def __enter__(self) -> ProviderServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """Release stalled answers and stop serving."""
        self._release.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def fred_url(self) -> str:
        return f"{self.url}/fred/graph"

    @property
    def french_url(self) -> str:
        return f"{self.url}/french/ftp"

    # --------------------------------------------------------------------------- faults
    def fault(self, identifier: str, *modes: str, forever: bool = False) -> None:
        """Serve ``modes`` to ``identifier``'s next requests (``"*"``: every identifier)."""
        for mode in modes:
            if mode not in FAULTS:
                raise ValueError(f"unknown fault {mode!r}, expected one of {FAULTS}")
        with self._lock:
            if forever:
                (mode,) = modes
                self._forever[identifier] = mode
            else:
                self._faults[identifier].extend(modes)

    def serve(self, identifier: str, body: bytes) -> None:
        """Answer ``identifier`` with ``body`` (HTTP 200) instead of its file, faults aside."""
        with self._lock:
            self.bodies[identifier] = body

    def clear(self) -> None:
        """Drop every pending and permanent fault."""
        with self._lock:
            self._faults.clear()
            self._forever.clear()

    def hits(self, identifier: str) -> int:
        """How many requests asked for ``identifier``."""
        with self._lock:
            return sum(1 for r in self.requests if r == identifier)

    def next_fault(self, identifier: str) -> str | None:
        with self._lock:
            self.requests.append(identifier)
            for key in (identifier, "*"):
                if key in self._forever:
                    return self._forever[key]
            for key in (identifier, "*"):
                if self._faults.get(key):
                    return self._faults[key].pop(0)
        return None

    # ------------------------------------------------------------------------- content
    def fred_body(self, series: str, cosd: str | None, coed: str | None) -> bytes | None:
        """``<series>.csv`` cut to the dates, its bytes (line ends, BOM) otherwise kept."""
        path = next(
            (d / f"{series}.csv" for d in self.fred_dirs if (d / f"{series}.csv").is_file()), None
        )
        if path is None:
            return None
        lines = path.read_bytes().splitlines(keepends=True)
        keep = [lines[0]]
        for line in lines[1:]:
            day = line[:10].decode("ascii", errors="replace")
            if (cosd is None or day >= cosd) and (coed is None or day <= coed):
                keep.append(line)
        return b"".join(keep)

    def gzip_bomb(self) -> bytes:
        """``bomb_bytes`` zeros, gzip-compressed (about a thousandth of that), built once."""
        if self._bomb is None:
            packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
            block, left, parts = bytes(1024 * 1024), self.bomb_bytes, []
            while left > 0:
                parts.append(packer.compress(block[: min(left, len(block))]))
                left -= len(block)
            self._bomb = b"".join(parts) + packer.flush()
        return self._bomb

    def french_zip(self, name: str) -> bytes | None:
        """``<name>.csv`` zipped as Ken French publishes it (``<name>_CSV.zip``)."""
        if name not in self._zips:
            path = next(
                (d / f"{name}.csv" for d in self.french_dirs if (d / f"{name}.csv").is_file()),
                None,
            )
            if path is None:
                return None
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(f"{name}.csv", path.read_bytes())
            self._zips[name] = buffer.getvalue()
        return self._zips[name]


def _handler(server: ProviderServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args) -> None:  # silence the access log
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/fred/graph/fredgraph.csv" and "id" in query:
                identifier = query["id"]
                body = server.fred_body(identifier, query.get("cosd"), query.get("coed"))
                kind = "text/csv"
            elif parts.path.startswith("/french/ftp/") and parts.path.endswith("_CSV.zip"):
                identifier = parts.path.removeprefix("/french/ftp/").removesuffix("_CSV.zip")
                body = server.french_zip(identifier)
                kind = "application/zip"
            else:
                self._send(404, FRED_404, "text/html")
                return
            fault = server.next_fault(identifier)
            with server._lock:
                body = server.bodies.get(identifier, body)
            if body is None and fault is None:
                fault = "404"
            self._serve(fault, body or b"", kind, identifier)

        def _serve(self, fault: str | None, body: bytes, kind: str, identifier: str) -> None:
            if fault is None:
                server.served[identifier] = body
                self._send(200, body, kind)
            elif fault == "429":
                self._send(429, b"Too Many Requests\n", "text/plain", server.retry_after)
            elif fault in ("500", "503"):
                self._send(int(fault), b"Internal error\n", "text/plain")
            elif fault == "404":
                self._send(404, FRED_404, "text/html")
            elif fault in ("timeout", "stall"):
                wait = server.stall_seconds if fault == "timeout" else None
                server._release.wait(wait)
                self.close_connection = True
            elif fault == "reset":
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.close_connection = True
                self.connection.close()
            elif fault == "truncated":
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
            elif fault == "html":
                self._send(200, HTML_ERROR, "text/html")
            elif fault == "header":
                text = b"date,value\n" + b"".join(body.splitlines(keepends=True)[1:])
                self._send(200, text, kind)
            elif fault == "gzip":
                self._send(200, zlib.compress(body, 6, 16 + zlib.MAX_WBITS), kind, encoding="gzip")
            elif fault == "deflate":
                self._send(200, zlib.compress(body), kind, encoding="deflate")
            elif fault in STREAMS:
                self._stream(fault, kind)

        def _stream(self, fault: str, kind: str) -> None:
            """An answer without end, bounded all the same (see the module's docstring)."""
            self.close_connection = True
            self.connection.settimeout(2.0)  # a client that stopped reading ends it too
            until = time.monotonic() + server.stream_seconds
            sent = 0

            def going() -> bool:
                return (
                    time.monotonic() < until
                    and sent < server.stream_bytes
                    and not server._release.is_set()
                )

            try:
                if fault == "slowheaders":
                    self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                    while going():
                        self.wfile.write(b"X")  # one header line that never ends
                        self.wfile.flush()
                        sent += 1
                        time.sleep(server.trickle_interval)
                    return
                if fault == "trickle":
                    self.send_response(200)
                    self.send_header("Content-Type", kind)
                    self.send_header("Connection", "close")  # the body ends when the server closes
                    self.end_headers()
                    while going():
                        self.wfile.write(b"0")
                        self.wfile.flush()
                        sent += 1
                        time.sleep(server.trickle_interval)
                    return
                if fault == "gzipbomb":
                    self._send(200, server.gzip_bomb(), kind, encoding="gzip")
                    return
                self.send_response(302 if fault == "redirect" else 200)
                self.send_header("Content-Type", kind)
                if fault == "redirect":
                    self.send_header("Location", self.path)
                if fault == "huge":
                    self.send_header("Content-Length", str(5 * 1024**3))
                else:
                    self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk = b"0123456789abcdef" * 4096  # 64 KiB
                framed = chunk if fault == "huge" else b"10000\r\n" + chunk + b"\r\n"
                while going():
                    self.wfile.write(framed)
                    sent += len(chunk)
            except OSError:
                pass  # the client went away: the point of these answers

        def _send(
            self,
            status: int,
            body: bytes,
            kind: str,
            retry_after: str | None = None,
            encoding: str | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            if retry_after is not None:
                self.send_header("Retry-After", retry_after)
            if encoding is not None:
                self.send_header("Content-Encoding", encoding)
            self.end_headers()
            self.wfile.write(body)

        def finish(self) -> None:
            try:
                super().finish()
            except OSError:
                pass  # the "reset" fault closed the socket already

    return Handler
