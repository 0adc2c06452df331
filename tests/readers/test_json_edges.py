"""Class 3 of issue 12, JSON edge cases: numbers no float holds and lone surrogates each get
their own rule at their own line, in validate, extract and build, and the rest of the input is
still processed. Never a traceback."""

from __future__ import annotations

import json

import orjson
import pytest

from tests.helpers.records import submission
from toolkit.issues import RULES

BIG = "9" * 4301
ATTACKS = {
    # (JSON text of the "title" value, rule)
    "int-past-cpython-digit-limit": (BIG, "json.integer-too-large"),
    "negative-int-past-the-limit": ("-" + BIG, "json.integer-too-large"),
    "int-beyond-a-double": ("9" * 400, "json.integer-too-large"),
    "exponent-overflow": ("1e999", "json.number-overflow"),
    "negative-overflow": ("-1.5e309", "json.number-overflow"),
    "lone-high-surrogate": ('"\\ud800"', "json.lone-surrogate"),
    "lone-low-surrogate": ('"x\\udc00"', "json.lone-surrogate"),
    "reversed-pair": ('"\\udc00\\ud800"', "json.lone-surrogate"),
    "surrogate-in-a-key": ('{"\\ud83d": 1}', "json.lone-surrogate"),
}


def lines_with(value: str) -> bytes:
    """Three records: valid, the attack (line 2), valid."""
    good = [orjson.dumps(submission(i)) for i in (1, 2)]
    attack = orjson.dumps(submission(9)).replace(
        orjson.dumps(submission(9)["title"]), value.encode(), 1
    )
    return good[0] + b"\n" + attack + b"\n" + good[1] + b"\n"


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_validate_reports_its_own_rule_and_goes_on(name, run_dtk, tmp_path):
    value, rule = ATTACKS[name]
    path = tmp_path / "subs.jsonl"
    path.write_bytes(lines_with(value))
    result = run_dtk("validate", "--format", "json", str(path))
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert [(e["line"], e["rule"]) for e in report["errors"]] == [(2, rule)]
    assert (report["records"], report["valid_records"]) == (3, 2)
    assert rule in RULES


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_a_json_array_file_reports_the_element_line(name, run_dtk, tmp_path):
    value, rule = ATTACKS[name]
    path = tmp_path / "subs.json"
    path.write_bytes(b"[\n" + lines_with(value).replace(b"}\n", b"},\n", 2) + b"]\n")
    result = run_dtk("validate", "--format", "json", str(path))
    report = json.loads(result.output)
    assert [(e["line"], e["rule"]) for e in report["errors"]] == [(3, rule)]


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_extract_and_build_reject_the_line_and_release_the_rest(name, project, run_dtk):
    value, rule = ATTACKS[name]
    path = project.add_file("subs.jsonl", lines_with(value))
    result = run_dtk("extract", str(path))
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 2  # the two good records, as JSONL
    assert rule in result.stderr
    summary = project.build()
    assert summary.counts == {
        "extracted": 3,
        "released": 2,
        "rejected": 1,
        "deduplicated": 0,
        "skipped": 0,
    }
    [reject] = project.rejects()
    assert (reject["rule"], reject["line"]) == (rule, 2)
    assert reject["raw"] == lines_with(value).splitlines()[1].decode()


@pytest.mark.parametrize(
    "value", ['"\\ud83d\\ude00"', '"\\\\ud800"', "1e308", "18446744073709551615", "-1e-999"]
)
def test_near_misses_stay_valid(value, run_dtk, tmp_path):
    path = tmp_path / "subs.jsonl"
    record = submission(1)
    record["title"] = "placeholder"
    path.write_bytes(orjson.dumps(record).replace(b'"placeholder"', value.encode()) + b"\n")
    report = json.loads(run_dtk("validate", "--format", "json", str(path)).output)
    assert not [e for e in report["errors"] if e["rule"].startswith("json.")]
