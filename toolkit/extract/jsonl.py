"""Submissions (JSONL records a contributor sent) as released records: each parsed object gets
its content id and provenance (span = its line) and the optional fields it lacks; it is not
validated here (the build validates every record). Each line that does not parse is one issue,
which the build counts as one rejected record.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.extract.base import Extractor, Item, RawInput, page_issue
from toolkit.extract.provenance import Span, make_provenance
from toolkit.ids import content_id
from toolkit.readers.jsonl import JsonlReader

if TYPE_CHECKING:
    from toolkit.raw import SourceEntry


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


class JsonlExtractor(Extractor):
    """Submission records, one JSON object per line."""

    name = "jsonl"
    version = "1.0.0"

    def extract(
        self,
        path: RawInput,
        entry: SourceEntry,
        *,
        start: int = 0,
        end: int | None = None,
        line_offset: int = 0,
    ) -> Iterator[Item]:
        """Records of the whole file, or of the byte range ``[start, end)`` (which begins just
        after a newline) whose first line is line ``line_offset + 1`` of the file. Given bytes,
        they are the whole file or that range, already read."""
        try:
            if isinstance(path, bytes):
                reader = JsonlReader(Path(entry.path), display=entry.path, data=path)
            else:
                reader = JsonlReader(path, display=entry.path, start=start, end=end)
            for batch in reader.batches():
                # Issues and records in line order, so output reads like the file.
                items: list[tuple[int, int, Item]] = [
                    (
                        issue.line + line_offset,
                        0,
                        replace(issue, line=issue.line + line_offset) if line_offset else issue,
                    )
                    for issue in batch.issues
                ]
                items += [
                    (
                        parsed.line + line_offset,
                        1,
                        self.complete(parsed.value, parsed.line + line_offset, entry),
                    )
                    for parsed in batch.records
                ]
                for _, _, item in sorted(items, key=lambda t: (t[0], t[1])):
                    yield item
        except OSError as exc:
            yield page_issue(entry, "extract.unreadable", f"cannot read the file: {exc.strerror}")

    def complete(self, value: dict[str, Any], line: int, entry: SourceEntry) -> dict[str, Any]:
        """``value`` with id, provenance and every optional article field present."""
        record = dict(value)
        record["id"] = content_id(_text(record.get("title")), _text(record.get("body")))
        for key in ("url", "published", "section", "dek", "image_caption"):
            record.setdefault(key, None)
        record.setdefault("authors", [])
        record.setdefault("retrieved_at", entry.retrieved_at)
        record.setdefault("license", entry.license)
        record["provenance"] = make_provenance(entry, extractor=self.tag, span=Span(line, line))
        return record
