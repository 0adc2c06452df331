"""Class 4 of issue 12, error amplification: one record with a huge number of errors costs what
its own bytes cost. ``validate_record`` (the one record check of validate, build and check)
keeps at most ``MAX_ISSUES_PER_RECORD`` errors per record, plus one ``record.more-errors`` issue
counting the rest, in validate reports and in rejects.jsonl."""

from __future__ import annotations

import json
import tracemalloc

import orjson
import pytest

from tests.helpers.records import submission
from toolkit.validate.messages import MAX_ISSUES_PER_RECORD
from toolkit.validate.record import RecordSchema, validate_record


def bad_items(n: int) -> dict:
    return submission(5, authors=list(range(n)))


def test_validate_keeps_the_first_errors_and_counts_the_rest(run_dtk, tmp_path):
    path = tmp_path / "subs.jsonl"
    lines = [submission(1), bad_items(100_000), submission(2, language=7)]
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in lines))
    result = run_dtk("validate", "--format", "json", str(path))
    assert result.exit_code == 1
    errors = json.loads(result.output)["errors"]
    on_line_2 = [e for e in errors if e["line"] == 2]
    assert len(on_line_2) == MAX_ISSUES_PER_RECORD + 1
    assert [e["pointer"] for e in on_line_2[:3]] == ["/authors/0", "/authors/1", "/authors/2"]
    assert on_line_2[-1]["rule"] == "record.more-errors"
    assert "99,950 more errors" in on_line_2[-1]["message"]
    # The record after it is still checked.
    assert [(e["line"], e["rule"]) for e in errors if e["line"] == 3] == [(3, "schema.type")]


def test_the_text_report_stays_small(run_dtk, tmp_path):
    path = tmp_path / "subs.jsonl"
    path.write_bytes(orjson.dumps(bad_items(50_000)) + b"\n")
    result = run_dtk("validate", str(path))
    assert result.exit_code == 1
    assert len(result.output.splitlines()) < MAX_ISSUES_PER_RECORD + 10


def test_build_rejects_hold_capped_errors_and_no_stage_is_left(project):
    record = bad_items(100_000)
    line = orjson.dumps(record)
    project.add_file("subs.jsonl", line + b"\n" + orjson.dumps(submission(1)) + b"\n")
    summary = project.build()
    assert (summary.counts["released"], summary.counts["rejected"]) == (1, 1)
    [reject] = project.rejects()
    assert len(reject["errors"]) == MAX_ISSUES_PER_RECORD + 1
    assert reject["errors"][-1]["rule"] == "record.more-errors"
    assert "99,950 more errors" in reject["errors"][-1]["message"]
    # The rejects cost the record's own bytes (kept whole: nothing is lost), not its errors.
    assert (project.out / "rejects.jsonl").stat().st_size < len(line) + 20_000
    assert not list(project.root.glob("dist.tmp-*"))


@pytest.mark.parametrize(
    "shape",
    [
        "flat",  # authors: [0, 1, 2, ...]
        "nested",  # provenance-like objects, each with many bad fields
        "deep",  # arrays of arrays
    ],
)
def test_memory_is_bounded_by_the_record_not_by_its_errors(shape):
    schema = RecordSchema.load("submission")

    def record(n: int) -> dict:
        if shape == "flat":
            return bad_items(n)
        if shape == "nested":
            return submission(5, authors=[{"a": i, "b": [i]} for i in range(n)])
        return submission(5, authors=[[i, [i]] for i in range(n)])

    peaks = []
    for n in (5_000, 40_000):
        value = record(n)
        tracemalloc.start()
        issues = validate_record(value, schema, file="f", line=1)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert len(issues) == MAX_ISSUES_PER_RECORD + 1
        assert f"{n - MAX_ISSUES_PER_RECORD:,} more errors" in issues[-1].message
    # 8x the errors: the peak grows far less than the errors would (about 1 kB each).
    assert peaks[1] < 2 * peaks[0] + 2_000_000


def test_unknown_fields_are_listed_up_to_a_limit(run_dtk, tmp_path):
    record = submission(1)
    record.update({f"extra{i}": i for i in range(100_000)})
    path = tmp_path / "subs.jsonl"
    path.write_bytes(orjson.dumps(record) + b"\n")
    errors = json.loads(run_dtk("validate", "--format", "json", str(path)).output)["errors"]
    assert len(errors) == 1
    assert errors[0]["message"].endswith("(and 99,980 more): the schema does not define them")
