"""Pass two as tasks (``build/distributed.py``): the release is byte-identical to the local
merge's, run in-process and on a two-node Ray cluster simulated on this machine."""

from __future__ import annotations

import random
from pathlib import Path

import orjson
import pytest

from tests.helpers.records import short_submission, submission
from tests.helpers.releases import tree_bytes
from tests.helpers.sources import add_jsonl_source
from toolkit.build import distributed, engine, writers
from toolkit.build.release import build_release
from toolkit.config import DatasetConfig
from toolkit.errors import WorkerError

SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "po", "gu", "de", "fa", "bi"]


def _words(rng: random.Random, n: int) -> str:
    return " ".join("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(n))


@pytest.fixture
def corpus(raw_copy: Path) -> Path:
    """Three JSONL sources with everything pass two decides on: exact copies (within and across
    sources), teasers of fuller articles (near duplicates), articles that gained a prefix (one
    story, two records), records alone, and lines that fail."""
    rng = random.Random(14)
    for part in range(3):
        records = [submission(part * 100 + i) for i in range(30)]
        for n in range(8):
            title = f"Story {part}-{n}: {_words(rng, 6)}"
            body = _words(rng, 300)
            records += [
                short_submission(title, body),
                short_submission(title, _words(rng, 40) + " " + body),
                short_submission(title, " ".join(body.split()[:90])),
            ]
        records.append(submission(1))  # an exact copy in every source
        rng.shuffle(records)
        add_jsonl_source(
            raw_copy,
            f"part{part}.jsonl",
            [orjson.dumps(r) + b"\n" for r in records] + [b"{broken\n"],
        )
    return raw_copy


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Several Parquet shards a split, several row groups a shard, several band partitions and
    byte ranges: every boundary the tasks cut at, at test size."""
    import toolkit.build.release

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(writers, "ROWS_PER_SHARD", 23)
    monkeypatch.setattr(writers, "ROWS_PER_ROW_GROUP", 7)
    monkeypatch.setattr(distributed, "PARTITION_KEYS", 1000)
    monkeypatch.setattr(toolkit.build.release, "JSONL_RANGE_BYTES", 20_000)


def _build(raw: Path, out: Path, version: str = "1.0.0", **options: object) -> None:
    config = DatasetConfig(name="test", version=version)
    build_release(raw, out, config=config, card_path=out.parent / "CARD.md", **options)


def _twice(raw: Path, out: Path, **options: object) -> dict[str, bytes]:
    """Build, then rebuild over the release (the previous release's ids and splits are read)."""
    _build(raw, out, **options)
    first = tree_bytes(out)
    _build(raw, out, **options)
    assert tree_bytes(out) == first
    return first


def _add_a_fuller_article(raw: Path, dist: Path) -> None:
    """A newcomer 1.5 times fuller than a released story: it replaces the released record."""
    released = orjson.loads((dist / "jsonl" / "train.jsonl").read_bytes().splitlines()[0])
    rest = " ".join(
        f"Further paragraph {i} of the full story, with detail {i}." for i in range(300)
    )
    full = short_submission(released["title"], released["body"] + "\n\n" + rest)
    add_jsonl_source(raw, "full.jsonl", [orjson.dumps(full) + b"\n"])


def test_pass_two_as_tasks_gives_the_local_merges_bytes(corpus, tmp_path, small_parts, monkeypatch):
    import toolkit.build.release

    calls = []

    def spy(*args, **options):
        calls.append(args[-1])
        return distributed.merge_distributed(*args, **options)

    def as_tasks(m: pytest.MonkeyPatch) -> None:
        m.setattr(toolkit.build.release, "DISTRIBUTED", frozenset({"local"}))
        m.setattr(toolkit.build.release, "merge_distributed", spy)

    local_dist, tasks_dist = tmp_path / "local" / "dist", tmp_path / "tasks" / "dist"
    local = _twice(corpus, local_dist, workers=1)
    with monkeypatch.context() as m:
        as_tasks(m)
        assert _twice(corpus, tasks_dist, workers=1) == local
    assert len(calls) == 2
    duplicates = [orjson.loads(x) for x in local["duplicates.jsonl"].splitlines()]
    assert {d["kind"] for d in duplicates} == {"exact", "near"}
    assert len([p for p in local if p.startswith("data/train-")]) > 2
    # A new version in which a fuller newcomer replaces a released record.
    _add_a_fuller_article(corpus, local_dist)
    _build(corpus, local_dist, "1.1.0", workers=1)
    with monkeypatch.context() as m:
        as_tasks(m)
        _build(corpus, tasks_dist, "1.1.0", workers=1)
    assert tree_bytes(tasks_dist) == tree_bytes(local_dist)
    duplicates = [
        orjson.loads(x) for x in (local_dist / "duplicates.jsonl").read_bytes().splitlines()
    ]
    assert "replaced" in {d["kind"] for d in duplicates}


def test_pass_two_as_tasks_with_nothing_valid(tmp_path, monkeypatch):
    import toolkit.build.release

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "sources.jsonl").write_text("")
    add_jsonl_source(raw, "bad.jsonl", [b"{broken\n", b"[1]\n"])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    _build(raw, tmp_path / "local" / "dist", workers=1)
    monkeypatch.setattr(toolkit.build.release, "DISTRIBUTED", frozenset({"local"}))
    _build(raw, tmp_path / "tasks" / "dist", workers=1)
    local = tree_bytes(tmp_path / "local" / "dist")
    assert tree_bytes(tmp_path / "tasks" / "dist") == local
    assert local["rejects.jsonl"].count(b"\n") == 2


#: Each simulated node gets one CPU: the machine has two cores, shared.
NODE_OPTIONS = {"num_cpus": 1, "object_store_memory": 80 * 1024 * 1024}
#: How long the nodes get to register (Ray's default is 30 s): generous, for a busy machine.
NODES_PATIENCE_SECONDS = 180


def _start_cluster(nodes: int) -> object:
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args=NODE_OPTIONS)
    try:
        for _ in range(nodes - 1):
            cluster.add_node(**NODE_OPTIONS)
        cluster.wait_for_nodes(timeout=NODES_PATIENCE_SECONDS)
    except BaseException:
        cluster.shutdown()
        raise
    return cluster


@pytest.fixture
def two_nodes(monkeypatch):
    """A Ray cluster of two nodes on this machine, or a skip saying why Ray could not start.
    Started twice at most (a busy machine can time a node out); whatever happens, every Ray
    process it started is shut down and reaped."""
    ray = pytest.importorskip("ray", reason="the ray extra is not installed")
    monkeypatch.setenv("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")
    before = engine._ray_children()
    cluster = None
    failure: Exception | None = None
    for _ in range(engine.RAY_START_ATTEMPTS):
        try:
            cluster = _start_cluster(2)
            break
        except Exception as exc:  # Ray raises a bare Exception when a node times out
            failure = exc
            engine.shutdown_ray(ray, before, failed_start=True)
    try:
        if cluster is None:
            pytest.skip(f"a Ray cluster could not start on this machine: {failure}")
        assert len(cluster.list_all_nodes()) == 2
        yield cluster
    finally:
        if cluster is not None:
            cluster.shutdown()
        engine.shutdown_ray(ray, before)


def test_a_two_node_ray_cluster_gives_the_local_bytes(corpus, tmp_path, small_parts, two_nodes):
    local_dist, ray_dist = tmp_path / "local" / "dist", tmp_path / "ray" / "dist"
    on_ray = {"engine": "ray", "ray_address": two_nodes.address}
    local = _twice(corpus, local_dist, workers=1)
    try:
        assert _twice(corpus, ray_dist, **on_ray) == local
        _add_a_fuller_article(corpus, local_dist)
        _build(corpus, local_dist, "1.1.0", workers=1)
        _build(corpus, ray_dist, "1.1.0", **on_ray)
    except WorkerError as exc:
        pytest.skip(f"Ray could not start on this machine: {exc}")
    assert tree_bytes(ray_dist) == tree_bytes(local_dist)
    assert not list((tmp_path / "ray").glob("dist.tmp-*"))
