"""HTML, WARC and JSONL sources, on files the tests build: records with provenance, and every
problem reported as an issue, never raised."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.helpers.sources import make_entry
from toolkit.extract import EXTRACTORS, extract_source, prepare_context
from toolkit.issues import Issue
from toolkit.raw import SourceEntry
from toolkit.schema import default_schemas, fast_validator

PARAGRAPHS = [
    "Men of conscription age crossed into Georgia on Tuesday, officials said, as the queue of "
    "cars at the Upper Lars checkpoint grew to more than twenty kilometres.",
    "Border guards in North Ossetia reported that some people had waited for two days, and "
    "volunteers on the Georgian side handed out water, food and blankets.",
    "The Kremlin said on Wednesday that no decision had been taken to close the border, but "
    "several regional officials suggested that a draft office could be set up at the crossing.",
]
ARTICLE_HTML = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Thousands Queue At Georgian Border To Escape The Draft | Example News</title>
<meta name="author" content="Jane Doe">
<meta name="description" content="The mobilization order has sent men south.">
<link rel="canonical" href="https://news.example.org/2022/09/27/border-queue">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/subscribe">Subscribe</a></nav>
<article>
<h1>Thousands Queue At Georgian Border To Escape The Draft</h1>
<p class="byline">By Jane Doe</p>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
<p>Sign up for our free daily newsletter.</p>
</article>
<footer>All rights reserved. Privacy policy.</footer>
</body></html>
""".encode()


def validator():
    schemas = default_schemas()
    return fast_validator(schemas.resolve_name("article"), schemas)


def entry_for(raw: Path, name: str, fmt: str, url: str | None = None) -> SourceEntry:
    return make_entry(
        raw,
        name,
        fmt,
        publisher="Example News",
        url=url,
        retrieved_at="2022-09-28T10:00:00Z",
        license="CC BY 4.0",
    )


def run(raw: Path, entry: SourceEntry) -> list[dict | Issue]:
    return list(extract_source(raw, entry, prepare_context(raw, [entry])))


def test_registry_covers_every_manifest_format():
    assert sorted(EXTRACTORS) == ["html", "jsonl", "text", "warc"]


def test_html_article(tmp_path):
    (tmp_path / "page.html").write_bytes(ARTICLE_HTML)
    [record] = run(
        tmp_path,
        entry_for(
            tmp_path, "page.html", "html", "https://news.example.org/2022/09/27/border-queue"
        ),
    )
    assert validator().is_valid(record)
    assert record["title"] == "Thousands Queue At Georgian Border To Escape The Draft"
    assert record["body"].split("\n\n") == PARAGRAPHS
    assert record["authors"] == ["Jane Doe"]
    assert record["url"] == "https://news.example.org/2022/09/27/border-queue"
    assert record["retrieved_at"] == "2022-09-28T10:00:00Z"
    assert record["provenance"]["extractor"] == "html@1.1.0"
    assert "newsletter" not in record["body"]


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"", "extract.no-article"),
        (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "extract.no-article"),
        (b"\x00\x01\x02\x03binary\xff\xfe" * 20, "extract.unreadable"),
    ],
    ids=["empty", "no-article", "binary"],
)
def test_bad_html_is_one_issue(tmp_path, data, rule):
    (tmp_path / "p.html").write_bytes(data)
    items = run(tmp_path, entry_for(tmp_path, "p.html", "html"))
    assert [(type(i), i.rule) for i in items] == [(Issue, rule)]


def write_warc(path: Path, *, gzip: bool = True, truncate: int = 0) -> list[int]:
    """A WARC with an HTML response, a PNG response and a request; returns record offsets."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    offsets = []
    for uri, kind, ctype, payload in [
        ("https://news.example.org/a", "response", "text/html; charset=utf-8", ARTICLE_HTML),
        ("https://news.example.org/a.png", "response", "image/png", b"\x89PNG\r\n\x1a\n0000"),
        ("https://news.example.org/a", "request", None, b""),
        (
            "https://news.example.org/b",
            "response",
            "text/html",
            ARTICLE_HTML.replace(b"Thousands Queue", b"Hundreds Queue"),
        ),
    ]:
        offsets.append(buffer.tell())
        if kind == "request":
            headers = StatusAndHeaders(
                "GET /a HTTP/1.1", [("Host", "news.example.org")], is_http_request=True
            )
        else:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            uri, kind, payload=io.BytesIO(payload), http_headers=headers
        )
        writer.write_record(record)
        record.raw_stream.close()  # warcio spools the payload; an unclosed spool warns
    data = buffer.getvalue()
    path.write_bytes(data[: len(data) - truncate] if truncate else data)
    return offsets


@pytest.mark.parametrize("gzip", [True, False], ids=["gzip", "plain"])
def test_warc_html_records_become_articles(tmp_path, gzip):
    offsets = write_warc(tmp_path / "crawl.warc", gzip=gzip)
    items = run(tmp_path, entry_for(tmp_path, "crawl.warc", "warc"))
    records = [i for i in items if isinstance(i, dict)]
    issues = [i for i in items if isinstance(i, Issue)]
    assert [r["title"][:8] for r in records] == ["Thousand", "Hundreds"]
    assert [(i.rule, i.severity) for i in issues] == [("extract.skipped-record", "warning")]
    assert "image/png" in issues[0].message
    assert all(validator().is_valid(r) for r in records)
    spans = [r["provenance"]["span"] for r in records]
    assert [s["byte_offset"] for s in spans] == [offsets[0], offsets[3]]
    assert all(s["byte_length"] > 0 for s in spans)
    assert records[0]["provenance"]["source_url"] == "https://news.example.org/a"
    raw = (tmp_path / "crawl.warc").read_bytes()
    first = raw[spans[0]["byte_offset"] : spans[0]["byte_offset"] + spans[0]["byte_length"]]
    if not gzip:
        assert b"Upper Lars checkpoint" in first
        lines = raw.split(b"\n")
        text = b"\n".join(lines[spans[0]["start_line"] - 1 : spans[0]["end_line"]])
        assert b"Thousands Queue" in text
        assert b"Upper Lars" in text


def test_truncated_gzip_is_reported_not_fatal(tmp_path):
    write_warc(tmp_path / "cut.warc.gz", truncate=40)
    items = run(tmp_path, entry_for(tmp_path, "cut.warc.gz", "warc"))
    records = [i for i in items if isinstance(i, dict)]
    errors = [i for i in items if isinstance(i, Issue) and i.severity == "error"]
    assert [r["title"][:8] for r in records] == ["Thousand"]
    assert [i.rule for i in errors] == ["extract.unreadable"]
    assert "cut short" in errors[0].message


@pytest.mark.parametrize(
    "data", [b"not a warc file at all\n\n", b"\x1f\x8b\x08garbage"], ids=["text", "bad-gzip"]
)
def test_garbage_warc_is_an_issue(tmp_path, data):
    (tmp_path / "x.warc").write_bytes(data)
    items = run(tmp_path, entry_for(tmp_path, "x.warc", "warc"))
    assert [i.rule for i in items] == ["extract.unreadable"]


SUBMISSION = {
    "title": "Thousands flee the draft",
    "body": "Men crossed into Georgia.",
    "publisher": "Example News",
    "language": "en",
    "kind": "article",
}


def test_jsonl_submissions_get_id_and_provenance(tmp_path):
    lines = [
        json.dumps(SUBMISSION),
        "{not json}",
        json.dumps([1, 2]),
        json.dumps(dict(SUBMISSION, title=7, authors=["A. Writer"])),
    ]
    (tmp_path / "subs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = run(tmp_path, entry_for(tmp_path, "subs.jsonl", "jsonl"))
    assert [type(i).__name__ for i in items] == ["dict", "Issue", "Issue", "dict"]
    good, _, _, odd = items
    assert validator().is_valid(good)
    assert good["provenance"]["span"] == {
        "start_line": 1,
        "end_line": 1,
        "byte_offset": None,
        "byte_length": None,
    }
    assert (good["license"], good["url"], good["authors"]) == ("CC BY 4.0", None, [])
    assert odd["provenance"]["span"]["start_line"] == 4
    assert odd["authors"] == ["A. Writer"]
    assert not validator().is_valid(odd)
    assert [i.line for i in items if isinstance(i, Issue)] == [2, 3]


def test_extraction_is_deterministic(tmp_path):
    write_warc(tmp_path / "crawl.warc.gz")
    entry = entry_for(tmp_path, "crawl.warc.gz", "warc")
    assert run(tmp_path, entry) == run(tmp_path, entry)
