"""The provenance object every released record carries: which raw file (and which lines or bytes
of it) the record came from, which extractor made it, and under what terms the file was captured.
Kept in one place so that every extractor ties records back to their source the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolkit._version import __version__

if TYPE_CHECKING:
    from toolkit.raw import SourceEntry


@dataclass(frozen=True, slots=True)
class Span:
    """Where a record lies in its raw file: 1-based inclusive lines, and for WARC records the
    byte offset and length of the record (``None`` elsewhere)."""

    start_line: int
    end_line: int
    byte_offset: int | None = None
    byte_length: int | None = None


def make_provenance(
    entry: SourceEntry,
    *,
    extractor: str,
    span: Span,
    source_url: str | None = None,
    retrieved_at: str | None = None,
) -> dict[str, Any]:
    """The ``provenance`` object of a record from ``entry``'s file.

    ``source_url`` is the address of the capture (a WARC record's target URI); it defaults to the
    manifest entry's ``url``. ``retrieved_at`` (a WARC record's date) likewise defaults to the
    entry's. ``extractor`` is ``name@x.y.z``.
    """
    return {
        "source_file": entry.path,
        "source_sha256": entry.sha256,
        "source_url": source_url if source_url is not None else entry.url,
        "span": {
            "start_line": span.start_line,
            "end_line": span.end_line,
            "byte_offset": span.byte_offset,
            "byte_length": span.byte_length,
        },
        "extractor": extractor,
        "retrieved_at": retrieved_at if retrieved_at is not None else entry.retrieved_at,
        "license": entry.license,
        "toolkit_version": __version__,
    }
