"""WARC (and ARC) files, gzipped or not, read with warcio (``warc`` extra, imported where used):
each HTML response becomes one article through the HTML extractor, with the record's byte offset
and length as its span and its ``WARC-Date`` as ``retrieved_at`` when the manifest gives none.
Other records are reported and skipped. A gzip stream cut short is checked first, because warcio
reads a truncated member silently as a short record.
"""

from __future__ import annotations

import io
import os
import zlib
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from toolkit.extract.base import (
    MAX_PAGE_BYTES,
    Extractor,
    Item,
    RawInput,
    build_record,
    page_issue,
)
from toolkit.extract.dates import parse_timestamp
from toolkit.extract.html import html_candidate
from toolkit.extract.provenance import Span
from toolkit.issues import Issue

if TYPE_CHECKING:
    from toolkit.raw import SourceEntry

HTML_TYPES = ("text/html", "application/xhtml+xml")
#: A gzipped archive may expand to at most this many bytes: past it (a decompression bomb) the
#: rest of the file is not read. ``DTK_MAX_EXPANDED_BYTES`` in the environment overrides it.
MAX_EXPANDED_BYTES = 4 << 30
#: Records that are not captures of a page: skipped without a report.
NOT_PAGES = frozenset({"warcinfo", "request", "metadata"})


def require_warcio() -> Any:
    """warcio's ArchiveIterator, or an InputError naming the install command."""
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError as exc:
        from toolkit.errors import InputError

        raise InputError("extracting WARC needs warcio: pip install 'newsroom-dtk[warc]'") from exc
    return ArchiveIterator


def max_expanded_bytes() -> int:
    """The expansion limit for gzipped archives: ``DTK_MAX_EXPANDED_BYTES`` or the default."""
    value = os.environ.get("DTK_MAX_EXPANDED_BYTES", "")
    return int(value) if value.isdigit() else MAX_EXPANDED_BYTES


def complete_gzip_prefix(
    handle: IO[bytes], max_expanded: int | None = None
) -> tuple[int, str | None]:
    """How many leading bytes are whole gzip members, and what is wrong after them (None when
    the file ends exactly after a whole member). Members are only counted while the expanded
    size stays within ``max_expanded`` (default :func:`max_expanded_bytes`)."""
    limit = max_expanded_bytes() if max_expanded is None else max_expanded
    expanded = 0
    good = offset = 0
    inflater = zlib.decompressobj(31)
    pending = b""
    started = False
    while True:
        if not pending:
            pending = handle.read(1 << 16)
            if not pending:
                break
        size = len(pending)
        try:
            expanded += len(inflater.decompress(pending, 1 << 16))
        except zlib.error as exc:
            return good, f"the gzip data is corrupt after byte {good}: {exc}"
        if expanded > limit:
            return good, (
                f"the gzip data expands past {limit:,} bytes after byte {good} (a "
                "decompression bomb?); set DTK_MAX_EXPANDED_BYTES to read larger files"
            )
        started = True
        if inflater.eof:
            offset += size - len(inflater.unused_data)
            good, pending, started = offset, inflater.unused_data, False
            inflater = zlib.decompressobj(31)
        else:
            offset += size - len(inflater.unconsumed_tail)
            pending = inflater.unconsumed_tail
    if started and offset > good:
        return good, f"the gzip data is cut short: the member at byte {good} is incomplete"
    return good, None


def _looks_like_archive(handle: IO[bytes], gzipped: bool) -> bool:
    """Whether the (decompressed) file starts like a WARC or ARC record; rewinds ``handle``."""
    head = handle.read(1 << 12)
    handle.seek(0)
    if gzipped:
        try:
            head = zlib.decompressobj(31).decompress(head, 64)
        except zlib.error:
            return False
    return head.lstrip(b"\r\n").startswith((b"WARC/", b"filedesc://"))


class WarcExtractor(Extractor):
    """One article per HTML response record of a WARC file."""

    name = "warc"
    version = "1.1.0"
    size = 0

    def extract(self, path: RawInput, entry: SourceEntry) -> Iterator[Item]:
        archive_iterator = require_warcio()
        try:
            data = path if isinstance(path, bytes) else path.read_bytes()
            # The bytes were read once and hashed; records and line numbers come from them.
            with io.BytesIO(data) as handle:
                gzipped = handle.read(2) == b"\x1f\x8b"
                handle.seek(0)
                limit, problem = complete_gzip_prefix(handle) if gzipped else (None, None)
                handle.seek(0)
                self.size = len(data)
                if limit != 0 and _looks_like_archive(handle, gzipped):
                    yield from self._records(archive_iterator, handle, entry, gzipped, limit)
                elif not problem:
                    problem = "the file is not a WARC or ARC archive"
        except OSError as exc:
            yield page_issue(entry, "extract.unreadable", f"cannot read the file: {exc.strerror}")
            return
        if problem and limit:
            hint = "" if "decompression bomb" in problem else " (a truncated download?)"
            yield page_issue(
                entry, "extract.unreadable", f"{problem}{hint}; records after it were not read"
            )
        elif problem:
            yield page_issue(entry, "extract.unreadable", problem)

    def _records(
        self,
        archive_iterator: Any,
        handle: io.BytesIO,
        entry: SourceEntry,
        gzipped: bool,
        limit: int | None,
    ) -> Iterator[Item]:
        from warcio.exceptions import ArchiveLoadFailed

        lines = _LineCounter(handle.getvalue(), gzipped)
        iterator = archive_iterator(handle)
        try:
            for record in iterator:
                # ``offset`` is the current record's start until it is read to the end;
                # get_record_offset() would read it to the end first, emptying the payload.
                offset = iterator.offset
                if limit is not None and offset >= limit:
                    return
                item = self._record(record, entry, offset)
                iterator.read_to_end(record)
                length = iterator.get_record_length()
                if isinstance(item, Issue) or item is None:
                    if item is not None:
                        yield item
                    continue
                candidate = item
                start, end = lines.span(offset, length)
                candidate.span = Span(start, end, offset, length)
                yield build_record(candidate, entry, self.tag)
        # warcio raises these for bytes that are not WARC/ARC or a record cut mid-header; the
        # AttributeError/TypeError/IndexError/KeyError come from headers it does not expect, such
        # as a response without WARC-Target-URI (fuzz crashes, issue 7).
        except (
            ArchiveLoadFailed,
            EOFError,
            ValueError,
            zlib.error,
            AttributeError,
            TypeError,
            IndexError,
            KeyError,
        ) as exc:
            if limit is not None and limit < self.size:
                return  # the broken gzip member is reported once, by extract()
            yield page_issue(
                entry,
                "extract.unreadable",
                f"cannot read the WARC file past byte {iterator.offset}: {exc}",
            )
        finally:
            lines.close()

    def _record(self, record: Any, entry: SourceEntry, offset: int) -> Any:
        """The candidate of one record, an issue, or None for records that are not pages."""
        kind = record.rec_type
        uri = record.rec_headers.get_header("WARC-Target-URI")
        where = f"WARC record at byte {offset} ({kind} {uri or 'without URI'})"
        if kind in NOT_PAGES:
            return None
        if kind not in ("response", "resource"):
            return Issue(
                entry.path,
                1,
                "",
                "extract.skipped-record",
                f"{where}: not a response; skipped",
                column=1,
                severity="warning",
            )
        headers = record.http_headers if kind == "response" else record.rec_headers
        content_type = (headers.get_header("Content-Type") if headers else "") or ""
        status = headers.get_statuscode() if kind == "response" and headers else "200"
        if not content_type.lower().startswith(HTML_TYPES):
            return Issue(
                entry.path,
                1,
                "",
                "extract.skipped-record",
                f"{where}: content type {content_type or 'unknown'!r} is not HTML; skipped",
                severity="warning",
            )
        if not str(status).startswith("2"):
            return Issue(
                entry.path,
                1,
                "",
                "extract.skipped-record",
                f"{where}: HTTP status {status}; skipped",
                severity="warning",
            )
        payload = record.content_stream().read(MAX_PAGE_BYTES + 1)
        if len(payload) > MAX_PAGE_BYTES:
            return Issue(
                entry.path,
                1,
                "",
                "extract.unreadable",
                f"{where}: the page is larger than {MAX_PAGE_BYTES:,} bytes",
            )
        result = html_candidate(payload, url=uri, span=Span(1, 1), extra="warc")
        if isinstance(result, tuple):
            rule, message = result
            return Issue(entry.path, 1, "", rule, f"{where}: {message}")
        # An ARC record read without conversion names its 14-digit capture time archive-date.
        captured = record.rec_headers.get_header("WARC-Date") or record.rec_headers.get_header(
            "archive-date"
        )
        result.retrieved_at = parse_timestamp(captured, date_only=False)
        return result


class _LineCounter:
    """1-based line numbers of byte ranges of an uncompressed file, counted forward once. In a
    gzipped file lines of the compressed bytes mean nothing: every span is line 1, and the byte
    offset and length locate the record."""

    def __init__(self, data: bytes, gzipped: bool) -> None:
        self.handle: IO[bytes] | None = None if gzipped else io.BytesIO(data)
        self.position = 0
        self.line = 1

    def _advance(self, to: int) -> int:
        assert self.handle is not None
        newlines = 0
        while self.position < to:
            chunk = self.handle.read(min(1 << 16, to - self.position))
            if not chunk:
                break
            newlines += chunk.count(b"\n")
            self.position += len(chunk)
        return newlines

    def span(self, offset: int, length: int) -> tuple[int, int]:
        if self.handle is None:
            return 1, 1
        self.line += self._advance(offset)
        start = self.line
        inside = self._advance(offset + length)
        self.line += inside
        return start, max(start, start + inside - 1)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
