"""Issue 7, schemas offline: a ``$ref`` (or ``$schema``) to a remote URL is refused, never
fetched, and a schema or profile file that is itself invalid is reported as such (exit 2).

Two guards watch for network access: ``socket.socket.connect`` is patched to fail the test, and
the remote URLs point at a local listening socket that counts connections, which also catches
an attempt from native code (jsonschema-rs) that does not go through Python's socket module.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_release import submission
from toolkit.errors import SchemaError
from toolkit.extract import profile as profiles
from toolkit.schema import load_schema_set

_real_connect = socket.socket.connect


@pytest.fixture
def listener() -> Iterator[tuple[str, list[object]]]:
    """A local server; the list gets one entry per connection it accepts."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    accepted: list[object] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            accepted.append(conn.getpeername())
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", accepted
    stop.set()
    thread.join()
    server.close()


@pytest.fixture
def no_network(monkeypatch) -> list[object]:
    """Fails any outgoing connection made through Python's socket module (and records it)."""
    attempts: list[object] = []

    def connect(self, address):  # noqa: ANN001
        attempts.append(address)
        raise AssertionError(f"the toolkit tried to connect to {address}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect)
    monkeypatch.setattr(
        socket, "create_connection", lambda address, *a, **k: connect(None, address)
    )
    return attempts


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
    url, accepted = listener
    schema = write(
        tmp_path / "evil.schema.json",
        {"$schema": "https://json-schema.org/draft/2020-12/schema", **REMOTE_SCHEMAS[name](url)},
    )
    result = run_dtk("validate", "--schema", str(schema), str(submission_file(tmp_path)))
    assert result.exit_code == 2, result.output
    assert (
        "which is not a local schema; remote references are never fetched: copy the schema "
        "into schema/" in result.output
    )
    assert "Traceback" not in result.output
    assert accepted == []
    assert no_network == []


def test_load_schema_set_refuses_remote_ref(tmp_path, listener, no_network):
    url, accepted = listener
    directory = tmp_path / "schemas"
    directory.mkdir()
    write(directory / "a.schema.json", {"$ref": f"{url}/b.json"})
    with pytest.raises(SchemaError, match="remote references are never fetched"):
        load_schema_set(directory)
    assert accepted == []
    assert no_network == []


def test_remote_metaschema_is_not_fetched(tmp_path, run_dtk, listener, no_network):
    """A ``$schema`` naming a remote metaschema must not make either engine download it."""
    url, accepted = listener
    schema = write(tmp_path / "meta.schema.json", {"$schema": f"{url}/meta", "type": "object"})
    result = run_dtk("validate", "--schema", str(schema), str(submission_file(tmp_path)))
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: cannot compile schema ")
    assert "only local schemas and the draft 2020-12 metaschema are used" in result.output
    assert accepted == []
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
    import hashlib

    entry = {
        "path": "page.txt",
        "sha256": hashlib.sha256(page).hexdigest(),
        "format": "text",
        "publisher": "X",
        "url": None,
        "retrieved_at": None,
        "language": "en",
        "license": None,
        "profile": "broken",
    }
    (raw / "sources.jsonl").write_text(json.dumps(entry) + "\n")
    out = tmp_path / "dist"
    result = run_dtk("build", "--raw", str(raw), "--out", str(out), "--workers", "1", "-q")
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: {profile_dir / 'broken.json'}: ")
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert not list(tmp_path.glob("dist.tmp-*"))
