from __future__ import annotations

import numpy as np

from toolkit.build.dedup import find_duplicates, lead_signature
from toolkit.ids import content_id

ARTICLE = " ".join(
    f"Paragraph {i} about the mobilization of reservists in region {i}." for i in range(60)
)
TEASER = " ".join(ARTICLE.split()[:90])
OTHER = " ".join(
    f"Unrelated story {i} on grain exports through the Black Sea ports." for i in range(40)
)


def dedup(records: list[tuple[str, str]], threshold: float = 0.7):
    ids = np.array([content_id(t, b).encode() for t, b in records], dtype="S16")
    lengths = np.array([len(b) for _, b in records])
    signatures = np.stack([lead_signature(t, b) for t, b in records])
    return find_duplicates(ids, lengths, signatures, threshold)


def test_teaser_and_full_article_keep_the_fuller_one():
    drops = dedup(
        [("Men flee the draft", TEASER), ("Unrelated", OTHER), ("Men flee the draft", ARTICLE)]
    )
    assert set(drops) == {0}
    assert drops[0].kept == 2
    assert drops[0].kind == "near"
    assert drops[0].similarity >= 0.7


def test_exact_copies_point_at_the_record_kept():
    drops = dedup(
        [
            ("Men flee the draft", TEASER),
            ("men  flee the DRAFT", TEASER),
            ("Men flee the draft", ARTICLE),
        ]
    )
    assert drops[1].kind == "exact"
    assert drops[1].kept == 2  # the cluster's fullest record, not the first copy
    assert drops[0].kept == 2


def test_threshold_one_turns_near_dedup_off():
    assert dedup([("Men flee the draft", TEASER), ("Men flee the draft", ARTICLE)], 1.0) == {}


def test_unrelated_records_are_kept():
    assert dedup([("A", ARTICLE), ("B", OTHER)]) == {}


def test_result_does_not_depend_on_input_order_of_unrelated_records():
    base = [("A", ARTICLE), ("B", OTHER), ("A", TEASER)]
    assert {d.kind for d in dedup(base).values()} == {"near"}
