"""Issue 7, schemas offline: a ``$ref`` (or ``$schema``) to a remote URL is refused, never
fetched, and a schema or profile file that is itself invalid is reported as such (exit 2).

Two guards watch for network access: ``socket.socket.connect`` is patched to fail the test, and
the remote URLs point at a local listening socket that counts connections, which also catches
an attempt from native code (jsonschema-rs) that does not go through Python's socket module.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.records import submission
from tests.helpers.sources import source_line, write_manifest
from toolkit.errors import SchemaError
from toolkit.extract import profile as profiles
from toolkit.schema import load_schema_set


def write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document))
    return path


def submission_file(tmp_path: Path) -> Path:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(submission(1)) + "\n")
    return path


REMOTE_SCHEMAS = {
    "ref": lambda url: {"$ref": f"{url}/submission.schema.json"},
    "nested-ref": lambda url: {
        "type": "object",
        "properties": {"title": {"$ref": f"{url}/title.json#/x"}},
    },
    "relative-ref-remote-id": lambda url: {"$id": f"{url}/root.json", "$ref": "other.json"},
    "dynamic-ref": lambda url: {"$dynamicRef": f"{url}/meta.json#meta"},
    "defs-ref": lambda url: {"$defs": {"a": {"$ref": f"{url}/a.json"}}, "$ref": "#/$defs/a"},
}


@pytest.mark.parametrize("name", sorted(REMOTE_SCHEMAS))
def test_remote_ref_is_refused_not_fetched(name, tmp_path, run_dtk, listener, no_network):
    schema = write(
        tmp_path / "evil.schema.json",
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            **REMOTE_SCHEMAS[name](listener.url),
        },
    )
    result = run_dtk("validate", "--schema", str(schema), str(submission_file(tmp_path)))
    assert result.exit_code == 2, result.output
    assert (
        "which is not a local schema; remote references are never fetched: copy the schema "
        "into schema/" in result.output
    )
    assert "Traceback" not in result.output
    assert listener.connections() == []
    assert no_network == []


def test_load_schema_set_refuses_remote_ref(tmp_path, listener, no_network):
    directory = tmp_path / "schemas"
    directory.mkdir()
    write(directory / "a.schema.json", {"$ref": f"{listener.url}/b.json"})
    with pytest.raises(SchemaError, match="remote references are never fetched"):
        load_schema_set(directory)
    assert listener.connections() == []
    assert no_network == []


def test_remote_metaschema_is_not_fetched(tmp_path, run_dtk, listener, no_network):
    """A ``$schema`` naming a remote metaschema must not make either engine download it."""
    schema = write(
        tmp_path / "meta.schema.json", {"$schema": f"{listener.url}/meta", "type": "object"}
    )
    result = run_dtk("validate", "--schema", str(schema), str(submission_file(tmp_path)))
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: cannot compile schema ")
    assert "only local schemas and the draft 2020-12 metaschema are used" in result.output
    assert listener.connections() == []
    assert no_network == []


def test_the_committed_schemas_validate_offline(tmp_path, run_dtk, no_network):
    result = run_dtk("validate", str(submission_file(tmp_path)))
    assert result.exit_code == 0, result.output
    assert no_network == []


INVALID_SCHEMAS = {
    "not-json": (b'{"type": "object",', "cannot read schema: Expecting"),
    "not-object": (b"[1, 2]", "a schema file must hold a JSON object"),
    "bad-type": (b'{"type": 12}', "invalid JSON Schema at type: 12 is not valid under any"),
    "bad-pattern": (
        b'{"pattern": "(unclosed"}',
        "invalid JSON Schema at pattern: '(unclosed' is not a 'regex'",
    ),
    "bad-utf8": (b'{"title": "\xff"}', "cannot read schema: 'utf-8' codec can't decode"),
}


@pytest.mark.parametrize("name", sorted(INVALID_SCHEMAS))
def test_invalid_schema_file_is_reported_as_such(name, tmp_path, run_dtk):
    data, message = INVALID_SCHEMAS[name]
    schema = tmp_path / "broken.schema.json"
    schema.write_bytes(data)
    result = run_dtk("validate", "--schema", str(schema), str(submission_file(tmp_path)))
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: {schema}: ")
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.fixture
def profile_dir(tmp_path, monkeypatch) -> Iterator[Path]:
    directory = tmp_path / "profiles"
    directory.mkdir()
    monkeypatch.setattr(profiles, "PROFILE_DIR", directory)
    profiles.load_profile.cache_clear()
    yield directory
    profiles.load_profile.cache_clear()


INVALID_PROFILES = {
    "not-json": (b'{"end_markers": [', "cannot read profile"),
    "schema": (
        b'{"name": "broken", "description": "d", "end_markers": "not a list"}',
        'invalid profile: "not a list" is not of type "array"',
    ),
    "regex": (
        b'{"name": "broken", "description": "d", "boilerplate": ["(unclosed"]}',
        "boilerplate: bad regular expression: missing ), unterminated subpattern",
    ),
}


@pytest.mark.parametrize("name", sorted(INVALID_PROFILES))
def test_invalid_profile_is_reported_by_build(name, profile_dir, tmp_path, run_dtk):
    data, message = INVALID_PROFILES[name]
    (profile_dir / "broken.json").write_bytes(data)
    raw = tmp_path / "raw"
    raw.mkdir()
    page = b"A headline about the call-up\n\n" + b"A paragraph of the article body. " * 20 + b"\n"
    (raw / "page.txt").write_bytes(page)
    write_manifest(raw, [source_line("page.txt", page, "text", publisher="X", profile="broken")])
    out = tmp_path / "dist"
    result = run_dtk("build", "--raw", str(raw), "--out", str(out), "--workers", "1", "-q")
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: {profile_dir / 'broken.json'}: ")
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert not list(tmp_path.glob("dist.tmp-*"))


def test_remote_metaschema_is_a_schema_error_not_a_traceback(tmp_path, run_dtk):
    # Found by these tests: jsonschema_rs.Registry raised ValueError ("Unknown
    # meta-schema") straight through `dtk validate`.
    schema = tmp_path / "meta.schema.json"
    schema.write_text(json.dumps({"$schema": "https://example.invalid/meta", "type": "object"}))
    data = tmp_path / "a.jsonl"
    data.write_text("{}\n")
    result = run_dtk("validate", "--schema", str(schema), str(data))
    assert result.exit_code == 2
    assert result.output.startswith("error: cannot compile schema ")
