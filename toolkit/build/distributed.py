"""Pass two as tasks, for an engine that runs on a cluster (``engine.DISTRIBUTED``): the driver
holds per-shard metadata and a few bytes a record (ids, body lengths, split codes), never the
records nor their MinHash signatures, and writes none of the Parquet. Steps 1 to 3 (the dedup
stage, :func:`decide_release`) are the local engine's too, so both hold as little and find the
pairs with one piece of code (issue 14).

Pass one already leaves each shard's spill, rejects and facts on the shared output storage. Then:

1. the driver finds exact copies from the ids and sends each shard a task that writes its band
   keys (lead and body signatures, ``BANDS`` each), cut into partitions by key;
2. one task per partition finds the candidate pairs of its keys (:func:`dedup.band_pairs`, the
   pairs the local merge finds), and only the pairs come back;
3. the driver reads the signatures of the paired records alone, decides the drops and the stories
   exactly as the local merge does (:func:`dedup.resolve_duplicates`, :func:`split.assign_stories`);
4. one task per Parquet shard of the release reads the spills that hold its rows and writes the
   shard and its part of the split's JSONL; one task per spill writes its duplicates' lines;
5. the driver concatenates the JSONL parts (one file per split, checksummed as it goes).

The result is byte-identical to the local merge: same rows, same row groups, same order.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

import numpy as np
import pyarrow as pa

from toolkit.build import writers
from toolkit.build.dedup import (
    BANDS,
    STORY_THRESHOLD,
    Duplicate,
    band_key,
    band_pairs,
    exact_copies,
    group_pairs,
    pair_scores,
    resolve_duplicates,
)
from toolkit.build.shards import ShardResult, SourceCounts
from toolkit.build.split import assign_stories
from toolkit.build.writers import (
    JSONL_COLUMN,
    PARQUET_OPTIONS,
    HashingWriter,
    JsonLinesWriter,
    shard_layout,
    shard_name,
)
from toolkit.config import DatasetConfig
from toolkit.progress import Progress, Stage
from toolkit.release.folder import ReleaseSplit

#: Runs a function over tasks and gives the results in task order (``engine.run_tasks``).
Runner = Callable[[Callable[[Any], Any], Sequence[Any]], Iterator[Any]]
#: Band keys per partition: a pair-finding task holds about 20 bytes per key of its partition
#: (the keys, one band's mask and copy), so about 40 MB whatever the size of the build (issue
#: 14: the local engine runs these tasks too, and its processes must stay flat).
PARTITION_KEYS = 2_000_000
_FAMILIES = ("lead", "body")


class Written(TypedDict):
    """What pass two wrote (as ``release._Written``): splits, data files, their checksums."""

    splits: dict[str, ReleaseSplit]
    files: list[str]
    checksums: dict[str, tuple[str, int]]


#: One band key of one record: the key, the record's build index, the band (lead bands first,
#: then body bands) and whether the record is the first with its id.
BAND_KEY = np.dtype([("key", "<u8"), ("row", "<i8"), ("band", "u1"), ("first", "?")])


@dataclass(frozen=True)
class BandTask:
    """Write one shard's band keys to one file, grouped by partition."""

    facts: Path
    start: int
    #: Per row of the shard: whether it is the first record with its id.
    unique: np.ndarray
    partitions: int
    path: Path


def write_bands(task: BandTask) -> tuple[Path, np.ndarray]:
    """The shard's band keys (``BAND_KEY`` rows, in partition order, each partition in band
    then build order) as a ``.npy`` file, and where each partition starts in it: one file a
    shard whatever the number of partitions, read by slices (memory-mapped)."""
    with np.load(task.facts) as data:
        signatures = {"lead": data["signatures"], "body": data["bodies"]}
    count = len(task.unique)
    local = np.arange(count)
    pieces = []
    for f, family in enumerate(_FAMILIES):
        for band in range(BANDS):
            piece = np.empty(count, BAND_KEY)
            piece["key"] = band_key(signatures[family], local, band)
            piece["row"] = local + task.start
            piece["band"] = f * BANDS + band
            piece["first"] = task.unique
            pieces.append(piece)
    keys = np.concatenate(pieces)
    partition = keys["key"] % np.uint64(task.partitions)
    order = np.argsort(partition, kind="stable")
    np.save(task.path, keys[order])
    return task.path, np.searchsorted(partition[order], np.arange(task.partitions + 1))


@dataclass(frozen=True)
class PairTask:
    """Find the candidate pairs of one partition's keys: ``(file, start, stop)`` of the
    partition in every shard's band file, in build order."""

    slices: tuple[tuple[Path, int, int], ...]
    #: Near-duplicate detection runs (threshold below 1 and more than one distinct id).
    near: bool


def find_pairs(task: PairTask) -> dict[str, np.ndarray]:
    """``near`` (lead pairs among first copies), ``lead`` and ``body`` (story pairs among all
    records): unique ``(a, b)`` rows. Keys of one partition come from every shard in build
    order, so rows sharing a key are in ascending order, as in the local merge."""
    keys = np.empty(sum(hi - lo for _, lo, hi in task.slices), BAND_KEY)
    at = 0
    for path, lo, hi in task.slices:  # straight into place: one copy of the keys, not two
        keys[at : at + hi - lo] = np.load(path, mmap_mode="r")[lo:hi]
        at += hi - lo
    found: dict[str, list[np.ndarray]] = {"near": [], "lead": [], "body": []}
    for code in range(len(_FAMILIES) * BANDS):
        band = keys[keys["band"] == code]
        family = _FAMILIES[code // BANDS]
        found[family].append(band_pairs(band["key"], band["row"]))
        if family == "lead" and task.near:
            first = band[band["first"]]
            found["near"].append(band_pairs(first["key"], first["row"]))
    return {name: _unique_pairs(arrays) for name, arrays in found.items()}


def _unique_pairs(arrays: list[np.ndarray]) -> np.ndarray:
    pairs = np.concatenate(arrays) if arrays else np.zeros((0, 2), np.int64)
    return np.unique(pairs.reshape(-1, 2).astype(np.int64), axis=0)


#: ``(spill path, build index of its first row, rows)``.
Spill = tuple[Path, int, int]


def _batches(spills: Sequence[Spill]) -> Iterator[tuple[int, pa.Table]]:
    """``(build index of the first row, rows)`` of every spilled batch, in build order."""
    for path, start, _ in spills:
        # Plain reads, not a memory map: mapped pages count towards RSS as the spill grows.
        with pa.OSFile(str(path), "rb") as source:
            for batch in pa.ipc.open_stream(source):
                yield start, pa.Table.from_batches([batch])
                start += batch.num_rows


@dataclass(frozen=True)
class PartTask:
    """Write one Parquet shard of a split and its rows' JSONL lines (a part of the split's
    JSONL file)."""

    path: Path
    lines: Path
    #: Build indices of the shard's rows, ascending.
    positions: np.ndarray
    spills: tuple[Spill, ...]
    group_rows: int


def write_part(task: PartTask) -> tuple[str, int]:
    """Write the shard as ``SplitWriter`` would (row groups of ``group_rows`` from the start of
    the shard, rows filtered from the same spill batches); return its ``(sha256, size)``."""
    import pyarrow.parquet as pq

    from toolkit.features import arrow_schema

    positions = task.positions
    sink = HashingWriter(task.path)
    parquet = pq.ParquetWriter(sink, arrow_schema("article"), **PARQUET_OPTIONS)
    buffer: list[pa.Table] = []
    buffered = 0

    def flush(take: int) -> None:
        nonlocal buffer, buffered
        pending = pa.concat_tables(buffer)
        group, rest = pending.slice(0, take), pending.slice(take)
        buffer, buffered = ([rest] if rest.num_rows else []), rest.num_rows
        parquet.write_table(group, row_group_size=take)

    try:
        with task.lines.open("wb") as lines:
            for start, table in _batches(task.spills):
                stop = start + table.num_rows
                lo, hi = np.searchsorted(positions, [start, stop])
                if lo == hi:
                    continue
                mask = np.zeros(table.num_rows, bool)
                mask[positions[lo:hi] - start] = True
                chosen = table.filter(pa.array(mask))
                for chunk in chosen.column(JSONL_COLUMN).chunks:
                    lines.write(b"".join(chunk.to_pylist()))
                buffer.append(chosen.drop_columns([JSONL_COLUMN]))
                buffered += chosen.num_rows
                while buffered >= task.group_rows:
                    flush(task.group_rows)
            while buffered:
                flush(min(task.group_rows, buffered))
    finally:
        parquet.close()
        sink.close()
    return sink.hexdigest(), sink.size


@dataclass(frozen=True)
class DuplicateTask:
    """Write the ``duplicates.jsonl`` lines of the drops of one spill, in build order."""

    spill: Spill
    out: Path
    #: ``(build index, id of the kept record, kind, similarity)`` of each drop.
    drops: tuple[tuple[int, str, str, float], ...]


def write_duplicates(task: DuplicateTask) -> Path:
    """The lines, as the local merge writes them, into ``task.out``."""
    wanted = [drop[0] for drop in task.drops]
    out = JsonLinesWriter(task.out)
    try:
        at = 0
        for start, table in _batches([task.spill]):
            stop = start + table.num_rows
            while at < len(wanted) and wanted[at] < stop:
                index, kept, kind, similarity = task.drops[at]
                row = table.slice(index - start, 1).select(["id", "provenance"]).to_pylist()[0]
                out.write(
                    {
                        "id": row["id"],
                        "duplicate_of": kept,
                        "kind": kind,
                        "similarity": similarity,
                        "source_file": row["provenance"]["source_file"],
                        "span": row["provenance"]["span"],
                    }
                )
                at += 1
    finally:
        out.close()
    return task.out


@dataclass
class Decision:
    """What the dedup stage decided for every record, by build index: the driver's whole
    per-record state from there on (about 18 bytes a record)."""

    ids: np.ndarray
    #: Split code of each record, every story in one split.
    codes: np.ndarray
    keep: np.ndarray
    drops: dict[int, Duplicate]
    #: Build index of each shard's first record, and the total as the last entry.
    starts: np.ndarray


def decide_release(
    results: list[ShardResult],
    config: DatasetConfig,
    previous: dict[bytes, str],
    work: Path,
    run: Runner,
    step: Stage,
) -> Decision:
    """The dedup stage of both engines (steps 1 to 3): drops and splits from the shards' facts.

    Only ids, body lengths and split codes are held for every record (about 30 bytes), the
    signatures for the records of a candidate pair alone (issue 14: the local merge held
    256 bytes a record, 516 MB at 1M records)."""
    starts = np.cumsum([0] + [r.rows for r in results])
    total = int(starts[-1])
    ids = np.empty(total, "S16")
    lengths = np.empty(total, np.int64)
    codes = np.empty(total, np.int8)
    for result, start in zip(results, starts.tolist(), strict=False):
        with np.load(result.facts) as data:
            stop = start + result.rows
            ids[start:stop] = data["ids"]
            lengths[start:stop] = data["lengths"]
            codes[start:stop] = data["split_codes"]
        step.advance(result.rows, "ids loaded")
    released = np.fromiter((i in previous for i in ids), bool, total) if previous else None
    drops, groups = shard_duplicates(
        results, ids, lengths, config.dedup_threshold, released, work, run
    )
    step.advance(0, f"{len(drops):,} near or exact duplicates")
    del lengths, released
    keep = np.ones(total, dtype=bool)
    keep[list(drops)] = False
    assign_stories(ids, codes, keep, groups, previous, list(config.split_ratios))
    return Decision(ids, codes, keep, drops, starts)


def shard_duplicates(
    results: list[ShardResult],
    ids: np.ndarray,
    lengths: np.ndarray,
    threshold: float,
    released: np.ndarray | None,
    work: Path,
    run: Runner,
) -> tuple[dict[int, Duplicate], list[list[int]]]:
    """:func:`dedup.find_duplicates` and :func:`dedup.story_clusters` of the records of
    ``results`` (``ids`` and ``lengths`` in build order), the same drops and groups, from
    band keys written by shard and paired by partition instead of every signature in memory."""
    starts = np.cumsum([0] + [r.rows for r in results])
    first_of, unique = exact_copies(ids)
    near = threshold < 1.0 and len(unique) > 1
    pairs = _candidate_pairs(results, starts, unique, near, work, run)
    del unique
    leads, bodies, needed = _signature_rows(results, starts, pairs)

    def at(rows: np.ndarray) -> np.ndarray:
        return np.searchsorted(needed, rows)

    def score(a: int, b: int) -> float:
        first, second = np.searchsorted(needed, [a, b]).tolist()
        return float(np.mean(leads[first] == leads[second]))

    similarity = dict(
        zip(
            map(tuple, pairs["near"].tolist()),
            pair_scores(leads, at(pairs["near"])).tolist(),
            strict=True,
        )
    )
    drops = resolve_duplicates(first_of, similarity, threshold, lengths, score, released)
    story = [
        pair
        for family, signatures in (("lead", leads), ("body", bodies))
        for pair, value in zip(
            map(tuple, pairs[family].tolist()),
            pair_scores(signatures, at(pairs[family])).tolist(),
            strict=True,
        )
        if value >= STORY_THRESHOLD
    ]
    return drops, group_pairs(story)


def count_outcomes(
    results: list[ShardResult], decision: Decision, counts: list[SourceCounts]
) -> None:
    """Add each source's deduplicated and released records to ``counts``."""
    starts = decision.starts
    dropped = np.array(list(decision.drops), np.int64)
    for shard in (np.searchsorted(starts, dropped, side="right") - 1).tolist():
        counts[results[shard].source].deduplicated += 1
    for result, start in zip(results, starts.tolist(), strict=False):
        counts[result.source].released += int(np.sum(decision.keep[start : start + result.rows]))


def merge_distributed(
    stage: Path,
    results: list[ShardResult],
    counts: list[SourceCounts],
    config: DatasetConfig,
    progress: Progress,
    previous: dict[bytes, str] | None,
    run: Runner,
) -> Written:
    """Pass two with the work in tasks ``run`` executes: the same release as ``release._merge``.

    The driver's memory is about 30 bytes a record (id, body length, split, flags), plus the
    signatures of the records that have a candidate pair."""
    names = list(config.split_ratios)
    work = stage / ".work"
    with progress.stage("dedup", total=sum(r.rows for r in results)) as step:
        decision = decide_release(results, config, previous or {}, work, run, step)
    keep, codes, drops = decision.keep, decision.codes, decision.drops
    spills = [
        (r.spool, int(s), r.rows) for r, s in zip(results, decision.starts, strict=False) if r.rows
    ]
    with progress.stage("write", total=len(keep)) as step:
        splits, files, checksums = _write_splits(stage, work, keep, codes, names, spills, run, step)
        duplicates = _write_duplicates(stage, work, drops, decision.ids, spills, run)
    count_outcomes(results, decision, counts)
    with HashingWriter(stage / "rejects.jsonl") as out:
        for result in results:
            with result.rejects.open("rb") as part:
                shutil.copyfileobj(part, out)
    checksums["rejects.jsonl"] = (out.hexdigest(), out.size)
    checksums["duplicates.jsonl"] = duplicates
    return {
        "splits": splits,
        "files": [*files, "rejects.jsonl", "duplicates.jsonl"],
        "checksums": checksums,
    }


def _candidate_pairs(
    results: list[ShardResult],
    starts: np.ndarray,
    unique: np.ndarray,
    near: bool,
    work: Path,
    run: Runner,
) -> dict[str, np.ndarray]:
    """Steps 1 and 2: band keys written by shard, pairs found by partition."""
    total = int(starts[-1])
    first = np.zeros(total, bool)
    first[unique] = True
    partitions = max(1, math.ceil(total * 2 * BANDS / PARTITION_KEYS))
    tasks = [
        BandTask(
            r.facts,
            int(start),
            first[start : start + r.rows],
            partitions,
            work / f"bands-{r.index:05d}.npy",
        )
        for r, start in zip(results, starts.tolist(), strict=False)
        if r.rows
    ]
    written = list(run(write_bands, tasks))
    pair_tasks = [
        PairTask(
            tuple((path, int(at[p]), int(at[p + 1])) for path, at in written if at[p + 1] > at[p]),
            near,
        )
        for p in range(partitions)
    ]
    found = list(run(find_pairs, pair_tasks))
    for path, _ in written:
        path.unlink()
    return {name: _unique_pairs([f[name] for f in found]) for name in ("near", "lead", "body")}


def _signature_rows(
    results: list[ShardResult], starts: np.ndarray, pairs: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The lead and body signatures of the records in a pair (rows in ``needed`` order), and
    ``needed``, those records' build indices, ascending: one shard's facts read at a time."""
    needed = np.unique(np.concatenate([p.ravel() for p in pairs.values()]))
    leads: list[np.ndarray] = []
    bodies: list[np.ndarray] = []
    for result, start in zip(results, starts.tolist(), strict=False):
        lo, hi = np.searchsorted(needed, [start, start + result.rows])
        if lo == hi:
            continue
        with np.load(result.facts) as data:
            leads.append(data["signatures"][needed[lo:hi] - start])
            bodies.append(data["bodies"][needed[lo:hi] - start])
    if not leads:
        empty = np.zeros((0, 1), np.uint32)
        return empty, empty, needed
    return np.concatenate(leads), np.concatenate(bodies), needed


def _write_splits(
    stage: Path,
    work: Path,
    keep: np.ndarray,
    codes: np.ndarray,
    names: list[str],
    spills: list[Spill],
    run: Runner,
    step: Any,
) -> tuple[dict[str, ReleaseSplit], list[str], dict[str, tuple[str, int]]]:
    """Step 4 and 5 for the splits: one task per Parquet shard, then each split's JSONL."""
    (stage / "data").mkdir(exist_ok=True)
    (stage / "jsonl").mkdir(exist_ok=True)
    spill_starts = [s for _, s, _ in spills]
    tasks: list[PartTask] = []
    layout: dict[str, list[PartTask]] = {}
    for c, name in enumerate(names):
        positions = np.flatnonzero(keep & (codes == c))
        count, per_shard = shard_layout(len(positions), writers.ROWS_PER_SHARD)
        layout[name] = []
        for k in range(count):
            rows = positions[k * per_shard : (k + 1) * per_shard]
            first = np.searchsorted(spill_starts, rows[0], side="right") - 1 if len(rows) else 0
            last = np.searchsorted(spill_starts, rows[-1], side="right") if len(rows) else 0
            task = PartTask(
                stage / "data" / shard_name(name, k, count),
                work / f"lines-{name}-{k:05d}.jsonl",
                rows,
                tuple(spills[first:last]),
                writers.ROWS_PER_ROW_GROUP,
            )
            tasks.append(task)
            layout[name].append(task)
    checksums: dict[str, tuple[str, int]] = {}
    for task, checksum in zip(tasks, run(write_part, tasks), strict=True):
        checksums[task.path.relative_to(stage).as_posix()] = checksum
        step.advance(len(task.positions))
    splits, files = {}, []
    for name, parts in layout.items():
        path = stage / "jsonl" / f"{name}.jsonl"
        with HashingWriter(path) as out:
            for part in parts:
                with part.lines.open("rb") as lines:
                    shutil.copyfileobj(lines, out)
                part.lines.unlink()
        relative = [p.path.relative_to(stage).as_posix() for p in parts]
        checksums[path.relative_to(stage).as_posix()] = (out.hexdigest(), out.size)
        files += [*relative, path.relative_to(stage).as_posix()]
        splits[name] = ReleaseSplit(sum(len(p.positions) for p in parts), tuple(relative))
    return splits, files, checksums


def _write_duplicates(
    stage: Path,
    work: Path,
    drops: dict[int, Any],
    ids: np.ndarray,
    spills: list[Spill],
    run: Runner,
) -> tuple[str, int]:
    """Step 4 and 5 for ``duplicates.jsonl``: one task per spill that holds drops."""
    indices = np.array(list(drops), np.int64)
    spill_starts = [s for _, s, _ in spills]
    tasks = []
    for number, spill in enumerate(spills):
        end = spill_starts[number + 1] if number + 1 < len(spills) else spill[1] + spill[2]
        lo, hi = np.searchsorted(indices, [spill[1], end])
        if lo == hi:
            continue
        chosen = tuple(
            (
                int(i),
                ids[drops[int(i)].kept].decode("ascii"),
                drops[int(i)].kind,
                drops[int(i)].similarity,
            )
            for i in indices[lo:hi]
        )
        tasks.append(DuplicateTask(spill, work / f"duplicates-{number:05d}.jsonl", chosen))
    with HashingWriter(stage / "duplicates.jsonl") as out:
        for path in run(write_duplicates, tasks):
            with path.open("rb") as part:
                shutil.copyfileobj(part, out)
    return out.hexdigest(), out.size
