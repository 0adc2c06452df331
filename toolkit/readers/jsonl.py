"""JSON Lines, read in fixed-size chunks so memory stays flat however large the file.

Handles what real submissions contain: a byte-order mark, CRLF endings, blank lines, a last line
without a newline (or cut short), lines longer than the limit (skipped without being buffered),
and bytes that are not UTF-8. Every problem becomes an issue and reading goes on.
"""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.issues import Issue
from toolkit.readers.base import Batch, ParsedRecord, Reader
from toolkit.readers.jsonparse import parse_record

CHUNK_BYTES = 1 << 20
BOM = b"\xef\xbb\xbf"


class JsonlReader(Reader):
    """One JSON object per line."""

    def raw_lines(self) -> Iterator[tuple[int, int, bytes | None, bool]]:
        """Yield ``(line_no, byte_offset, content, terminated)``; content is None for a line
        past ``max_line_bytes``, whose bytes were skipped."""
        line_no, offset, buffer, too_long = 1, 0, b"", False
        with self.path.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                buffer += chunk
                start = 0
                while (end := buffer.find(b"\n", start)) != -1:
                    if too_long:
                        yield line_no, offset, None, True
                        too_long = False
                    else:
                        yield line_no, offset, buffer[start:end], True
                    offset += end + 1 - start
                    line_no += 1
                    start = end + 1
                buffer = buffer[start:]
                if len(buffer) > self.max_line_bytes:
                    too_long = True
                    offset += len(buffer)
                    buffer = b""
        if too_long:
            yield line_no, offset, None, False
        elif buffer:
            yield line_no, offset, buffer, False

    def batches(self) -> Iterator[Batch]:
        batch = Batch()
        crlf_seen = False
        for line_no, offset, content, terminated in self.raw_lines():
            if content is None:
                batch.attempted += 1
                batch.issues.append(Issue(
                    self.display, line_no, "", "record.too-long",
                    f"line is longer than {self.max_line_bytes:,} bytes; split the record or "
                    "raise --max-line-bytes",
                ))
                continue
            if line_no == 1 and content.startswith(BOM):
                content = content[len(BOM):]
                batch.issues.append(Issue(
                    self.display, 1, "", "encoding.bom",
                    "file starts with a UTF-8 byte-order mark; save it without one", severity="warning",
                ))
            if content.endswith(b"\r"):
                content = content[:-1]
                if not crlf_seen:
                    crlf_seen = True
                    batch.issues.append(Issue(
                        self.display, line_no, "", "format.crlf",
                        "lines end with CRLF; they are read as LF (reported once per file)",
                        severity="warning",
                    ))
            if not content.strip():
                batch.issues.append(Issue(
                    self.display, line_no, "", "format.blank-line", "blank line skipped",
                    severity="warning",
                ))
                continue
            batch.attempted += 1
            value, issue = parse_record(
                content, file=self.display, line=line_no, unterminated=not terminated
            )
            if issue is not None:
                batch.issues.append(issue)
            else:
                assert value is not None
                batch.records.append(ParsedRecord(line_no, offset, value))
                if len(batch.records) >= self.batch_size:
                    yield batch
                    batch = Batch()
        if batch.records or batch.issues or batch.attempted:
            yield batch
