"""The raw lines a record or a reject came from, read from ``raw/`` by line span. Kept apart
from the chunk writer because it owns the raw side: each file is opened once through
:func:`toolkit.raw.open_raw` (confined to ``raw/``, never a symlink out, a regular file), and the
descriptor that was hashed against the manifest's SHA-256 (a changed capture would show the
wrong lines) is the one the lines are read from; bytes are decoded without ever failing, and
each excerpt is capped so one huge span cannot bloat a chunk.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import numpy as np

from toolkit.raw import RawFile, RawFileError, open_raw

#: Most lines and bytes kept in one excerpt; longer ones are cut and marked.
MAX_LINES = 400
MAX_BYTES = 64 * 1024
#: Line indexes kept open at once (one int64 per line of each file).
OPEN_FILES = 4


class Excerpt(TypedDict):
    """Lines ``start``.. of ``file`` (1-based), or why they are not shown."""

    file: str
    start: int
    lines: list[str]
    cut: bool
    missing: str | None


@dataclass
class _Indexed:
    raw: RawFile  # the descriptor hashed and indexed; excerpts are read from it, not the path
    offsets: np.ndarray  # byte offset of each line start, plus the file size


def _hash_and_index(raw: RawFile) -> tuple[str, np.ndarray]:
    """The SHA-256 of the opened file and the offsets of its lines, in one pass over it."""
    digest = hashlib.sha256()
    starts = [0]
    position, size = 0, raw.identity[2]
    while position < size and (block := raw.read(position, min(size, position + (1 << 20)))):
        digest.update(block)
        found = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 0x0A)
        starts.extend((found + position + 1).tolist())
        position += len(block)
    if starts[-1] != position:
        starts.append(position)
    return digest.hexdigest(), np.asarray(starts, dtype=np.int64)


class RawExcerpts:
    """Reads line spans of raw captures listed in a release manifest.

    Args:
        raw_dir: the ``raw/`` folder, or None when it is not available (every excerpt then
            says so).
        sha256_by_path: the manifest's SHA-256 of each source file; a file whose bytes differ
            is not excerpted.
    """

    def __init__(self, raw_dir: Path | None, sha256_by_path: dict[str, str]) -> None:
        self.raw_dir = raw_dir
        self.expected = sha256_by_path
        self._open: OrderedDict[str, _Indexed | str] = OrderedDict()

    def _file(self, name: str) -> _Indexed | str:
        if name in self._open:
            self._open.move_to_end(name)
            return self._open[name]
        found: _Indexed | str
        if self.raw_dir is None or not self.raw_dir.is_dir():
            found = "raw/ is not available"
        else:
            try:
                raw = open_raw(self.raw_dir, name)
            except RawFileError as exc:
                missing = not (self.raw_dir / name).exists() and ".." not in Path(name).parts
                found = f"{name} is not in raw/" if missing else f"not read: {exc}"
            else:
                digest, offsets = _hash_and_index(raw)
                if name in self.expected and digest != self.expected[name]:
                    raw.close()
                    found = f"{name} in raw/ differs from the released capture (SHA-256)"
                else:
                    found = _Indexed(raw, offsets)
        self._open[name] = found
        if len(self._open) > OPEN_FILES:
            _, dropped = self._open.popitem(last=False)
            if isinstance(dropped, _Indexed):
                dropped.raw.close()
        return found

    def close(self) -> None:
        """Close the raw files still open."""
        while self._open:
            _, dropped = self._open.popitem()
            if isinstance(dropped, _Indexed):
                dropped.raw.close()

    def __enter__(self) -> RawExcerpts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lines(self, name: str | None, start: int | None, end: int | None) -> Excerpt:
        """Lines ``start``..``end`` (inclusive, 1-based) of raw file ``name``, decoded as UTF-8
        with undecodable bytes shown as ``\\xNN``."""
        empty = Excerpt(file=name or "", start=start or 0, lines=[], cut=False, missing=None)
        if not name or not isinstance(start, int) or start < 1:
            empty["missing"] = "no line span recorded"
            return empty
        found = self._file(name)
        if isinstance(found, str):
            empty["missing"] = found
            return empty
        last = end if isinstance(end, int) and end >= start else start
        count = len(found.offsets) - 1
        if start > count:
            empty["missing"] = f"{name} has only {count} lines"
            return empty
        stop = min(last, count, start + MAX_LINES - 1)
        begin, finish = int(found.offsets[start - 1]), int(found.offsets[stop])
        cut = stop < last or finish - begin > MAX_BYTES
        data = found.raw.read(begin, begin + min(finish - begin, MAX_BYTES))
        text = data.decode("utf-8", "backslashreplace")
        lines = [line.rstrip("\r") for line in text.split("\n")]
        if lines and lines[-1] == "" and data.endswith(b"\n"):
            lines.pop()
        empty["lines"], empty["cut"] = lines, cut
        return empty
