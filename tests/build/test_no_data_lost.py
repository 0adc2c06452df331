"""Issue 7, no data lost: a corpus salted with every hostile class is built, and every input
record is found again, per source, in the released splits, ``rejects.jsonl`` or
``duplicates.jsonl``, counted both from ``dist/manifest.json`` and from the files themselves.

The hostile corpus lives in ``tests/helpers/hostile.py``; the injection tests
(``tests/card/test_injection.py``) read the card of the same release.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import orjson
import pytest

from tests.helpers.hostile import hostile_raw
from toolkit.build.release import build_release


def _by_source(path: Path, key) -> Counter:
    return Counter(key(orjson.loads(line)) for line in path.read_bytes().splitlines())


def test_every_input_record_is_accounted_for(hostile_release):
    raw, out = hostile_release
    manifest = json.loads((out / "manifest.json").read_text())
    released = Counter()
    for path in (out / "jsonl").glob("*.jsonl"):
        released += _by_source(path, lambda r: r["provenance"]["source_file"])
    rejected = _by_source(out / "rejects.jsonl", lambda r: r["source_file"])
    deduplicated = _by_source(out / "duplicates.jsonl", lambda r: r["source_file"])
    sources = {s["path"]: s for s in manifest["sources"]}
    assert set(sources) == {
        "hostile.jsonl",
        "page.txt",
        "page.html",
        "capture.warc.gz",
        "binary.txt",
    }
    for name, s in sources.items():
        assert (s["released"], s["rejected"], s["deduplicated"]) == (
            released[name],
            rejected[name],
            deduplicated[name],
        ), name
        assert s["extracted"] == s["released"] + s["rejected"] + s["deduplicated"], name
    # JSONL: every non-blank input line is one record, whatever is wrong with it.
    input_lines = [x for x in (raw / "hostile.jsonl").read_bytes().split(b"\n") if x.strip()]
    assert len(input_lines) == 40 + 17 == sources["hostile.jsonl"]["extracted"]
    counts = manifest["counts"]
    assert counts["extracted"] == sum(s["extracted"] for s in sources.values())
    assert counts["extracted"] == counts["released"] + counts["rejected"] + counts["deduplicated"]


def test_every_hostile_class_lands_where_expected(hostile_release):
    raw, out = hostile_release
    rejects = [orjson.loads(x) for x in (out / "rejects.jsonl").read_bytes().splitlines()]
    jsonl_rules = Counter(r["rule"] for r in rejects if r["source_file"] == "hostile.jsonl")
    assert jsonl_rules == Counter(
        {
            "json.syntax": 1,
            "encoding.utf8": 1,
            "json.nan": 1,
            "json.duplicate-key": 1,
            "json.not-object": 1,
            "schema.pattern": 1,
            "schema.unevaluatedProperties": 1,
            "schema.minLength": 1,
            "schema.required": 1,
            "json.too-deep": 1,
            "record.too-long": 1,
            "json.truncated": 1,
        }
    )
    assert {r["source_file"] for r in rejects} >= {"binary.txt", "capture.warc.gz"}
    dupes = [orjson.loads(x) for x in (out / "duplicates.jsonl").read_bytes().splitlines()]
    assert Counter(d["kind"] for d in dupes if d["source_file"] == "hostile.jsonl") == Counter(
        {"exact": 1, "near": 1}
    )
    manifest = json.loads((out / "manifest.json").read_text())
    warc = next(s for s in manifest["sources"] if s["path"] == "capture.warc.gz")
    assert warc["released"] + warc["deduplicated"] == 2
    assert warc["skipped"] == 1
    assert warc["rejected"] == 1


@pytest.mark.parametrize("where", ["rejects", "released"])
def test_reconciliation_fails_loudly_if_a_record_is_dropped(where, tmp_path, monkeypatch):
    """The protection the end-to-end test relies on: were a stage to drop a record silently
    (a reject never written, a released row lost), the build refuses to publish."""
    from toolkit.build import shards
    from toolkit.errors import ReleaseError

    raw = hostile_raw(tmp_path)
    original = shards.JsonLinesWriter.write
    calls = {"n": 0}

    def drop_first(self, row):
        calls["n"] += 1
        if calls["n"] == 1:
            return None  # a reject that vanishes
        return original(self, row)

    if where == "rejects":
        monkeypatch.setattr(shards.JsonLinesWriter, "write", drop_first)
    else:
        from toolkit.build import writers

        write = writers.SplitWriter.write
        monkeypatch.setattr(
            writers.SplitWriter, "write", lambda self, table: write(self, table.slice(1))
        )
    with pytest.raises(ReleaseError, match="records do not reconcile"):
        build_release(raw, tmp_path / "dist", workers=1)
