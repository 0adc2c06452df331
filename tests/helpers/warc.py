"""WARC and HTML bytes written by hand (warcio's writer leaves spooled temporary files for the
garbage collector, which ``filterwarnings = error`` rejects), and gzip decompression bombs."""

from __future__ import annotations

import gzip
import hashlib
import zlib

from tests.helpers import MB

#: An article page; ``DISTRICT_HTML % (n, n)`` is the page of district ``n``.
DISTRICT_HTML = (
    b"<html><head><title>Call-up in district %d</title></head><body><article>"
    b"<h1>Call-up in district %d</h1>" + b"<p>Reservists were called up in the district, "
    b"officials said, and the queues at the offices grew through the week.</p>"
    * 6
    + b"</article></body></html>"
)


def warc_record(
    uri: str,
    payload: bytes,
    content_type: str = "text/html",
    *,
    date: str | None = "2022-10-01T12:00:00Z",
) -> bytes:
    """One uncompressed WARC response record for ``uri`` serving ``payload``, captured at
    ``date`` (its ``WARC-Date`` header, left out when None)."""
    block = (
        b"HTTP/1.1 200 OK\r\nContent-Type: " + content_type.encode() + b"\r\n"
        b"Content-Length: %d\r\n\r\n" % len(payload) + payload
    )
    digest = hashlib.sha1(uri.encode()).hexdigest()
    return (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: "
        + uri.encode()
        + (b"" if date is None else b"\r\nWARC-Date: " + date.encode())
        + b"\r\nWARC-Record-ID: <urn:uuid:"
        + f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}".encode()
        + b">\r\nContent-Type: application/http; msgtype=response\r\n"
        b"Content-Length: %d\r\n\r\n" % len(block) + block + b"\r\n\r\n"
    )


def warc_member(uri: str, payload: bytes, content_type: str = "text/html") -> bytes:
    """One WARC response record as its own gzip member (as crawlers write them)."""
    return gzip.compress(warc_record(uri, payload, content_type), mtime=0)


def bomb_member(expanded: int) -> bytes:
    """A gzip member of ``expanded`` zero bytes after a WARC header, compressed ~1000:1."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, 31)
    parts = [
        compressor.compress(
            b"WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: %d\r\n\r\n" % expanded
        )
    ]
    chunk = bytes(4 * MB)
    for _ in range(expanded // len(chunk)):
        parts.append(compressor.compress(chunk))
    parts.append(compressor.flush())
    return b"".join(parts)


def bomb_warc(expanded: int) -> bytes:
    """A good record, a bomb of ``expanded`` bytes, another good record."""
    return (
        warc_member("https://example.org/1", DISTRICT_HTML % (1, 1))
        + bomb_member(expanded)
        + warc_member("https://example.org/3", DISTRICT_HTML % (3, 3))
    )
