"""The Arrow size the card reports per split is what ``Table.nbytes`` gives on the rows read back
from Parquet in batches; ``ArrowSize`` must count exactly that from rows in any layout."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from tests.helpers.article_rows import hostile_table
from toolkit.build.writers import PARQUET_OPTIONS
from toolkit.release.nbytes import ArrowSize


def _read_back_nbytes(files: list[bytes], batch_rows: int) -> int:
    return sum(
        pa.Table.from_batches([batch]).nbytes
        for data in files
        for batch in pq.ParquetFile(io.BytesIO(data)).iter_batches(batch_size=batch_rows)
    )


@pytest.mark.parametrize(
    ("rows", "batch_rows", "group_rows", "file_rows", "feed_rows"),
    [
        (1, 8192, 10_000, 200_000, 1),
        (9, 4, 3, 7, 2),
        (300, 64, 50, 170, 33),
        (300, 64, 100, 1000, 1000),
        (1200, 256, 100, 500, 97),
    ],
)
def test_arrow_size_equals_nbytes_of_the_rows_read_back(
    rows, batch_rows, group_rows, file_rows, feed_rows
):
    table = hostile_table(rows)
    # the merge writes filtered, concatenated slices: a layout unlike the one read back
    table = table.filter(pc.not_equal(pc.bit_wise_and(pa.array(range(rows)), 3), 1))
    size = ArrowSize(batch_rows)
    files = []
    for start in range(0, table.num_rows, file_rows):
        part = table.slice(start, file_rows)
        sink = io.BytesIO()
        with pq.ParquetWriter(sink, table.schema, **PARQUET_OPTIONS) as writer:
            for offset in range(0, part.num_rows, group_rows):
                writer.write_table(part.slice(offset, group_rows))
        for offset in range(0, part.num_rows, feed_rows):
            size.add(part.slice(offset, feed_rows))
        size.end_file()
        files.append(sink.getvalue())
    assert size.total == _read_back_nbytes(files, batch_rows)


def test_all_null_and_empty_columns():
    table = hostile_table(20).drop_columns(["authors", "provenance"])
    nulls = pa.table(
        {
            "title": pa.nulls(20, pa.string()),
            "authors": pa.array([[]] * 20, pa.list_(pa.string())),
            "span": pa.array([None] * 20, pa.struct([("start_line", pa.int64())])),
        }
    )
    for data in (table, nulls):
        size = ArrowSize(8)
        size.add(data)
        size.end_file()
        sink = io.BytesIO()
        pq.write_table(data, sink)
        assert size.total == _read_back_nbytes([sink.getvalue()], 8)


def test_no_rows_count_nothing():
    size = ArrowSize(8)
    size.add(hostile_table(0))
    size.end_file()
    assert size.total == 0
