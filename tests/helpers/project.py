"""A throwaway project for the attack tests of issue 12: ``raw/`` with its manifest and the
output folder beside it, which each test fills, builds and inspects (``project`` fixture in
``tests/conftest.py``)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from toolkit.build.release import BuildSummary, build_release
from toolkit.config import DatasetConfig


@dataclass
class Project:
    """A project folder under ``tmp_path``: ``raw/`` with its manifest, ``dist/`` beside it."""

    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def out(self) -> Path:
        return self.root / "dist"

    def add_file(self, name: str, data: bytes, fmt: str = "jsonl", **fields: Any) -> Path:
        """Write ``raw/name`` and list it in the manifest with its real SHA-256."""
        path = self.raw / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.add_entry(name, hashlib.sha256(data).hexdigest(), fmt, **fields)
        return path

    def add_entry(self, name: str, sha256: str, fmt: str = "jsonl", **fields: Any) -> None:
        entry = {
            "path": name,
            "sha256": sha256,
            "format": fmt,
            "publisher": "Example Daily",
            "url": None,
            "retrieved_at": "2022-10-01T12:00:00Z",
            "language": "en",
            "license": "CC-BY-4.0",
            **fields,
        }
        with (self.raw / "sources.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")

    def add_jsonl(self, name: str, records: list[dict[str, Any]]) -> Path:
        return self.add_file(name, b"".join(orjson.dumps(r) + b"\n" for r in records))

    def build(self, **options: Any) -> BuildSummary:
        options.setdefault("workers", 1)
        options.setdefault("config", DatasetConfig(name="attack", version="1.0.0"))
        return build_release(self.raw, self.out, **options)

    def rejects(self) -> list[dict[str, Any]]:
        return [orjson.loads(x) for x in (self.out / "rejects.jsonl").read_bytes().splitlines()]

    def released(self) -> list[dict[str, Any]]:
        rows = []
        for path in sorted((self.out / "jsonl").glob("*.jsonl")):
            rows += [orjson.loads(x) for x in path.read_bytes().splitlines()]
        return rows

    def all_bytes(self) -> bytes:
        """Every byte the build left in the project folder, outside raw/."""
        return b"".join(
            p.read_bytes()
            for p in sorted(self.root.rglob("*"))
            if p.is_file() and not p.is_symlink() and self.raw not in p.parents
        )
