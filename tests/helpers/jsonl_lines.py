"""Hypothesis strategies for JSONL files that hold everything a fast path could get wrong: every
bad-line kind of ``benchmarks/generate.py``, byte-order marks, CRLF, blank and padded lines,
escaped quotes, nested duplicate keys (some beside escaped quotes), titles equal only after NFKC
and casefold, copies of released records, and a last line without a newline."""

from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import strategies as st

from benchmarks.generate import MUTATIONS, valid_record
from tests.helpers import DIST


def _released() -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    rows: list[dict[str, Any]] = []
    for path in sorted((DIST / "data").glob("*.parquet"))[:1]:
        rows += pq.read_table(path, columns=["title", "body"]).to_pylist()[:3]
    return rows


RELEASED = _released()


def _record(seed: int) -> dict[str, Any]:
    return valid_record(random.Random(seed), seed)


def _dumps(record: dict[str, Any], ascii_only: bool) -> bytes:
    return json.dumps(record, ensure_ascii=ascii_only).encode()


@st.composite
def _line(draw: st.DrawFn, earlier: list[bytes]) -> bytes:
    record = _record(draw(st.integers(0, 40)))
    kind = draw(st.integers(0, 13))
    if kind == 0:
        mutation = draw(st.sampled_from(MUTATIONS))
        if mutation == "duplicate":
            return draw(st.sampled_from(earlier)) if earlier else _dumps(record, False)
        return mutation(record)  # type: ignore[operator]
    if kind == 1:  # the same story, spelled so that only the normalisation makes it equal
        title = str(record["title"])
        record["title"] = draw(
            st.sampled_from([title.upper(), f"  {title}\t", title.replace("fi", "\ufb01")])
        )
        return _dumps(record, draw(st.booleans()))
    if kind == 2:  # escaped quotes, alone or beside a duplicate key
        record["dek"] = 'he said \\"no\\" and "left"'
        text = _dumps(record, False)
        if draw(st.booleans()):
            text = text.replace(b'"kind"', b'"kind": 1, "kind"', 1)
        return text
    if kind == 3:  # a nested duplicate key
        text = _dumps(record, False)
        return text.replace(b'"section"', b'"x": {"a": 1, "a": "b"}, "section"', 1)
    if kind == 4 and RELEASED:
        record.update(draw(st.sampled_from(RELEASED)))
        return _dumps(record, False)
    if kind == 5:
        return draw(st.sampled_from([b"", b"   ", b"\t", b" {}", b"{} ", b"{}", b"[]", b"null"]))
    if kind == 6:
        return b"  " + _dumps(record, False)
    if kind == 7:
        return draw(st.binary(max_size=40))
    if kind == 8:
        record["title"] = draw(st.text(max_size=12))
        return _dumps(record, draw(st.booleans()))
    if kind == 9:  # an over-long line when the limit is small
        record["body"] = str(record["body"]) * 2
        return _dumps(record, False)
    return _dumps(record, draw(st.booleans()))


@st.composite
def jsonl_files(draw: st.DrawFn, max_lines: int = 12) -> bytes:
    """The bytes of one JSONL file."""
    lines: list[bytes] = []
    for _ in range(draw(st.integers(0, max_lines))):
        line = draw(_line(lines))
        if draw(st.integers(0, 9)) == 0:
            line += b"\r"
        lines.append(line)
    data = b"\n".join(lines)
    if draw(st.booleans()):
        data += b"\n"
    if draw(st.integers(0, 5)) == 0:
        data = b"\xef\xbb\xbf" + data
    return data
