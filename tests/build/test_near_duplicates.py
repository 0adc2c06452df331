"""Near-duplicates and splits (issue 12, class 10 "Consistency"): records of one story never
straddle splits, and an equivalent newcomer never displaces a released record; only a
substantially fuller one replaces it, as a listed, versioned replacement."""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
from pathlib import Path

import numpy as np
import orjson
import pytest

from tests.helpers import LISTING, RAW
from tests.helpers.project import Project
from tests.helpers.records import short_submission
from tests.helpers.releases import split_of_ids
from tests.helpers.sources import add_jsonl_source
from toolkit.build.dedup import body_signature, find_duplicates, lead_signature, story_clusters
from toolkit.build.release import build_release
from toolkit.build.split import split_of
from toolkit.config import DatasetConfig
from toolkit.ids import content_id
from toolkit.release.diff import diff_releases

SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "po", "gu", "de", "fa", "bi"]


def _words(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(n)]


def _duplicates(out: Path) -> list[dict[str, object]]:
    return [orjson.loads(x) for x in (out / "duplicates.jsonl").read_bytes().splitlines()]


def _build(raw: Path, out: Path, version: str) -> None:
    build_release(
        raw,
        out,
        config=DatasetConfig(name="test", version=version),
        card_path=out.parent / "CARD.md",
        workers=1,
    )


# ---------------------------------------------------------------- one story, one split


def test_an_article_and_the_same_article_with_a_prefix_share_a_split(project: Project) -> None:
    rng = random.Random(12)
    records, pairs = [], []
    for n in range(40):
        body = " ".join(_words(rng, 600))
        prefixed = " ".join(_words(rng, 60)) + " " + body
        title = f"Story {n}: " + " ".join(_words(rng, 6))
        records += [short_submission(title, body), short_submission(title, prefixed)]
        pairs.append((content_id(title, body), content_id(title, prefixed)))
    project.add_jsonl("stories.jsonl", records)
    project.build()
    released = split_of_ids(project.out)
    dropped = {d["id"] for d in _duplicates(project.out)}
    straddle = [
        (a, b) for a, b in pairs if a in released and b in released and released[a] != released[b]
    ]
    assert straddle == []
    # Without the rule, the ids' own splits would have straddled for some of the 40 pairs.
    ratios = DatasetConfig().split_ratios
    assert any(split_of(a, ratios) != split_of(b, ratios) for a, b in pairs)
    assert all(a in released or a in dropped for a, b in pairs)
    assert all(b in released or b in dropped for a, b in pairs)


def test_records_of_no_story_keep_the_split_of_their_id(project: Project) -> None:
    rng = random.Random(7)
    records = [short_submission(f"Alone {n}", " ".join(_words(rng, 200))) for n in range(30)]
    project.add_jsonl("alone.jsonl", records)
    project.build()
    ratios = DatasetConfig().split_ratios
    released = split_of_ids(project.out)
    assert len(released) == 30
    assert all(split == split_of(i, ratios) for i, split in released.items())


def test_story_clusters_find_the_prefixed_article_but_not_unrelated_ones() -> None:
    rng = random.Random(3)
    body, other = " ".join(_words(rng, 600)), " ".join(_words(rng, 600))
    prefixed = " ".join(_words(rng, 60)) + " " + body
    texts = [("A", body), ("B", other), ("A", prefixed)]
    leads = np.stack([lead_signature(t, b) for t, b in texts])
    bodies = np.stack([body_signature(b) for _, b in texts])
    assert story_clusters(leads, bodies) == [[0, 2]]


# ---------------------------------------------------------------- released records stay


def _dedup(records: list[tuple[str, str]], released: list[bool]):
    ids = np.array([content_id(t, b).encode() for t, b in records], dtype="S16")
    lengths = np.array([len(b) for _, b in records])
    signatures = np.stack([lead_signature(t, b) for t, b in records])
    return find_duplicates(ids, lengths, signatures, 0.7, np.array(released))


TEASER = " ".join(f"Paragraph {i} about reservists leaving region {i} by train." for i in range(9))
ARTICLE = TEASER + " " + " ".join(f"More detail {i} on the call-up in town {i}." for i in range(40))


def test_a_released_record_is_kept_against_a_slightly_longer_newcomer() -> None:
    longer = TEASER + " And one more sentence."
    drops = _dedup([("Men flee", TEASER), ("Men flee", longer)], [True, False])
    assert set(drops) == {1}
    assert (drops[1].kept, drops[1].kind) == (0, "near")


def test_a_substantially_fuller_newcomer_replaces_a_released_record() -> None:
    drops = _dedup([("Men flee", TEASER), ("Men flee", ARTICLE)], [True, False])
    assert set(drops) == {0}
    assert (drops[0].kept, drops[0].kind) == (1, "replaced")


def test_without_a_previous_release_the_fuller_record_is_kept() -> None:
    longer = TEASER + " And one more sentence."
    drops = _dedup([("Men flee", TEASER), ("Men flee", longer)], [False, False])
    assert set(drops) == {0}
    assert drops[0].kind == "near"


def _one_word_changed(text: str) -> str:
    """The listing with one word changed in each teaser (each line of 25 words or more)."""
    lines = []
    for line in text.split("\n"):
        words = line.split(" ")
        if len(words) >= 25:
            words[12] = "considerably" if words[12] != "considerably" else "much"
        lines.append(" ".join(words))
    return "\n".join(lines)


@pytest.fixture
def seed_release(raw_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    out = tmp_path / "dist"
    _build(raw_copy, out, "1.0.0")
    return raw_copy, out


def _add_listing_copy(raw: Path) -> None:
    data = _one_word_changed((RAW / LISTING).read_text(encoding="utf-8")).encode("utf-8")
    assert data != (RAW / LISTING).read_bytes()
    (raw / "listing-again.txt").write_bytes(data)
    entry = next(
        json.loads(line)
        for line in (raw / "sources.jsonl").read_text(encoding="utf-8").splitlines()
        if f'"path": "{LISTING}"' in line
    )
    entry.update(path="listing-again.txt", sha256=hashlib.sha256(data).hexdigest())
    with (raw / "sources.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


def test_the_listing_again_with_one_word_changed_does_not_displace_released_records(
    seed_release: tuple[Path, Path], tmp_path: Path
) -> None:
    raw, out = seed_release
    before = split_of_ids(out)
    kept = tmp_path / "v1"
    shutil.copytree(out, kept)
    _add_listing_copy(raw)
    _build(raw, out, "1.1.0")  # a minor version: nothing may be removed or moved
    after = split_of_ids(out)
    assert {i: after.get(i) for i in before} == before
    diff = diff_releases(kept, out)
    assert diff.removed == []
    assert diff.moved == []
    dropped = [d for d in _duplicates(out) if d["source_file"] == "listing-again.txt"]
    assert dropped, "the changed teasers are near-duplicates of the released ones"
    assert all(d["duplicate_of"] in before and d["kind"] == "near" for d in dropped)
    for record_id, split in after.items():  # whatever was added sits with its story
        assert record_id in before or split in before.values()


def test_a_full_article_replaces_a_released_teaser_visibly(
    seed_release: tuple[Path, Path], tmp_path: Path
) -> None:
    raw, out = seed_release
    before = split_of_ids(out)
    teaser = next(
        orjson.loads(line)
        for path in sorted((out / "jsonl").glob("*.jsonl"))
        for line in path.read_bytes().splitlines()
        if orjson.loads(line)["provenance"]["source_file"] == LISTING
    )
    rest = " ".join(f"Further paragraph {i} of the full story, with detail {i}." for i in range(80))
    full = short_submission(teaser["title"], teaser["body"] + "\n\n" + rest)
    add_jsonl_source(raw, "full.jsonl", [orjson.dumps(full) + b"\n"])
    _build(raw, out, "1.1.0")
    after = split_of_ids(out)
    new_id = content_id(full["title"], full["body"])
    assert teaser["id"] not in after
    assert after[new_id] == before[teaser["id"]]  # the replacement keeps the story's split
    replaced = [d for d in _duplicates(out) if d["kind"] == "replaced"]
    assert [(d["id"], d["duplicate_of"]) for d in replaced] == [(teaser["id"], new_id)]
    changes = (out / "CHANGES.md").read_text(encoding="utf-8")
    assert re.search(r"1 records? removed", changes), changes
    assert {i: s for i, s in after.items() if i in before} == {
        i: s for i, s in before.items() if i != teaser["id"]
    }
