"""Finding duplicates among the records of a build: exact (same content id) and near (MinHash
over the record's lead, with LSH to find candidates, via ``rensa``).

The lead (title plus the first words of the body) is what a teaser and the full article of the
same story share, so they land in one cluster; each cluster keeps its fullest record (longest
body, then first seen) and every other member is dropped with the id it duplicates. Memory per
record is a few hundred bytes (signature matrix and length array), never the text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from toolkit.ids import normalize_text

NUM_PERM = 64
NUM_BANDS = 16
LEAD_WORDS = 80
SHINGLE = 3
SEED = 1729


@dataclass(frozen=True)
class Duplicate:
    """A dropped record: its position in the build, the kept record's position, and why."""

    index: int
    kept: int
    kind: str  # "exact" or "near"
    similarity: float


def lead_shingles(title: str, body: str) -> list[str]:
    """Word 3-grams of the normalised title and first words of the body."""
    words = normalize_text(f"{title} {body}").split()[: LEAD_WORDS + len(title.split())]
    if len(words) < SHINGLE:
        return [" ".join(words)]
    return [" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]


class Deduplicator:
    """Feed records in build order with :meth:`add`; :meth:`resolve` says which to drop."""

    def __init__(self, threshold: float, *, near: bool = True) -> None:
        import rensa

        self._rensa = rensa
        self.threshold = threshold
        self.near = near and threshold < 1.0
        self._lsh = rensa.RMinHashLSH(threshold=threshold, num_perm=NUM_PERM, num_bands=NUM_BANDS)
        self._signatures = np.zeros((1024, NUM_PERM), dtype=np.uint32)
        self._lengths = np.zeros(1024, dtype=np.int64)
        self._first_by_id: dict[str, int] = {}
        self._parent: dict[int, int] = {}
        self._exact: dict[int, int] = {}
        self._similarity: dict[tuple[int, int], float] = {}
        self.count = 0

    def _grow(self, index: int) -> None:
        if index >= len(self._lengths):
            size = max(index + 1, len(self._lengths) * 2)
            self._lengths = np.resize(self._lengths, size)
            signatures = np.zeros((size, NUM_PERM), dtype=np.uint32)
            signatures[: len(self._signatures)] = self._signatures
            self._signatures = signatures

    def _find(self, i: int) -> int:
        while self._parent.get(i, i) != i:
            i = self._parent[i]
        return i

    def add(self, index: int, record_id: str, title: str, body: str) -> None:
        """Register record ``index`` (0, 1, 2, ... in build order)."""
        self._grow(index)
        self.count = max(self.count, index + 1)
        self._lengths[index] = len(body)
        first = self._first_by_id.setdefault(record_id, index)
        if first != index:
            self._exact[index] = first
            return
        if not self.near:
            return
        minhash = self._rensa.RMinHash(num_perm=NUM_PERM, seed=SEED)
        minhash.update(lead_shingles(title, body))
        signature = np.asarray(minhash.digest(), dtype=np.uint32)
        self._signatures[index] = signature
        for candidate in sorted(self._lsh.query(minhash)):
            similarity = float(np.mean(self._signatures[candidate] == signature))
            if similarity >= self.threshold:
                a, b = self._find(candidate), self._find(index)
                if a != b:
                    self._parent[max(a, b)] = min(a, b)
                self._similarity[(min(candidate, index), max(candidate, index))] = similarity
        self._lsh.insert(index, minhash)

    def resolve(self) -> dict[int, Duplicate]:
        """Every record to drop, by index. Exact copies point at the record their cluster keeps."""
        clusters: dict[int, list[int]] = {}
        for member in self._parent:
            clusters.setdefault(self._find(member), []).append(member)
        keep: dict[int, int] = {}
        for root, members in clusters.items():
            members = sorted({root, *members})
            best = max(members, key=lambda i: (int(self._lengths[i]), -i))
            for member in members:
                keep[member] = best
        drops: dict[int, Duplicate] = {}
        for member, best in keep.items():
            if member != best:
                pair = (min(member, best), max(member, best))
                similarity = self._similarity.get(pair) or float(
                    np.mean(self._signatures[member] == self._signatures[best])
                )
                drops[member] = Duplicate(member, best, "near", round(similarity, 4))
        for member, first in self._exact.items():
            drops[member] = Duplicate(member, keep.get(first, first), "exact", 1.0)
        return drops
