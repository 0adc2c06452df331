"""dtk validate's inputs and defaults (issue 15): a record released from the same raw file is
not ``record.exists``; the API and the CLI take the same ``dist`` default; unsupported inputs
are a usage error listing what is supported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.records import DRAFT
from toolkit import validate_paths
from toolkit.ids import record_id

GOOD = dict(DRAFT)
OTHER = dict(GOOD, title="Queues at the border")


def _release(root: Path, records: list[tuple[dict, str]], *, parquet: bool) -> Path:
    """A release in root/dist holding ``records`` (record, provenance.source_file)."""
    dist = root / "dist"
    (dist / "jsonl").mkdir(parents=True)
    rows = [dict(r, id=record_id(r), provenance={"source_file": source}) for r, source in records]
    (dist / "jsonl" / "train.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8"
    )
    if parquet:
        import pyarrow as pa
        import pyarrow.parquet as pq

        (dist / "data").mkdir()
        pq.write_table(pa.Table.from_pylist(rows), dist / "data" / "train-00000-of-00001.parquet")
    return dist


@pytest.mark.parametrize("parquet", [True, False], ids=["parquet", "jsonl-copy"])
def test_record_released_from_the_same_file_is_not_taken(tmp_path, run_dtk, monkeypatch, parquet):
    if not parquet:  # the light install reads the JSONL copies
        monkeypatch.setattr("toolkit.extras.has_module", lambda name: False)
    _release(
        tmp_path, [(GOOD, "submissions/x.jsonl"), (OTHER, "submissions/y.jsonl")], parquet=parquet
    )
    sub = tmp_path / "raw" / "submissions"
    sub.mkdir(parents=True)
    (sub / "x.jsonl").write_text(json.dumps(GOOD) + "\n" + json.dumps(OTHER) + "\n")
    monkeypatch.chdir(tmp_path)
    result = run_dtk("validate", "raw/submissions/x.jsonl", "--color", "never")
    assert result.exit_code == 1
    rid = record_id(OTHER)
    assert result.output == (
        f"raw/submissions/x.jsonl:2:1: error[record.exists] $: a record with the same title and "
        f"body (id {rid}) is already released from another file\n"
        "invalid: 1 file, 2 records checked, 1 valid, 1 invalid, 1 errors, 0 warnings\n"
        "  record.exists                           1  A record with this content id is already "
        "in the current release in dist/.\n"
    )


def test_api_and_cli_take_the_same_dist_default(tmp_path, run_dtk, monkeypatch):
    _release(tmp_path, [(GOOD, "other.jsonl")], parquet=False)
    (tmp_path / "new.jsonl").write_text(json.dumps(GOOD) + "\n")
    monkeypatch.chdir(tmp_path)
    result = run_dtk("validate", "new.jsonl", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.output) == validate_paths(["new.jsonl"]).to_dict()
    assert [e["rule"] for e in json.loads(result.output)["errors"]] == ["record.exists"]
    off = run_dtk("validate", "new.jsonl", "--no-dist", "--format", "json")
    assert off.exit_code == 0
    assert json.loads(off.output) == validate_paths(["new.jsonl"], dist=None).to_dict()


def test_no_release_means_no_record_exists_check(tmp_path, run_dtk, monkeypatch):
    (tmp_path / "new.jsonl").write_text(json.dumps(GOOD) + "\n")
    monkeypatch.chdir(tmp_path)
    assert run_dtk("validate", "new.jsonl").exit_code == 0
    assert validate_paths(["new.jsonl"]).valid


@pytest.mark.parametrize("name", ["data.csv", "config.yaml", "notes.txt", "README"])
def test_unsupported_input_is_a_usage_error(tmp_path, run_dtk, name):
    path = tmp_path / name
    path.write_text("a,b\n1,2\n")
    result = run_dtk("validate", str(path))
    assert result.exit_code == 2
    suffix = Path(name).suffix or "a file"
    assert result.output == (
        f"error: {path}: cannot validate {suffix} without a known suffix; supported: .json, "
        ".jsonl, .ndjson, .parquet files, sources.jsonl manifests, folders of them, and - "
        "(standard input)\n"
    )
