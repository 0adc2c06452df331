"""Issue 7, resource bombs: a gzipped WARC that expands past the configured limit, a single line
of hundreds of MB, hundreds of thousands of tiny records, deep JSON nesting. Each gives a clear
error in bounded memory and time, and the rest of the input is still processed.

Memory is measured in a fresh subprocess with ``resource.getrusage``: the peak RSS after the work
minus the peak after importing the toolkit. Time is never measured with a clock (a busy machine
would fail the test): the work is counted as function calls (``tests.helpers.probes``), and
what is asserted is how that count grows with the input, as a ratio between two sizes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import orjson
import pytest

from tests.helpers import MB
from tests.helpers.probes import measure
from tests.helpers.records import submission
from tests.helpers.sources import entry_for
from tests.helpers.warc import bomb_warc as bomb_warc_bytes
from toolkit.extract import ExtractContext
from toolkit.extract.warc import WarcExtractor, complete_gzip_prefix
from toolkit.issues import Issue


@pytest.fixture(scope="module")
def bomb_warc(tmp_path_factory) -> Path:
    """Good record, a 256 MB bomb, another good record."""
    path = tmp_path_factory.mktemp("bomb") / "capture.warc.gz"
    path.write_bytes(bomb_warc_bytes(256 * MB))
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


def test_warc_bomb_memory_and_time_are_bounded(bomb_warc, tmp_path):
    """The work stops at the limit: a bomb four times larger costs no more calls."""
    small = tmp_path / "small.warc.gz"
    small.write_bytes(bomb_warc_bytes(64 * MB))
    code = """
        from pathlib import Path
        from toolkit.extract import ExtractContext
        from toolkit.extract.warc import WarcExtractor
        from tests.helpers.sources import entry_for
        path = Path({path!r})
        items = list(WarcExtractor(ExtractContext()).extract(path, entry_for(path, "warc")))
        result = {{"items": len(items)}}
    """
    env = {"DTK_MAX_EXPANDED_BYTES": str(16 * MB)}
    result = measure(code.format(path=str(bomb_warc)), env=env)
    assert result["items"] == 2
    assert result["rss_growth_mb"] < 64, result
    large = measure(code.format(path=str(bomb_warc)), env=env, count_calls=True)
    smaller = measure(code.format(path=str(small)), env=env, count_calls=True)
    assert large["items"] == smaller["items"] == 2
    # Reading the whole bomb would make the 256 MB one cost about 4 times the 64 MB one.
    assert large["calls"] < 1.25 * smaller["calls"], (large, smaller)


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
        del e["line"], e["identity"], e["ranges"]
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


def write_long_line_jsonl(path: Path, size: int) -> Path:
    """A line of ``size`` bytes (written sparsely: a hole of zero bytes inside a string) between
    good lines."""
    with path.open("wb") as handle:
        handle.write(orjson.dumps(submission(0)) + b"\n")
        handle.write(b'{"title": "')
        handle.seek(size, os.SEEK_CUR)
        handle.write(b'"}\n')
        for i in range(1, 4):
            handle.write(orjson.dumps(submission(i)) + b"\n")
    return path


@pytest.fixture(scope="module")
def long_line_jsonl(tmp_path_factory) -> Path:
    """A 200 MB line, then good lines."""
    return write_long_line_jsonl(tmp_path_factory.mktemp("long") / "long.jsonl", 200 * MB)


_VALIDATE_ONE = """
    from toolkit.validate.paths import validate_paths
    report = validate_paths([{path!r}], workers=1).to_dict()
    result = {{"records": report["records"], "errors": [(e["line"], e["rule"])
               for e in report["errors"]]}}
"""


def test_a_200_mb_line_is_skipped_in_bounded_memory(long_line_jsonl, tmp_path):
    result = measure(_VALIDATE_ONE.format(path=str(long_line_jsonl)))
    assert result["records"] == 5
    assert result["errors"] == [[2, "record.too-long"]]
    assert result["rss_growth_mb"] < 64, result
    # Time: skipping the line is at most linear in its length (a line 4 times longer costs
    # about 4 times the calls, not 16).
    short = write_long_line_jsonl(tmp_path / "short.jsonl", 50 * MB)
    counts = [
        measure(_VALIDATE_ONE.format(path=str(p)), count_calls=True)
        for p in (short, long_line_jsonl)
    ]
    assert [c["errors"] for c in counts] == [[[2, "record.too-long"]]] * 2
    assert counts[1]["calls"] < 4 * 1.25 * counts[0]["calls"], counts


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


_TINY = (
    '{"title":"T%d","body":"B%d","publisher":"P","language":"en","kind":"teaser","authors":[]}\n'
)

_VALIDATE_TINY = """
    from toolkit.validate.paths import validate_paths
    report = validate_paths([{good!r}, {bad!r}], workers=1, max_errors=1000)
    result = {{"records": report.records, "valid": report.valid_records,
               "errors": len(report.errors), "truncated": report.truncated}}
"""


def write_tiny(folder: Path, records: int, bad: int) -> tuple[Path, Path]:
    """``records`` tiny valid records, and a file of ``bad`` empty objects then one valid."""
    folder.mkdir(exist_ok=True)
    good = folder / "tiny.jsonl"
    with good.open("w") as handle:
        handle.writelines(_TINY % (i, i) for i in range(records))
    handle_bad = folder / "tiny_bad.jsonl"
    handle_bad.write_text("{}\n" * bad + _TINY % (-1, -1))
    return good, handle_bad


def test_200k_tiny_records_in_bounded_memory_and_time(tmp_path):
    path, handle_bad = write_tiny(tmp_path, 200_000, 50_000)
    result = measure(_VALIDATE_TINY.format(good=str(path), bad=str(handle_bad)))
    assert result["records"] >= 200_001
    assert result["valid"] >= 200_000
    assert result["errors"] == 1000
    assert result["truncated"] is True
    assert result["rss_growth_mb"] < 200, result
    # Time: the work per record does not grow with the number of records (4 times the
    # records cost about 4 times the calls; quadratic work would cost 16 times).
    counts = []
    for n in (5_000, 20_000):
        good, bad = write_tiny(tmp_path / str(n), n, n // 4)
        code = _VALIDATE_TINY.format(good=str(good), bad=str(bad))
        counts.append(measure(code, count_calls=True))
    assert [c["valid"] for c in counts] == [5_000, 20_000]
    assert counts[1]["calls"] < 4 * 1.25 * counts[0]["calls"], counts


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
