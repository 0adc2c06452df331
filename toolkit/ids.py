"""Content ids and the ids already released. A record's id is derived from its normalised title
and body only, so the same story captured twice, from any file, gets the same id; and this module
alone knows how to read the ids of the release in ``dist/``, so validation and the build never
import each other.
"""

from __future__ import annotations

import hashlib
import unicodedata
from functools import lru_cache
from pathlib import Path

#: Normalised texts remembered: a build normalises each body twice (for its id, then for its
#: MinHash lead) with up to one reader batch (4,096 records) in between.
NORMALIZE_CACHE = 8192


@lru_cache(maxsize=NORMALIZE_CACHE)
def normalize_text(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed: differences a reader would not call a change."""
    if text.isascii():  # NFKC changes nothing and casefold is lower() on ASCII: skip the work
        return " ".join(text.lower().split())
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def content_id(title: str, body: str) -> str:
    """16 lowercase hex digits of SHA-256 over the normalised title and body."""
    key = normalize_text(title) + "\n" + normalize_text(body)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def record_id(record: dict[str, object]) -> str | None:
    """The content id of a parsed record, or None when title or body is not a string."""
    title, body = record.get("title"), record.get("body")
    if isinstance(title, str) and isinstance(body, str):
        return content_id(title, body)
    return None


def released_sources(dist: Path) -> dict[str, frozenset[str]]:
    """Id of every record in the release at ``dist`` → the raw files (``provenance.source_file``,
    relative to ``raw/``) it was released from; empty when ``dist`` holds no release.

    Read from the Parquet files when pyarrow is installed, else from the release's JSONL copies
    (``dist/jsonl/*.jsonl``, which ``dtk check`` proves equal to them), so that validating needs
    no pyarrow.
    """
    from toolkit.extras import has_module

    found: dict[str, set[str]] = {}
    parquet = sorted((dist / "data").glob("*.parquet")) if (dist / "data").is_dir() else []
    if parquet and has_module("pyarrow"):
        import pyarrow.parquet as pq

        for path in parquet:
            names = pq.read_schema(path).names
            table = pq.read_table(path, columns=[n for n in ("id", "provenance") if n in names])
            ids = table.column("id").to_pylist()
            sources: list[object] = [None] * len(ids)
            if "provenance" in table.column_names:
                sources = [
                    (p or {}).get("source_file") for p in table.column("provenance").to_pylist()
                ]
            for rid, source in zip(ids, sources, strict=True):
                files = found.setdefault(str(rid), set())
                if isinstance(source, str):
                    files.add(source)
        return {rid: frozenset(files) for rid, files in found.items()}
    import orjson

    folder = dist / "jsonl"
    for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
        with path.open("rb") as handle:
            for line in handle:
                if not line.strip():
                    continue
                record = orjson.loads(line)
                provenance = record.get("provenance")
                source = provenance.get("source_file") if isinstance(provenance, dict) else None
                files = found.setdefault(str(record.get("id")), set())
                if isinstance(source, str):
                    files.add(source)
    return {rid: frozenset(files) for rid, files in found.items()}
