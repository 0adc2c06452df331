"""Regression tests for the WARC crashes found while hardening (issue 7), each with the offending
input inline. Fuzz crashes keep the name of the libFuzzer artifact they came from."""

from __future__ import annotations

import base64
import zlib
from pathlib import Path

from tests.helpers.sources import entry_for
from tests.helpers.warc import DISTRICT_HTML, warc_record
from toolkit.extract import ExtractContext
from toolkit.extract.warc import WarcExtractor
from toolkit.issues import Issue

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
    # The artifact's first record is a response whose target URI header is misspelt, which is
    # what made warcio raise; the extractor must turn that into one issue at byte 0.
    assert CRASH_E42E2106.startswith(b"WARC/1.0\r\nWARC-Type: response\r\n")
    assert b"WARC-Target-URI" not in CRASH_E42E2106.split(b"\r\n\r\n")[0]
    items = _items(tmp_path, CRASH_E42E2106)
    assert all(isinstance(i, Issue) for i in items)
    assert [(i.rule, i.line) for i in items] == [("extract.unreadable", 1)]
    assert items[0].message.startswith("cannot read the WARC file past byte 0: ")


def test_warc_bad_record_after_a_good_one_keeps_the_good_one(tmp_path):
    page = DISTRICT_HTML % (1, 1)
    items = _items(tmp_path, warc_record("https://example.org/1", page) + NO_URI_RESPONSE)
    assert [type(i).__name__ for i in items] == ["dict", "Issue"]
