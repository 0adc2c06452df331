"""The dedup stage both engines run (``distributed.shard_duplicates``): band keys by shard, pairs
by partition, signatures of paired records only, and exactly the drops and stories of
``dedup.find_duplicates`` and ``dedup.story_clusters`` over every signature in memory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from toolkit.build import distributed
from toolkit.build.dedup import NUM_PERM, find_duplicates, story_clusters
from toolkit.build.shards import ShardResult, SourceCounts


def _near_copies(rng: np.random.Generator, bases: np.ndarray, story: np.ndarray) -> np.ndarray:
    """The signature of each record's ``story`` base with 0 to 16 of its values changed: pairs
    that share some bands and not others, and agree anywhere from half to fully."""
    rows = bases[story].copy()
    for row in rows:
        changed = rng.choice(NUM_PERM, int(rng.integers(0, 17)), replace=False)
        row[changed] = rng.integers(0, 2**32, len(changed), dtype=np.uint32)
    return rows


def _corpus(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``ids``, ``lengths``, lead and body signatures, and whether each record was released:
    many near duplicates, bodies that join a few stories, exact copies (the same id and
    signatures) and ties in length."""
    rng = np.random.default_rng(seed)
    count, stories = 600, 120
    story = rng.integers(0, stories, count)
    leads = _near_copies(rng, rng.integers(0, 2**32, (stories, NUM_PERM), np.uint32), story)
    story[rng.random(count) < 0.05] = rng.integers(0, stories)
    bodies = _near_copies(rng, rng.integers(0, 2**32, (stories, NUM_PERM), np.uint32), story)
    ids = np.array([f"{i:016x}".encode() for i in rng.permutation(count)], "S16")
    lengths = rng.integers(60, 200, count)
    for copy in rng.choice(np.arange(1, count), 60, replace=False).tolist():
        original = int(rng.integers(0, copy))
        ids[copy], leads[copy], bodies[copy] = ids[original], leads[original], bodies[original]
    return ids, lengths, leads, bodies, rng.random(count) < 0.2


def _shards(tmp_path: Path, ids, lengths, leads, bodies, sizes: list[int]) -> list[ShardResult]:
    """Facts files as pass one writes them, one a shard of ``sizes`` rows (empty ones too)."""
    results, start = [], 0
    for index, rows in enumerate(sizes):
        part = slice(start, start + rows)
        facts = tmp_path / f"facts-{index:05d}.npz"
        np.savez(
            facts,
            ids=ids[part],
            lengths=lengths[part],
            signatures=leads[part],
            bodies=bodies[part],
            split_codes=np.zeros(rows, np.int8),
        )
        results.append(
            ShardResult(index, 0, SourceCounts(), tmp_path / "spill", tmp_path / "rej", facts, rows)
        )
        start += rows
    return results


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("threshold", [0.7, 0.9, 1.0])
@pytest.mark.parametrize("with_release", [False, True])
def test_the_drops_and_stories_of_every_signature_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, threshold: float, with_release: bool
) -> None:
    monkeypatch.setattr(distributed, "PARTITION_KEYS", 1500)  # several partitions
    ids, lengths, leads, bodies, released = _corpus(seed)
    results = _shards(tmp_path, ids, lengths, leads, bodies, [250, 0, 100, 1, 249])
    released_or_none = released if with_release else None

    def in_process(fn, tasks):
        return map(fn, tasks)

    drops, groups = distributed.shard_duplicates(
        results, ids, lengths, threshold, released_or_none, tmp_path, in_process
    )
    expected = find_duplicates(ids, lengths, leads, threshold, released_or_none)
    assert drops == expected
    assert groups == story_clusters(leads, bodies)
    kinds = {d.kind for d in drops.values()}
    assert "exact" in kinds
    assert ("near" in kinds) == (threshold < 1.0)
    if with_release and threshold == 0.7:
        assert "replaced" in kinds
    assert len(groups) > 10
    assert not list(tmp_path.glob("bands-*"))  # the band files are gone once paired
