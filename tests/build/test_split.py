from __future__ import annotations

from collections import Counter

from toolkit.build.split import split_of
from toolkit.ids import content_id

RATIOS = {"train": 0.8, "validation": 0.1, "test": 0.1}


def test_split_depends_on_the_id_only_and_follows_ratios():
    ids = [content_id(f"title {i}", f"body {i}") for i in range(20_000)]
    first = [split_of(i, RATIOS) for i in ids]
    assert first == [split_of(i, RATIOS) for i in ids]
    shares = Counter(first)
    assert abs(shares["train"] / len(ids) - 0.8) < 0.02
    assert abs(shares["test"] / len(ids) - 0.1) < 0.02


def test_edges_of_the_hash_space():
    assert split_of("0000000000000000", RATIOS) == "train"
    assert split_of("ffffffffffffffff", RATIOS) == "test"
