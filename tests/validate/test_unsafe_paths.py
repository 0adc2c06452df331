"""Issue 7, paths: a manifest entry that climbs out of raw/ (``..``, an absolute path, a symlink
pointing outside) or whose file name holds control characters is refused with a clear error, by
``dtk validate raw/sources.jsonl`` and by ``dtk build``, and nothing outside raw/ is read."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from tests.helpers.records import submission
from tests.helpers.sources import make_entry, source_line, write_manifest
from toolkit.extract import ExtractContext, extract_source

SECRET = b"".join(orjson.dumps(submission(i, title=f"Secret {i}")) + b"\n" for i in range(3))


def make_raw(tmp_path: Path, path: str) -> Path:
    """raw/ holding one good source and one entry naming ``path``; a file with the same bytes
    sits outside raw/, so only the path check can stop it."""
    raw = tmp_path / "raw"
    raw.mkdir()
    good = b"".join(orjson.dumps(submission(i)) + b"\n" for i in range(5))
    (raw / "good.jsonl").write_bytes(good)
    outside = tmp_path / "outside.jsonl"
    outside.write_bytes(SECRET)
    entries = [source_line("good.jsonl", good), source_line(path, SECRET)]
    write_manifest(raw, entries)
    return raw


HOSTILE = {
    "dotdot": ("../outside.jsonl", "the path climbs out of raw/ with '..'"),
    "nested-dotdot": ("sub/../../outside.jsonl", "the path climbs out of raw/ with '..'"),
    "absolute": ("/etc/passwd", "absolute paths are not allowed; give the path relative to raw/"),
    "symlink": ("link.jsonl", "the path (through a symlink) points outside raw/"),
    "symlink-dir": ("linkdir/outside.jsonl", "the path (through a symlink) points outside raw/"),
    "control-bell": ("bad\x07name.jsonl", "the path holds control characters"),
    "control-newline": ("bad\nname.jsonl", "the path holds control characters"),
    "control-escape": ("bad\x1b[31mname.jsonl", "the path holds control characters"),
}
#: The source schema's ``path`` pattern already refuses these; symlinks need the disk check.
_PATTERN = "does not match the pattern for path (File path relative to raw/; must stay inside raw/)"


def expected_error(path: str, reason: str) -> tuple[str, str]:
    if "symlink" in reason:
        return "manifest.unsafe-path", f"{path!r}: {reason}"
    return "schema.pattern", f"{path!r} {_PATTERN}"


@pytest.fixture(params=sorted(HOSTILE))
def hostile_raw(request, tmp_path) -> tuple[Path, str, str]:
    path, reason = HOSTILE[request.param]
    raw = make_raw(tmp_path, path)
    if request.param == "symlink":
        (raw / "link.jsonl").symlink_to(tmp_path / "outside.jsonl")
    elif request.param == "symlink-dir":
        (raw / "linkdir").symlink_to(tmp_path)
    elif request.param.startswith("control"):
        # The file really exists under that name: the name itself is what is refused.
        (raw / path).write_bytes(SECRET)
    return raw, path, reason


def test_validate_refuses_unsafe_manifest_paths(hostile_raw, run_dtk):
    raw, path, reason = hostile_raw
    result = run_dtk("validate", str(raw / "sources.jsonl"), "--format", "json")
    assert result.exit_code == 1, result.output
    errors = json.loads(result.output)["errors"]
    rule, message = expected_error(path, reason)
    assert [(e["line"], e["rule"], e["pointer"], e["message"]) for e in errors] == [
        (2, rule, "/path", message),
    ]


def test_validate_text_report_never_prints_control_characters(hostile_raw, run_dtk):
    raw, path, reason = hostile_raw
    result = run_dtk("validate", str(raw / "sources.jsonl"))
    assert result.exit_code == 1
    assert f"error[{expected_error(path, reason)[0]}]" in result.output
    assert not any(c in result.output for c in "\x07\x1b\r")
    assert all(line.count("error[") <= 1 for line in result.output.splitlines())


def test_build_refuses_unsafe_manifest_paths(hostile_raw, run_dtk, tmp_path):
    raw, path, reason = hostile_raw
    out = tmp_path / "dist"
    result = run_dtk("build", "--raw", str(raw), "--out", str(out), "-q")
    assert result.exit_code == 1
    assert result.output.startswith("error: the manifest has errors; run `dtk validate ")
    rule, message = expected_error(path, reason)
    assert f"{rule} $.path: {message}" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert not list(tmp_path.glob("dist.tmp-*"))


def test_extraction_refuses_unsafe_paths_even_without_the_manifest_check(hostile_raw):
    """Defence in depth: the extractor re-checks the path it is given."""
    raw, path, reason = hostile_raw
    unsafe = make_entry(raw, path, "jsonl", sha256="0" * 64, line=2)
    items = list(extract_source(raw, unsafe, ExtractContext()))
    assert [(i.rule, i.message) for i in items] == [("extract.unreadable", f"{path!r}: {reason}")]
