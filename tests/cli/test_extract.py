"""``dtk extract``: records on stdout, issues on stderr, exit 0 with records and 1 without."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from tests.helpers import ARTICLE, LISTING, RAW
from toolkit.cli import main
from toolkit.extract import extract_file


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_extract_uses_the_manifest_entry_beside_the_file():
    result = invoke("extract", str(RAW / LISTING))
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 12
    assert {r["publisher"] for r in records} == {"Worldcrunch"}
    assert records == list(extract_file(RAW / LISTING))
    assert result.stderr == ""


def test_extract_output_is_deterministic():
    first = invoke("extract", str(RAW / ARTICLE))
    second = invoke("extract", str(RAW / ARTICLE))
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout
    [record] = [json.loads(line) for line in first.stdout.splitlines()]
    assert record["title"] == "This Week From Reveal: Escaping Putin’s War Machine"


def test_unlisted_file_needs_a_publisher(tmp_path):
    shutil.copy(RAW / ARTICLE, tmp_path / "page.txt")
    result = invoke("extract", str(tmp_path / "page.txt"))
    assert result.exit_code == 2
    assert "pass --publisher NAME" in result.stderr
    result = invoke(
        "extract", str(tmp_path / "page.txt"), "--publisher", "Mother Jones", "--language", "en"
    )
    assert result.exit_code == 0
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert (record["publisher"], record["language"]) == ("Mother Jones", "en")
    assert record["provenance"]["source_file"] == "page.txt"


def test_no_record_exits_1_with_the_issue_on_stderr(tmp_path):
    (tmp_path / "blank.txt").write_bytes(b"\n\n")
    result = invoke("extract", str(tmp_path / "blank.txt"), "--publisher", "X")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "blank.txt:1:1: error: extract.no-article: the page is empty\n"


def test_missing_path_exits_2(tmp_path):
    result = invoke("extract", str(tmp_path / "nope.txt"), "--publisher", "X")
    assert result.exit_code == 2
    assert "is not a file" in result.stderr


def test_help_has_an_example():
    result = invoke("extract", "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output
