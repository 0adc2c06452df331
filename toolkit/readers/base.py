"""The reader contract: a file in, bounded batches of parsed records and parse issues out.

Records keep their location (1-based line, byte offset) so that every later finding can point
back into the file, and a batch never holds more than ``batch_size`` records.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.issues import Issue

DEFAULT_BATCH_SIZE = 4096
#: Lines longer than this are reported as ``record.too-long`` and skipped without being buffered.
DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024


@dataclass(slots=True)
class ParsedRecord:
    """A JSON object read from a file, with the line and byte offset where it starts."""

    line: int
    offset: int
    value: dict[str, Any]


@dataclass(slots=True)
class Batch:
    """Up to ``batch_size`` parsed records plus the issues met while reading them."""

    records: list[ParsedRecord] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    #: Lines that held something meant as a record (parsed or not); blank lines excluded.
    attempted: int = 0
    #: Lines of the attempted records that could not be parsed (their issues say why).
    failed: list[int] = field(default_factory=list)


class Reader(ABC):
    """Reads one file. ``display`` is the name used in issues (the path as the user gave it)."""

    def __init__(
        self,
        path: Path,
        *,
        display: str | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    ) -> None:
        self.path = path
        self.display = display or str(path)
        self.batch_size = batch_size
        self.max_line_bytes = max_line_bytes

    @abstractmethod
    def batches(self) -> Iterator[Batch]:
        """Yield batches in file order; a problem with one record never stops the file."""
