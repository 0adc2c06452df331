"""Issue 7, fuzzing in the default test run: hypothesis drives the same targets as the atheris
harness (``fuzz/targets.py``), one per reader (JSONL and JSON submissions through
``validate_paths``, the manifest, text pages, HTML, WARC, profile files), with inputs shaped like
each format and then damaged. Any input gives records or issues; no exception escapes."""

from __future__ import annotations

import gzip
import importlib.util
import json

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import ROOT
from tests.helpers.records import submission
from tests.helpers.warc import DISTRICT_HTML, warc_record

_spec = importlib.util.spec_from_file_location("dtk_fuzz_targets", ROOT / "fuzz" / "targets.py")
assert _spec is not None
assert _spec.loader is not None
targets = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(targets)

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def work_dir(tmp_path):
    targets.set_work_dir(tmp_path)


@st.composite
def damaged(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` with a few byte flips, insertions, deletions or a truncation."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(0, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "dup"]))
        if op == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        elif op == "truncate":
            del data[at:]
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 64))]
    return bytes(data)


def _containers(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(children, max_size=3) | st.dictionaries(
        st.text(max_size=8), children, max_size=3
    )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    _containers,
    max_leaves=10,
)
GOOD_LINES = [orjson.dumps(submission(i)) for i in range(3)]
hostile_lines = st.one_of(
    st.sampled_from(GOOD_LINES),
    json_values.map(orjson.dumps),
    st.builds(
        lambda r, k, v: orjson.dumps({**r, k: v}),
        st.sampled_from([submission(9)]),
        st.text(max_size=10),
        json_values,
    ),
    st.binary(max_size=60),
    st.sampled_from([b"", b"\xef\xbb\xbf{}", b"NaN", b'{"a":1,"a":2}', b"[" * 3000, b"\r"]),
)


@SETTINGS
@given(st.lists(hostile_lines, max_size=8).map(b"\n".join).flatmap(damaged))
def test_jsonl_submissions(data):
    targets.fuzz_jsonl(data)


@SETTINGS
@given(
    st.lists(hostile_lines, max_size=6).map(lambda xs: b"[" + b",".join(xs) + b"]").flatmap(damaged)
)
def test_json_array_submissions(data):
    targets.fuzz_json(data)


paths = st.one_of(
    st.sampled_from(
        [
            "page.txt",
            "../page.txt",
            "/etc/passwd",
            "a/../../x",
            "page.txt\x00",
            "p\nage.txt",
            "./page.txt",
            "page.txt/",
            "",
            ".",
            "..",
            "\\\\server\\x",
        ]
    ),
    st.text(max_size=20),
)


@st.composite
def manifests(draw: st.DrawFn) -> bytes:
    entries = []
    for _ in range(draw(st.integers(0, 4))):
        entry = {
            "path": draw(paths),
            "sha256": draw(st.sampled_from(["0" * 64, "x", ""])),
            "format": draw(st.sampled_from(["text", "html", "warc", "jsonl", "pdf"])),
            "publisher": draw(st.text(max_size=10)),
            "url": None,
            "retrieved_at": None,
            "language": draw(st.sampled_from(["en", "pt-BR", "english", ""])),
            "license": None,
        }
        if draw(st.booleans()):
            entry[draw(st.sampled_from(["profile", "extra", "url"]))] = draw(json_values)
        entries.append(json.dumps(entry).encode())
    return b"\n".join(entries) + b"\n"


@SETTINGS
@given(manifests().flatmap(damaged))
def test_manifests(data):
    targets.fuzz_manifest(data)


page_lines = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "",
            "Watch VideoShow less",
            "Subscribe to our newsletter",
            "-Analysis-",
            "Photo: Reuters",
            "By A. Writer",
            "\ufeff",
            "\x00",
            "\u2028",
        ]
    ),
)


@SETTINGS
@given(
    st.lists(page_lines, max_size=40)
    .map(lambda xs: "\n".join(xs).encode("utf-8", "surrogatepass"))
    .flatmap(damaged)
)
def test_text_pages(data):
    targets.fuzz_text(data)


tags = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<article>",
        "<h1>",
        "</h1>",
        "<script>",
        "<!--",
        "-->",
        "<![CDATA[",
        "<meta charset='x'>",
        "&amp;",
        "&#0;",
        "<title>",
        "<br/>",
        "<html>",
        "<body>",
    ]
)


@SETTINGS
@given(
    st.lists(st.one_of(tags, st.text(max_size=40)), max_size=40)
    .map(lambda xs: "".join(xs).encode("utf-8", "surrogatepass"))
    .flatmap(damaged)
)
def test_html_pages(data):
    targets.fuzz_html(data)


WARC_SEED = warc_record("https://example.org/1", DISTRICT_HTML % (1, 1)) + warc_record(
    "https://example.org/2", b"not html", "text/plain"
)


@SETTINGS
@given(
    st.one_of(
        damaged(WARC_SEED), damaged(gzip.compress(WARC_SEED, mtime=0)), st.binary(max_size=200)
    )
)
def test_warc_files(data):
    targets.fuzz_warc(data)


patterns = st.lists(
    st.one_of(
        st.sampled_from(["^x$", "(", "[a-", "(?P<n>a)", "\\", "a{2,1}", "(?i)Watch", ".*"]),
        st.text(max_size=10),
    ),
    max_size=3,
)


@SETTINGS
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "name": st.text(max_size=10),
            "description": st.text(max_size=10),
            "kind": st.sampled_from(["teaser", "article", "x", 3]),
            "end_markers": patterns,
            "boilerplate": patterns,
            "section_labels": patterns,
            "rubric_labels": patterns,
            "extra": json_values,
        },
    )
    .map(lambda d: json.dumps(d).encode())
    .flatmap(damaged)
)
def test_profile_files(data):
    targets.fuzz_profile(data)


def test_targets_cover_every_reader():
    assert set(targets.TARGETS) == {"jsonl", "json", "manifest", "text", "html", "warc", "profile"}
