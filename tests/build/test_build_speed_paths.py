"""The build's fast paths give exactly what the slow ones gave (issue 14): batched lead
signatures, the lead from the body normalised once (for the id), JSONL lines made in pass one,
and checksums taken while writing."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import orjson
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.build.dedup import (
    LEAD_WORDS,
    body_shingles,
    lead_shingles,
    lead_signature,
    lead_signatures,
    record_shingles,
)
from toolkit.build.shards import jsonl_lines, release_memory
from toolkit.build.writers import JSONL_COLUMN, HashingWriter, SplitWriter
from toolkit.features import arrow_schema
from toolkit.ids import content_id, normalize_text, normalized_bytes, normalized_utf8

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))


def _records(tmp_path: Path, count: int) -> list[dict]:
    """Article rows with the text of ``benchmarks/generate.py`` (curly quotes, accents) and a
    provenance like the extractor's."""
    from generate import generate

    out = tmp_path / "in.jsonl"
    generate(out, count, 0, 3)
    rows = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    for n, row in enumerate(rows):
        row["id"] = f"{n:016x}"
        row["provenance"] = {
            "source_file": "in.jsonl",
            "source_sha256": "0" * 64,
            "span": {"start_line": n + 1, "end_line": n + 1, "byte_offset": 0, "byte_length": 9},
            "extractor": "jsonl",
        }
    return rows


def _reference_shingles(title: str, body: str) -> list[str]:
    words = normalize_text(title).split()
    words += normalize_text(body).split(" ", LEAD_WORDS)[:LEAD_WORDS]
    if len(words) < 3:
        return [" ".join(words)]
    return [f"{a} {b} {c}" for a, b, c in zip(words, words[1:], words[2:], strict=False)]


def test_batched_signatures_equal_one_by_one_on_real_text(tmp_path):
    records = _records(tmp_path, 300)
    batched = lead_signatures([lead_shingles(r["title"], r["body"]) for r in records])
    single = np.stack([lead_signature(r["title"], r["body"]) for r in records])
    assert batched.dtype == np.uint32
    assert batched.shape == single.shape
    assert np.array_equal(batched, single)
    assert lead_signatures([]).shape == (0, single.shape[1])


def test_lead_from_a_prefix_equals_the_lead_of_the_whole_body(tmp_path):
    for record in _records(tmp_path, 200):
        expected = _reference_shingles(record["title"], record["body"])
        assert lead_shingles(record["title"], record["body"]) == expected
        assert record_shingles(record["title"], record["body"])[0] == [
            s.encode("utf-8") for s in expected
        ]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from(
                list("aZ  \t\n\u00a0\u0301\u00e9\ufb01\u2028ß İ\u0130ﬀ½\u3000")
            )
            | st.characters(),
            max_size=12,
        ),
        min_size=0,
        max_size=400,
    )
)
def test_lead_prefix_holds_on_hostile_text(words):
    body = " ".join(words)
    assert lead_shingles("T", body) == _reference_shingles("T", body)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab \t\u00a0ß")), max_size=12),
    st.lists(
        st.text(alphabet=st.sampled_from(list("aZ \t\n\u00a0\u0301\ufb01ß")), max_size=6),
        max_size=120,
    ),
)
def test_record_shingles_equal_lead_and_body_shingles(title, words):
    body = " ".join(words)
    assert record_shingles(title, body) == (
        [s.encode("utf-8") for s in _reference_shingles(title, body)],
        [s.encode("utf-8") for s in body_shingles(body)],
    )


def test_signatures_of_utf8_shingles_equal_those_of_text(tmp_path):
    records = _records(tmp_path, 100)
    pairs = [record_shingles(r["title"], r["body"]) for r in records]
    assert np.array_equal(
        lead_signatures([lead for lead, _ in pairs]),
        lead_signatures([lead_shingles(r["title"], r["body"]) for r in records]),
    )
    assert np.array_equal(
        lead_signatures([body for _, body in pairs]),
        lead_signatures([body_shingles(r["body"]) for r in records]),
    )


_HOSTILE = st.text(
    alphabet=st.sampled_from(list("aZ  \t\n\u00a0\u0301\u00e9\ufb01\u2028ß İ\u0130ﬀ½\u3000"))
    | st.characters(),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(_HOSTILE, _HOSTILE)
def test_content_id_from_the_cached_normalisation_is_unchanged(title, body):
    key = normalized_bytes(title) + b"\n" + normalized_bytes(body)
    assert content_id(title, body) == hashlib.sha256(key).hexdigest()[:16]
    assert normalized_utf8(body) == normalized_bytes(body)


def _assert_lines_match_arrow_round_trip(rows: list[dict]) -> None:
    table = pa.Table.from_pylist(rows, schema=arrow_schema("article"))
    expected = [orjson.dumps(row) + b"\n" for row in table.to_pylist()]
    assert jsonl_lines(rows, table).to_pylist() == expected


def test_jsonl_lines_equal_arrow_round_trip(tmp_path):
    rows = _records(tmp_path, 50)
    rows[0].pop("dek", None)  # missing keys come back as null
    rows[1]["extra"] = 1  # keys outside the schema are dropped
    rows[2]["authors"] = [None, "A. Writer"]
    rows[3]["provenance"] = None
    del rows[4]["provenance"]["span"]["byte_length"]
    rows[5]["provenance"]["span"] = {}
    rows[6]["authors"] = None
    _assert_lines_match_arrow_round_trip(rows)


def test_jsonl_lines_of_values_not_plainly_of_the_schema_types(tmp_path):
    rows = _records(tmp_path, 3)
    rows[1]["provenance"]["span"]["start_line"] = 7.0  # a float Arrow takes as an int64
    _assert_lines_match_arrow_round_trip(rows)


def test_split_writer_with_ready_lines_writes_the_same_bytes(tmp_path):
    schema = arrow_schema("article")
    rows = _records(tmp_path, 120)
    table = pa.Table.from_pylist(rows, schema=schema)
    with_lines = table.append_column(JSONL_COLUMN, jsonl_lines(rows, table))
    outputs = []
    for name, source in (("plain", table), ("lines", with_lines)):
        writer = SplitWriter(tmp_path / name, "train", table.num_rows, schema)
        for offset in range(0, table.num_rows, 37):
            writer.write(source.slice(offset, 37))
        files = writer.close()
        outputs.append([f.read_bytes() for f in files])
        for path, (digest, size) in writer.checksums.items():
            assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
            assert size == path.stat().st_size
    assert outputs[0] == outputs[1]


def test_hashing_writer_digest_is_the_file_sha256(tmp_path):
    path = tmp_path / "out.bin"
    with HashingWriter(path) as out:
        out.write(b"abc")
        out.write(memoryview(b"\x00\xffdef"))
        out.write(bytearray(range(256)) * 100)
    data = path.read_bytes()
    assert out.hexdigest() == hashlib.sha256(data).hexdigest()
    assert out.size == len(data) == out.tell()


def test_releasing_memory_after_a_task_changes_no_id(tmp_path):
    # Issue 14: a finished task empties the normalisation caches and gives freed memory back;
    # the ids computed after it are the ones computed before.
    rows = _records(tmp_path, 20)
    before = [content_id(r["title"], r["body"]) for r in rows]
    assert normalized_utf8.cache_info().currsize > 0
    release_memory()
    assert normalized_utf8.cache_info().currsize == 0
    assert normalize_text.cache_info().currsize == 0
    assert [content_id(r["title"], r["body"]) for r in rows] == before
