"""raw/ trees for the tests: manifest entries (as ``SourceEntry`` for the extractors, as JSON
lines for ``raw/sources.jsonl``) and raw folders of JSONL submissions."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import orjson

from toolkit.files import sha256_file
from toolkit.raw import SourceEntry


def make_entry(raw_dir: Path, path: str, fmt: str = "text", **fields: object) -> SourceEntry:
    """A manifest entry for ``raw_dir/path`` (its real sha256 when the file exists), with
    neutral defaults any field of which a test may override."""
    target = raw_dir / path
    values: dict[str, object] = {
        "path": path,
        "sha256": sha256_file(target) if target.is_file() else "0" * 64,
        "format": fmt,
        "publisher": "X",
        "url": None,
        "retrieved_at": None,
        "language": "en",
        "license": None,
        "profile": None,
        "line": 1,
    }
    values.update(fields)
    return SourceEntry(**values)  # type: ignore[arg-type]


def entry_for(path: Path, fmt: str, sha256: str | None = None) -> SourceEntry:
    """The entry of the file at ``path`` (published by Example Daily), optionally with another
    stated sha256 (for a file too large to hash)."""
    overrides = {"sha256": sha256} if sha256 else {}
    return make_entry(path.parent, path.name, fmt, publisher="Example Daily", **overrides)


def source_line(path: str, data: bytes, fmt: str = "jsonl", **fields: object) -> dict[str, Any]:
    """One line of ``raw/sources.jsonl`` for a file named ``path`` holding ``data``, with the
    defaults of a JSONL submission by Example Daily; ``fields`` override them."""
    return {
        "path": path,
        "sha256": hashlib.sha256(data).hexdigest(),
        "format": fmt,
        "publisher": "Example Daily",
        "url": None,
        "retrieved_at": None,
        "language": "en",
        "license": None,
        **fields,
    }


def write_manifest(raw: Path, entries: list[dict[str, Any]]) -> None:
    """Write ``raw/sources.jsonl`` with ``entries``, one JSON object a line."""
    (raw / "sources.jsonl").write_text("".join(json.dumps(e) + "\n" for e in entries))


def add_jsonl_source(raw: Path, name: str, lines: list[bytes]) -> None:
    """Write ``raw/name`` from ``lines`` and append its entry to ``raw/sources.jsonl``."""
    path = raw / name
    path.write_bytes(b"".join(lines))
    entry = source_line(
        name, path.read_bytes(), retrieved_at="2022-10-01T12:00:00Z", license="CC-BY-4.0"
    )
    with (raw / "sources.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


def jsonl_lines(records: list[dict[str, Any]]) -> list[bytes]:
    """``records`` as JSONL lines, each ending in a newline."""
    return [orjson.dumps(r) + b"\n" for r in records]


def write_raw(raw: Path, files: dict[str, list[dict[str, Any]]]) -> Path:
    """A raw/ folder of JSONL submission files and the sources.jsonl listing them (publisher
    from each file's first record)."""
    raw.mkdir(parents=True, exist_ok=True)
    entries = []
    for name, records in files.items():
        data = b"".join(jsonl_lines(records))
        (raw / name).write_bytes(data)
        entries.append(source_line(name, data, publisher=records[0]["publisher"]))
    (raw / "sources.jsonl").write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in entries))
    return raw
