"""Reading what a server sends without trusting it: bodies and zips within a size and a time.

:func:`within` runs a download in a thread the caller stops waiting for at the deadline, whatever
the download is blocked on (a connection, headers sent a byte at a time, a read).

A body is streamed in chunks of at most :data:`CHUNK` bytes (:func:`read_body`), each read
returning as soon as any bytes arrive, so the deadline is checked between chunks even when a
server trickles one byte at a time; the bytes are counted as received and once decoded (gzip and
deflate are decoded here, each step bounded, so a compression bomb stops at the cap too). A
``Content-Length`` over the cap is refused before any byte of the body is read.

A Ken French zip (:func:`unzip_one_csv`) is checked before anything is unpacked: its directory
may list at most :data:`ZIP_MAX_MEMBERS` members in at most :data:`ZIP_MAX_DIRECTORY` bytes,
each member's declared size and their total must be within the cap, and no member of
:data:`ZIP_RATIO_FROM` or more may declare a compression ratio above :data:`ZIP_MAX_RATIO`. The
CSV is then read with a bounded read, so a header that lies about the size cannot pass the cap
either.

Every breach raises :class:`~analysis.snapshot.fetch.policy.Exceeded` (not retried) with a
one-line problem naming the bound: ``the body passed 64 MiB (WORKBOOK_FETCH_MAX_BYTES); refused``.

Examples
--------
>>> import io, zipfile
>>> buffer = io.BytesIO()
>>> with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
...     archive.writestr("x.csv", "a,b\\n1,2\\n")
>>> unzip_one_csv(buffer.getvalue(), cap=1024)
b'a,b\\n1,2\\n'
"""

from __future__ import annotations

import io
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable
from typing import TypeVar

import requests
import urllib3

from analysis.snapshot.fetch.policy import ENV, Deadline, Exceeded, MiB, Refused, Transient

T = TypeVar("T")

CHUNK = 64 * 1024
"""The most bytes one read of a body asks for (it returns as soon as any arrive)."""

ZIP_MAX_MEMBERS = 16
"""The most members a Ken French zip may list (it holds one CSV)."""

ZIP_MAX_RATIO = 100
"""The highest compression ratio a zip member may declare: CSVs of numbers deflate 3 to 20 times;
a zip bomb about 1000 times (deflate's ceiling)."""

ZIP_RATIO_FROM = MiB
"""Members this large or larger have their ratio checked (a smaller one cannot hurt)."""

ZIP_MAX_DIRECTORY = 64 * 1024
"""The largest central directory a zip may declare (one member takes about 100 bytes)."""

ZIP_SLACK = 64 * 1024
"""How far past a member's declared size :mod:`zipfile` is let read (to catch a lying header)."""

CAP = ENV["max_bytes"]
GZIP = 16 + zlib.MAX_WBITS


def format_bytes(n: int) -> str:
    """A byte count as people read it (``64 MiB``, ``1.5 KiB``, ``100 bytes``).

    Examples
    --------
    >>> format_bytes(64 * 1024 * 1024), format_bytes(1536), format_bytes(65586), format_bytes(100)
    ('64 MiB', '1.5 KiB', '64.05 KiB', '100 bytes')
    """
    for unit, size in (("GiB", 1024 * MiB), ("MiB", MiB), ("KiB", 1024)):
        if n >= size:
            if n % size == 0:
                return f"{n // size} {unit}"
            shown = f"{n / size:.1f}"
            return f"{n / size:.2f} {unit}" if shown.endswith(".0") else f"{shown} {unit}"
    return f"{n} bytes"


def over_cap(what: str, cap: int) -> Exceeded:
    """``the body passed 64 MiB (WORKBOOK_FETCH_MAX_BYTES); refused``."""
    return Exceeded(f"{what} passed {format_bytes(cap)} ({CAP}); refused")


# --------------------------------------------------------------------------------- time
def within(
    work: Callable[[], T], deadline: Deadline, *, cancel: Callable[[], None] | None = None
) -> T:
    """Run ``work`` and return its result, or raise :meth:`Deadline.exceeded` at ``deadline``.

    The read timeout bounds each read of a socket, not a server that sends one byte a second,
    one header line at a time. So ``work`` runs in a daemon thread and the caller stops waiting
    at the deadline, whatever the thread is blocked on; ``cancel`` is then called to wake it
    (shutting its socket down), and the thread ends at its next check of the deadline. Whatever
    ``work`` raises is raised here. SIGINT and SIGTERM still interrupt the wait.
    """
    outcome: dict[str, object] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the caller, whatever it is
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="workbook-fetch", daemon=True).start()
    if not done.wait(max(deadline.left(), 0.0)):
        if cancel is not None:
            cancel()
        raise deadline.exceeded()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


# ------------------------------------------------------------------------------- bodies
def read_body(
    response: requests.Response, *, cap: int, deadline: Deadline, read_timeout: float
) -> bytes:
    """The body of a streamed (``stream=True``) 200 answer, within ``cap`` bytes and ``deadline``.

    Raises
    ------
    Exceeded
        When the body passes ``cap`` (as announced, received or decoded) or arrives past
        ``deadline``.
    Transient
        When the connection breaks or goes quiet for ``read_timeout`` mid-body, or the body does
        not decode.
    Refused
        For a ``Content-Encoding`` other than gzip or deflate (never asked for).
    """
    announced = _content_length(response)
    if announced is not None and announced > cap:
        raise Exceeded(
            f"the body announces {format_bytes(announced)}, over {format_bytes(cap)} ({CAP}); "
            "refused"
        )
    decoder = _Decoder(response.headers.get("Content-Encoding"))
    # read1 returns as soon as any bytes arrive (urllib3 >= 2.2); read waits for a whole chunk
    read = getattr(response.raw, "read1", None) or response.raw.read
    parts: list[bytes] = []
    received = decoded = 0
    while True:
        deadline.check()
        try:
            data = read(CHUNK, decode_content=False)
        except urllib3.exceptions.ReadTimeoutError as exc:
            deadline.check()
            raise Transient(f"the body stalled for {read_timeout:g} s") from exc
        except (urllib3.exceptions.ProtocolError, urllib3.exceptions.SSLError, OSError) as exc:
            deadline.check()
            raise Transient("truncated body (the connection closed mid-answer)") from exc
        if not data:
            break
        received += len(data)
        if received > cap:
            raise over_cap("the body", cap)
        part = decoder.decode(data, room=cap - decoded)
        decoded += len(part)
        if decoded > cap:
            raise over_cap(f"the {decoder.name}-decoded body", cap)
        parts.append(part)
    decoder.finish()
    return b"".join(parts)


def _content_length(response: requests.Response) -> int | None:
    try:
        return max(int(v) for v in response.headers.get("Content-Length", "").split(","))
    except ValueError:
        return None


class _Decoder:
    """Decodes a ``Content-Encoding`` (identity, gzip, deflate) a bounded step at a time."""

    def __init__(self, encoding: str | None) -> None:
        self.name = (encoding or "identity").strip().lower() or "identity"
        if self.name in ("gzip", "x-gzip"):
            self.wbits: int | None = GZIP
        elif self.name == "deflate":
            self.wbits = zlib.MAX_WBITS  # RFC 9110's zlib stream; raw deflate is tried too
        elif self.name == "identity":
            self.wbits = None
        else:
            raise Refused(f"answered Content-Encoding {encoding!r}, which was not asked for")
        self.obj = zlib.decompressobj(self.wbits) if self.wbits is not None else None
        self.started = False

    def decode(self, data: bytes, *, room: int) -> bytes:
        """``data`` decoded, at most ``room + 1`` bytes of it (one more says it is over)."""
        if self.obj is None:
            return data
        out = bytearray()
        try:
            while data and len(out) <= room:
                if self.obj.eof:
                    if self.wbits != GZIP:
                        break  # bytes after the end of a deflate stream: ignored
                    self.obj = zlib.decompressobj(self.wbits)  # another gzip member
                out += self._step(data, room + 1 - len(out))
                data = self.obj.unconsumed_tail or self.obj.unused_data
        except zlib.error as exc:
            raise Transient(f"the body does not decode as {self.name} ({exc})") from exc
        return bytes(out)

    def _step(self, data: bytes, limit: int) -> bytes:
        first, self.started = not self.started, True
        if first and self.name == "deflate":
            try:
                return self.obj.decompress(data, limit)
            except zlib.error:  # raw deflate, as some servers send it
                self.wbits = -zlib.MAX_WBITS
                self.obj = zlib.decompressobj(self.wbits)
        return self.obj.decompress(data, limit)

    def finish(self) -> None:
        """Raise :class:`Transient` when a compressed body stopped before its end."""
        if self.obj is not None and self.started and not self.obj.eof:
            raise Transient(f"truncated body (the {self.name} stream ended early)")


# ---------------------------------------------------------------------------------- zips
def unzip_one_csv(body: bytes, *, cap: int) -> bytes:
    """The single CSV of a zip, checked against ``cap`` before and while it is unpacked.

    Raises
    ------
    Exceeded
        When the zip lists too many members, declares more than ``cap`` (a member or all of
        them), declares a zip bomb's compression ratio, or unpacks past what it declares.
    Transient
        When ``body`` is not a readable zip or holds other than one CSV.
    Refused
        When the CSV is encrypted or compressed by a method Python cannot unpack.
    """
    members, directory = _zip_directory(body)
    if members > ZIP_MAX_MEMBERS:
        raise Exceeded(f"the zip lists {members} members, over {ZIP_MAX_MEMBERS}; refused")
    if directory > ZIP_MAX_DIRECTORY:
        raise Exceeded(
            f"the zip's directory takes {format_bytes(directory)}, over "
            f"{format_bytes(ZIP_MAX_DIRECTORY)}; refused"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_MEMBERS:
                raise Exceeded(
                    f"the zip holds {len(infos)} members, over {ZIP_MAX_MEMBERS}; refused"
                )
            _check_declared(infos, cap)
            csvs = [i for i in infos if i.filename.lower().endswith(".csv")]
            if len(csvs) != 1:
                raise Transient(f"zip holds {len(csvs)} CSV files, expected exactly one")
            return _read_member(archive, csvs[0], cap)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise Transient(f"not a readable zip ({len(body)} bytes; truncated?)") from exc


def _check_declared(infos: list[zipfile.ZipInfo], cap: int) -> None:
    for info in infos:
        if info.file_size > cap:
            raise Exceeded(
                f"{info.filename} declares {format_bytes(info.file_size)} unzipped, over "
                f"{format_bytes(cap)} ({CAP}); refused"
            )
    total = sum(i.file_size for i in infos)
    if total > cap:
        raise Exceeded(
            f"the zip's {len(infos)} members declare {format_bytes(total)} unzipped, over "
            f"{format_bytes(cap)} ({CAP}); refused"
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= ZIP_RATIO_FROM and ratio > ZIP_MAX_RATIO:
            raise Exceeded(
                f"{info.filename} declares a compression ratio of {ratio:.0f}:1, over "
                f"{ZIP_MAX_RATIO}:1 (a zip bomb?); refused"
            )


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        # zipfile bounds what it inflates per read only for these two
        raise Refused(
            f"{info.filename} is compressed with method {info.compress_type}; "
            "only stored and deflated members are unpacked"
        )
    declared = info.file_size
    # zipfile stops at the declared size and then checks the CRC. Declaring a little more lets
    # one byte past the real declared size be read (at most ZIP_SLACK more is inflated), which
    # shows a lying header without tripping the CRC; a member of the declared size ends (and is
    # checked) as usual.
    info.file_size = declared + 1 + ZIP_SLACK
    try:
        with archive.open(info) as member:
            data = member.read(declared + 1)
    except RuntimeError as exc:  # encrypted
        raise Refused(f"cannot unpack {info.filename} ({exc})") from exc
    if len(data) > declared:
        raise Exceeded(
            f"{info.filename} unpacks past the {format_bytes(declared)} its zip header "
            "declares (a lying header); refused"
        )
    return data


def _zip_directory(body: bytes) -> tuple[int, int]:
    """The member count and directory size a zip's end record declares, read before
    :mod:`zipfile` parses the directory (zip64 included); ``(0, 0)`` when there is no end record
    (:mod:`zipfile` then says what is wrong)."""
    at = body.rfind(b"PK\x05\x06", max(0, len(body) - 22 - 0xFFFF))
    if at < 0 or len(body) < at + 22:
        return 0, 0
    count, size = struct.unpack_from("<HI", body, at + 10)
    locator = at - 20
    zip64 = count == 0xFFFF or size == 0xFFFFFFFF
    if zip64 and locator >= 0 and body[locator : locator + 4] == b"PK\x06\x07":
        (offset,) = struct.unpack_from("<Q", body, locator + 8)
        if body[offset : offset + 4] == b"PK\x06\x06" and len(body) >= offset + 48:
            count, size = struct.unpack_from("<QQ", body, offset + 32)
    return count, size
