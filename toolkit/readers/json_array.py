"""A JSON document holding an array of records (or one record). JSON has no record boundaries to
stream on, so the file is read whole up to a limit (``file.too-large`` past it: send JSONL); each
element is then located by line so issues still point at the right place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from toolkit.issues import Issue
from toolkit.readers.base import Batch, ParsedRecord, Reader
from toolkit.readers.jsonl import BOM, bom_issue
from toolkit.readers.jsonparse import parse_record

#: Largest JSON array file read into memory.
MAX_ARRAY_BYTES = 256 * 1024 * 1024
CLOSED, OPEN = -2, -1
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{},]', re.DOTALL)


def _element_spans(data: bytes, start: int) -> Iterator[tuple[int, int]]:
    """Byte spans of the top-level elements of the array opening at ``data[start]``, then one
    marker: ``(after_close, CLOSED)``, or ``(begin, OPEN)`` when the array is never closed."""
    depth, element_start = 0, start + 1
    for match in _TOKEN.finditer(data, start):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
        elif token in (b"]", b"}"):
            depth -= 1
            if depth == 0:
                if data[element_start : match.start()].strip():
                    yield element_start, match.start()
                yield match.end(), CLOSED
                return
        elif token == b"," and depth == 1:
            yield element_start, match.start()
            element_start = match.end()
    yield element_start, OPEN


class JsonArrayReader(Reader):
    """``[{...}, {...}]``, or a single ``{...}`` record."""

    def batches(self) -> Iterator[Batch]:
        batch = Batch()
        if self.path.stat().st_size > MAX_ARRAY_BYTES:
            batch.issues.append(
                Issue(
                    self.display,
                    1,
                    "",
                    "file.too-large",
                    f"JSON array files over {MAX_ARRAY_BYTES >> 20} MiB are not read into memory; "
                    "convert to JSON Lines (one record per line)",
                )
            )
            yield batch
            return
        data = self.path.read_bytes()
        if data.startswith(BOM):
            data = data[len(BOM) :]
            batch.issues.append(bom_issue(self.display))
        stripped = data.lstrip()
        if not stripped:
            yield batch
            return
        if not stripped.startswith(b"["):
            value, issue = parse_record(data, file=self.display, line=1, unterminated=True)
            batch.attempted += 1
            if issue:
                batch.issues.append(issue)
                batch.failed.append(1)
            elif value is not None:
                batch.records.append(ParsedRecord(1, 0, value))
            yield batch
            return
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            batch.attempted += 1
            line = data.count(b"\n", 0, exc.start) + 1
            batch.failed.append(line)
            col = exc.start - data.rfind(b"\n", 0, exc.start)
            batch.issues.append(
                Issue(
                    self.display,
                    line,
                    "",
                    "encoding.utf8",
                    f"invalid UTF-8 byte 0x{data[exc.start]:02x} at byte {col} of the line; "
                    "re-save the file as UTF-8",
                    column=col,
                )
            )
            yield batch
            return
        offset = len(data) - len(stripped)
        counted_to, line = 0, 1
        for begin, end in _element_spans(data, offset):
            unterminated = end == OPEN
            if end == CLOSED:
                rest = data[begin:]
                if rest.strip():
                    skip = len(rest) - len(rest.lstrip())
                    line += data.count(b"\n", counted_to, begin + skip)
                    col = begin + skip - data.rfind(b"\n", 0, begin + skip)
                    batch.issues.append(
                        Issue(
                            self.display,
                            line,
                            "",
                            "json.syntax",
                            "unexpected text after the end of the JSON array",
                            column=col,
                        )
                    )
                break
            if unterminated:
                if not data[begin:].strip():
                    batch.issues.append(self._not_closed(data))
                    break
                end = len(data)
            lead = len(data[begin:end]) - len(data[begin:end].lstrip())
            line += data.count(b"\n", counted_to, begin + lead)
            counted_to = begin + lead
            batch.attempted += 1
            value, issue = parse_record(
                data[begin:end], file=self.display, line=line, unterminated=unterminated
            )
            if issue:
                batch.issues.append(self._relocate(issue, data, begin, lead))
                batch.failed.append(line)
            elif value is not None:
                batch.records.append(ParsedRecord(line, begin + lead, value))
            if unterminated and (issue is None or issue.rule != "json.truncated"):
                batch.issues.append(self._not_closed(data))
            if len(batch.records) >= self.batch_size:
                yield batch
                batch = Batch()
        yield batch

    def _not_closed(self, data: bytes) -> Issue:
        return Issue(
            self.display,
            data.count(b"\n") + 1,
            "",
            "json.truncated",
            "the file ends before the JSON array is closed: it looks truncated",
            column=len(data) - data.rfind(b"\n"),
        )

    @staticmethod
    def _relocate(issue: Issue, data: bytes, begin: int, lead: int) -> Issue:
        """An element's parse issue, its column counted in the element, moved to file lines."""
        position = begin + issue.column - 1 if issue.column > 1 else begin + lead
        line = data.count(b"\n", 0, position) + 1
        column = position - data.rfind(b"\n", 0, position)
        return Issue(
            issue.file,
            line,
            issue.pointer,
            issue.rule,
            issue.message,
            column=column,
            severity=issue.severity,
        )
