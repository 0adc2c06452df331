"""The chunked JSONL reader against the exact one: same records, issues, batches and line
numbers on generated files, for any block size, line limit and byte range; and the quote-count
proof of unique keys."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.jsonl_lines import jsonl_files
from toolkit.readers.base import Batch
from toolkit.readers.chunked import ChunkedJsonlReader, proves_unique_keys
from toolkit.readers.jsonl import JsonlReader


def _read(reader: JsonlReader) -> tuple[list[tuple[object, ...]], int]:
    def shape(batch: Batch) -> tuple[object, ...]:
        records = [(r.line, r.value) for r in batch.records]
        return records, batch.issues, batch.attempted, batch.failed

    batches = [shape(batch) for batch in reader.batches()]
    return batches, reader.newlines


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    jsonl_files(),
    st.sampled_from([1, 7, 64, 4096]),
    st.sampled_from([16 << 20, 3000, 40]),
    st.sampled_from([1, 3]),
    st.data(),
)
def test_same_batches_as_the_exact_reader(
    tmp_path: Path, data: bytes, block: int, limit: int, batch_size: int, draw: st.DataObject
):
    path = tmp_path / "in.jsonl"
    path.write_bytes(data)
    start = draw.draw(st.sampled_from([0, *(i + 1 for i, b in enumerate(data) if b == 10)]))
    end = draw.draw(st.sampled_from([None, len(data)]))
    options = {"start": start, "end": end, "max_line_bytes": limit, "batch_size": batch_size}
    chunked = ChunkedJsonlReader(path, **options)
    chunked.block_bytes = block
    assert _read(chunked) == _read(JsonlReader(path, **options))


def test_records_carry_their_byte_offset(tmp_path: Path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"a": 1}\n\n{"b": "x"}\r\n{"c": []}\n')
    offsets = [(r.line, r.offset) for b in ChunkedJsonlReader(path).batches() for r in b.records]
    assert offsets == [(1, 0), (3, 10), (4, 22)]


@pytest.mark.parametrize(
    ("text", "proven"),
    [
        (b'{"a": "x", "b": [1, "y", {"c": null}]}', True),
        (b'{"a": 1, "a": 2}', False),
        (b'{"a": {"b": 1, "b": 1}}', False),
        (b'{"a": "say \\"hi\\""}', False),
        (b'{"k": 1, "k": 2, "a": "\\"\\""}', False),
        (b'{"a": "\\\\", "b": "\\u0022"}', True),
    ],
)
def test_the_quote_count_proves_unique_keys_only_when_it_can(text: bytes, proven: bool):
    assert proves_unique_keys(text, 0, len(text), orjson.loads(text)) is proven
