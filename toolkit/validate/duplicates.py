"""Duplicate records in two levels: a cheap 64-bit key for every record, the exact content id
only for the few records whose key is shared.

The content id (``ids.content_id``: NFKC, casefold and whitespace collapsing of title and body,
then SHA-256) is what releases, splits and ``record.duplicate`` are defined by, and it is most of
the cost of validating a record. Two records can only share it when their normalised titles are
equal, so each record keeps ``xxh3_64`` of its title with the normalisation's whitespace removed
(a function of the normalised title, so equal titles always share it), its line and its byte
offset: 24 bytes. After the parts are merged, only records whose key occurs twice or matches a
released title get their exact id, re-read from the file at their offset, and the issues are
those of :func:`toolkit.validate.paths._duplicate_issues` on the exact ids (the same messages,
in the same order). No numpy: the candidates are a handful.
"""

from __future__ import annotations

import unicodedata
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import xxhash

from toolkit.ids import record_id
from toolkit.issues import Issue
from toolkit.readers.jsonl import BOM

_hash = xxhash.xxh3_64_intdigest


def title_key(title: str) -> int:
    """The cheap key: equal for any two titles whose ``normalize_text`` forms are equal."""
    folded = title.lower() if title.isascii() else unicodedata.normalize("NFKC", title).casefold()
    return _hash("".join(folded.split()).encode("utf-8", "surrogatepass"))


@dataclass
class KeyColumns:
    """Per record with a content id: the cheap key, the line and the byte offset where the line
    starts (``-1`` when the reader cannot say; the exact id is then kept in ``exact``)."""

    keys: array[int] = field(default_factory=lambda: array("Q"))
    lines: array[int] = field(default_factory=lambda: array("q"))
    offsets: array[int] = field(default_factory=lambda: array("q"))
    exact: dict[int, int] = field(default_factory=dict)

    def add(self, value: dict[str, Any], line: int, offset: int | None) -> None:
        """Keep ``value``'s key when it has a content id (string title and body)."""
        title, body = value.get("title"), value.get("body")
        if not (isinstance(title, str) and isinstance(body, str)):
            return
        if offset is None:
            rid = record_id(value)
            assert rid is not None
            self.exact[len(self.keys)] = int(rid, 16)
            offset = -1
        self.keys.append(title_key(title))
        self.lines.append(line)
        self.offsets.append(offset)

    def shifted(self, by: int) -> KeyColumns:
        """The same columns with lines moved ``by`` (a part's place in its file)."""
        if not by:
            return self
        lines = array("q", (line + by for line in self.lines))
        return KeyColumns(self.keys, lines, self.offsets, self.exact)


@dataclass(frozen=True)
class _Candidate:
    position: int
    file: int
    line: int
    rid: int


def _read_id(handle: Any, offset: int) -> int | None:
    handle.seek(offset)
    raw = handle.readline().rstrip(b"\n")
    if offset == 0 and raw.startswith(BOM):
        raw = raw[len(BOM) :]
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:  # the file changed since it was read
        return None
    rid = record_id(value) if isinstance(value, dict) else None
    return None if rid is None else int(rid, 16)


def released_title_keys(dist: Path) -> set[int] | None:
    """Cheap keys of the titles released in ``dist`` (None when its Parquet has no title)."""
    import pyarrow.parquet as pq

    keys: set[int] = set()
    for path in sorted((dist / "data").glob("*.parquet")) if dist.is_dir() else []:
        if "title" not in pq.read_schema(path).names:
            return None
        for title in pq.read_table(path, columns=["title"]).column("title").to_pylist():
            keys.add(title_key(title if isinstance(title, str) else ""))
    return keys


def duplicate_issues(
    displays: list[str],
    paths: list[Path],
    columns: list[tuple[int, KeyColumns]],
    existing: set[str],
    released_keys: set[int] | None,
) -> dict[int, list[Issue]]:
    """``record.exists`` and ``record.duplicate`` issues by file index.

    Args:
        displays, paths: per file index, its name in issues and where to re-read it.
        columns: ``(file index, columns)`` per part, in input order, lines already file lines.
        existing: the released content ids; ``released_keys`` their titles' keys (None: unknown,
            so every record is checked).
    """
    ordered = sorted(k for _, c in columns for k in c.keys)
    shared = {a for a, b in zip(ordered, ordered[1:], strict=False) if a == b}
    del ordered
    wanted: list[tuple[int, int, int, int, int]] = []  # position, file, line, offset, exact id
    position = 0
    for file, part in columns:
        for index, key in enumerate(part.keys):
            if key in shared or (existing and (released_keys is None or key in released_keys)):
                rid = part.exact.get(index, -1)
                wanted.append((position, file, part.lines[index], part.offsets[index], rid))
            position += 1
    exact: dict[int, int | None] = {}
    for file in sorted({w[1] for w in wanted if w[4] == -1}):
        with paths[file].open("rb") as handle:
            for item in sorted((w for w in wanted if w[1] == file and w[4] == -1), key=_at):
                exact[item[0]] = _read_id(handle, item[3])
    candidates = []
    for pos, file, line, _, rid in wanted:
        known = rid if rid != -1 else exact[pos]
        if known is not None:
            candidates.append(_Candidate(pos, file, line, known))
    return _issues(displays, candidates, existing)


def _at(item: tuple[int, int, int, int, int]) -> int:
    return item[3]


def _issues(
    displays: list[str], candidates: list[_Candidate], existing: set[str]
) -> dict[int, list[Issue]]:
    found: list[tuple[int, int, Issue]] = []
    first: dict[int, _Candidate] = {}
    for item in candidates:
        rid = f"{item.rid:016x}"
        if rid in existing:
            message = f"a record with the same title and body (id {rid}) is already released"
            issue = Issue(displays[item.file], item.line, "", "record.exists", message)
            found.append((item.file, item.position, issue))
            continue
        original = first.setdefault(item.rid, item)
        if original is item:
            continue
        where = (
            f"line {original.line}"
            if displays[original.file] == displays[item.file]
            else f"{displays[original.file]}:{original.line}"
        )
        message = f"same title and body as {where} (id {rid}); remove one of them"
        issue = Issue(displays[item.file], item.line, "", "record.duplicate", message)
        found.append((item.file, item.position, issue))
    out: dict[int, list[Issue]] = {}
    for file, _, issue in sorted(found, key=lambda entry: entry[1]):
        out.setdefault(file, []).append(issue)
    return out
