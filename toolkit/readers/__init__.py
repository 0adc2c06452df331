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

READERS: dict[str, type[Reader]] = {"jsonl": JsonlReader, "json": JsonArrayReader}


def reader_for(path: Path, **options: Any) -> Reader:
    """The reader for a submission file, chosen by its suffix (``.json`` is an array, the rest
    JSONL); ``options`` go to the reader (``display``, ``batch_size``, ``max_line_bytes``)."""
    fmt = "json" if path.suffix.lower() == ".json" else "jsonl"
    return READERS[fmt](path, **options)


__all__ = [
    "READERS",
    "Batch",
    "JsonArrayReader",
    "JsonlReader",
    "ParsedRecord",
    "Reader",
    "reader_for",
]
