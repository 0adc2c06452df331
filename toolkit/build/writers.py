"""Writing a release's files: Parquet shards and a JSONL copy per split, from Arrow batches with
the schema-derived Arrow schema, and JSON Lines side files (rejects, duplicates). Every writer
produces the same bytes for the same rows: no timestamps, fixed compression settings, sorted keys.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import IO, Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

#: About 500 MB of text per shard at ~2.6 KB a record: the Hub's default ``max_shard_size``.
ROWS_PER_SHARD = 200_000
#: Row groups of ~25 MB uncompressed keep the dataset viewer and random access fast. Rows are
#: buffered to exactly this size, so the bytes do not depend on how the input was batched.
ROWS_PER_ROW_GROUP = 10_000
#: Rows turned into Python objects at once for the JSONL copy.
JSONL_SLICE_ROWS = 1024
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "write_statistics": True,
    "write_page_index": True,
    "use_content_defined_chunking": True,
}


def shard_name(split: str, index: int, count: int) -> str:
    """``{split}-{i:05d}-of-{n:05d}.parquet``, the Hub's shard naming."""
    return f"{split}-{index:05d}-of-{count:05d}.parquet"


class SplitWriter:
    """One split: ``data/{split}-*.parquet`` shards of balanced size and ``jsonl/{split}.jsonl``.

    The number of shards is fixed up front from the split's row count, so the file names are
    final from the first write.
    """

    def __init__(
        self,
        root: Path,
        split: str,
        rows: int,
        schema: pa.Schema,
        rows_per_shard: int = ROWS_PER_SHARD,
    ) -> None:
        self.root, self.split, self.schema = root, split, schema
        self.num_shards = max(1, math.ceil(rows / rows_per_shard))
        self.shard_rows = max(1, math.ceil(rows / self.num_shards))
        (root / "data").mkdir(parents=True, exist_ok=True)
        (root / "jsonl").mkdir(parents=True, exist_ok=True)
        self.paths: list[Path] = []
        self._shard = -1
        self._in_shard = 0
        self._parquet: pq.ParquetWriter | None = None
        self._jsonl: IO[bytes] = (root / "jsonl" / f"{split}.jsonl").open("wb")
        self._buffer: list[pa.Table] = []
        self._buffered = 0
        self.rows = 0

    def _next_shard(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        self._shard += 1
        path = self.root / "data" / shard_name(self.split, self._shard, self.num_shards)
        self.paths.append(path)
        self._parquet = pq.ParquetWriter(path, self.schema, **PARQUET_OPTIONS)
        self._in_shard = 0

    def write(self, table: pa.Table) -> None:
        """Append rows (already in release order and in ``schema``)."""
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
        for offset in range(0, take, JSONL_SLICE_ROWS):  # Python rows for a slice at a time
            rows = group.slice(offset, JSONL_SLICE_ROWS).to_pylist()
            self._jsonl.write(b"".join(orjson.dumps(row) + b"\n" for row in rows))
        self._in_shard += take
        self.rows += take

    def abort(self) -> None:
        """Close the files without finishing them, when the build has failed."""
        if self._parquet is not None:
            self._parquet.close()
        self._jsonl.close()

    def close(self) -> list[Path]:
        """Finish the files; a split with no rows still gets one (empty) shard."""
        while self._buffered:
            self._flush_group()
        if self._parquet is None:
            self._next_shard()
        assert self._parquet is not None
        self._parquet.close()
        self._jsonl.close()
        return [*self.paths, self.root / "jsonl" / f"{self.split}.jsonl"]


class JsonLinesWriter:
    """Append-only JSON Lines with sorted keys, for rejects and duplicates."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._handle: IO[bytes] = path.open("wb")
        self.count = 0

    def write(self, row: dict[str, Any]) -> None:
        self._handle.write(orjson.dumps(row, option=orjson.OPT_SORT_KEYS) + b"\n")
        self.count += 1

    def close(self) -> None:
        self._handle.close()
