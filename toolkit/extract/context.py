"""Corpus-level evidence gathered before any page is extracted: for each normalised line, in how
many text captures of the same publisher it appears. A line that most of a publisher's pages
repeat (a slogan, a newsletter prompt, a menu) is site chrome, whatever the site; one page alone
cannot tell. Kept apart from the extractors because it is computed once over the whole manifest.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.ids import normalize_text

if TYPE_CHECKING:
    from toolkit.raw import SourceEntry

#: Lines longer than this are article prose, never chrome worth counting across pages.
MAX_COUNTED_CHARS = 300
#: At most this many distinct lines are counted; past it, lines seen in one file are forgotten
#: (lossy counting), so memory stays bounded however large the corpus.
MAX_ENTRIES = 500_000
#: A line is corpus chrome when at least this many of the publisher's files hold it ...
MIN_FILES = 3
#: ... and at least this share of them (a teaser repeated on three listings is not chrome).
MIN_SHARE = 0.5


def line_key(publisher: str, line: str) -> bytes:
    """A short digest of a publisher and a normalised line: what the counter stores."""
    text = publisher + "\0" + normalize_text(line)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()


@dataclass
class ExtractContext:
    """Evidence shared by all extractions of one build. ``files_by_publisher`` counts the text
    captures counted per publisher; ``line_files`` maps :func:`line_key` to a file count."""

    line_files: dict[bytes, int] = field(default_factory=dict)
    files_by_publisher: dict[str, int] = field(default_factory=dict)

    def files_with(self, publisher: str, line: str) -> int:
        """In how many of ``publisher``'s text captures ``line`` (normalised) appears."""
        return self.line_files.get(line_key(publisher, line), 0)

    def is_corpus_chrome(self, publisher: str, line: str) -> bool:
        """Whether ``line`` repeats across enough of the publisher's pages to be chrome."""
        if len(line) > MAX_COUNTED_CHARS:
            return False
        count = self.files_with(publisher, line)
        total = self.files_by_publisher.get(publisher, 0)
        return count >= MIN_FILES and count >= MIN_SHARE * total

    def add_file(self, publisher: str, lines: set[bytes]) -> None:
        """Count one file's distinct line keys."""
        self.files_by_publisher[publisher] = self.files_by_publisher.get(publisher, 0) + 1
        for key in sorted(lines):
            self.line_files[key] = self.line_files.get(key, 0) + 1
        if len(self.line_files) > MAX_ENTRIES:
            self.line_files = {k: v for k, v in self.line_files.items() if v > 1}


def prepare_context(raw_dir: Path, entries: list[SourceEntry]) -> ExtractContext:
    """Count the lines of every ``text`` entry's file. Files that cannot be read safely, or whose
    bytes differ from the manifest's SHA-256, are skipped here: their extraction reports them."""
    from toolkit.extract.base import MAX_PAGE_BYTES
    from toolkit.raw import read_raw

    context = ExtractContext()
    for entry in entries:
        if entry.format != "text":
            continue
        data = read_raw(raw_dir, entry, limit=MAX_PAGE_BYTES)
        if not isinstance(data, bytes):
            continue
        keys: set[bytes] = set()
        with io.BytesIO(data) as handle:
            # readline with a limit: a binary file without newlines is read in pieces.
            for raw in iter(lambda: handle.readline(1 << 16), b""):
                line = raw.decode("utf-8", "replace").strip()
                if line and len(line) <= MAX_COUNTED_CHARS:
                    keys.add(line_key(entry.publisher, line))
        context.add_file(entry.publisher, keys)
    return context
