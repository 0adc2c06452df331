"""The raw-file manifest ``raw/sources.jsonl``: one entry per capture, checked against
``schema/source.schema.json``, and each listed file checked on disk (inside ``raw/``, present,
SHA-256 as stated). The build reads raw files only through entries that passed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.files import sha256_file
from toolkit.issues import Issue

MANIFEST_NAME = "sources.jsonl"


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


def check_entry(
    raw_dir: Path, record: dict[str, Any], *, file: str, line: int, seen: dict[str, int]
) -> list[Issue]:
    """On-disk checks of one schema-valid manifest entry."""
    relative = record["path"]
    if relative in seen:
        return [
            Issue(
                file,
                line,
                "/path",
                "manifest.duplicate-path",
                f"{relative!r} is already listed on line {seen[relative]}",
            )
        ]
    seen[relative] = line
    target = safe_raw_path(raw_dir, relative)
    if isinstance(target, str):
        return [Issue(file, line, "/path", "manifest.unsafe-path", f"{relative!r}: {target}")]
    if not target.is_file():
        return [
            Issue(
                file,
                line,
                "/path",
                "manifest.missing-file",
                f"{relative!r} is not a file in {raw_dir}; add it or remove this entry",
            )
        ]
    actual = sha256_file(target)
    if actual != record["sha256"]:
        return [
            Issue(
                file,
                line,
                "/sha256",
                "manifest.sha256",
                f"{relative!r} has SHA-256 {actual}, not {record['sha256']}: the file changed "
                "since it was listed; check it and update the entry",
            )
        ]
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
