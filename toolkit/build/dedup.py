"""Finding duplicates among the records of a build: exact (same content id) and near (MinHash
of the record's lead, LSH banding to find candidates, signatures to confirm).

The lead (title plus the first words of the body) is what a teaser and the full article of the
same story share, so they land in one cluster; each cluster keeps its fullest record (longest
body, then first in build order) and every other member is dropped with the id it duplicates.
Signatures are computed with ``rensa`` where the records are (in the workers); the banding is
vectorised over fixed-size NumPy arrays, and the result does not depend on the order in which
workers finished. :func:`find_duplicates` and :func:`story_clusters` state the decision over
every signature in memory; a build reaches the same one band by band, from files
(``distributed.shard_duplicates``), holding the signatures of paired records alone.

Two rules tie a build to the release it replaces (issue 12, class 10):

- A record of the previous release is never displaced by an equivalent newcomer: in a cluster
  that holds released records, they are kept and the newcomers dropped as their duplicates,
  unless a newcomer is substantially fuller (``REPLACE_RATIO`` times the body of the fullest
  released member, the full article for a teaser); then it is kept and the released records
  are dropped with kind ``"replaced"``, so the replacement is listed and versioned.
- Records of one story never straddle splits: :func:`story_clusters` groups the records whose
  leads or whole bodies agree at ``STORY_THRESHOLD`` (lower than the dedup threshold; the body
  signature finds the article that only gained a prefix), and the build gives every member of
  a group one split.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from toolkit.ids import normalize_text, normalized_utf8

NUM_PERM = 32
ROWS_PER_BAND = 4
LEAD_WORDS = 80
SHINGLE = 3
SEED = 1729
#: Signature agreement (of the lead or of the whole body) at which two records tell the same
#: story and must share a split, though dedup kept both.
STORY_THRESHOLD = 0.5
#: A newcomer replaces a released near-duplicate only when its body is this much longer.
REPLACE_RATIO = 1.5


@dataclass(frozen=True)
class Duplicate:
    """A dropped record: its position in the build, the kept record's position, and why."""

    index: int
    kept: int
    kind: str  # "exact", "near", or "replaced" (a released record a fuller newcomer replaced)
    similarity: float


def _shingles(words: list[str]) -> list[str]:
    if len(words) < SHINGLE:
        return [" ".join(words)]
    return list(map(" ".join, zip(words, words[1:], words[2:], strict=False)))


def _byte_shingles(words: list[bytes]) -> list[bytes]:
    if len(words) < SHINGLE:
        return [b" ".join(words)]
    return list(map(b" ".join, zip(words, words[1:], words[2:], strict=False)))


def lead_shingles(title: str, body: str) -> list[str]:
    """Word 3-grams of the normalised title and the first ``LEAD_WORDS`` words of the
    normalised body."""
    words = normalize_text(title).split()
    words += normalize_text(body).split(" ", LEAD_WORDS)[:LEAD_WORDS]
    return _shingles(words)


def body_shingles(body: str) -> list[str]:
    """Word 3-grams of the whole normalised body: what an article and the same article with a
    prefix (a standfirst, a dateline, a paywall notice) share, though their leads differ."""
    return _shingles(normalize_text(body).split())


def record_shingles(title: str, body: str) -> tuple[list[bytes], list[bytes]]:
    """``lead_shingles(title, body)`` and ``body_shingles(body)`` as UTF-8, what the build signs
    for every record (``rensa`` hashes a text token as its UTF-8, so the signatures are the same).

    The normalised texts are the ones the record's content id left in ``ids.normalized_utf8``'s
    cache; the body is split once, on bytes (every whitespace character became an ASCII space
    in the normalisation), and the lead's 3-grams that lie inside the body are the body's own.
    """
    words = normalized_utf8(body).split()
    texts = _byte_shingles(words)
    head = normalized_utf8(title).split()
    if len(words) < SHINGLE:  # an empty body still adds one empty word to the lead
        return _byte_shingles(head + (words or [b""])), texts
    # With a title, the lead's 3-grams that start in it span at most two body words.
    lead = _byte_shingles(head + words[:2]) if head else []
    return lead + texts[: LEAD_WORDS - SHINGLE + 1], texts


def _signature(shingles: list[str]) -> np.ndarray:
    import rensa

    minhash = rensa.RMinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.update(shingles)
    return np.asarray(minhash.digest(), dtype=np.uint32)


def lead_signature(title: str, body: str) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` uint32) of a record's lead."""
    return _signature(lead_shingles(title, body))


def body_signature(body: str) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` uint32) of a record's whole body."""
    return _signature(body_shingles(body))


def lead_signatures(shingle_sets: list[list[str]] | list[list[bytes]]) -> np.ndarray:
    """The signatures of many leads (``lead_shingles`` of each, or its UTF-8) at once, shape
    ``(len(shingle_sets), NUM_PERM)``: ``rensa``'s batched digest, equal row for row to
    :func:`lead_signature` without one Python MinHash object per record."""
    if not shingle_sets:
        return np.zeros((0, NUM_PERM), np.uint32)
    import rensa

    matrix = rensa.RMinHash.digest_matrix_from_token_sets(
        shingle_sets, num_perm=NUM_PERM, seed=SEED
    )
    return np.asarray(matrix.to_rows(), dtype=np.uint32).reshape(len(shingle_sets), NUM_PERM)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, i: int) -> int:
        root = i
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(i, i) != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
            self.parent.setdefault(min(ra, rb), min(ra, rb))


def band_key(signatures: np.ndarray, rows: np.ndarray, band: int) -> np.ndarray:
    """One uint64 key per record for one band: the band's rows mixed together. One band at a
    time, so the working memory is a few bytes per record, not the whole signature widened."""
    key = np.zeros(len(rows), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in range(band * ROWS_PER_BAND, (band + 1) * ROWS_PER_BAND):
            key = key * np.uint64(0x100000001B3) ^ signatures[rows, column].astype(np.uint64)
    return key


#: LSH bands of a signature.
BANDS = NUM_PERM // ROWS_PER_BAND


def band_pairs(keys: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Pairs ``(a, b)``, ``a < b``, of ``rows`` (ascending) that are neighbours among the rows
    sharing one band key, shape ``(m, 2)``. Only neighbours, as the union-find needs no more;
    the pairs depend on the keys and rows only, so a partition of the keys gives the same."""
    order = np.argsort(keys, kind="stable")
    same = np.flatnonzero(keys[order][1:] == keys[order][:-1])
    first, second = rows[order[same]], rows[order[same + 1]]
    return np.stack([np.minimum(first, second), np.maximum(first, second)], axis=1)


def pair_scores(signatures: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Signature agreement of each pair of rows of ``signatures``."""
    if not len(pairs):
        return np.zeros(0)
    return np.mean(signatures[pairs[:, 0]] == signatures[pairs[:, 1]], axis=1)


def _candidates(signatures: np.ndarray, rows: np.ndarray) -> dict[tuple[int, int], float]:
    """Pairs of ``rows`` that share a band (LSH), with their signature agreement."""
    similarity: dict[tuple[int, int], float] = {}
    if len(rows) < 2:
        return similarity
    for band in range(BANDS):
        for a, b in band_pairs(band_key(signatures, rows, band), rows).tolist():
            if (a, b) not in similarity:
                similarity[a, b] = float(np.mean(signatures[a] == signatures[b]))
    return similarity


def _keeper(group: list[int], lengths: np.ndarray, released: np.ndarray | None) -> tuple[int, bool]:
    """The member of a near-duplicate cluster to keep, and whether it replaces released ones.

    Without released members, the fullest record (longest body, then first in build order).
    With them, the fullest released member, unless a newcomer's body is ``REPLACE_RATIO``
    times longer."""

    def fullest(members: list[int]) -> int:
        return max(members, key=lambda i: (int(lengths[i]), -i))

    best = fullest(group)
    if released is None:
        return best, False
    olds = [i for i in group if released[i]]
    if not olds:
        return best, False
    old = fullest(olds)
    news = [i for i in group if not released[i]]
    if news:
        new = fullest(news)
        if int(lengths[new]) >= REPLACE_RATIO * int(lengths[old]):
            return new, True
    return old, False


def find_duplicates(
    ids: np.ndarray,
    lengths: np.ndarray,
    signatures: np.ndarray,
    threshold: float,
    released: np.ndarray | None = None,
) -> dict[int, Duplicate]:
    """Every record to drop, by build index.

    Args:
        ids: content ids (``S16``), one per record in build order.
        lengths: body lengths; the longest record of a cluster is kept.
        signatures: ``lead_signature`` of each record, shape ``(n, NUM_PERM)``.
        threshold: signature agreement at or above which two leads are near-duplicates;
            1.0 keeps only exact deduplication.
        released: per record, whether its id is in the previous release; a released record is
            kept against an equivalent newcomer, and only a substantially fuller one
            (``REPLACE_RATIO``) replaces it (kind ``"replaced"``).
    """
    if len(ids) == 0:
        return {}
    first_of, unique = exact_copies(ids)
    similarity: dict[tuple[int, int], float] = {}
    if threshold < 1.0 and len(unique) > 1:
        similarity = _candidates(signatures, unique)

    def score(a: int, b: int) -> float:
        return float(np.mean(signatures[a] == signatures[b]))

    return resolve_duplicates(first_of, similarity, threshold, lengths, score, released)


def exact_copies(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each record, the build index of the first record with its id; and those first
    records' indices, ascending (the records near-duplicate detection compares)."""
    n = len(ids)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    first_of = np.empty(n, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
    run_first = order[starts]
    first_of[order] = np.repeat(run_first, np.diff(np.r_[starts, n]))
    return first_of, np.sort(run_first)


def resolve_duplicates(
    first_of: np.ndarray,
    similarity: dict[tuple[int, int], float],
    threshold: float,
    lengths: np.ndarray,
    score: Callable[[int, int], float],
    released: np.ndarray | None = None,
) -> dict[int, Duplicate]:
    """The drops of :func:`find_duplicates`, from the exact copies (:func:`exact_copies`) and
    the scored candidate pairs of the first copies; ``score`` gives the agreement of two
    members of a cluster that were not a candidate pair. Kept apart so a distributed build,
    which finds the pairs in its workers, decides exactly as a local one."""
    n = len(first_of)
    drops: dict[int, Duplicate] = {}
    clusters = _UnionFind()
    for (a, b), value in similarity.items():
        if value >= threshold:
            clusters.union(a, b)
    members: dict[int, list[int]] = {}
    for i in list(clusters.parent):
        members.setdefault(clusters.find(i), []).append(i)
    keep: dict[int, int] = {}
    for group in members.values():
        best, replaces = _keeper(group, lengths, released)
        for i in group:
            if released is not None and released[i] and not replaces:
                keep[i] = i  # a released record stays, even when a newcomer bridges two
                continue
            keep[i] = best
            if i != best:
                pair = (min(i, best), max(i, best))
                agreement = similarity.get(pair)
                if agreement is None:
                    agreement = score(i, best)
                kind = "replaced" if replaces and released is not None and released[i] else "near"
                drops[i] = Duplicate(i, best, kind, round(agreement, 4))
    for copy in np.flatnonzero(first_of != np.arange(n)).tolist():
        first = int(first_of[copy])
        drops[copy] = Duplicate(copy, keep.get(first, first), "exact", 1.0)
    return dict(sorted(drops.items()))


def story_clusters(
    lead_signatures: np.ndarray, body_signatures: np.ndarray, threshold: float = STORY_THRESHOLD
) -> list[list[int]]:
    """Groups (of two or more build indices, each sorted) of records that tell one story: their
    leads or their whole bodies agree at ``threshold`` or more. Exact copies share every band,
    so they land in one group too. A record in no group is its own story."""
    rows = np.arange(len(lead_signatures))
    pairs: list[tuple[int, int]] = []
    for signatures in (lead_signatures, body_signatures):
        pairs += [
            pair for pair, score in _candidates(signatures, rows).items() if score >= threshold
        ]
    return group_pairs(pairs)


def group_pairs(pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """The connected groups of ``pairs`` (each sorted, the groups sorted)."""
    clusters = _UnionFind()
    for a, b in pairs:
        clusters.union(a, b)
    members: dict[int, list[int]] = {}
    for i in list(clusters.parent):
        members.setdefault(clusters.find(i), []).append(i)
    return sorted(sorted(g) for g in members.values() if len(g) > 1)
