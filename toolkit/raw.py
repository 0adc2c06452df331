"""The raw-file manifest ``raw/sources.jsonl``: one entry per capture, checked against
``schema/source.schema.json``, and each listed file checked on disk (inside ``raw/``, present,
SHA-256 as stated). The build reads raw files only through entries that passed here, and only
through :func:`open_raw`: one descriptor, opened without following a final symlink, checked to
be a regular file inside ``raw/`` and the same file (device and inode) the manifest check saw,
whose bytes are hashed as they are read, so what is extracted is what was hashed (issue 12).

The manifest check reads each file once (issue 14). For a JSONL file larger than
``RANGE_BYTES`` the same pass also cuts it into line-aligned byte ranges and hashes each range
(:class:`RangePlan`), which :func:`toolkit.validate.sources.load_manifest` hands to the build:
the build then plans its parallel ranges without reading the file again, and each range task
checks the bytes it reads against its range's SHA-256, so a file changed after the check is
still caught.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import stat
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from toolkit.issues import Issue

MANIFEST_NAME = "sources.jsonl"
#: JSONL sources larger than this are cut into byte ranges that the build processes in
#: parallel; the ranges depend on the file only.
RANGE_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class RangePlan:
    """The byte ranges of a large JSONL file, found and hashed by the manifest check's read.

    ``parts`` holds ``(start, end, lines before start, sha256 of the range)``, covering the
    file; ``size`` is the range size they were cut with."""

    size: int
    parts: tuple[tuple[int, int, int, str], ...]


@dataclass(frozen=True)
class SourceFields:
    """What ``sources.jsonl`` says about one raw file; the release manifest repeats it for every
    source it used (:class:`toolkit.release.folder.ReleaseSource`)."""

    path: str
    sha256: str
    format: str
    publisher: str
    url: str | None
    retrieved_at: str | None
    language: str
    license: str | None
    profile: str | None


@dataclass(frozen=True)
class SourceEntry(SourceFields):
    """One manifest entry whose file was found and verified, with its line in the manifest."""

    line: int
    #: ``(device, inode, size)`` of the file the manifest check opened, set by
    #: :func:`toolkit.validate.sources.load_manifest`; a later open must find the same file.
    identity: tuple[int, int, int] | None = None
    #: The byte ranges the manifest check hashed, for a JSONL file larger than ``RANGE_BYTES``.
    ranges: RangePlan | None = None

    @classmethod
    def from_record(cls, record: dict[str, Any], line: int) -> SourceEntry:
        return cls(
            path=record["path"],
            sha256=record["sha256"],
            format=record["format"],
            publisher=record["publisher"],
            url=record.get("url"),
            retrieved_at=record.get("retrieved_at"),
            language=record["language"],
            license=record.get("license"),
            profile=record.get("profile"),
            line=line,
        )


def safe_raw_path(raw_dir: Path, relative: str) -> Path | str:
    """The file ``relative`` names inside ``raw_dir``, or the reason it is refused."""
    if any(ord(c) < 32 or ord(c) == 127 for c in relative):
        return "the path holds control characters"
    candidate = Path(relative)
    if candidate.is_absolute() or relative.startswith(("/", "\\")):
        return "absolute paths are not allowed; give the path relative to raw/"
    if ".." in candidate.parts:
        return "the path climbs out of raw/ with '..'"
    full = raw_dir / candidate
    try:
        resolved = full.resolve()
        root = raw_dir.resolve()
    except OSError as exc:
        return f"the path cannot be resolved: {exc.strerror}"
    if not resolved.is_relative_to(root):
        return "the path (through a symlink) points outside raw/"
    return full


#: Largest raw file read whole into memory (large JSONL files are read in byte ranges).
MAX_RAW_BYTES = 1 << 30


class RawFileError(Exception):
    """A raw file cannot be opened safely; the message says why (internal: callers turn it into
    an issue)."""


@dataclass(frozen=True)
class RawFile:
    """A raw file opened once: its descriptor and what ``fstat`` said of it. Read it with
    :meth:`read`; never reopen its path."""

    fd: int
    path: str
    identity: tuple[int, int, int]

    def read(self, start: int = 0, end: int | None = None) -> bytes:
        """The bytes ``[start, end)`` of the opened file (to its end when ``end`` is None)."""
        stop = self.identity[2] if end is None else end
        parts, position = [], start
        while position < stop:
            chunk = os.pread(self.fd, min(1 << 22, stop - position), position)
            if not chunk:
                break
            parts.append(chunk)
            position += len(chunk)
        return b"".join(parts)

    def close(self) -> None:
        os.close(self.fd)

    def __enter__(self) -> RawFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _opened_path(fd: int) -> Path | None:
    """Where the kernel says descriptor ``fd`` points (Linux ``/proc``), or None elsewhere."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:
        return None


def open_raw(raw_dir: Path, relative: str, identity: tuple[int, int, int] | None = None) -> RawFile:
    """Open ``raw_dir/relative`` for reading, once and safely.

    The path is resolved (a symlink inside ``raw/`` is allowed), then opened with
    ``O_NOFOLLOW``; the opened descriptor must be a regular file, lie inside ``raw_dir`` (asked
    of the kernel, so a folder swapped for a symlink after the check is caught), and when
    ``identity`` is given, be that same device, inode and size.

    Raises:
        RawFileError: any of these fails; nothing of the file was read.
    """
    target = safe_raw_path(raw_dir, relative)
    if isinstance(target, str):
        raise RawFileError(target)
    try:
        root = raw_dir.resolve()
        resolved = target.resolve()
    except OSError as exc:
        raise RawFileError(f"the path cannot be resolved: {exc.strerror}") from exc
    if not resolved.is_relative_to(root):
        raise RawFileError("the path (through a symlink) points outside raw/")
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    try:
        fd = os.open(resolved, flags)
    except OSError as exc:
        raise RawFileError(f"cannot open the file: {exc.strerror}") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise RawFileError("not a regular file")
        opened = _opened_path(fd)
        if opened is not None and not opened.is_relative_to(root):
            raise RawFileError("the opened file lies outside raw/ (a path was swapped)")
        found = (info.st_dev, info.st_ino, info.st_size)
        if identity is not None and found[:2] != identity[:2]:
            raise RawFileError(
                "the file was replaced after the manifest check (another inode); build again"
            )
    except BaseException:
        os.close(fd)
        raise
    return RawFile(fd, relative, found)


def read_raw(raw_dir: Path, entry: SourceEntry, *, limit: int = MAX_RAW_BYTES) -> bytes | Issue:
    """The whole file of ``entry``, read once through :func:`open_raw` and checked against the
    manifest's SHA-256, or the issue saying why nothing of it may be used (``extract.unreadable``
    for a file that cannot be opened safely, ``extract.changed`` for one whose bytes are not the
    ones the manifest lists)."""
    try:
        with open_raw(raw_dir, entry.path, entry.identity) as raw:
            if raw.identity[2] > limit:
                return Issue(
                    entry.path,
                    1,
                    "",
                    "extract.unreadable",
                    f"the file is larger than {limit:,} bytes; split it",
                )
            data = raw.read()
    except RawFileError as exc:
        return Issue(entry.path, 1, "", "extract.unreadable", f"{entry.path!r}: {exc}")
    except OSError as exc:
        return Issue(
            entry.path, 1, "", "extract.unreadable", f"cannot read the file: {exc.strerror}"
        )
    return changed_issue(entry, hashlib.sha256(data).hexdigest(), entry.sha256) or data


def changed_issue(entry: SourceEntry, actual: str, expected: str) -> Issue | None:
    """The ``extract.changed`` issue when the bytes read hash to ``actual``, not ``expected``."""
    if actual == expected:
        return None
    return Issue(
        entry.path,
        1,
        "/sha256",
        "extract.changed",
        f"{entry.path!r} changed after the manifest check (the bytes read have SHA-256 "
        f"{actual}, the manifest says {expected}); nothing was extracted from it: check the "
        "file, update its entry and build again",
    )


def file_identity(raw_dir: Path, relative: str) -> tuple[int, int, int] | None:
    """``(device, inode, size)`` of the file an entry names, as :func:`open_raw` sees it."""
    try:
        with open_raw(raw_dir, relative) as raw:
            return raw.identity
    except (RawFileError, OSError):
        return None


def normalize_raw_path(relative: str) -> str:
    """One spelling of a path inside ``raw/``: ``./a.jsonl``, ``.//a.jsonl`` and ``a.jsonl`` are
    all ``a.jsonl`` (``..`` is refused before this matters)."""
    return posixpath.normpath(relative.replace("\\", "/"))


def check_entry(
    raw_dir: Path, record: dict[str, Any], *, file: str, line: int, seen: dict[Any, int]
) -> list[Issue]:
    """On-disk checks of one schema-valid manifest entry. ``seen`` maps each file already listed
    (by its normalised path and by its device and inode, so a hard link or a symlink inside
    ``raw/`` is the same file) to its line. A problem with this entry's file (missing, a name
    too long to open, unreadable) is an issue on this entry only."""
    relative = record["path"]

    def issue(pointer: str, rule: str, message: str) -> list[Issue]:
        return [Issue(file, line, pointer, rule, message)]

    spelling = ("path", normalize_raw_path(relative))
    if spelling in seen:
        return issue(
            "/path",
            "manifest.duplicate-path",
            f"{relative!r} names the same file as line {seen[spelling]}; list each file once",
        )
    seen[spelling] = line
    target = safe_raw_path(raw_dir, relative)
    if isinstance(target, str):
        return issue("/path", "manifest.unsafe-path", f"{relative!r}: {target}")
    try:
        exists = target.is_file()
    except OSError as exc:
        return issue(
            "/path",
            "manifest.unreadable-file",
            f"{relative!r} cannot be opened: {exc.strerror}; fix the path or the file",
        )
    if not exists:
        return issue(
            "/path",
            "manifest.missing-file",
            f"{relative!r} is not a file in {raw_dir}; add it or remove this entry",
        )
    found = _sha256_raw(raw_dir, relative, RANGE_BYTES if record["format"] == "jsonl" else None)
    if isinstance(found, Issue):
        return [replace(found, file=file, line=line, pointer="/path")]
    actual, identity = found
    if identity[:2] in seen:
        return issue(
            "/path",
            "manifest.duplicate-path",
            f"{relative!r} is the same file (a link) as the one listed on line "
            f"{seen[identity[:2]]}; list each file once",
        )
    seen[identity[:2]] = line
    if actual != record["sha256"]:
        return issue(
            "/sha256",
            "manifest.sha256",
            f"{relative!r} has SHA-256 {actual}, not {record['sha256']}: the file changed "
            "since it was listed; check it and update the entry",
        )
    return []


def unlisted_files(raw_dir: Path, listed: set[str], *, file: str) -> list[Issue]:
    """Warnings for files in ``raw_dir`` that no entry lists (they would be silently ignored)."""
    issues = []
    for path in sorted(p for p in raw_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(raw_dir).as_posix()
        if relative != MANIFEST_NAME and relative not in listed and not relative.startswith("."):
            issues.append(
                Issue(
                    file,
                    1,
                    "",
                    "manifest.unlisted-file",
                    f"{relative!r} is in raw/ but not in the manifest; it is not built",
                    severity="warning",
                )
            )
    return issues


@dataclass(frozen=True)
class _Checked:
    """What the manifest check read of one file: its identity, SHA-256 and, for a large JSONL
    file, its ranges."""

    identity: tuple[int, int, int]
    sha256: str
    ranges: RangePlan | None


#: The last check of each file, by (device, inode): ``load_manifest`` runs the manifest check
#: through ``validate_paths`` and takes the ranges from here, so the file is read once.
_CHECKED: dict[tuple[int, int], _Checked] = {}


def checked_ranges(
    identity: tuple[int, int, int] | None, sha256: str, size: int = 0
) -> RangePlan | None:
    """The ranges the manifest check hashed for the file of ``identity`` (device, inode and
    size), when that check read bytes hashing to ``sha256`` (the manifest's) and cut them at
    ``size`` (default ``RANGE_BYTES``); None otherwise (the build then plans its ranges by
    reading the file). A file rewritten in place since is caught by the ranges' hashes."""
    if identity is None:
        return None
    checked = _CHECKED.get(identity[:2])
    if checked is None or checked.identity != identity or checked.sha256 != sha256:
        return None
    plan = checked.ranges
    return plan if plan is not None and plan.size == (size or RANGE_BYTES) else None


def _hash_ranges(
    fd: int, bounds: list[tuple[int, int]], whole: Any, pool: ThreadPoolExecutor | None
) -> list[tuple[int, int, int, str]]:
    """Read ``bounds`` of ``fd`` once, updating ``whole`` and, given a ``pool``, hashing each
    range and counting its newlines on the side (``hashlib`` releases the GIL, so the two
    hashes run on two cores)."""
    parts: list[tuple[int, int, int, str]] = []
    lines = 0
    for start, end in bounds:
        part = hashlib.sha256()
        newlines, position = 0, start
        pending: Future[None] | None = None
        while position < end and (chunk := os.pread(fd, min(1 << 20, end - position), position)):
            if pool is not None:
                if pending is not None:
                    pending.result()  # a range's updates stay in order
                pending = pool.submit(part.update, chunk)
                newlines += chunk.count(b"\n")
            whole.update(chunk)
            position += len(chunk)
        if pending is not None:
            pending.result()
        parts.append((start, end, lines, part.hexdigest()))
        lines += newlines
    return parts


def _sha256_raw(
    raw_dir: Path, relative: str, range_bytes: int | None = None
) -> tuple[str, tuple[int, int, int]] | Issue:
    """SHA-256 and identity of the file, read through :func:`open_raw`, or the issue why not.

    With ``range_bytes``, a larger file is also cut into line-aligned ranges of about that size,
    each hashed in the same read, and the plan kept for :func:`checked_ranges`."""
    from toolkit.parallel import split_ranges

    digest = hashlib.sha256()
    plan = None
    try:
        with open_raw(raw_dir, relative) as raw:
            size = raw.identity[2]
            if range_bytes is not None and size > range_bytes:
                with ThreadPoolExecutor(1, thread_name_prefix="dtk-hash") as pool:
                    bounds = split_ranges(raw.fd, range_bytes)
                    plan = RangePlan(range_bytes, tuple(_hash_ranges(raw.fd, bounds, digest, pool)))
            else:
                _hash_ranges(raw.fd, [(0, size)], digest, None)
    except RawFileError as exc:
        return Issue("", 0, "", "manifest.unsafe-path", f"{relative!r}: {exc}")
    except OSError as exc:
        return Issue("", 0, "", "manifest.unreadable-file", f"{relative!r}: {exc.strerror}")
    sha256 = digest.hexdigest()
    _CHECKED[raw.identity[:2]] = _Checked(raw.identity, sha256, plan)
    return sha256, raw.identity
