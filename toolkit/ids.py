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


def released_ids(dist: Path) -> set[str]:
    """Ids of every record in the release at ``dist`` (empty when there is none yet)."""
    import pyarrow.parquet as pq

    ids: set[str] = set()
    for path in sorted((dist / "data").glob("*.parquet")) if dist.is_dir() else []:
        table = pq.read_table(path, columns=["id"])
        ids.update(table.column("id").to_pylist())
    return ids
