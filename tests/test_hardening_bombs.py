"""Issue 7, resource bombs: a gzipped WARC that expands past the configured limit, a single line
of hundreds of MB, hundreds of thousands of tiny records, deep JSON nesting. Each gives a clear
error in bounded memory and time, and the rest of the input is still processed.

Memory is measured in a fresh subprocess with ``resource.getrusage``: the peak RSS after the work
minus the peak after importing the toolkit.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import orjson
import pytest

from tests.conftest import make_entry
from tests.test_release import submission
from toolkit.extract import ExtractContext
from toolkit.extract.warc import WarcExtractor, complete_gzip_prefix
from toolkit.issues import Issue
from toolkit.raw import SourceEntry

ROOT = Path(__file__).resolve().parent.parent
MB = 1 << 20

_HTML = (
    b"<html><head><title>Call-up in district %d</title></head><body><article>"
    b"<h1>Call-up in district %d</h1>" + b"<p>Reservists were called up in the district, "
    b"officials said, and the queues at the offices grew through the week.</p>"
    * 6
    + b"</article></body></html>"
)


def measure(code: str, *, env: dict[str, str] | None = None) -> dict:
    """Run ``code`` (which sets ``result``) in a fresh interpreter; return ``result`` plus the
    peak RSS growth in MB caused by the code, after the imports it shares with the toolkit."""
    script = "\n".join(
        [
            "import json, resource, sys, time",
            "import toolkit.validate.paths, toolkit.extract",
            "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss",
            "started = time.monotonic()",
            textwrap.dedent(code),
            "result['rss_growth_mb'] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base)"
            " / 1024",
            "result['seconds'] = time.monotonic() - started",
            "print(json.dumps(result))",
        ]
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def warc_record(uri: str, payload: bytes, content_type: str = "text/html") -> bytes:
    """One uncompressed WARC response record, written by hand (warcio's writer leaves spooled
    temporary files for the garbage collector, which ``filterwarnings = error`` rejects)."""
    block = (
        b"HTTP/1.1 200 OK\r\nContent-Type: " + content_type.encode() + b"\r\n"
        b"Content-Length: %d\r\n\r\n" % len(payload) + payload
    )
    digest = hashlib.sha1(uri.encode()).hexdigest()
    return (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: "
        + uri.encode()
        + b"\r\nWARC-Date: 2022-10-01T12:00:00Z\r\nWARC-Record-ID: <urn:uuid:"
        + f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}".encode()
        + b">\r\nContent-Type: application/http; msgtype=response\r\n"
        b"Content-Length: %d\r\n\r\n" % len(block) + block + b"\r\n\r\n"
    )


def warc_member(uri: str, payload: bytes, content_type: str = "text/html") -> bytes:
    """One WARC response record as its own gzip member (as crawlers write them)."""
    return gzip.compress(warc_record(uri, payload, content_type), mtime=0)


def bomb_member(expanded: int) -> bytes:
    """A gzip member of ``expanded`` zero bytes after a WARC header, compressed ~1000:1."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, 31)
    parts = [
        compressor.compress(
            b"WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: %d\r\n\r\n" % expanded
        )
    ]
    chunk = bytes(4 * MB)
    for _ in range(expanded // len(chunk)):
        parts.append(compressor.compress(chunk))
    parts.append(compressor.flush())
    return b"".join(parts)


def entry_for(path: Path, fmt: str, sha256: str | None = None) -> SourceEntry:
    overrides = {"sha256": sha256} if sha256 else {}
    return make_entry(path.parent, path.name, fmt, publisher="Example Daily", **overrides)


@pytest.fixture(scope="module")
def bomb_warc(tmp_path_factory) -> Path:
    """Good record, a 256 MB bomb, another good record."""
    path = tmp_path_factory.mktemp("bomb") / "capture.warc.gz"
    path.write_bytes(
        warc_member("https://example.org/1", _HTML % (1, 1))
        + bomb_member(256 * MB)
        + warc_member("https://example.org/3", _HTML % (3, 3))
    )
    return path


def test_gzip_expansion_limit_is_configurable(bomb_warc):
    with bomb_warc.open("rb") as handle:
        assert complete_gzip_prefix(handle, max_expanded=512 * MB) == (
            bomb_warc.stat().st_size,
            None,
        )
        handle.seek(0)
        good, problem = complete_gzip_prefix(handle, max_expanded=8 * MB)
    assert 0 < good < 4096
    assert problem == (
        f"the gzip data expands past 8,388,608 bytes after byte {good} (a "
        "decompression bomb?); set DTK_MAX_EXPANDED_BYTES to read larger files"
    )


def test_warc_bomb_stops_at_the_limit_and_keeps_earlier_records(bomb_warc, monkeypatch):
    monkeypatch.setenv("DTK_MAX_EXPANDED_BYTES", str(8 * MB))
    items = list(WarcExtractor(ExtractContext()).extract(bomb_warc, entry_for(bomb_warc, "warc")))
    records = [i for i in items if not isinstance(i, Issue)]
    issues = [i for i in items if isinstance(i, Issue)]
    assert [r["url"] for r in records] == ["https://example.org/1"]
    assert [(i.rule, i.message.split(" after byte")[0]) for i in issues] == [
        ("extract.unreadable", "the gzip data expands past 8,388,608 bytes"),
    ]
    assert issues[0].message.endswith(
        "set DTK_MAX_EXPANDED_BYTES to read larger files; records after it were not read"
    )


def test_warc_bomb_memory_and_time_are_bounded(bomb_warc):
    result = measure(
        f"""
        from pathlib import Path
        from toolkit.extract import ExtractContext
        from toolkit.extract.warc import WarcExtractor
        from tests.test_hardening_bombs import entry_for
        path = Path({str(bomb_warc)!r})
        items = list(WarcExtractor(ExtractContext()).extract(path, entry_for(path, "warc")))
        result = {{"items": len(items)}}
    """,
        env={"DTK_MAX_EXPANDED_BYTES": str(16 * MB)},
    )
    assert result["items"] == 2
    assert result["rss_growth_mb"] < 64, result
    assert result["seconds"] < 10, result


def test_build_with_a_warc_bomb_still_releases_the_other_sources(
    bomb_warc, tmp_path, run_dtk, monkeypatch
):
    monkeypatch.setenv("DTK_MAX_EXPANDED_BYTES", str(8 * MB))
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "capture.warc.gz").write_bytes(bomb_warc.read_bytes())
    lines = b"".join(orjson.dumps(submission(i)) + b"\n" for i in range(30))
    (raw / "subs.jsonl").write_bytes(lines)
    entries = [
        {**json.loads(json.dumps(vars(entry_for(raw / name, fmt)))), "line": None}
        for name, fmt in (("capture.warc.gz", "warc"), ("subs.jsonl", "jsonl"))
    ]
    for e in entries:
        del e["line"], e["identity"]
        if e["profile"] is None:
            del e["profile"]
    (raw / "sources.jsonl").write_text("".join(json.dumps(e) + "\n" for e in entries))
    out = tmp_path / "dist"
    result = run_dtk("build", "--raw", str(raw), "--out", str(out), "--workers", "1", "-q")
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    by_path = {s["path"]: s for s in manifest["sources"]}
    assert by_path["subs.jsonl"]["released"] + by_path["subs.jsonl"]["deduplicated"] == 30
    assert by_path["capture.warc.gz"]["rejected"] == 1
    rejects = [orjson.loads(x) for x in (out / "rejects.jsonl").read_bytes().splitlines()]
    assert any("decompression bomb" in json.dumps(r) for r in rejects)


@pytest.fixture(scope="module")
def long_line_jsonl(tmp_path_factory) -> Path:
    """A 200 MB line (written sparsely: a hole of zero bytes inside a string), then good lines."""
    path = tmp_path_factory.mktemp("long") / "long.jsonl"
    with path.open("wb") as handle:
        handle.write(orjson.dumps(submission(0)) + b"\n")
        handle.write(b'{"title": "')
        handle.seek(200 * MB, os.SEEK_CUR)
        handle.write(b'"}\n')
        for i in range(1, 4):
            handle.write(orjson.dumps(submission(i)) + b"\n")
    return path


def test_a_200_mb_line_is_skipped_in_bounded_memory(long_line_jsonl):
    result = measure(f"""
        from toolkit.validate.paths import validate_paths
        report = validate_paths([{str(long_line_jsonl)!r}], workers=1).to_dict()
        result = {{"records": report["records"], "errors": [(e["line"], e["rule"])
                   for e in report["errors"]]}}
    """)
    assert result["records"] == 5
    assert result["errors"] == [[2, "record.too-long"]]
    assert result["rss_growth_mb"] < 64, result
    assert result["seconds"] < 10, result


def test_a_huge_text_page_is_refused_without_being_read(tmp_path):
    path = tmp_path / "page.txt"
    with path.open("wb") as handle:
        handle.write(b"Headline\n\n")
        handle.truncate(300 * MB)
    from toolkit.extract.text import TextExtractor

    items = list(TextExtractor(ExtractContext()).extract(path, entry_for(path, "text", "0" * 64)))
    assert [(i.rule, i.message) for i in items] == [
        ("extract.unreadable", "the file is larger than 33,554,432 bytes: not a page"),
    ]


def test_200k_tiny_records_in_bounded_memory_and_time(tmp_path):
    path = tmp_path / "tiny.jsonl"
    template = (
        '{"title":"T%d","body":"B%d","publisher":"P","language":"en",'
        '"kind":"teaser","authors":[]}\n'
    )
    with path.open("w") as handle:
        handle.writelines(template % (i, i) for i in range(200_000))
    handle_bad = tmp_path / "tiny_bad.jsonl"
    handle_bad.write_text("{}\n" * 50_000 + template % (-1, -1))
    result = measure(f"""
        from toolkit.validate.paths import validate_paths
        report = validate_paths([{str(path)!r}, {str(handle_bad)!r}], workers=1,
                                max_errors=1000)
        result = {{"records": report.records, "valid": report.valid_records,
                   "errors": len(report.errors), "truncated": report.truncated}}
    """)
    assert result["records"] >= 200_001
    assert result["valid"] >= 200_000
    assert result["errors"] == 1000
    assert result["truncated"] is True
    assert result["rss_growth_mb"] < 200, result
    assert result["seconds"] < 30, result


DEEP = {
    "array": b"[" * 100_000 + b"]" * 100_000,
    "object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "in-field": b'{"title": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    "unclosed": b"[" * 1_000_000,
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_nesting_is_an_issue_and_the_next_record_is_read(name, tmp_path, run_dtk):
    path = tmp_path / "deep.jsonl"
    path.write_bytes(DEEP[name] + b"\n" + orjson.dumps(submission(1)) + b"\n")
    result = run_dtk("validate", str(path), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["records"] == 2
    assert [(e["line"], e["rule"]) for e in report["errors"]] == [
        (1, "json.too-deep" if name != "unclosed" else report["errors"][0]["rule"])
    ]
    assert report["errors"][0]["rule"] in ("json.too-deep", "json.syntax", "json.truncated")


def test_deep_nesting_in_a_json_array(tmp_path, run_dtk):
    path = tmp_path / "deep.json"
    path.write_bytes(b"[" + orjson.dumps(submission(1)) + b"," + DEEP["array"] + b"]")
    result = run_dtk("validate", str(path), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert [e["rule"] for e in report["errors"]] == ["json.too-deep"]


def test_deep_html_nesting_is_an_issue(tmp_path):
    path = tmp_path / "deep.html"
    path.write_bytes(
        b"<html><body>"
        + b"<div>" * 200_000
        + b"<p>text</p>"
        + b"</div>" * 200_000
        + b"</body></html>"
    )
    from toolkit.extract.html import HtmlExtractor

    items = list(HtmlExtractor(ExtractContext()).extract(path, entry_for(path, "html")))
    assert all(isinstance(i, Issue) for i in items)
    assert [i.rule for i in items] == ["extract.no-article"]
