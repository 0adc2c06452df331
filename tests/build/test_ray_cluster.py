"""Pass two as tasks (``build/distributed.py``): the release is byte-identical to the local
merge's, run in-process and on a two-node Ray cluster simulated on this machine."""

from __future__ import annotations

import random
import shutil
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


def _build(raw: Path, out: Path, **options: object) -> None:
    config = DatasetConfig(name="test", version="1.0.0")
    build_release(raw, out, config=config, card_path=out.parent / "CARD.md", **options)


def _twice(raw: Path, out: Path, **options: object) -> dict[str, bytes]:
    """Build, then rebuild over the release (the previous release's ids and splits are read)."""
    _build(raw, out, **options)
    first = tree_bytes(out)
    _build(raw, out, **options)
    assert tree_bytes(out) == first
    return first


def test_pass_two_as_tasks_gives_the_local_merges_bytes(corpus, tmp_path, small_parts, monkeypatch):
    import toolkit.build.release

    local = _twice(corpus, tmp_path / "local" / "dist", workers=1)
    monkeypatch.setattr(toolkit.build.release, "DISTRIBUTED", frozenset({"local"}))
    calls = []

    def spy(*args, **options):
        calls.append(args[-1])
        return distributed.merge_distributed(*args, **options)

    monkeypatch.setattr(toolkit.build.release, "merge_distributed", spy)
    tasks = _twice(corpus, tmp_path / "tasks" / "dist", workers=1)
    assert len(calls) == 2
    assert tasks == local
    duplicates = [orjson.loads(x) for x in local["duplicates.jsonl"].splitlines()]
    assert {d["kind"] for d in duplicates} == {"exact", "near"}
    assert len([p for p in local if p.startswith("data/train-")]) > 2


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
    local = _twice(corpus, tmp_path / "local" / "dist", workers=1)
    try:
        on_ray = _twice(
            corpus, tmp_path / "ray" / "dist", engine="ray", ray_address=two_nodes.address
        )
    except WorkerError as exc:
        pytest.skip(f"Ray could not start on this machine: {exc}")
    assert on_ray == local
    assert not list((tmp_path / "ray").glob("dist.tmp-*"))
    shutil.rmtree(tmp_path / "ray")
