"""Writing a release's files: Parquet shards and a JSONL copy per split, from Arrow batches with
the schema-derived Arrow schema, and JSON Lines side files (rejects, duplicates). Every writer
produces the same bytes for the same rows: no timestamps, fixed compression settings, sorted keys.
"""

from __future__ import annotations

import hashlib
import io
import math
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.parquet as pq

if TYPE_CHECKING:
    from toolkit.release.stats import SplitCounter

#: About 500 MB of text per shard at ~2.6 KB a record: the Hub's default ``max_shard_size``.
ROWS_PER_SHARD = 200_000
#: Row groups of ~25 MB uncompressed keep the dataset viewer and random access fast. Rows are
#: buffered to exactly this size, so the row groups do not depend on how the input was batched;
#: the pages inside them do follow the input's chunks (a 200k-record build with other spill
#: batches wrote other Parquet bytes, same rows), so ``shards.SPOOL_BATCH_ROWS`` is fixed.
ROWS_PER_ROW_GROUP = 10_000
#: Rows turned into Python objects at once for the JSONL copy.
JSONL_SLICE_ROWS = 1024
#: A column of ready JSONL lines (binary, one line and its newline per row) that a table written
#: to a ``SplitWriter`` may carry after the schema's columns; the Parquet files never hold it.
JSONL_COLUMN = "__jsonl"
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "write_statistics": True,
    "write_page_index": True,
    "use_content_defined_chunking": True,
}


class HashingWriter(io.RawIOBase):
    """A binary file opened for writing that keeps the SHA-256 and size of what went through
    it, so a release's checksums come from the writes, not from reading the files back."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._file: IO[bytes] = path.open("wb")
        self._hash = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        self._hash.update(view)
        self.size += view.nbytes
        return self._file.write(view)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        if not self._file.closed:
            self._file.flush()

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()

    def hexdigest(self) -> str:
        """SHA-256 of every byte written so far."""
        return self._hash.hexdigest()


def _joined_values(lines: pa.Array) -> Any:
    """The values of a binary array back to back, as one buffer: a view of the array's data,
    so no line becomes a Python object (a null line is a bug upstream: ``join`` refuses it)."""
    if lines.null_count or not len(lines):
        return b"".join(lines.to_pylist())
    _, offsets, data = lines.buffers()
    width = np.int64 if pa.types.is_large_binary(lines.type) else np.int32
    bounds = np.frombuffer(offsets, width)[[lines.offset, lines.offset + len(lines)]]
    return memoryview(data)[int(bounds[0]) : int(bounds[1])]


def shard_name(split: str, index: int, count: int) -> str:
    """``{split}-{i:05d}-of-{n:05d}.parquet``, the Hub's shard naming."""
    return f"{split}-{index:05d}-of-{count:05d}.parquet"


def shard_layout(rows: int, rows_per_shard: int) -> tuple[int, int]:
    """``(number of shards, rows per shard but the last)`` of a split of ``rows`` rows: fixed
    from the count alone, so every shard's rows are known before any is written."""
    count = max(1, math.ceil(rows / rows_per_shard))
    return count, max(1, math.ceil(rows / count))


class SplitWriter:
    """One split: ``data/{split}-*.parquet`` shards of balanced size and ``jsonl/{split}.jsonl``.

    The number of shards is fixed up front from the split's row count, so the file names are
    final from the first write. A ``counter`` sees every row group as it is written and the end
    of every shard, so the card's statistics never need the files read back.
    """

    def __init__(
        self,
        root: Path,
        split: str,
        rows: int,
        schema: pa.Schema,
        rows_per_shard: int | None = None,
        counter: SplitCounter | None = None,
    ) -> None:
        self.root, self.split, self.schema = root, split, schema
        self.num_shards, self.shard_rows = shard_layout(rows, rows_per_shard or ROWS_PER_SHARD)
        (root / "data").mkdir(parents=True, exist_ok=True)
        (root / "jsonl").mkdir(parents=True, exist_ok=True)
        self.paths: list[Path] = []
        self._shard = -1
        self._in_shard = 0
        self._parquet: pq.ParquetWriter | None = None
        self._jsonl = HashingWriter(root / "jsonl" / f"{split}.jsonl")
        self._sinks: list[HashingWriter] = [self._jsonl]
        self._buffer: list[pa.Table] = []
        self._buffered = 0
        self._lines_given = False
        self.counter = counter
        self.rows = 0

    def _next_shard(self) -> None:
        self._close_parquet()
        self._shard += 1
        path = self.root / "data" / shard_name(self.split, self._shard, self.num_shards)
        self.paths.append(path)
        sink = HashingWriter(path)
        self._sinks.append(sink)
        self._parquet = pq.ParquetWriter(sink, self.schema, **PARQUET_OPTIONS)
        self._in_shard = 0

    def write(self, table: pa.Table) -> None:
        """Append rows (already in release order and in ``schema``, optionally followed by a
        ``JSONL_COLUMN`` of their ready JSONL lines, written at once and never buffered)."""
        if JSONL_COLUMN in table.column_names:
            self._lines_given = True
            for chunk in table.column(JSONL_COLUMN).chunks:
                self._jsonl.write(_joined_values(chunk))
            table = table.drop_columns([JSONL_COLUMN])
        elif self._lines_given:
            raise ValueError("every table written to a split must carry its JSONL lines, or none")
        self._buffer.append(table)
        self._buffered += table.num_rows
        while self._buffered >= self._group_target():
            self._flush_group()

    def _group_target(self) -> int:
        if self._parquet is None or self._in_shard >= self.shard_rows:
            return min(ROWS_PER_ROW_GROUP, self.shard_rows)
        return min(ROWS_PER_ROW_GROUP, self.shard_rows - self._in_shard)

    def _flush_group(self) -> None:
        """Write one row group (or what is left) from the buffer."""
        take = min(self._group_target(), self._buffered)
        pending = pa.concat_tables(self._buffer)
        group, rest = pending.slice(0, take), pending.slice(take)
        self._buffer, self._buffered = ([rest] if rest.num_rows else []), rest.num_rows
        if self._parquet is None or self._in_shard >= self.shard_rows:
            self._next_shard()
        assert self._parquet is not None
        self._parquet.write_table(group, row_group_size=take)
        if self.counter is not None:
            self.counter.update(group)
        if not self._lines_given:  # else the JSONL copy of these rows is already written
            for offset in range(0, take, JSONL_SLICE_ROWS):  # Python rows for a slice at a time
                rows = group.slice(offset, JSONL_SLICE_ROWS).to_pylist()
                self._jsonl.write(b"".join(orjson.dumps(row) + b"\n" for row in rows))
        self._in_shard += take
        self.rows += take

    def _close_parquet(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
            self._sinks[-1].close()
            if self.counter is not None:
                self.counter.end_file()

    @property
    def checksums(self) -> dict[Path, tuple[str, int]]:
        """``(sha256, size)`` of each file written, once :meth:`close` has returned."""
        return {sink.path: (sink.hexdigest(), sink.size) for sink in self._sinks}

    def abort(self) -> None:
        """Close the files without finishing them, when the build has failed."""
        self._close_parquet()
        self._jsonl.close()

    def close(self) -> list[Path]:
        """Finish the files; a split with no rows still gets one (empty) shard."""
        while self._buffered:
            self._flush_group()
        if self._parquet is None:
            self._next_shard()
        self._close_parquet()
        self._jsonl.close()
        self._buffer = []
        # The allocator keeps freed pages (~150 MB after a 100k-record split): give them back
        # before the card step loads its libraries on top.
        pa.default_memory_pool().release_unused()
        return [*self.paths, self.root / "jsonl" / f"{self.split}.jsonl"]


class JsonLinesWriter:
    """Append-only JSON Lines with sorted keys, for rejects and duplicates."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._handle = HashingWriter(path)
        self.count = 0

    def write(self, row: dict[str, Any]) -> None:
        self._handle.write(orjson.dumps(row, option=orjson.OPT_SORT_KEYS) + b"\n")
        self.count += 1

    def close(self) -> None:
        self._handle.close()

    @property
    def checksum(self) -> tuple[str, int]:
        """``(sha256, size)`` of the lines written."""
        return self._handle.hexdigest(), self._handle.size
