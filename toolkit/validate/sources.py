"""``load_manifest``: the entries of ``raw/sources.jsonl`` that passed validation, for the stages
that read raw files (extract, build)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from toolkit.raw import MANIFEST_NAME, SourceEntry, checked_ranges, file_identity


def load_manifest(raw_dir: Path) -> list[SourceEntry]:
    """The verified entries of ``raw_dir/sources.jsonl``, in file order, each with the identity
    (device, inode, size) of the file it names, so a file swapped after this check is refused
    when it is opened for extraction, and, for a large JSONL file, the byte ranges the check
    hashed while it read the file (so the build does not read it again to plan them).

    Raises:
        InputError: the manifest is missing.
        ReleaseError: an entry is invalid (every problem is listed, one per line).
    """
    from toolkit.errors import InputError, ReleaseError
    from toolkit.readers.jsonl import JsonlReader
    from toolkit.validate.paths import validate_paths

    path = raw_dir / MANIFEST_NAME
    if not path.is_file():
        raise InputError(f"{path} does not exist: list each raw file there (see CONTRIBUTING.md)")
    report = validate_paths([path], schema="source")
    if not report.valid:
        from toolkit.validate.reporters import issue_listing

        raise ReleaseError(
            f"the manifest has errors; run `dtk validate {path}`:\n{issue_listing(report.errors)}"
        )
    entries: list[SourceEntry] = []
    for batch in JsonlReader(path).batches():
        entries += [SourceEntry.from_record(r.value, r.line) for r in batch.records]
    verified = []
    for entry in entries:
        identity = file_identity(raw_dir, entry.path)
        ranges = checked_ranges(identity, entry.sha256) if entry.format == "jsonl" else None
        verified.append(replace(entry, identity=identity, ranges=ranges))
    return verified
