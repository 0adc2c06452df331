"""Issue 7, no data lost: a corpus salted with every hostile class is built, and every input
record is found again, per source, in the released splits, ``rejects.jsonl`` or
``duplicates.jsonl``, counted both from ``dist/manifest.json`` and from the files themselves.

``hostile_raw`` is shared with the injection tests (``test_hardening_injection.py``).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import orjson
import pytest

from tests.test_hardening_bombs import warc_member
from tests.test_release import submission
from toolkit.build.release import build_release

#: Text that tries to break out of YAML, Markdown, HTML and GitHub workflow commands.
INJECT = (
    "Evil\n---\nlicense: mit\nevil: true\n...\n::error file=x,line=1::injected\n"
    "# Injected heading\n<script>alert(1)</script> [click](javascript:alert(1)) | a | b |"
    " ``` `code` %0A ::warning::x \r\n\x1b[31mred\x1b[0m \u2028 {{ pretty_name }}"
)

_PAGE_HTML = (
    b"<html><head><title>District office queues grow</title></head><body><article>"
    b"<h1>District office queues grow</h1>"
    + b"<p>Reservists queued at the district office through the week, officials "
    b"said, and the lines grew longer every morning as more papers came.</p>"
    * 6
    + b"</article></body></html>"
)


def _lines() -> list[bytes]:
    good = [orjson.dumps(submission(i)) + b"\n" for i in range(40)]
    hostile = [
        orjson.dumps(
            submission(100, title="Hostile " + INJECT, dek=INJECT, section=INJECT, authors=[INJECT])
        )
        + b"\n",
        orjson.dumps(submission(101, body="A body that tries to escape.\n" + INJECT * 3)) + b"\n",
        b'{"title": "broken json\n',  # json.syntax
        b'{"title": "bad utf8 \xff\xfe", "body": "x"}\n',  # encoding.utf8
        b'{"title": "nan", "body": "x", "n": NaN}\n',  # json.nan
        b'{"title": "a", "title": "b"}\n',  # json.duplicate-key
        b"[1, 2, 3]\n",  # json.not-object
        orjson.dumps(submission(102, language="english")) + b"\n",  # schema.pattern
        orjson.dumps(submission(103, evil=True)) + b"\n",  # additionalProperties
        orjson.dumps(submission(104, title="")) + b"\n",  # schema.minLength
        orjson.dumps({"title": "only a title"}) + b"\n",  # schema.required
        orjson.dumps(submission(3)) + b"\n",  # exact duplicate
        orjson.dumps(submission(4, title="Report 4: reservists called up in district 4!"))
        + b"\n",  # near duplicate
        b"[" * 100_000 + b"]" * 100_000 + b"\n",  # json.too-deep
        orjson.dumps(submission(105, title="crlf line")).rstrip() + b"\r\n",  # CRLF: valid
        b"\n",  # blank: not a record
        b'{"title": "x' + b"y" * (17 << 20) + b'"}\n',  # record.too-long
    ]
    lines = good[:20] + hostile + good[20:]
    lines.append(b'{"title": "truncated last line", "body": ')  # json.truncated
    return lines


def _entry(raw: Path, name: str, fmt: str, **extra: object) -> dict:
    data = (raw / name).read_bytes()
    return {
        "path": name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "format": fmt,
        "publisher": "Example Daily",
        "url": None,
        "retrieved_at": None,
        "language": "en",
        "license": None,
        **extra,
    }


def hostile_raw(root: Path) -> Path:
    """raw/ with a salted JSONL submission, a hostile text page, HTML, a WARC with a skipped
    record and a cut gzip tail, a binary "page", and a manifest whose fields carry INJECT."""
    raw = root / "raw"
    raw.mkdir()
    (raw / "hostile.jsonl").write_bytes(b"".join(_lines()))
    page = (
        "Hostile headline about the district office queues\n\n"
        + "Reservists queued at the district office all week, officials said. " * 8
        + "\n\n"
        + INJECT.replace("\r", "")
        + "\n\nThe queues grew again on Friday "
        "morning, witnesses said, as more papers arrived at the office.\n"
    )
    (raw / "page.txt").write_text(page, encoding="utf-8")
    (raw / "page.html").write_bytes(_PAGE_HTML.replace(b"District office", b"Regional office"))
    (raw / "capture.warc.gz").write_bytes(
        warc_member("https://example.org/w1", _PAGE_HTML.replace(b"District", b"Warc one"))
        + warc_member("https://example.org/img", b"\x89PNG....", content_type="image/png")
        + warc_member("https://example.org/w2", _PAGE_HTML.replace(b"District", b"Warc two"))
        + warc_member("https://example.org/w3", _PAGE_HTML.replace(b"District", b"Cut"))[:-30]
    )
    (raw / "binary.txt").write_bytes(bytes(range(256)) * 40)
    entries = [
        _entry(
            raw,
            "hostile.jsonl",
            "jsonl",
            publisher=INJECT,
            license=INJECT,
            url="https://example.org/a?x=1&y=%3Cscript%3E*_(x)!~$",
        ),
        _entry(raw, "page.txt", "text", publisher=INJECT, license=INJECT),
        _entry(raw, "page.html", "html"),
        _entry(raw, "capture.warc.gz", "warc"),
        _entry(raw, "binary.txt", "text"),
    ]
    (raw / "sources.jsonl").write_text("".join(json.dumps(e) + "\n" for e in entries))
    return raw


@pytest.fixture(scope="module")
def hostile_release(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("hostile")
    raw = hostile_raw(root)
    out = root / "dist"
    build_release(raw, out, workers=1)
    return raw, out


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
