"""A JSON document holding an array of records (or one record). JSON has no record boundaries to
stream on, so the file is read whole up to a limit (``file.too-large`` past it: send JSONL); each
element is then located by line so issues still point at the right place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from toolkit.issues import Issue
from toolkit.readers.base import Batch, ParsedRecord, Reader
from toolkit.readers.jsonl import BOM
from toolkit.readers.jsonparse import diagnose, parse_record

#: Largest JSON array file read into memory.
MAX_ARRAY_BYTES = 256 * 1024 * 1024
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{},]', re.DOTALL)


def _element_spans(data: bytes, start: int) -> Iterator[tuple[int, int]]:
    """Byte spans of the top-level elements of the array opening at ``data[start]``."""
    depth, element_start = 0, start + 1
    for match in _TOKEN.finditer(data, start):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
        elif token in (b"]", b"}"):
            depth -= 1
            if depth == 0:
                if data[element_start:match.start()].strip():
                    yield element_start, match.start()
                return
        elif token == b"," and depth == 1:
            yield element_start, match.start()
            element_start = match.end()


class JsonArrayReader(Reader):
    """``[{...}, {...}]``, or a single ``{...}`` record."""

    def batches(self) -> Iterator[Batch]:
        batch = Batch()
        if self.path.stat().st_size > MAX_ARRAY_BYTES:
            batch.issues.append(Issue(
                self.display, 1, "", "file.too-large",
                f"JSON array files over {MAX_ARRAY_BYTES >> 20} MiB are not read into memory; "
                "convert to JSON Lines (one record per line)",
            ))
            yield batch
            return
        data = self.path.read_bytes()
        if data.startswith(BOM):
            data = data[len(BOM):]
            batch.issues.append(Issue(
                self.display, 1, "", "encoding.bom",
                "file starts with a UTF-8 byte-order mark; save it without one", severity="warning",
            ))
        stripped = data.lstrip()
        if not stripped.startswith(b"["):
            value, issue = parse_record(data, file=self.display, line=1, unterminated=True)
            batch.attempted += 1
            if issue:
                batch.issues.append(issue)
            elif value is not None:
                batch.records.append(ParsedRecord(1, 0, value))
            yield batch
            return
        whole, whole_issue = None, None
        try:
            import orjson

            whole = orjson.loads(data)
        except Exception:
            whole_issue = diagnose(data, file=self.display, line=1, unterminated=True)
        if whole_issue and whole_issue.rule in ("encoding.utf8",):
            line = data[: whole_issue.column - 1].count(b"\n") + 1
            col = whole_issue.column - data.rfind(b"\n", 0, whole_issue.column - 1) - 1
            batch.issues.append(Issue(
                self.display, line, "", whole_issue.rule, whole_issue.message, column=col
            ))
            yield batch
            return
        del whole
        offset = len(data) - len(stripped)
        counted_to, line = 0, 1
        for begin, end in _element_spans(data, offset):
            lead = len(data[begin:end]) - len(data[begin:end].lstrip())
            line += data.count(b"\n", counted_to, begin + lead)
            counted_to = begin + lead
            batch.attempted += 1
            value, issue = parse_record(data[begin:end], file=self.display, line=line)
            if issue:
                batch.issues.append(issue)
            elif value is not None:
                batch.records.append(ParsedRecord(line, begin + lead, value))
            if len(batch.records) >= self.batch_size:
                yield batch
                batch = Batch()
        if whole_issue is not None and not batch.issues:
            last_line = data.count(b"\n") + 1
            batch.issues.append(Issue(
                self.display, last_line, "", whole_issue.rule if whole_issue.rule != "json.syntax"
                else "json.truncated", "the JSON array is not closed properly: " + whole_issue.message,
            ))
        yield batch
