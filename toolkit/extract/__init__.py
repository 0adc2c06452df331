"""Raw captures in, released records out. ``EXTRACTORS`` maps a manifest format to its extractor;
:func:`prepare_context` gathers corpus-level evidence once per build; :func:`extract_source`
extracts one manifest entry and :func:`extract_file` one file outside a build (``dtk extract``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from toolkit.extract.base import Candidate, Extractor, Item, build_record
from toolkit.extract.context import ExtractContext, prepare_context
from toolkit.extract.html import HtmlExtractor
from toolkit.extract.jsonl import JsonlExtractor
from toolkit.extract.text import TextExtractor
from toolkit.extract.warc import WarcExtractor
from toolkit.files import sha256_file
from toolkit.issues import Issue
from toolkit.raw import MANIFEST_NAME, SourceEntry, read_raw, safe_raw_path

EXTRACTORS: dict[str, type[Extractor]] = {
    "text": TextExtractor,
    "html": HtmlExtractor,
    "warc": WarcExtractor,
    "jsonl": JsonlExtractor,
}

#: File suffixes and the format they imply when ``dtk extract`` is given no ``--format``.
SUFFIX_FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".warc": "warc",
    ".gz": "warc",
    ".arc": "warc",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


def extract_source(raw_dir: Path, entry: SourceEntry, context: ExtractContext) -> Iterator[Item]:
    """Records and issues of one manifest entry's file, in file order. Never raises for bad
    input: a file that is missing, outside ``raw_dir``, unreadable, or whose bytes no longer
    hash to the manifest's SHA-256 is one issue. The file is opened and read once
    (:func:`toolkit.raw.read_raw`): the bytes hashed are the bytes extracted."""
    target = safe_raw_path(raw_dir, entry.path)
    if isinstance(target, str):
        yield Issue(entry.path, 1, "", "extract.unreadable", f"{entry.path!r}: {target}")
        return
    extractor = EXTRACTORS.get(entry.format)
    if extractor is None:
        yield Issue(
            entry.path,
            1,
            "",
            "extract.unreadable",
            f"no extractor for format {entry.format!r}; use one of {', '.join(sorted(EXTRACTORS))}",
        )
        return
    data = read_raw(raw_dir, entry)
    if isinstance(data, Issue):
        yield data
        return
    yield from extractor(context).extract(data, entry)


def _manifest_entries(directory: Path) -> list[SourceEntry]:
    manifest = directory / MANIFEST_NAME
    if not manifest.is_file():
        return []
    from toolkit.validate.sources import load_manifest

    return load_manifest(directory)


def extract_file(
    path: Path,
    *,
    fmt: str | None = None,
    publisher: str | None = None,
    language: str | None = None,
    profile: str | None = None,
) -> Iterator[Item]:
    """Records and issues of one file outside a build. When a ``sources.jsonl`` beside the file
    lists it, that entry is used (options given here override its fields) and the other text
    files it lists count as corpus evidence.

    Raises:
        InputError: the file does not exist.
        UsageError: the format cannot be told from the name, or no publisher is known.
    """
    from dataclasses import replace

    from toolkit.errors import InputError, UsageError

    if not path.is_file():
        raise InputError(f"{path} is not a file")
    directory = path.parent
    entries = _manifest_entries(directory)
    entry = next((e for e in entries if (directory / e.path).resolve() == path.resolve()), None)
    if entry is None:
        suffix = path.suffix.lower()
        fmt = fmt or SUFFIX_FORMATS.get(suffix)
        if fmt is None:
            raise UsageError(
                f"cannot tell the format of {path.name}; pass --format "
                f"({'|'.join(sorted(EXTRACTORS))})"
            )
        if not publisher:
            raise UsageError(
                f"{path.name} is not listed in a {MANIFEST_NAME} beside it; pass --publisher NAME"
            )
        entry = SourceEntry(
            path=path.name,
            sha256=sha256_file(path),
            format=fmt,
            publisher=publisher,
            url=None,
            retrieved_at=None,
            language=language or "und",
            license=None,
            profile=profile,
            line=1,
        )
        entries = [*entries, entry]
    else:
        entry = replace(
            entry,
            format=fmt or entry.format,
            publisher=publisher or entry.publisher,
            language=language or entry.language,
            profile=profile or entry.profile,
        )
    if entry.format not in EXTRACTORS:
        raise UsageError(
            f"unknown format {entry.format!r}; use one of {', '.join(sorted(EXTRACTORS))}"
        )
    context = prepare_context(directory, entries)
    yield from extract_source(directory, entry, context)


__all__ = [
    "EXTRACTORS",
    "Candidate",
    "ExtractContext",
    "Extractor",
    "Item",
    "build_record",
    "extract_file",
    "extract_source",
    "prepare_context",
]
