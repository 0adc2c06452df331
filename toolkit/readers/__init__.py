"""Readers turn an input file into parsed records and parse issues, streaming, without ever
stopping at a bad line. ``READERS`` maps a submission format to its reader; raw page captures are
read by the extractors in ``toolkit.extract``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.readers.base import Batch, ParsedRecord, Reader
from toolkit.readers.json_array import JsonArrayReader
from toolkit.readers.jsonl import JsonlReader
from toolkit.readers.parquet import ParquetReader

READERS: dict[str, type[Reader]] = {
    "jsonl": JsonlReader,
    "json": JsonArrayReader,
    "parquet": ParquetReader,
}
#: File suffixes by reader; anything else is refused with a usage error that lists these.
SUFFIXES: dict[str, str] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".parquet": "parquet",
}


def format_of(path: Path) -> str | None:
    """The reader name for ``path`` by its suffix, or None when no reader takes it."""
    return SUFFIXES.get(path.suffix.lower())


def reader_for(path: Path, *, fmt: str | None = None, **options: Any) -> Reader:
    """The reader for a submission file, chosen by ``fmt`` or else by its suffix (``.json`` is an
    array, ``.parquet`` Parquet, the rest JSONL); ``options`` go to the reader (``display``,
    ``batch_size``, ``max_line_bytes``)."""
    return READERS[fmt or format_of(path) or "jsonl"](path, **options)


__all__ = [
    "READERS",
    "SUFFIXES",
    "Batch",
    "JsonArrayReader",
    "JsonlReader",
    "ParquetReader",
    "ParsedRecord",
    "Reader",
    "format_of",
    "reader_for",
]
