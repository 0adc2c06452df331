"""The release folder as one typed model: :class:`ReleaseManifest` is ``manifest.json``.

This module is the only code that reads or writes ``manifest.json``. The build writes it
(:meth:`ReleaseManifest.write`), and the card, ``dtk check``, ``dtk diff``, the version policy and
the statistics read it (:meth:`ReleaseManifest.read`), so the shape of a release is written down
once and a damaged or foreign manifest fails in one place with one error type
(:class:`~toolkit.errors.ManifestError`) instead of a ``KeyError`` deep in the card.
:meth:`ReleaseManifest.verify` holds the folder against its manifest: checksums and sizes,
missing and unlisted files, and paths that would leave the folder (never opened).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

import orjson

from toolkit.config import DatasetConfig, config_from_dict
from toolkit.errors import ManifestError, UsageError
from toolkit.files import atomic_write_bytes, sha256_file
from toolkit.issues import Issue
from toolkit.raw import SourceFields

MANIFEST_FILE = "manifest.json"
#: Files the card writes after the manifest (so they cannot be listed in it); they are expected
#: in a release folder and are not "unlisted". ``images/`` holds the card's charts.
CARD_FILES = frozenset({MANIFEST_FILE, "README.md", "croissant.json", "CHANGES.md"})
CARD_FOLDERS = ("images/",)
#: The order people expect splits in; others follow by name.
SPLIT_ORDER = ("train", "validation", "test")

T = TypeVar("T")


# ---------------------------------------------------------------- shape checks


def _field(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    """``data[key]`` when it is a ``kind``; a ManifestError naming the field otherwise."""
    if key not in data:
        raise ManifestError(f"{where}: field {key!r} is missing")
    value = data[key]
    # bool is an int to Python, never a count to us
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _kinds(kind)):
        raise ManifestError(f"{where}: field {key!r} has the wrong type ({type(value).__name__})")
    return value


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ManifestError(f"{where}: expected an object, found {type(value).__name__}")
    return value


def _items(value: Any, where: str, parse: Callable[[dict[str, Any], str], T]) -> tuple[T, ...]:
    if not isinstance(value, list):
        raise ManifestError(f"{where}: expected a list, found {type(value).__name__}")
    return tuple(
        parse(_object(item, f"{where}[{i}]"), f"{where}[{i}]") for i, item in enumerate(value)
    )


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ManifestError(f"{where}: expected a list of strings")
    return tuple(value)


def unsafe_path(relative: str) -> str | None:
    """Why ``relative`` may not name a file of a release (absolute, ``..``, backslashes), or None.

    A manifest is input like any other: ``../x`` or ``/etc/passwd`` in it must never be opened.
    """
    posix = PurePosixPath(relative)
    if not relative or relative.startswith("/") or "\\" in relative or ":" in posix.parts[0]:
        return "is not a relative path inside the release"
    if any(part in ("..", ".") for part in posix.parts):
        return "leaves the release folder"
    if "\x00" in relative:
        return "holds a NUL character"
    return None


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class SchemaRef:
    """The schema the records were validated against, by name and content hash."""

    name: str
    sha256: str


@dataclass(frozen=True)
class ReleaseCounts:
    """Records per fate; extracted = released + rejected + deduplicated (the build checks it)."""

    extracted: int
    released: int
    rejected: int
    deduplicated: int
    skipped: int

    def to_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str) -> ReleaseCounts:
        return cls(**{k: _field(data, k, int, where) for k in _COUNT_KEYS})


_COUNT_KEYS = ("extracted", "released", "rejected", "deduplicated", "skipped")


@dataclass(frozen=True)
class ReleaseSplit:
    """One split: its row count and its files (Parquet shards, in order)."""

    num_examples: int
    files: tuple[str, ...]

    @property
    def parquet_files(self) -> list[str]:
        return [f for f in self.files if f.endswith(".parquet")]


@dataclass(frozen=True)
class ReleaseFile:
    """One file of the release with the checksum and size the build recorded."""

    path: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class ReleaseSource(SourceFields):
    """One raw file as the release used it: its ``sources.jsonl`` entry and its counters."""

    extractors: tuple[str, ...]
    extracted: int
    released: int
    rejected: int
    deduplicated: int
    skipped: int

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "extractors": list(self.extractors)}

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str) -> ReleaseSource:
        text = {k: _field(data, k, str, where) for k in ("path", "sha256", "format", "publisher")}
        text["language"] = _field(data, "language", str, where)
        optional = {
            k: _field(data, k, (str, type(None)), where)
            for k in ("url", "retrieved_at", "license", "profile")
        }
        counts = {k: _field(data, k, int, where) for k in _COUNT_KEYS}
        extractors = _strings(_field(data, "extractors", list, where), f"{where}.extractors")
        return cls(**text, **optional, **counts, extractors=extractors)


@dataclass(frozen=True)
class ReleaseManifest:
    """``manifest.json``: what a release holds and how it was made.

    ``write`` gives the same bytes the build has always written (keys sorted, two-space indent,
    one final newline), so a rebuild stays byte-identical.
    """

    name: str
    version: str
    toolkit_version: str
    built_at: str | None
    config: DatasetConfig
    schema: SchemaRef
    counts: ReleaseCounts
    splits: dict[str, ReleaseSplit]
    sources: tuple[ReleaseSource, ...]
    files: tuple[ReleaseFile, ...]

    # ------------------------------------------------------------ views

    def ordered_splits(self) -> dict[str, ReleaseSplit]:
        """The splits as people expect them (train, validation, test, then others by name),
        not the sorted key order ``manifest.json`` stores them in."""
        order = [n for n in SPLIT_ORDER if n in self.splits]
        order += sorted(n for n in self.splits if n not in order)
        return {name: self.splits[name] for name in order}

    @property
    def file_sizes(self) -> dict[str, int]:
        return {f.path: f.bytes for f in self.files}

    def split_paths(self, dist: Path) -> Iterator[tuple[str, list[Path]]]:
        """Each split's Parquet files under ``dist``, refusing any path that leaves it."""
        for name, split in self.splits.items():
            paths = []
            for relative in split.parquet_files:
                if (why := unsafe_path(relative)) is not None:
                    raise ManifestError(
                        f"{dist / MANIFEST_FILE}: split {name!r}: {relative!r} {why}"
                    )
                paths.append(dist / relative)
            yield name, paths

    # ------------------------------------------------------------ JSON

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "toolkit_version": self.toolkit_version,
            "built_at": self.built_at,
            "config": self.config.to_dict(),
            "schema": {"name": self.schema.name, "sha256": self.schema.sha256},
            "counts": self.counts.to_dict(),
            "splits": {
                name: {"num_examples": s.num_examples, "files": list(s.files)}
                for name, s in self.splits.items()
            },
            "sources": [s.to_dict() for s in self.sources],
            "files": [asdict(f) for f in self.files],
        }

    def to_bytes(self) -> bytes:
        return (
            orjson.dumps(self.to_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
        )

    def write(self, stage: Path) -> None:
        """Write ``stage/manifest.json`` atomically."""
        atomic_write_bytes(stage / MANIFEST_FILE, self.to_bytes())

    @classmethod
    def from_dict(cls, data: Any, where: str = MANIFEST_FILE) -> ReleaseManifest:
        """The model of a decoded ``manifest.json``; ManifestError for any other shape."""
        data = _object(data, where)
        config_data = _object(_field(data, "config", dict, where), f"{where}: config")
        try:
            config = config_from_dict(config_data, origin=f"{where}: config")
        except (UsageError, TypeError) as exc:
            raise ManifestError(str(exc)) from exc
        schema = _field(data, "schema", dict, where)
        splits = {}
        for name, split in _field(data, "splits", dict, where).items():
            at = f"{where}: splits.{name}"
            split = _object(split, at)
            splits[str(name)] = ReleaseSplit(
                _field(split, "num_examples", int, at),
                _strings(_field(split, "files", list, at), f"{at}.files"),
            )
        return cls(
            name=_field(data, "name", str, where),
            version=_field(data, "version", str, where),
            toolkit_version=_field(data, "toolkit_version", str, where),
            built_at=_field(data, "built_at", (str, type(None)), where),
            config=config,
            schema=SchemaRef(
                _field(schema, "name", str, f"{where}: schema"),
                _field(schema, "sha256", str, f"{where}: schema"),
            ),
            counts=ReleaseCounts.from_dict(_field(data, "counts", dict, where), f"{where}: counts"),
            splits=splits,
            sources=_items(
                _field(data, "sources", list, where), f"{where}: sources", ReleaseSource.from_dict
            ),
            files=_items(
                _field(data, "files", list, where),
                f"{where}: files",
                lambda f, at: ReleaseFile(
                    _field(f, "path", str, at),
                    _field(f, "sha256", str, at),
                    _field(f, "bytes", int, at),
                ),
            ),
        )

    @classmethod
    def read(cls, dist: Path) -> ReleaseManifest:
        """The manifest of the release folder ``dist``.

        Raises:
            ManifestError: there is no ``manifest.json``, it is not JSON, or not a manifest
                (missing fields, wrong types); the message says which.
        """
        path = Path(dist) / MANIFEST_FILE
        try:
            data = orjson.loads(path.read_bytes())
        except FileNotFoundError as exc:
            raise ManifestError(
                f"cannot read {path}: {dist} is not a release (it has no {MANIFEST_FILE}); "
                "build the release first with dtk build"
            ) from exc
        except (OSError, orjson.JSONDecodeError) as exc:
            raise ManifestError(
                f"cannot read {path}: {exc}; build the release first with dtk build"
            ) from exc
        return cls.from_dict(data, str(path))

    # ------------------------------------------------------------ the folder

    def verify(self, dist: Path) -> list[Issue]:
        """Every file of ``dist`` against this manifest: missing, changed (SHA-256 or size) and
        unlisted files, and listed paths that leave the folder (reported, never opened)."""
        issues: list[Issue] = []
        listed: dict[str, ReleaseFile] = {}
        for entry in self.files:
            if (why := unsafe_path(entry.path)) is not None:
                issues.append(
                    Issue(
                        MANIFEST_FILE, 1, "/files", "release.unsafe-path", f"{entry.path!r} {why}"
                    )
                )
            else:
                listed[entry.path] = entry
        for name, split in self.splits.items():
            for relative in split.files:
                if (why := unsafe_path(relative)) is not None:
                    issues.append(
                        Issue(
                            MANIFEST_FILE,
                            1,
                            f"/splits/{name}/files",
                            "release.unsafe-path",
                            f"{relative!r} {why}",
                        )
                    )
        root = Path(dist).resolve()
        for relative, entry in sorted(listed.items()):
            path = dist / relative
            if not path.resolve().is_relative_to(root):  # a symlink out of the release
                issues.append(
                    Issue(relative, 1, "", "release.unsafe-path", "leaves the release folder")
                )
            elif not path.is_file():
                issues.append(
                    Issue(
                        relative,
                        1,
                        "",
                        "release.missing-file",
                        "listed in manifest.json but missing",
                    )
                )
            elif path.stat().st_size != entry.bytes or sha256_file(path) != entry.sha256:
                issues.append(
                    Issue(
                        relative,
                        1,
                        "",
                        "release.checksum",
                        "SHA-256 or size differs from manifest.json: the file was changed "
                        "after the build; rebuild with dtk build",
                    )
                )
        for path in sorted(p for p in Path(dist).rglob("*") if p.is_file() or p.is_symlink()):
            relative = path.relative_to(dist).as_posix()
            if relative in listed or relative in CARD_FILES or relative.startswith(CARD_FOLDERS):
                continue
            issues.append(
                Issue(
                    relative, 1, "", "release.unlisted-file", "file is not listed in manifest.json"
                )
            )
        return issues
