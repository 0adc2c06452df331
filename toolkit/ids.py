"""Content ids and the ids already released. A record's id is derived from its normalised title
and body only, so the same story captured twice, from any file, gets the same id; and this module
alone knows how to read the ids of the release in ``dist/``, so validation and the build never
import each other.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

#: Normalised texts remembered: a build normalises each title and body for its id, then needs
#: them again for its MinHash shingles with up to one reader batch (4,096 records, two texts
#: each) in between.
NORMALIZE_CACHE = 8192


#: ASCII letters lowered and ASCII whitespace (as ``str.split`` sees it) made a space, in one
#: ``bytes.translate``; the bytes of other characters (all >= 0x80 in UTF-8) are untouched.
_ASCII_FOLD = bytes.maketrans(
    bytes(range(0x41, 0x5B)) + b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f",
    bytes(range(0x61, 0x7B)) + b" " * 9,
)
_ASCII = bytes(range(0x80))
#: Runs of spaces, collapsed in one pass (a loop of ``bytes.replace`` scanned a text 3 times).
_SPACES = re.compile(b"  +")
#: Above this many distinct characters that casefold changes, ``str.casefold`` is faster.
_MAX_FOLDED = 24


@lru_cache(maxsize=4096)
def _folded_char(char: str) -> str:
    """One character case-folded, whitespace made a space (cached: a text repeats the same few
    accented letters and punctuation, record after record)."""
    return "".join(" " if c.isspace() else c for c in char.casefold())


def normalized_bytes(text: str) -> bytes:
    """UTF-8 of :func:`normalize_text`, computed mostly on bytes.

    ``str.casefold`` and ``str.split`` cost most of the normalisation of a long, mostly-ASCII
    text (issue 14). Casefolding is per character (no context), so it is applied as one
    ``bytes.translate`` for ASCII and one ``bytes.replace`` per distinct non-ASCII character it
    changes; every whitespace character becomes a space, and runs of spaces are collapsed with
    ``bytes.replace``. ``tests/test_ids.py`` checks it against the reference on any text.
    """
    if text.isascii():
        data = text.encode("ascii").translate(_ASCII_FOLD)
    else:
        data = unicodedata.normalize("NFKC", text).encode("utf-8", "surrogatepass")
        data = data.translate(_ASCII_FOLD)
        others = set(data.translate(None, _ASCII).decode("utf-8", "surrogatepass"))
        changes = [(c, f) for c in others if (f := _folded_char(c)) != c]
        if len(changes) > _MAX_FOLDED:
            return _reference(text).encode("utf-8", "surrogatepass")
        for char, folded in changes:
            data = data.replace(char.encode("utf-8", "surrogatepass"), folded.encode("utf-8"))
    return _SPACES.sub(b" ", data).strip(b" ")


def _reference(text: str) -> str:
    if text.isascii():  # NFKC changes nothing and casefold is lower() on ASCII: skip the work
        return " ".join(text.lower().split())
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@lru_cache(maxsize=NORMALIZE_CACHE)
def normalize_text(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed: differences a reader would not call a change."""
    return normalized_bytes(text).decode("utf-8", "surrogatepass")


@lru_cache(maxsize=NORMALIZE_CACHE)
def normalized_utf8(text: str) -> bytes:
    """:func:`normalized_bytes`, remembered: the content id computes it for a record's title
    and body, and the build's MinHash shingles of the same record take it from here instead of
    normalising the body again (issue 14)."""
    return normalized_bytes(text)


def forget_texts() -> None:
    """Empty the normalisation caches: they hold a reader batch's texts (about 35 MB of bodies
    and their normalised bytes), which a build no longer needs once a task is done (issue 14)."""
    normalize_text.cache_clear()
    normalized_utf8.cache_clear()


def content_id(title: str, body: str) -> str:
    """16 lowercase hex digits of SHA-256 over the normalised title and body."""
    key = normalized_utf8(title) + b"\n" + normalized_utf8(body)
    return hashlib.sha256(key).hexdigest()[:16]


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
