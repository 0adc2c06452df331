"""Byte ranges and worker processes change nothing in the report."""

from __future__ import annotations

import json

import pytest

from tests.helpers.records import short_submission
from toolkit import parallel
from toolkit.validate.paths import validate_paths

GOOD = short_submission("T", "B", "P")


def test_split_ranges_cover_the_file_on_line_starts(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(b"".join(b"%d\n" % n * (n % 7 + 1) for n in range(500)))
    data = path.read_bytes()
    ranges = parallel.split_ranges(path, 97)
    assert ranges[0][0] == 0
    assert ranges[-1][1] == len(data)
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:], strict=False))
    assert all(data[start - 1 : start] == b"\n" for start, _ in ranges[1:])


@pytest.mark.parametrize("max_errors", [None, 7])
def test_report_identical_for_1_and_2_workers(tmp_path, monkeypatch, max_errors):
    monkeypatch.setattr("toolkit.validate.paths.MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 512)
    lines = []
    for n in range(400):
        record = dict(GOOD, title=f"T{n % 150}")  # duplicates across ranges
        if n % 37 == 0:
            record["kind"] = "blog"
        lines.append(json.dumps(record).encode() + (b"\r\n" if n % 50 == 0 else b"\n"))
        if n % 90 == 0:
            lines.append(b"\n{broken\n")
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"".join(lines))
    one = validate_paths([path], workers=1, max_errors=max_errors, dist=tmp_path / "none")
    two = validate_paths([path], workers=2, max_errors=max_errors, dist=tmp_path / "none")
    assert one.to_dict() == two.to_dict()
    assert [i.rule for i in one.warnings].count("format.crlf") == 1
    if max_errors is None:
        assert one.records == 405
        assert sum(i.rule == "record.duplicate" for i in one.errors) == 250
