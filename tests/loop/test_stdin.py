"""``dtk validate -`` reads standard input; ``--stdin-name`` names it in the report."""

from __future__ import annotations

import io
import json

from tests.helpers.records import DRAFT
from toolkit import validate_paths

GOOD = dict(DRAFT)
DATA = (json.dumps(GOOD) + "\n" + json.dumps(dict(GOOD, title="")) + "\n").encode()


def test_dash_reads_standard_input(run_dtk):
    result = run_dtk("validate", "-", "--no-dist", "--color", "never", input=DATA)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "<stdin>:2:1: error[schema.minLength] $.title: title must not be empty"
    )


def test_stdin_name_is_used_in_reports(run_dtk):
    result = run_dtk(
        "validate",
        "-",
        "--stdin-name",
        "sub/new.jsonl",
        "--no-dist",
        "--format",
        "json",
        input=DATA,
    )
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert {e["file"] for e in report["errors"]} == {"sub/new.jsonl"}
    api = validate_paths(["-"], stdin=io.BytesIO(DATA), stdin_name="sub/new.jsonl", dist=None)
    assert report == api.to_dict()


def test_stdin_name_suffix_picks_the_reader(run_dtk):
    array = json.dumps([GOOD]).encode()
    result = run_dtk("validate", "-", "--stdin-name", "x.json", "--no-dist", input=array)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "valid: 1 file, 1 records checked, 1 valid, 0 invalid, 0 errors, 0 warnings\n"
    )


def test_empty_standard_input_is_reported(run_dtk):
    result = run_dtk("validate", "-", "--no-dist", "--color", "never", input=b"")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "<stdin>:1:1: error[file.empty] $: the file holds no records"
    )
