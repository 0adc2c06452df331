"""Regression tests for the crashes and leaks found while hardening (issue 7), each with the
offending input inline. Fuzz crashes keep the name of the libFuzzer artifact they came from."""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from pathlib import Path

import pytest

from tests.test_hardening_bombs import entry_for
from toolkit.extract import ExtractContext
from toolkit.extract.warc import WarcExtractor
from toolkit.issues import Issue, ValidationReport
from toolkit.validate.reporters import GithubReporter, TextReporter

# fuzz/crashes/warc/crash-e42e2106ab0a72d248175cd5efdf01995fa00b67, minimised: a WARC response
# record without WARC-Target-URI made warcio raise AttributeError ('NoneType' has no
# 'startswith') out of the extractor.
_BODY = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>x</p>"
NO_URI_RESPONSE = (
    b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
    b"Content-Type: application/http; msgtype=response\r\n"
    b"Content-Length: %d\r\n\r\n" % len(_BODY) + _BODY + b"\r\n\r\n"
)

# The original artifact, compressed (1123 bytes: a seed WARC whose "WARC-Target-URI" header the
# fuzzer mutated into "WARK-Target-URI").
CRASH_E42E2106 = zlib.decompress(
    base64.b64decode(
        "eNrVU01vm0AQTa+W/B/25ksxBgO2CUYyEH8RYwfbIfFtA2tAhV20DG0s9ccXXKoqbVSpp6q33Zl5781nMPNtUeoP"
        "up2gfgmHS0F0xElZMFqS1uiTkPFIWDk6MipO9apKIx0rE20ijxVhEp5VQRnJRMDjyVkYhS+RMprIo1CSzSuBKxww"
        "jwkIR3+lowSgKHVRJK84LzLSZzwWcSvkYKjV5YGsCZIkyMODJOnqWB9opzZghy8Zw5HgpDEpQUdlgiX92ZFPvuqv"
        "bOvguq46s+TRxnfmO8+/s+aB5bZYK2Php7fI4+Pdw3q5sxznee1tPcXdr0+Btjo+DDe2o/j7bsdmFAiFti+4KLI0"
        "xJAyKjZ1/BN9yIg5QwnBUZZSYohwtRg5AYwozsm0hytIGO+h8Dt42pv10R+dAU/hw83NjSE2tKbxwqKLaVD82Vyy"
        "nKCvyCNfSkNsDAbmkIaNYCK9SaP+GoU5T3kJqMAcxxwXCWJnBAlBJTB++YgyRmNEKKviBAGrU6goIFyigrOSoDPj"
        "12DyChyHNaJviEVDuq/3j0bvs/4Pa3KL8jKG2jX9eVg/EPeExpDoSJG0bqfbWR4Ou/ocpfoIBmjr/soMdW9qyjy7"
        "RWGCeUlgWsFZGDdQo7HXY7lOEP5yTSTdc+yFai2evOPTUpGdrTvf3GvBZm0tHtX1yR6+m0qR4ZT+Xoza5NP6up1v"
        "QJBgXw=="
    )
)


def _items(tmp_path: Path, data: bytes) -> list:
    path = tmp_path / "capture.warc"
    path.write_bytes(data)
    return list(WarcExtractor(ExtractContext()).extract(path, entry_for(path, "warc")))


def test_warc_response_without_target_uri_is_an_issue(tmp_path):
    items = _items(tmp_path, NO_URI_RESPONSE)
    assert all(isinstance(i, Issue) for i in items)
    assert [i.rule for i in items] == ["extract.unreadable"]
    assert items[0].message.startswith("cannot read the WARC file past byte 0: ")


def test_fuzz_artifact_e42e2106(tmp_path):
    assert hashlib.sha1(CRASH_E42E2106).hexdigest() == "e42e2106ab0a72d248175cd5efdf01995fa00b67"
    items = _items(tmp_path, CRASH_E42E2106)
    assert all(isinstance(i, Issue) or i["title"] for i in items)
    assert any(isinstance(i, Issue) and i.rule == "extract.unreadable" for i in items)


def test_warc_bad_record_after_a_good_one_keeps_the_good_one(tmp_path):
    from tests.test_hardening_bombs import _HTML, warc_record

    items = _items(tmp_path, warc_record("https://example.org/1", _HTML % (1, 1)) + NO_URI_RESPONSE)
    assert [type(i).__name__ for i in items] == ["dict", "Issue"]


def test_remote_metaschema_is_a_schema_error_not_a_traceback(tmp_path, run_dtk):
    # Found by test_hardening_schemas: jsonschema_rs.Registry raised ValueError ("Unknown
    # meta-schema") straight through `dtk validate`.
    schema = tmp_path / "meta.schema.json"
    schema.write_text(json.dumps({"$schema": "https://example.invalid/meta", "type": "object"}))
    data = tmp_path / "a.jsonl"
    data.write_text("{}\n")
    result = run_dtk("validate", "--schema", str(schema), str(data))
    assert result.exit_code == 2
    assert result.output.startswith("error: cannot compile schema ")


def test_bad_profile_in_a_build_leaves_no_open_file(tmp_path, run_dtk, monkeypatch):
    # Found by test_hardening_schemas: a SchemaError in pass one left rejects-00000.jsonl open
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
    (raw / "sources.jsonl").write_text(
        json.dumps(
            {
                "path": "p.txt",
                "sha256": hashlib.sha256(page).hexdigest(),
                "format": "text",
                "publisher": "X",
                "url": None,
                "retrieved_at": None,
                "language": "en",
                "license": None,
                "profile": "bad",
            }
        )
        + "\n"
    )
    result = run_dtk(
        "build", "--raw", str(raw), "--out", str(tmp_path / "dist"), "-q", "--workers", "1"
    )
    profiles.load_profile.cache_clear()
    assert result.exit_code == 2
    assert "bad regular expression" in result.output


@pytest.mark.parametrize("hostile", ["\x1b[2J\x1b[31mred", "a\u2028::error::x", "b\x85c"])
def test_reporters_escape_terminal_and_unicode_line_breaks(hostile):
    # Found by test_hardening_injection: ANSI escapes reached the terminal, and U+2028 split a
    # GitHub annotation in two for str.splitlines-based readers.
    import io

    report = ValidationReport(files=1, records=1)
    report.issues.append(Issue("f.jsonl", 1, "/title", "schema.type", f"{hostile} is bad"))
    for reporter in (TextReporter(), GithubReporter()):
        out = io.StringIO()
        reporter.report(report, out)
        text = out.getvalue()
        assert not set(text) & {"\x1b", "\u2028", "\x85"}, (reporter, text)
        assert len(text.splitlines()) == len(text.split("\n")) - 1


def test_card_text_escapes_ansi():
    from toolkit.card.render import md_text

    assert md_text("\x1b[31mred") == "\\\\x1b\\[31mred"
