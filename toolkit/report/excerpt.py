"""The raw lines a record or a reject came from, read from ``raw/`` by line span. Kept apart
from the chunk writer because it owns the raw side: paths are confined to ``raw/`` and checked
against the manifest's SHA-256 (a changed capture would show the wrong lines), bytes are
decoded without ever failing, and each excerpt is capped so one huge span cannot bloat a chunk.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import numpy as np

from toolkit.files import sha256_file
from toolkit.raw import safe_raw_path

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
    path: Path
    offsets: np.ndarray  # byte offset of each line start, plus the file size


def _index_lines(path: Path) -> np.ndarray:
    starts = [0]
    position = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            found = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 0x0A)
            starts.extend((found + position + 1).tolist())
            position += len(block)
    if starts[-1] != position:
        starts.append(position)
    return np.asarray(starts, dtype=np.int64)


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
            path = safe_raw_path(self.raw_dir, name)
            if isinstance(path, str):
                found = f"not read: {path}"
            elif not path.is_file():
                found = f"{name} is not in raw/"
            elif name in self.expected and sha256_file(path) != self.expected[name]:
                found = f"{name} in raw/ differs from the released capture (SHA-256)"
            else:
                found = _Indexed(path, _index_lines(path))
        self._open[name] = found
        if len(self._open) > OPEN_FILES:
            self._open.popitem(last=False)
        return found

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
        with found.path.open("rb") as handle:
            handle.seek(begin)
            data = handle.read(min(finish - begin, MAX_BYTES))
        text = data.decode("utf-8", "backslashreplace")
        lines = [line.rstrip("\r") for line in text.split("\n")]
        if lines and lines[-1] == "" and data.endswith(b"\n"):
            lines.pop()
        empty["lines"], empty["cut"] = lines, cut
        return empty
