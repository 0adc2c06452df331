"""What changed between two releases: records added, removed and changed, records that moved
split, schema changes, and counts per split and publisher. Kept apart from the build because a
maintainer runs it on any two release folders (``dtk diff``), the build runs it to enforce the
version bump (:mod:`toolkit.release.versioning`), and :mod:`toolkit.release.changes` renders it
(the card's "Changes since X.Y.Z" among others). This module renders nothing, so the version
policy can read a diff without an import cycle.

Both releases are streamed from their Parquet shards in batches; what is kept per record is its
id, split, publisher, provenance key and one short digest per field, so memory grows with the
number of ids, never with the text. Ids are content hashes of title and body, so an edited title
or body shows up as one id removed and another added: such pairs are matched by provenance
(``source_file`` and ``span``) and reported as one changed record.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from toolkit.errors import InputError, ManifestError
from toolkit.release.folder import MANIFEST_FILE, ReleaseManifest
from toolkit.release.versioning import change_levels, check_version_bump, highest_level

BATCH_ROWS = 2048
_DIGEST_BYTES = 8
PROVENANCE = "provenance"


@dataclass(frozen=True)
class RecordRef:
    """One record as the diff lists it: enough to find it in the release and the raw file."""

    id: str
    split: str
    publisher: str
    source_file: str | None
    start_line: int | None


@dataclass(frozen=True)
class RecordChange:
    """A record present in both releases with other field values.

    ``matched_by`` is ``"id"`` (same content id) or ``"provenance"`` (title or body edited, so
    the id changed; paired by ``source_file`` and ``span``). ``fields`` names the changed data
    fields; ``provenance`` the changed provenance fields (``provenance.source_sha256``, ...).
    """

    old_id: str
    new_id: str
    old_split: str
    new_split: str
    publisher: str
    source_file: str | None
    start_line: int | None
    matched_by: str
    fields: list[str]
    provenance: list[str]


@dataclass(frozen=True)
class SplitMove:
    """A record (same id) released in another split than before."""

    id: str
    old_split: str
    new_split: str


@dataclass(frozen=True)
class SchemaChange:
    """A column (dotted path for struct members) ``added``, ``removed`` or ``retyped``."""

    field: str
    change: str
    old_type: str | None
    new_type: str | None


@dataclass
class ReleaseDiff:
    """The differences between an ``old`` and a ``new`` release.

    ``changed`` holds records whose data fields differ; records whose only differences are in
    ``provenance`` (a new toolkit or extractor version, a re-hashed raw file, shifted line spans)
    are counted in ``provenance_only`` (and per field in ``provenance_fields``), not listed.
    """

    old: str
    new: str
    old_version: str | None
    new_version: str | None
    added: list[RecordRef] = field(default_factory=list)
    removed: list[RecordRef] = field(default_factory=list)
    changed: list[RecordChange] = field(default_factory=list)
    moved: list[SplitMove] = field(default_factory=list)
    schema: list[SchemaChange] = field(default_factory=list)
    provenance_only: int = 0
    provenance_fields: dict[str, int] = field(default_factory=dict)
    splits: dict[str, dict[str, int]] = field(default_factory=dict)
    publishers: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def records_changed(self) -> bool:
        """Whether any record was added, removed, changed or moved."""
        return bool(self.added or self.removed or self.changed or self.moved)

    @property
    def identical(self) -> bool:
        """No record, schema or provenance difference at all."""
        return not (self.records_changed or self.schema or self.provenance_only)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``dtk diff --format json``."""
        levels = change_levels(self)
        return {
            "old": {"path": self.old, "version": self.old_version},
            "new": {"path": self.new, "version": self.new_version},
            "summary": {
                "added": len(self.added),
                "removed": len(self.removed),
                "changed": len(self.changed),
                "moved": len(self.moved),
                "schema": len(self.schema),
                "provenance_only": self.provenance_only,
            },
            "required_bump": highest_level(levels),
            "bump_reasons": [{"level": level, "reason": reason} for level, reason in levels],
            "added": [asdict(r) for r in self.added],
            "removed": [asdict(r) for r in self.removed],
            "changed": [asdict(c) for c in self.changed],
            "moved": [asdict(m) for m in self.moved],
            "schema": [asdict(s) for s in self.schema],
            "provenance_fields": dict(self.provenance_fields),
            "splits": self.splits,
            "publishers": self.publishers,
        }


@dataclass
class _Row:
    split: str
    publisher: str
    source_file: str | None
    span: tuple[Any, ...] | None
    digests: bytes


@dataclass
class _Release:
    path: Path
    version: str | None
    schema: pa.Schema | None
    fields: list[str]
    rows: dict[str, _Row]
    split_names: list[str]


def _digest(value: Any) -> bytes:
    data = orjson.dumps(value, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.blake2b(data, digest_size=_DIGEST_BYTES).digest()


def _flat_fields(schema: pa.Schema) -> list[str]:
    """Top-level columns, struct columns split into their members (one level, as
    ``Table.flatten`` does), so a change names ``provenance.span`` rather than ``provenance``."""
    names: list[str] = []
    for f in schema:
        if pa.types.is_struct(f.type):
            names += [f"{f.name}.{child.name}" for child in f.type]
        else:
            names.append(f.name)
    return names


def _iter_rows(path: Path) -> Iterator[dict[str, Any]]:
    parquet = pq.ParquetFile(path)
    try:
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
            yield from pa.Table.from_batches([batch]).flatten().to_pylist()
    finally:
        parquet.close()


def read_release(path: Path) -> _Release:
    """Stream one release into per-record digests.

    Raises:
        InputError: ``path`` is not a release (no readable manifest.json), or a file its
            manifest lists is missing.
    """
    try:
        manifest = ReleaseManifest.read(path)
        files = dict(manifest.split_paths(path))
    except ManifestError as exc:  # for dtk diff, a folder that is not a release is bad input
        raise InputError(str(exc)) from exc
    shards = [p for paths in files.values() for p in paths]
    for shard in shards:
        if not shard.is_file():
            raise InputError(
                f"{path}: {shard.relative_to(path)} is listed in manifest.json "
                "but missing; rebuild the release or run dtk check"
            )
    schema = pq.read_schema(shards[0]) if shards else None
    names = _flat_fields(schema) if schema is not None else []
    interned: dict[str, str] = {}
    rows: dict[str, _Row] = {}
    for split, paths in files.items():
        for shard in paths:
            for record in _iter_rows(shard):
                source = record.get(f"{PROVENANCE}.source_file")
                span = record.get(f"{PROVENANCE}.span")
                publisher = str(record.get("publisher"))
                rows[str(record["id"])] = _Row(
                    split=split,
                    publisher=interned.setdefault(publisher, publisher),
                    source_file=interned.setdefault(source, source) if source else None,
                    span=tuple(span.values()) if isinstance(span, dict) else None,
                    digests=b"".join(_digest(record.get(n)) for n in names),
                )
    return _Release(path, manifest.version, schema, names, rows, list(files))


def _type_name(t: pa.DataType) -> str:
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return f"list<{_type_name(t.value_type)}>"
    if pa.types.is_struct(t):
        return "struct<" + ", ".join(f"{c.name}: {_type_name(c.type)}" for c in t) + ">"
    return str(t)


def _schema_changes(
    old: list[pa.Field], new: list[pa.Field], prefix: str = ""
) -> list[SchemaChange]:
    before, after = {f.name: f.type for f in old}, {f.name: f.type for f in new}
    changes: list[SchemaChange] = []
    for name in [*before, *(n for n in after if n not in before)]:
        path = prefix + name
        a, b = before.get(name), after.get(name)
        if a is not None and b is None:
            changes.append(SchemaChange(path, "removed", _type_name(a), None))
        elif a is None and b is not None:
            changes.append(SchemaChange(path, "added", None, _type_name(b)))
        elif a is None or b is None:
            continue
        elif pa.types.is_struct(a) and pa.types.is_struct(b):
            changes += _schema_changes(list(a), list(b), path + ".")
        elif _type_name(a) != _type_name(b):
            changes.append(SchemaChange(path, "retyped", _type_name(a), _type_name(b)))
    return changes


def _ref(record_id: str, row: _Row) -> RecordRef:
    return RecordRef(
        record_id, row.split, row.publisher, row.source_file, row.span[0] if row.span else None
    )


def _changed_fields(old: _Release, new: _Release, a: _Row, b: _Row) -> tuple[list[str], list[str]]:
    """Names of the data and provenance fields (present in both schemas) whose values differ."""
    new_index = {name: i for i, name in enumerate(new.fields)}
    data: list[str] = []
    provenance: list[str] = []
    for i, name in enumerate(old.fields):
        j = new_index.get(name)
        if j is None or name == "id":
            continue
        before = a.digests[i * _DIGEST_BYTES : (i + 1) * _DIGEST_BYTES]
        after = b.digests[j * _DIGEST_BYTES : (j + 1) * _DIGEST_BYTES]
        if before != after:
            (provenance if name.startswith(PROVENANCE + ".") else data).append(name)
    return data, provenance


def _unique_keys(
    ids: set[str], rows: dict[str, _Row], key: Callable[[_Row], Any]
) -> dict[Any, str]:
    """``key -> id`` for the keys that exactly one of ``ids`` has."""
    keyed = {i: key(rows[i]) for i in ids}
    seen: Counter[Any] = Counter(keyed.values())
    return {k: i for i, k in keyed.items() if k is not None and seen[k] == 1}


def _match_by_provenance(
    old: _Release, new: _Release, removed: set[str], added: set[str]
) -> list[tuple[str, str]]:
    """Pair removed and added ids that came from the same place in the same raw file: first by
    the exact span, then (for edits that changed the line count) by the first line."""
    pairs: list[tuple[str, str]] = []
    keys: list[Callable[[_Row], Any]] = [
        lambda r: (r.source_file, r.span) if r.source_file and r.span else None,
        lambda r: (r.source_file, r.span[0]) if r.source_file and r.span else None,
    ]
    for key in keys:
        before = _unique_keys(removed, old.rows, key)
        after = _unique_keys(added, new.rows, key)
        for k in sorted(before.keys() & after.keys(), key=repr):
            pairs.append((before[k], after[k]))
            removed.discard(before[k])
            added.discard(after[k])
    return pairs


def _counts(old: _Release, new: _Release, attr: str) -> dict[str, dict[str, int]]:
    a = Counter(getattr(r, attr) for r in old.rows.values())
    b = Counter(getattr(r, attr) for r in new.rows.values())
    names = list(
        dict.fromkeys(
            [
                *(old.split_names if attr == "split" else []),
                *(new.split_names if attr == "split" else []),
                *sorted(a.keys() | b.keys()),
            ]
        )
    )
    return {name: {"old": a[name], "new": b[name], "change": b[name] - a[name]} for name in names}


def diff_releases(old: Path, new: Path) -> ReleaseDiff:
    """Compare the release folders ``old`` and ``new`` (each with ``manifest.json`` and
    ``data/*.parquet``, as ``dtk build`` writes them).

    Lists are sorted by id, so the same two releases always give the same diff.

    Raises:
        InputError: a folder is not a readable release.
    """
    a, b = read_release(Path(old)), read_release(Path(new))
    diff = ReleaseDiff(str(old), str(new), a.version, b.version)
    removed, added = set(a.rows) - set(b.rows), set(b.rows) - set(a.rows)
    provenance_fields: Counter[str] = Counter()
    for record_id in sorted(a.rows.keys() & b.rows.keys()):
        before, after = a.rows[record_id], b.rows[record_id]
        if before.split != after.split:
            diff.moved.append(SplitMove(record_id, before.split, after.split))
        if before.digests == after.digests and a.fields == b.fields:
            continue
        data, prov = _changed_fields(a, b, before, after)
        if data:
            diff.changed.append(
                RecordChange(
                    record_id,
                    record_id,
                    before.split,
                    after.split,
                    after.publisher,
                    after.source_file,
                    after.span[0] if after.span else None,
                    "id",
                    data,
                    prov,
                )
            )
        elif prov:
            diff.provenance_only += 1
            provenance_fields.update(prov)
    for old_id, new_id in _match_by_provenance(a, b, removed, added):
        before, after = a.rows[old_id], b.rows[new_id]
        data, prov = _changed_fields(a, b, before, after)
        diff.changed.append(
            RecordChange(
                old_id,
                new_id,
                before.split,
                after.split,
                after.publisher,
                after.source_file,
                after.span[0] if after.span else None,
                "provenance",
                data,
                prov,
            )
        )
    diff.changed.sort(key=lambda c: (c.old_id, c.new_id))
    diff.added = [_ref(i, b.rows[i]) for i in sorted(added)]
    diff.removed = [_ref(i, a.rows[i]) for i in sorted(removed)]
    diff.provenance_fields = dict(sorted(provenance_fields.items()))
    if a.schema is not None and b.schema is not None:
        diff.schema = _schema_changes(list(a.schema), list(b.schema))
    diff.splits = _counts(a, b, "split")
    diff.publishers = _counts(a, b, "publisher")
    return diff


def enforce_version_bump(previous: Path, staged: Path) -> None:
    """Refuse to publish ``staged`` over ``previous`` under a version too small for the change.

    Does nothing when ``previous`` holds no release (no ``manifest.json``). Same data under the
    same version passes, so rebuilding an unchanged release always works.

    Raises:
        VersionBumpError: the staged version is too small for the change or goes backwards.
        InputError: ``previous`` has a manifest but cannot be read as a release.
    """
    if not (previous / MANIFEST_FILE).is_file():
        return
    try:
        ReleaseManifest.read(previous)
        ReleaseManifest.read(staged)
    except ManifestError:
        return  # a release made before versions were recorded: nothing to compare against
    check_version_bump(diff_releases(previous, staged))
