"""A raw/ tree salted with every hostile class: broken and hostile JSONL lines, a text page,
HTML, a WARC with a skipped record and a cut gzip tail, a binary "page", and manifest fields
that try to break out of YAML, Markdown, HTML and GitHub workflow commands. The no-data-lost
tests count every record of it; the injection tests read the card built from it."""

from __future__ import annotations

from pathlib import Path

import orjson

from tests.helpers.records import submission
from tests.helpers.sources import source_line, write_manifest
from tests.helpers.warc import warc_member

INJECT = (
    "Evil\n---\nlicense: mit\nevil: true\n...\n::error file=x,line=1::injected\n"
    "# Injected heading\n<script>alert(1)</script> [click](javascript:alert(1)) | a | b |"
    " ``` `code` %0A ::warning::x \r\n\x1b[31mred\x1b[0m \u2028 {{ pretty_name }}"
)

PAGE_HTML = (
    b"<html><head><title>District office queues grow</title></head><body><article>"
    b"<h1>District office queues grow</h1>"
    + b"<p>Reservists queued at the district office through the week, officials "
    b"said, and the lines grew longer every morning as more papers came.</p>"
    * 6
    + b"</article></body></html>"
)


def hostile_lines() -> list[bytes]:
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
    return source_line(name, (raw / name).read_bytes(), fmt, **extra)


def hostile_raw(root: Path) -> Path:
    """raw/ with a salted JSONL submission, a hostile text page, HTML, a WARC with a skipped
    record and a cut gzip tail, a binary "page", and a manifest whose fields carry INJECT."""
    raw = root / "raw"
    raw.mkdir()
    (raw / "hostile.jsonl").write_bytes(b"".join(hostile_lines()))
    page = (
        "Hostile headline about the district office queues\n\n"
        + "Reservists queued at the district office all week, officials said. " * 8
        + "\n\n"
        + INJECT.replace("\r", "")
        + "\n\nThe queues grew again on Friday "
        "morning, witnesses said, as more papers arrived at the office.\n"
    )
    (raw / "page.txt").write_text(page, encoding="utf-8")
    (raw / "page.html").write_bytes(PAGE_HTML.replace(b"District office", b"Regional office"))
    (raw / "capture.warc.gz").write_bytes(
        warc_member("https://example.org/w1", PAGE_HTML.replace(b"District", b"Warc one"))
        + warc_member("https://example.org/img", b"\x89PNG....", content_type="image/png")
        + warc_member("https://example.org/w2", PAGE_HTML.replace(b"District", b"Warc two"))
        + warc_member("https://example.org/w3", PAGE_HTML.replace(b"District", b"Cut"))[:-30]
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
    write_manifest(raw, entries)
    return raw
