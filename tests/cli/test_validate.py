from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.records import DRAFT
from toolkit import validate_paths

GOOD = dict(DRAFT, url="https://example.org/a", published="2022-09-27", authors=["A. Writer"])


def write_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(lines))
    return path


def test_valid_file_exits_0(tmp_path, run_dtk):
    path = write_lines(tmp_path / "ok.jsonl", [json.dumps(GOOD).encode() + b"\n"])
    result = run_dtk("validate", str(path), "--color", "never")
    assert result.exit_code == 0
    assert result.output == (
        "valid: 1 file, 1 records checked, 1 valid, 0 invalid, 0 errors, 0 warnings\n"
    )


def test_known_bad_lines_are_reported_in_json(tmp_path, run_dtk):
    bad_lang = dict(GOOD, title="Other", language="english")
    bad_date = dict(GOOD, title="Third", published="2022-13-45")
    lines = [
        json.dumps(GOOD).encode() + b"\n",
        json.dumps(bad_lang).encode() + b"\n",
        b"{not json}\n",
        json.dumps(bad_date).encode() + b"\n",
    ]
    path = write_lines(tmp_path / "bad.jsonl", lines)
    result = run_dtk("validate", str(path), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert [(e["line"], e["rule"], e["pointer"]) for e in report["errors"]] == [
        (2, "schema.pattern", "/language"),
        (3, "json.syntax", ""),
        (4, "schema.anyOf", "/published"),
    ]
    assert report == validate_paths([path]).to_dict()


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_missing_path_exits_2_without_traceback(tmp_path, run_dtk, fmt):
    result = run_dtk("validate", str(tmp_path / "nope.jsonl"), "--format", fmt)
    assert result.exit_code == 2
    assert "file.not-found" in result.output


def test_directory_is_expanded_in_sorted_order(tmp_path, run_dtk):
    folder = tmp_path / "subs"
    (folder / "b").mkdir(parents=True)
    write_lines(folder / "b" / "two.jsonl", [json.dumps(dict(GOOD, title="Two")).encode() + b"\n"])
    write_lines(folder / "a.jsonl", [b"[]\n"])
    (folder / "notes.txt").write_text("ignored")
    result = run_dtk("validate", str(folder), "--format", "json")
    report = json.loads(result.output)
    assert result.exit_code == 1
    assert report["files"] == 2
    assert [(e["file"], e["line"], e["rule"]) for e in report["errors"]] == [
        (str(folder / "a.jsonl"), 1, "json.not-object"),
    ]


def test_empty_directory_exits_2(tmp_path, run_dtk):
    result = run_dtk("validate", str(tmp_path), "--format", "json")
    assert result.exit_code == 2
    assert [e["rule"] for e in json.loads(result.output)["errors"]] == ["file.no-inputs"]


def test_missing_path_is_reported_and_other_files_still_checked(tmp_path, run_dtk):
    good = write_lines(tmp_path / "ok.jsonl", [json.dumps(GOOD).encode() + b"\n"])
    result = run_dtk("validate", str(tmp_path / "gone.jsonl"), str(good), "--color", "never")
    assert result.exit_code == 2
    assert result.output == (
        f"{tmp_path / 'gone.jsonl'}:1:1: error[file.not-found] $: no such file or directory\n"
        "invalid: 1 file, 1 records checked, 1 valid, 0 invalid, 1 errors, 0 warnings\n"
        "  file.not-found                          1  The path does not exist.\n"
    )


def _release(dist: Path, ids: list[str]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    (dist / "data").mkdir(parents=True)
    pq.write_table(pa.table({"id": ids}), dist / "data" / "train-00000.parquet")
    return dist


def test_record_already_released_is_reported(tmp_path, run_dtk):
    from toolkit.ids import record_id

    other = dict(GOOD, title="Not released yet")
    dist = _release(tmp_path / "dist", [record_id(GOOD), "0123456789abcdef"])
    path = write_lines(
        tmp_path / "new.jsonl",
        [
            json.dumps(other).encode() + b"\n",
            json.dumps(GOOD).encode() + b"\n",
            json.dumps(GOOD).encode() + b"\n",
        ],
    )
    result = run_dtk("validate", str(path), "--format", "json", "--dist", str(dist))
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert [(e["line"], e["rule"]) for e in report["errors"]] == [
        (2, "record.exists"),
        (3, "record.exists"),
    ]
    assert report == validate_paths([path], dist=dist).to_dict()
    assert validate_paths([path], dist=tmp_path / "nothing").valid is False  # in-file duplicate


def test_cli_uses_dist_in_the_current_directory(tmp_path, run_dtk, monkeypatch):
    from toolkit.ids import record_id

    monkeypatch.chdir(tmp_path)
    _release(tmp_path / "dist", [record_id(GOOD)])
    write_lines(tmp_path / "new.jsonl", [json.dumps(GOOD).encode() + b"\n"])
    result = run_dtk("validate", "new.jsonl", "--format", "json")
    assert result.exit_code == 1
    assert [e["rule"] for e in json.loads(result.output)["errors"]] == ["record.exists"]


def test_duplicates_across_files_name_the_first_file(tmp_path, run_dtk):
    first = write_lines(tmp_path / "a.jsonl", [json.dumps(GOOD).encode() + b"\n"])
    second = write_lines(tmp_path / "b.jsonl", [json.dumps(dict(GOOD, url=None)).encode() + b"\n"])
    report = validate_paths([first, second], dist=tmp_path / "none")
    assert [(i.file, i.line, i.rule) for i in report.errors] == [
        (str(second), 1, "record.duplicate"),
    ]
    assert f"{first}:1" in report.errors[0].message


def test_max_errors_says_the_run_was_cut_short(tmp_path, run_dtk):
    lines = [
        json.dumps(dict(GOOD, title=f"T{n}", language="xx-")).encode() + b"\n" for n in range(10)
    ]
    path = write_lines(tmp_path / "many.jsonl", lines)
    result = run_dtk("validate", str(path), "--max-errors", "2", "--color", "never")
    assert result.exit_code == 1
    assert result.output.splitlines()[2:4] == [
        "stopped after 2 errors (--max-errors); later records were not checked",
        "invalid: 1 file, 2 records checked, 0 valid, 2 invalid, 2 errors, 0 warnings",
    ]


@pytest.mark.parametrize(
    ("content", "strict", "code"),
    [
        (b"\xef\xbb\xbf" + json.dumps(GOOD).encode() + b"\r\n\r\n", False, 0),
        (b"\xef\xbb\xbf" + json.dumps(GOOD).encode() + b"\r\n\r\n", True, 1),
        (b"\x00\x01\x02garbage\xff\n", False, 1),
    ],
)
def test_exit_codes(tmp_path, run_dtk, content, strict, code):
    path = write_lines(tmp_path / "x.jsonl", [content])
    result = run_dtk("validate", str(path), *(["--strict"] if strict else []))
    assert result.exit_code == code
    assert "Traceback" not in result.output


def test_unknown_schema_is_a_usage_error(tmp_path, run_dtk):
    path = write_lines(tmp_path / "x.jsonl", [json.dumps(GOOD).encode() + b"\n"])
    result = run_dtk("validate", str(path), "--schema", "nonsense")
    assert result.exit_code == 2
    assert "unknown schema 'nonsense'" in result.output


def test_bad_option_is_a_usage_error(tmp_path, run_dtk):
    result = run_dtk("validate", str(tmp_path), "--workers", "0")
    assert result.exit_code == 2
