"""JSON Lines, read in fixed-size chunks so memory stays flat however large the file.

Handles what real submissions contain: a byte-order mark, CRLF endings, blank lines, a last line
without a newline (or cut short), lines longer than the limit (skipped without being buffered),
and bytes that are not UTF-8. Every problem becomes an issue and reading goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from toolkit.issues import Issue
from toolkit.readers.base import Batch, ParsedRecord, Reader
from toolkit.readers.jsonparse import parse_record

CHUNK_BYTES = 1 << 20
BOM = b"\xef\xbb\xbf"


def bom_issue(display: str) -> Issue:
    """The warning for a file that starts with a UTF-8 byte-order mark (the mark is skipped)."""
    return Issue(
        display,
        1,
        "",
        "encoding.bom",
        "file starts with a UTF-8 byte-order mark; save it without one",
        severity="warning",
    )


class JsonlReader(Reader):
    """One JSON object per line. ``start``/``end`` restrict reading to a byte range that begins
    just after a newline (see :func:`toolkit.parallel.split_ranges`); line numbers are then
    counted from the range start, and :attr:`newlines` tells how many the range held. ``data``
    reads those bytes instead of the file (the build reads each raw file once and hashes it)."""

    def __init__(
        self,
        path: Path,
        *,
        start: int = 0,
        end: int | None = None,
        data: bytes | None = None,
        **options: Any,
    ) -> None:
        super().__init__(path, **options)
        self.start, self.end = start, end
        self.data = data
        self.newlines = 0
        self.crlf_seen = False

    def _chunks(self) -> Iterator[bytes]:
        if self.data is not None:
            view = memoryview(self.data)
            for offset in range(0, len(view), CHUNK_BYTES):
                yield bytes(view[offset : offset + CHUNK_BYTES])
            return
        remaining = -1 if self.end is None else self.end - self.start
        with self.path.open("rb") as handle:
            handle.seek(self.start)
            while remaining:
                chunk = handle.read(CHUNK_BYTES if remaining < 0 else min(CHUNK_BYTES, remaining))
                if not chunk:
                    break
                remaining -= len(chunk) if remaining > 0 else 0
                yield chunk

    def raw_lines(self) -> Iterator[tuple[int, bytes | None, bool]]:
        """Yield ``(line_no, content, terminated)``; content is None for a line past
        ``max_line_bytes``, whose bytes were skipped rather than buffered."""
        limit = self.max_line_bytes
        line_no, buffer, too_long = 1, b"", False
        for chunk in self._chunks():
            buffer = buffer + chunk if buffer else chunk
            start = 0
            while (stop := buffer.find(b"\n", start)) != -1:
                if too_long or stop - start > limit:
                    yield line_no, None, True
                    too_long = False
                else:
                    yield line_no, buffer[start:stop], True
                line_no += 1
                start = stop + 1
            buffer = buffer[start:]
            if len(buffer) > limit:
                too_long, buffer = True, b""
        self.newlines = line_no - 1
        if too_long:
            yield line_no, None, False
        elif buffer:
            yield line_no, buffer, False

    def batches(self) -> Iterator[Batch]:
        batch = Batch()
        self.crlf_seen = False
        for line_no, content, terminated in self.raw_lines():
            added = self.read_line(batch, line_no, content, terminated)
            if added and len(batch.records) >= self.batch_size:
                yield batch
                batch = Batch()
        if batch.records or batch.issues or batch.attempted:
            yield batch

    def read_line(
        self, batch: Batch, line_no: int, content: bytes | None, terminated: bool, offset: int = 0
    ) -> bool:
        """Add one line to ``batch``, as a record or as issues; True when it added a record.

        The exact handling of every line (BOM, CRLF, blank, too long, parse problems); the
        chunked reader (``readers/chunked.py``) sends here every line it does not take itself.
        ``offset`` is where the line starts in the file, kept on the record.
        """
        if content is None:
            batch.attempted += 1
            batch.failed.append(line_no)
            batch.issues.append(
                Issue(
                    self.display,
                    line_no,
                    "",
                    "record.too-long",
                    f"line is longer than {self.max_line_bytes:,} bytes; split the record or "
                    "raise --max-line-bytes",
                )
            )
            return False
        if line_no == 1 and self.start == 0 and content.startswith(BOM):
            content = content[len(BOM) :]
            batch.issues.append(bom_issue(self.display))
        if content.endswith(b"\r"):
            content = content[:-1]
            if not self.crlf_seen:
                self.crlf_seen = True
                batch.issues.append(
                    Issue(
                        self.display,
                        line_no,
                        "",
                        "format.crlf",
                        "lines end with CRLF; they are read as LF (reported once per file)",
                        severity="warning",
                    )
                )
        if not content.strip():
            batch.issues.append(
                Issue(
                    self.display,
                    line_no,
                    "",
                    "format.blank-line",
                    "blank line skipped",
                    severity="warning",
                )
            )
            return False
        batch.attempted += 1
        value, issue = parse_record(
            content, file=self.display, line=line_no, unterminated=not terminated
        )
        if issue is not None:
            batch.issues.append(issue)
            batch.failed.append(line_no)
            return False
        assert value is not None
        batch.records.append(ParsedRecord(line_no, offset, value))
        return True
