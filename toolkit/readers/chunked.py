"""The fast path of the JSONL reader: large blocks, line ends found with ``bytes.find``, ``orjson``
parsing ``memoryview`` slices, and a proof of no duplicate keys that costs one byte count.

Kept apart from ``jsonl.py`` because it is an optimisation, not a format: it takes only the lines
it can prove ordinary (not the first line, starting with ``{`` and ending with ``}`` right
before the newline, within the length limit, parsed by ``orjson``, keys proven unique) and
sends every other line through :meth:`JsonlReader.read_line`, the exact path. A file read either
way gives the same records, issues, batches and line numbers (``tests/readers/
test_chunked.py`` checks it on generated files); records also carry their byte offset, so a
later step can re-read one line without keeping it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from toolkit.readers.base import Batch, ParsedRecord
from toolkit.readers.jsonl import JsonlReader
from toolkit.readers.jsonparse import find_duplicate_key

#: Bytes read at a time: large enough that the per-block work vanishes, small enough that two
#: workers hold a few blocks each.
BLOCK_BYTES = 4 << 20
_OPEN, _CLOSE = ord("{"), ord("}")


def string_tokens(value: Any) -> int:
    """Keys plus string values in ``value``, at every depth (exact types: orjson makes only
    these)."""
    if type(value) is dict:
        count = len(value)
        items: Any = value.values()
    else:
        count = 0
        items = value
    for item in items:
        kind = type(item)
        if kind is str:
            count += 1
        elif kind is dict or kind is list:
            count += string_tokens(item)
    return count


def proves_unique_keys(buffer: bytes, start: int, stop: int, value: Any) -> bool:
    """True exactly when ``buffer[start:stop]`` (parsed to ``value``) has no escaped quote and
    no duplicate key at any depth.

    In a JSON text a ``"`` byte either delimits a key or string value, or is an escaped quote
    inside one, so the text holds ``2 * tokens + escaped quotes`` of them. Every key and string
    value of the parsed value is a distinct token of the text, and a duplicate key drops at
    least its own token; so the count equals ``2 * string_tokens(value)`` only when nothing was
    dropped and nothing was escaped. False means "not proven", never "duplicate": the caller
    then runs the exact check.
    """
    return buffer.count(b'"', start, stop) == 2 * string_tokens(value)


class ChunkedJsonlReader(JsonlReader):
    """:class:`JsonlReader` with the fast path for ordinary lines; same options, same output.

    ``block_bytes`` is the read size (tests make it small to cut lines across blocks).
    """

    block_bytes = BLOCK_BYTES

    def _blocks(self) -> Iterator[bytes]:
        remaining = -1 if self.end is None else self.end - self.start
        with self.path.open("rb") as handle:
            handle.seek(self.start)
            while remaining:
                size = self.block_bytes if remaining < 0 else min(self.block_bytes, remaining)
                block = handle.read(size)
                if not block:
                    break
                remaining -= len(block) if remaining > 0 else 0
                yield block

    def batches(self) -> Iterator[Batch]:
        limit, size = self.max_line_bytes, self.batch_size
        read_line, loads, error = self.read_line, orjson.loads, orjson.JSONDecodeError
        self.crlf_seen = False
        batch = Batch()
        line_no, buffer, too_long, read_to = 1, b"", False, self.start
        for block in self._blocks():
            read_to += len(block)
            buffer = buffer + block if buffer else block
            base = read_to - len(buffer)  # where buffer[0] is in the file
            view = memoryview(buffer)
            find, start = buffer.find, 0
            while (stop := find(b"\n", start)) != -1:
                if too_long or stop - start > limit:
                    added = read_line(batch, line_no, None, True, base + start)
                    too_long = False
                elif line_no != 1 and buffer[start] == _OPEN and buffer[stop - 1] == _CLOSE:
                    try:
                        value = loads(view[start:stop])
                    except error:
                        value = None
                    if value is not None and (
                        proves_unique_keys(buffer, start, stop, value)
                        or find_duplicate_key(buffer[start:stop], value) is None
                    ):
                        batch.attempted += 1
                        batch.records.append(ParsedRecord(line_no, base + start, value))
                        added = True
                    else:
                        added = read_line(batch, line_no, buffer[start:stop], True, base + start)
                else:
                    added = read_line(batch, line_no, buffer[start:stop], True, base + start)
                if added and len(batch.records) >= size:
                    yield batch
                    batch = Batch()
                line_no += 1
                start = stop + 1
            view.release()
            buffer = buffer[start:]
            if len(buffer) > limit:
                too_long, buffer = True, b""
        self.newlines = line_no - 1
        if too_long:
            read_line(batch, line_no, None, False, read_to)
        elif buffer:
            read_line(batch, line_no, buffer, False, read_to - len(buffer))
        if batch.records or batch.issues or batch.attempted:
            yield batch
