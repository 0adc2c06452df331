"""Synthetic releases for the report tests: records and release folders (hostile, with rejects
and duplicates, or 100k records) written straight to Parquet, without a build."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from toolkit.features import arrow_schema


def article(number: int, source: str = "a.txt", **fields: Any) -> dict[str, Any]:
    """A released record whose provenance points at lines ``2n+1..2n+2`` of ``source``."""
    record: dict[str, Any] = {
        "title": f"Headline number {number}",
        "body": f"Body of article {number}. " * 5,
        "publisher": "Example News",
        "language": "en",
        "url": None,
        "published": f"2022-09-{1 + number % 28:02d}",
        "section": None,
        "dek": None,
        "image_caption": None,
        "authors": ["A. Writer"],
        "kind": "article",
        "retrieved_at": None,
        "license": None,
        "id": f"{number:016x}",
        "provenance": {
            "source_file": source,
            "source_sha256": None,
            "source_url": None,
            "span": {
                "start_line": 2 * number + 1,
                "end_line": 2 * number + 2,
                "byte_offset": None,
                "byte_length": None,
            },
            "extractor": "text@1.1.0",
            "retrieved_at": None,
            "license": None,
            "toolkit_version": "0.1.0",
        },
    }
    record.update(fields)
    return record


def write_release(
    root: Path,
    splits: dict[str, Iterator[list[dict[str, Any]]] | list[dict[str, Any]]],
    *,
    rejects: list[dict[str, Any]] | None = None,
    duplicates: list[dict[str, Any]] | None = None,
    raw: dict[str, bytes] | None = None,
    changes: str | None = None,
) -> Path:
    """A release folder ``root/dist`` (with ``root/raw`` when given) holding what the report
    reads: manifest, one Parquet file per split (written batch by batch), rejects, duplicates."""
    dist = root / "dist"
    rejects, duplicates = rejects or [], duplicates or []
    (dist / "data").mkdir(parents=True)
    schema = arrow_schema("article")
    manifest_splits: dict[str, Any] = {}
    for name, batches in splits.items():
        file = f"data/{name}-00000-of-00001.parquet"
        rows = 0
        with pq.ParquetWriter(dist / file, schema) as writer:
            for batch in [batches] if isinstance(batches, list) else batches:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                rows += len(batch)
        manifest_splits[name] = {"files": [file], "num_examples": rows}
    for name, lines in (("rejects.jsonl", rejects), ("duplicates.jsonl", duplicates)):
        (dist / name).write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in lines))
    sources = []
    for path, data in (raw or {}).items():
        (root / "raw").mkdir(exist_ok=True)
        (root / "raw" / path).write_bytes(data)
        sources.append(
            {
                "path": path,
                "sha256": hashlib.sha256(data).hexdigest(),
                "publisher": "Example News",
                "format": "text",
                "url": None,
                "retrieved_at": None,
                "language": "en",
                "license": None,
                "profile": None,
                "extractors": ["text@2.0.0"],
                "extracted": 0,
                "released": 0,
                "rejected": 0,
                "deduplicated": 0,
                "skipped": 0,
            }
        )
    if changes is not None:
        (dist / "CHANGES.md").write_text(changes, encoding="utf-8")
    released = sum(s["num_examples"] for s in manifest_splits.values())
    manifest = {
        "name": "synthetic",
        "version": "0.0.1",
        "built_at": None,
        "toolkit_version": "0.1.0",
        "schema": {"name": "article", "sha256": "0" * 64},
        "config": {"license": "other"},
        "counts": {
            "extracted": released + len(rejects) + len(duplicates),
            "released": released,
            "rejected": len(rejects),
            "deduplicated": len(duplicates),
            "skipped": 0,
        },
        "files": [],
        "sources": sources,
        "splits": manifest_splits,
    }
    (dist / "manifest.json").write_bytes(orjson.dumps(manifest))
    return dist
