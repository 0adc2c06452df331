"""Release folders for the tests: hand-made ones (so card, diff and check tests do not depend on
the extractors), builds of a raw/ tree under a given version, and ways to compare them."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from tests.helpers.records import SHA, article
from toolkit import __version__
from toolkit.build.release import build_release
from toolkit.build.writers import SplitWriter
from toolkit.config import DatasetConfig
from toolkit.features import arrow_schema
from toolkit.release.folder import ReleaseCounts, ReleaseManifest, ReleaseSplit, SchemaRef


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by its relative path, with its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def split_of_ids(dist: Path) -> dict[str, str]:
    """The split of every released record, by id, read from the JSONL files."""
    out = {}
    for path in (dist / "jsonl").glob("*.jsonl"):
        for line in path.read_bytes().splitlines():
            out[orjson.loads(line)["id"]] = path.stem
    return out


def leftovers(out: Path) -> list[str]:
    """Staging (``.tmp-``) and set-aside (``.old-``) folders a build left beside ``out``."""
    return sorted(
        p.name
        for p in out.parent.iterdir()
        if p.name.startswith((f"{out.name}.tmp-", f"{out.name}.old-"))
    )


def write_splits(
    dist: Path,
    splits: dict[str, list[dict[str, Any]]],
    schema: pa.Schema,
    rows_per_shard: int = 200_000,
) -> tuple[dict[str, Any], list[Path]]:
    """Parquet shards of each split as the build names them; returns the manifest's
    ``splits`` entry and the paths written."""
    split_info, paths = {}, []
    for name, records in splits.items():
        writer = SplitWriter(dist, name, len(records), schema, rows_per_shard=rows_per_shard)
        if records:
            writer.write(pa.Table.from_pylist(records, schema=schema))
        paths += writer.close()
        split_info[name] = {
            "num_examples": writer.rows,
            "files": [p.relative_to(dist).as_posix() for p in writer.paths],
        }
    return split_info, paths


def minimal_release(
    out: Path,
    splits: dict[str, list[dict[str, Any]]],
    *,
    version: str = "1.0.0",
    schema: pa.Schema | None = None,
) -> Path:
    """A minimal release folder: Parquet shards per split and a manifest.json naming them
    (enough for diff and versioning)."""
    out.mkdir(parents=True)
    split_info, _ = write_splits(out, splits, schema or arrow_schema("article"))
    rows = sum(len(records) for records in splits.values())
    ReleaseManifest(
        name="test",
        version=version,
        toolkit_version="0.0.0",
        built_at=None,
        config=DatasetConfig(name="test", version=version),
        schema=SchemaRef("article", "0" * 64),
        counts=ReleaseCounts(rows, rows, 0, 0, 0),
        splits={
            name: ReleaseSplit(info["num_examples"], tuple(info["files"]))
            for name, info in split_info.items()
        },
        sources=(),
        files=(),
    ).write(out)
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_release(
    dist: Path,
    splits: dict[str, list[dict[str, Any]]],
    *,
    rejects: list[dict[str, Any]] = (),
    duplicates: list[dict[str, Any]] = (),
    config: dict[str, Any] | None = None,
    rows_per_shard: int = 200_000,
) -> dict[str, Any]:
    """A release folder as build_release lays it out: Parquet + JSONL per split, rejects,
    duplicates and manifest.json (no card yet); returns the manifest."""
    dist.mkdir(parents=True, exist_ok=True)
    split_info, paths = write_splits(dist, splits, arrow_schema("article"), rows_per_shard)
    for name, rows in (("rejects.jsonl", rejects), ("duplicates.jsonl", duplicates)):
        (dist / name).write_bytes(
            b"".join(orjson.dumps(r, option=orjson.OPT_SORT_KEYS) + b"\n" for r in rows)
        )
        paths.append(dist / name)
    released = sum(len(r) for r in splits.values())
    all_records = [r for records in splits.values() for r in records]
    sources = []
    for source_file, publisher in (("000_a.txt", "Worldcrunch"), ("004_b.txt", "Mother Jones")):
        mine = [r for r in all_records if r["provenance"]["source_file"] == source_file]
        rej = sum(1 for r in rejects if r.get("source_file") == source_file)
        dup = sum(1 for d in duplicates if d.get("source_file") == source_file)
        sources.append(
            {
                "path": source_file,
                "sha256": SHA,
                "format": "text",
                "publisher": publisher,
                "url": None,
                "retrieved_at": None,
                "language": "en",
                "license": "Publisher's copyright",
                "profile": None,
                "extractors": ["text@1.0.0"] if mine else [],
                "extracted": len(mine) + rej + dup,
                "released": len(mine),
                "rejected": rej,
                "deduplicated": dup,
                "skipped": 0,
            }
        )
    cfg = {
        "name": "russia-mobilization-news",
        "pretty_name": "News coverage of Russia's mobilization",
        "version": "1.0.0",
        "license": "other",
        "split_ratios": {"train": 0.8, "validation": 0.1, "test": 0.1},
        "dedup_threshold": 0.7,
        "tags": [],
        "task_categories": [],
        "description": "",
    }
    cfg.update(config or {})
    manifest = {
        "name": cfg["name"],
        "version": cfg["version"],
        "toolkit_version": __version__,
        "built_at": None,
        "config": cfg,
        "schema": {"name": "article", "sha256": "b" * 64},
        "counts": {
            "extracted": released + len(rejects) + len(duplicates),
            "released": released,
            "rejected": len(rejects),
            "deduplicated": len(duplicates),
            "skipped": 0,
        },
        "splits": split_info,
        "sources": sources,
        "files": sorted(
            (
                {
                    "path": p.relative_to(dist).as_posix(),
                    "sha256": _sha256(p),
                    "bytes": p.stat().st_size,
                }
                for p in paths
            ),
            key=lambda f: f["path"],
        ),
    }
    (dist / "manifest.json").write_bytes(
        orjson.dumps(manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    )
    return manifest


def standard_release(dist: Path, **kwargs: Any) -> dict[str, Any]:
    """Ten records in train, two in validation, one in test, one reject, one duplicate."""
    splits = {
        "train": [article(n) for n in range(10)],
        "validation": [article(n) for n in (10, 11)],
        "test": [article(12)],
    }
    rejects = [
        {
            "source_file": "000_a.txt",
            "line": 5,
            "rule": "required",
            "errors": [],
            "id": None,
            "record": None,
            "span": None,
        }
    ]
    duplicates = [
        {
            "id": "00000000000000ff",
            "duplicate_of": f"{1:016x}",
            "kind": "near",
            "similarity": 0.9,
            "source_file": "004_b.txt",
            "span": None,
        }
    ]
    return make_release(dist, splits, rejects=rejects, duplicates=duplicates, **kwargs)


def build_version(raw: Path, out: Path, version: str) -> Path:
    """``dtk build`` of ``raw`` into ``out`` as dataset "test" at ``version``, the card beside
    ``out`` as ``<out>.card.md``."""
    build_release(
        raw,
        out,
        config=DatasetConfig(name="test", version=version),
        card_path=out.parent / f"{out.name}.card.md",
    )
    return out
