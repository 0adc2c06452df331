"""Chunking and the facts gathered on the way: records, rejects by rule, duplicates, raw lines."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from tests.helpers.report import article, write_release
from toolkit.errors import InputError, UsageError
from toolkit.report import MARKER, write_report
from toolkit.report.data import _read_manifest
from toolkit.report.excerpt import RawExcerpts

CALL = re.compile(r"^DTK\.(chunk|init)\((.*)\);\n$", re.S)


def read_script(path):
    match = CALL.match(path.read_text(encoding="utf-8"))
    assert match, path
    return json.loads(f"[{match[2]}]")


def test_records_are_chunked_by_1000_and_indexed_by_10000(tmp_path, monkeypatch):
    monkeypatch.setattr("toolkit.report.data.RECORDS_PER_CHUNK", 3)
    monkeypatch.setattr("toolkit.report.data.ROWS_PER_INDEX_CHUNK", 4)
    dist = write_release(tmp_path, {"train": [article(i) for i in range(7)], "test": []})
    summary = write_report(dist, tmp_path / "out")
    data = tmp_path / "out" / "data"
    assert sorted(p.name for p in (data / "s0").iterdir()) == [
        "index-00000.js",
        "index-00001.js",
        "records-00000.js",
        "records-00001.js",
        "records-00002.js",
    ]
    key, rows = read_script(data / "s0" / "records-00002.js")
    assert key == "s0/records/2"
    assert [r["id"] for r in rows] == [f"{6:016x}"]
    key, rows = read_script(data / "s0" / "index-00001.js")
    assert key == "s0/index/1"
    assert rows == [
        [f"Headline number {i}", "Example News", f"2022-09-{1 + i:02d}", "en"] for i in (4, 5, 6)
    ]
    (config,) = read_script(data / "report.js")
    assert config["splits"] == [
        {"name": "train", "key": "s0", "rows": 7, "record_chunks": 3, "index_chunks": 2},
        {"name": "test", "key": "s1", "rows": 0, "record_chunks": 0, "index_chunks": 0},
    ]
    assert (summary.records, summary.rejects, summary.duplicates) == (7, 0, 0)


def test_raw_lines_come_from_raw_and_are_byte_safe(tmp_path):
    raw = b"line 1\nline 2\n\xff\xfe bad bytes\r\nline 4\nline 5\n"
    dist = write_release(tmp_path, {"train": [article(1)]}, raw={"a.txt": raw})
    write_report(dist, tmp_path / "out")
    _, (record,) = read_script(tmp_path / "out" / "data" / "s0" / "records-00000.js")
    assert record["_raw"] == {
        "file": "a.txt",
        "start": 3,
        "lines": ["\\xff\\xfe bad bytes", "line 4"],
        "cut": False,
        "missing": None,
    }


def test_raw_lines_of_a_changed_capture_are_not_shown(tmp_path):
    dist = write_release(tmp_path, {"train": [article(1)]}, raw={"a.txt": b"a\nb\nc\nd\n"})
    (tmp_path / "raw" / "a.txt").write_bytes(b"changed\n")
    write_report(dist, tmp_path / "out")
    _, (record,) = read_script(tmp_path / "out" / "data" / "s0" / "records-00000.js")
    assert record["_raw"]["missing"] == "a.txt in raw/ differs from the released capture (SHA-256)"


def test_excerpts_refuse_paths_outside_raw(tmp_path):
    (tmp_path / "raw").mkdir()
    excerpt = RawExcerpts(tmp_path / "raw", {}).lines("../secret", 1, 1)
    assert excerpt["lines"] == []
    assert excerpt["missing"].startswith("not read: ")


def test_excerpts_never_follow_a_symlink_out_of_raw(tmp_path):
    # The same bytes as the manifest lists, but outside raw/: still not read (issue 12).
    (tmp_path / "raw").mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"TOP SECRET\n")
    (tmp_path / "raw" / "a.txt").symlink_to(secret)
    digest = hashlib.sha256(b"TOP SECRET\n").hexdigest()
    excerpt = RawExcerpts(tmp_path / "raw", {"a.txt": digest}).lines("a.txt", 1, 1)
    assert excerpt["lines"] == []
    assert excerpt["missing"].startswith("not read: ")


def test_excerpts_are_read_from_the_file_that_was_hashed(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_bytes(b"one\ntwo\n")
    digest = hashlib.sha256(b"one\ntwo\n").hexdigest()
    with RawExcerpts(tmp_path / "raw", {"a.txt": digest}) as excerpts:
        assert excerpts.lines("a.txt", 1, 1)["lines"] == ["one"]
        # Replaced after the check: the excerpts still come from the bytes that were hashed.
        (tmp_path / "raw" / "new").write_bytes(b"FORGED\nFORGED\n")
        (tmp_path / "raw" / "new").replace(tmp_path / "raw" / "a.txt")
        assert excerpts.lines("a.txt", 2, 2)["lines"] == ["two"]


def test_rejects_are_grouped_by_rule_and_duplicates_find_the_kept_record(tmp_path):
    rejects = [
        {
            "rule": "schema.required",
            "source_file": "a.txt",
            "line": 1,
            "raw": "{}",
            "errors": [{"rule": "schema.required", "pointer": "/title", "message": "m"}],
        },
        {"rule": "json.syntax", "source_file": "a.txt", "line": 2, "raw": "{", "errors": []},
        {"rule": "schema.required", "source_file": "a.txt", "line": 3, "raw": "[]", "errors": []},
    ]
    duplicates = [
        {
            "id": "dropped",
            "duplicate_of": f"{2:016x}",
            "kind": "near",
            "similarity": 0.9,
            "source_file": "a.txt",
            "span": None,
        }
    ]
    dist = write_release(
        tmp_path, {"train": [article(1), article(2)]}, rejects=rejects, duplicates=duplicates
    )
    write_report(dist, tmp_path / "out")
    data = tmp_path / "out" / "data"
    (config,) = read_script(data / "report.js")
    assert config["rules"] == [
        {"rule": "schema.required", "key": "r0", "count": 2, "chunks": 1},
        {"rule": "json.syntax", "key": "r1", "count": 1, "chunks": 1},
    ]
    _, rows = read_script(data / "rejects" / "r0-00000.js")
    assert [r["_line"] for r in rows] == [1, 3]
    _, (duplicate,) = read_script(data / "duplicates-00000.js")
    assert duplicate["_kept"] == {
        "split": "train",
        "index": 1,
        "row": ["Headline number 2", "Example News", "2022-09-03", "en"],
    }


def test_report_is_refused_inside_the_release_and_over_other_folders(tmp_path):
    dist = write_release(tmp_path, {"train": [article(1)]})
    with pytest.raises(UsageError, match="cannot go inside the release"):
        write_report(dist, dist / "report")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    with pytest.raises(UsageError, match="was not written by 'dtk report'"):
        write_report(dist, tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep"


def test_default_report_goes_beside_the_release_and_is_replaced_on_rerun(tmp_path):
    dist = write_release(tmp_path, {"train": [article(1)]})
    first = write_report(dist)
    assert first.out == tmp_path / "report"
    assert (tmp_path / "report" / MARKER).is_file()
    (tmp_path / "report" / "stale.js").write_text("")
    write_report(dist)
    assert not (tmp_path / "report" / "stale.js").exists()
    assert not list(tmp_path.glob(".report*"))


def test_not_a_release_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="is not a release"):
        _read_manifest(tmp_path)
