"""Fuzz targets: one function per reader, each taking the raw bytes of one input file.

A target writes the bytes where the reader expects them, runs the public API, and checks the
contract of issue 7: any input gives records or issues (or, for a profile, a ``SchemaError``
naming the file), never another exception. The same functions serve the atheris harness
(``fuzz/harness.py``) and the hypothesis property tests (``tests/readers/test_damaged_input.py``).
"""

# The asserts are the fuzz invariants checked by atheris and hypothesis, not pytest tests.
# ruff: noqa: PT017, PT018
from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

_WORK: Path | None = None


def set_work_dir(path: Path) -> None:
    """Where targets write their input files (default: a fresh temporary folder)."""
    global _WORK
    _WORK = path


def _work() -> Path:
    if _WORK is None:
        set_work_dir(Path(tempfile.mkdtemp(prefix="dtk-fuzz-")))
    assert _WORK is not None
    return _WORK


def _entry(path: str, fmt: str, data: bytes, profile: str | None = None) -> Any:
    from toolkit.raw import SourceEntry

    return SourceEntry(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        format=fmt,
        publisher="Fuzz",
        url=None,
        retrieved_at=None,
        language="en",
        license=None,
        profile=profile,
        line=1,
    )


def _check_items(items: list[Any]) -> None:
    from toolkit.issues import Issue

    for item in items:
        if isinstance(item, Issue):
            assert item.rule and item.message, item
            assert isinstance(item.line, int) and item.line >= 1, item
        else:
            assert isinstance(item, dict) and item["id"] and item["title"] and item["body"], item


def _check_report(report: Any, files: int) -> None:
    assert report.files == files
    document = report.to_dict()
    json.dumps(document)
    for issue in report.errors:
        assert issue.rule and issue.message and issue.line >= 1, issue
    if not report.valid:
        assert report.errors


def fuzz_jsonl(data: bytes) -> None:
    """A JSONL submission through ``validate_paths``."""
    from toolkit.validate.paths import validate_paths

    path = _work() / "submission.jsonl"
    path.write_bytes(data)
    _check_report(validate_paths([path], workers=1), 1)


def fuzz_json(data: bytes) -> None:
    """A JSON array submission through ``validate_paths``."""
    from toolkit.validate.paths import validate_paths

    path = _work() / "submission.json"
    path.write_bytes(data)
    _check_report(validate_paths([path], workers=1), 1)


def fuzz_manifest(data: bytes) -> None:
    """``raw/sources.jsonl`` through ``validate_paths`` and ``load_manifest``."""
    from toolkit.errors import ReleaseError
    from toolkit.validate.paths import validate_paths
    from toolkit.validate.sources import load_manifest

    raw = _work() / "raw"
    raw.mkdir(exist_ok=True)
    (raw / "page.txt").write_bytes(b"Headline\n\nBody text of the article.\n")
    path = raw / "sources.jsonl"
    path.write_bytes(data)
    report = validate_paths([path], workers=1)
    _check_report(report, 1)
    try:
        entries = load_manifest(raw)
    except ReleaseError as exc:
        assert not report.valid
        assert str(exc)
    else:
        assert report.valid
        for entry in entries:
            assert (raw / entry.path).resolve().is_relative_to(raw.resolve())


def _extract(fmt: str, name: str, data: bytes, profile: str | None = None) -> None:
    from toolkit.extract import EXTRACTORS, ExtractContext

    path = _work() / name
    path.write_bytes(data)
    entry = _entry(name, fmt, data, profile)
    _check_items(list(EXTRACTORS[fmt](ExtractContext()).extract(path, entry)))


def fuzz_text(data: bytes) -> None:
    """A plain-text page capture through the text extractor."""
    _extract("text", "page.txt", data)


def fuzz_html(data: bytes) -> None:
    """An HTML page through the HTML extractor (trafilatura)."""
    _extract("html", "page.html", data)


def fuzz_warc(data: bytes) -> None:
    """A WARC/ARC file (gzipped or not) through the WARC extractor."""
    _extract("warc", "capture.warc.gz" if data[:2] == b"\x1f\x8b" else "capture.warc", data)


_PAGE = (
    b"News\n\nSubscribe to our newsletter\n\nA headline about the war\n\n"
    b"The first paragraph of the article body goes on for a while.\n\n"
    b"The second paragraph ends it.\n\nWatch VideoShow less\n"
)


def fuzz_profile(data: bytes) -> None:
    """A site profile file: loads as a profile or fails with ``SchemaError``; a profile that
    loads is then used to extract a small page."""
    from toolkit.errors import SchemaError
    from toolkit.extract import profile as profiles

    directory = _work() / "profiles"
    directory.mkdir(exist_ok=True)
    (directory / "fuzz.json").write_bytes(data)
    saved = profiles.PROFILE_DIR
    profiles.PROFILE_DIR = directory
    profiles.load_profile.cache_clear()
    try:
        try:
            found = profiles.load_profile("fuzz")
        except SchemaError as exc:
            assert "fuzz.json" in str(exc)
            return
        assert found is not None
        _extract("text", "page.txt", _PAGE, profile="fuzz")
    finally:
        profiles.PROFILE_DIR = saved
        profiles.load_profile.cache_clear()


TARGETS: dict[str, Callable[[bytes], None]] = {
    "jsonl": fuzz_jsonl,
    "json": fuzz_json,
    "manifest": fuzz_manifest,
    "text": fuzz_text,
    "html": fuzz_html,
    "warc": fuzz_warc,
    "profile": fuzz_profile,
}
