from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit import validate_paths

GOOD = {
    "title": "Thousands flee the draft",
    "body": "Men of conscription age crossed into Georgia.",
    "publisher": "Example News",
    "language": "en",
    "kind": "article",
    "url": "https://example.org/a",
    "published": "2022-09-27",
    "authors": ["A. Writer"],
}


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
