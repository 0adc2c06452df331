"""End-to-end builds of small releases: loadable, reconciled, deterministic, stable splits."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import orjson
import pytest

from tests.helpers.records import submission
from tests.helpers.releases import split_of_ids, tree_bytes
from tests.helpers.sources import add_jsonl_source, source_line, write_manifest
from toolkit.build.publish import release_lock
from toolkit.build.release import build_release
from toolkit.config import DatasetConfig
from toolkit.errors import BuildLockedError, ReleaseError
from toolkit.features import hf_features


@pytest.fixture
def raw_with_submissions(raw_copy: Path) -> Path:
    lines = [orjson.dumps(submission(i)) + b"\n" for i in range(40)]
    lines.insert(5, b'{"title": "broken\n')
    lines.insert(9, orjson.dumps(submission(99, language="english")) + b"\n")
    lines.append(orjson.dumps(submission(3)) + b"\n")  # exact duplicate of record 3
    add_jsonl_source(raw_copy, "submissions.jsonl", lines)
    return raw_copy


def test_release_loads_with_declared_features_and_unique_ids(raw_with_submissions, tmp_path):
    out = tmp_path / "dist"
    summary = build_release(raw_with_submissions, out)
    loaded = datasets.load_dataset(str(out))
    assert set(loaded) == set(summary.splits)
    ids: list[str] = []
    for split, ds in loaded.items():
        assert ds.features == hf_features("article")
        assert ds.num_rows == summary.splits[split]
        ids += ds["id"]
    assert len(ids) == len(set(ids)) == summary.counts["released"]
    json_loaded = datasets.load_dataset(
        "json",
        data_files={s: str(out / "jsonl" / f"{s}.jsonl") for s in summary.splits},
        features=hf_features("article"),
    )
    assert {s: d.num_rows for s, d in json_loaded.items()} == summary.splits


def test_every_record_is_accounted_for(raw_with_submissions, tmp_path):
    out = tmp_path / "dist"
    counts = build_release(raw_with_submissions, out).counts
    assert counts["extracted"] == counts["released"] + counts["rejected"] + counts["deduplicated"]
    rejects = [orjson.loads(line) for line in (out / "rejects.jsonl").read_bytes().splitlines()]
    assert {r["rule"] for r in rejects} >= {"json.syntax", "schema.pattern"}
    broken = next(r for r in rejects if r["rule"] == "json.syntax")
    assert broken["raw"] == '{"title": "broken'
    assert broken["line"] == 6
    assert all(r["source_file"] and r["errors"] for r in rejects)
    dupes = [orjson.loads(line) for line in (out / "duplicates.jsonl").read_bytes().splitlines()]
    assert any(d["kind"] == "exact" for d in dupes)
    released = split_of_ids(out)
    assert all(
        d["duplicate_of"] in released and d["id"] not in released or d["kind"] == "exact"
        for d in dupes
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"] == counts
    assert len(rejects) == counts["rejected"]
    assert len(dupes) == counts["deduplicated"]


def test_two_builds_give_identical_bytes(raw_with_submissions, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build_release(raw_with_submissions, tmp_path / "a" / "dist")
    build_release(raw_with_submissions, tmp_path / "b" / "dist")
    assert tree_bytes(tmp_path / "a" / "dist") == tree_bytes(tmp_path / "b" / "dist")


def test_adding_a_raw_file_never_moves_a_record(raw_with_submissions, tmp_path):
    out = tmp_path / "dist"
    build_release(raw_with_submissions, out)
    before = split_of_ids(out)
    add_jsonl_source(
        raw_with_submissions,
        "more.jsonl",
        [orjson.dumps(submission(i)) + b"\n" for i in range(100, 160)],
    )
    build_release(raw_with_submissions, out, config=DatasetConfig(version="0.2.0"))
    after = split_of_ids(out)
    assert len(after) > len(before)
    assert {i: after[i] for i in before} == before


def test_a_second_concurrent_build_is_refused(raw_with_submissions, tmp_path):
    out = tmp_path / "dist"
    with release_lock(out), pytest.raises(BuildLockedError, match="another dtk build"):
        build_release(raw_with_submissions, out)


def test_bad_manifest_stops_the_build_and_keeps_the_old_release(raw_with_submissions, tmp_path):
    out = tmp_path / "dist"
    build_release(raw_with_submissions, out)
    before = tree_bytes(out)
    (raw_with_submissions / "submissions.jsonl").write_text("changed\n")
    with pytest.raises(ReleaseError, match="manifest.sha256"):
        build_release(raw_with_submissions, out)
    assert tree_bytes(out) == before


def test_a_new_version_documents_its_changes_and_a_rebuild_keeps_them(
    raw_with_submissions, tmp_path
):
    out = tmp_path / "dist"
    build_release(raw_with_submissions, out, config=DatasetConfig(version="1.0.0"))
    assert "## Changes" not in (out / "README.md").read_text(encoding="utf-8")
    add_jsonl_source(
        raw_with_submissions,
        "more.jsonl",
        [orjson.dumps(submission(i)) + b"\n" for i in range(200, 203)],
    )
    build_release(raw_with_submissions, out, config=DatasetConfig(version="1.1.0"))
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "## Changes" in card
    assert "Since version 1.0.0:" in card
    assert "- 3 records added" in card
    first = tree_bytes(out)
    build_release(raw_with_submissions, out, config=DatasetConfig(version="1.1.0"))
    assert tree_bytes(out) == first


def test_bad_profile_in_a_build_leaves_no_open_file(tmp_path, run_dtk, monkeypatch):
    # Found by tests/test_schema_hostile.py: a SchemaError in pass one left rejects-00000.jsonl open
    # (a ResourceWarning, an error under filterwarnings = error).
    from toolkit.extract import profile as profiles

    directory = tmp_path / "profiles"
    directory.mkdir()
    (directory / "bad.json").write_text('{"name": "bad", "description": "d", "end_markers": ["("]}')
    monkeypatch.setattr(profiles, "PROFILE_DIR", directory)
    profiles.load_profile.cache_clear()
    raw = tmp_path / "raw"
    raw.mkdir()
    page = b"Headline\n\n" + b"Body text of the article, long enough. " * 10 + b"\n"
    (raw / "p.txt").write_bytes(page)
    write_manifest(raw, [source_line("p.txt", page, "text", publisher="X", profile="bad")])
    result = run_dtk(
        "build", "--raw", str(raw), "--out", str(tmp_path / "dist"), "-q", "--workers", "1"
    )
    profiles.load_profile.cache_clear()
    assert result.exit_code == 2
    assert "bad regular expression" in result.output
