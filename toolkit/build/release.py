"""``build_release``: raw captures to a published release folder.

manifest → extract → validate (article schema) → deduplicate → split → write, staged beside the
target and swapped in atomically. Records travel as Arrow batches of bounded size: pass one
extracts and validates, spilling valid rows to an Arrow stream on disk and sending every failure
to ``rejects.jsonl``; pass two reads the spill back and writes each split. The build checks that
records extracted = released + rejected + deduplicated before it publishes anything.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict

import numpy as np
import orjson
import pyarrow as pa

from toolkit._version import __version__
from toolkit.build.distributed import (
    Runner,
    Written,
    count_outcomes,
    decide_release,
    merge_distributed,
)
from toolkit.build.engine import DISTRIBUTED, engine_session, run_tasks
from toolkit.build.publish import check_target, cleanup_stale, release_lock, staging_dir, swap_in
from toolkit.build.shards import (
    ShardResult,
    ShardTask,
    SourceCounts,
    process_shard,
    release_memory,
)
from toolkit.build.writers import HashingWriter, JsonLinesWriter, SplitWriter
from toolkit.config import DatasetConfig, load_config
from toolkit.errors import ReleaseError
from toolkit.features import arrow_schema
from toolkit.files import atomic_write_bytes, sha256_file
from toolkit.progress import Progress, Stage
from toolkit.raw import RANGE_BYTES, SourceEntry
from toolkit.release.folder import (
    MANIFEST_FILE,
    ReleaseCounts,
    ReleaseFile,
    ReleaseManifest,
    ReleaseSource,
    ReleaseSplit,
    SchemaRef,
)
from toolkit.release.stats import ReleaseCounters, ReleaseStats, release_stats
from toolkit.schema import schema_sha256
from toolkit.validate.sources import load_manifest


class _Written(TypedDict):
    """What pass two wrote: each split's rows and files, and every data file of the release."""

    splits: dict[str, ReleaseSplit]
    files: list[str]
    #: ``(sha256, size)`` of each data file, kept while it was written.
    checksums: dict[str, tuple[str, int]]
    #: The card's statistics, counted while the splits, rejects and duplicates were written.
    counters: ReleaseCounters


#: The card's "Changes" section, kept in the release so a rebuild reproduces it.
CHANGES_FILE = "CHANGES.md"
#: JSONL sources larger than this are cut into byte ranges processed in parallel (the manifest
#: check hashes ranges of this size as it reads the file; another size makes the build read
#: the file again to plan them).
JSONL_RANGE_BYTES = RANGE_BYTES
#: Below this much raw input the build runs in-process.
SMALL_BUILD_BYTES = 8 * 1024 * 1024


def _input_bytes(entries: list[SourceEntry]) -> int:
    return sum(e.identity[2] for e in entries if e.identity is not None)


@dataclass
class BuildSummary:
    """The outcome of a build, as recorded in ``manifest.json``."""

    out: Path
    manifest: ReleaseManifest

    @property
    def counts(self) -> dict[str, int]:
        return self.manifest.counts.to_dict()

    @property
    def splits(self) -> dict[str, int]:
        return {name: s.num_examples for name, s in self.manifest.splits.items()}


def build_timestamp() -> str | None:
    """``SOURCE_DATE_EPOCH`` as an RFC 3339 time, or None: builds never record the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    return datetime.fromtimestamp(int(epoch), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _count_newlines(path: Path, start: int, end: int) -> int:
    count = 0
    with path.open("rb") as handle:
        handle.seek(start)
        remaining = end - start
        while remaining > 0 and (chunk := handle.read(min(1 << 22, remaining))):
            count += chunk.count(b"\n")
            remaining -= len(chunk)
    return count


def _plan_ranges(raw_dir: Path, entry: SourceEntry) -> list[tuple[int, int, int, str]] | None:
    """Byte ranges ``(start, end, lines before start, sha256 of the range)`` of a large JSONL
    source: the ones the manifest check hashed as it read the file (issue 14: one read), or
    else found and hashed in one pass over one descriptor; None when the file is small, or
    cannot be read safely, or its bytes are not the manifest's (its task then reports why)."""
    from toolkit.parallel import split_ranges
    from toolkit.raw import RawFileError, open_raw

    if entry.identity is None or entry.identity[2] <= JSONL_RANGE_BYTES:
        return None
    if entry.ranges is not None and entry.ranges.size == JSONL_RANGE_BYTES:
        return list(entry.ranges.parts)
    try:
        with open_raw(raw_dir, entry.path, entry.identity) as raw:
            whole = hashlib.sha256()
            ranges, lines = [], 0
            for start, end in split_ranges(raw.fd, JSONL_RANGE_BYTES):
                part = hashlib.sha256()
                newlines, position = 0, start
                while position < end and (
                    chunk := os.pread(raw.fd, min(1 << 22, end - position), position)
                ):
                    whole.update(chunk)
                    part.update(chunk)
                    newlines += chunk.count(b"\n")
                    position += len(chunk)
                ranges.append((start, end, lines, part.hexdigest()))
                lines += newlines
    except (RawFileError, OSError):
        return None
    return ranges if whole.hexdigest() == entry.sha256 else None


def _tasks(
    raw_dir: Path, entries: list[SourceEntry], work: Path, config: DatasetConfig
) -> list[ShardTask]:
    """One task per raw file, and one per ``JSONL_RANGE_BYTES`` of a large JSONL file. Range
    boundaries depend on the file only, never on the number of workers; each range carries the
    SHA-256 of its bytes, which the task checks against the bytes it reads."""
    from toolkit.extract import prepare_context

    context = prepare_context(raw_dir, entries)
    names = tuple(config.split_ratios)
    ratios = tuple(config.split_ratios[n] for n in names)
    tasks: list[ShardTask] = []
    for source, entry in enumerate(entries):
        planned = _plan_ranges(raw_dir, entry) if entry.format == "jsonl" else None
        ranges: list[tuple[int, int, int, str] | None] = list(planned) if planned else [None]
        for byte_range in ranges:
            tasks.append(
                ShardTask(
                    len(tasks), source, raw_dir, entry, work, names, ratios, context, byte_range
                )
            )
    return tasks


def _spilled(results: list[ShardResult]) -> Iterator[pa.Table]:
    """The spilled batches, in build order, one at a time."""
    for result in results:
        # Plain reads, not a memory map: mapped pages count towards RSS as the spill grows.
        with pa.OSFile(str(result.spool), "rb") as source:
            for batch in pa.ipc.open_stream(source):
                yield pa.Table.from_batches([batch])


def _write_splits(
    results: list[ShardResult],
    keep: np.ndarray[Any, Any],
    codes: np.ndarray[Any, Any],
    names: list[str],
    writers: dict[str, SplitWriter],
    wanted: list[int],
    step: Stage,
) -> tuple[dict[int, dict[str, Any]], list[Path]]:
    """Read the spilled batches back and write each kept row to its split; return the id and
    provenance of the rows in ``wanted`` (those the duplicates file names) and the files.

    The spill is read once per split and each split is finished before the next begins, so
    one split's row group is buffered at a time instead of all three (issue 14: the three
    buffers were most of the merge's peak memory); reading the spill again costs little."""
    facts: dict[int, dict[str, Any]] = {}
    files: list[Path] = []
    for c, name in enumerate(names):
        start = 0
        for table in _spilled(results):
            stop = start + table.num_rows
            chosen = codes[start:stop] == c
            mask = keep[start:stop] & chosen
            if mask.any():
                writers[name].write(table.filter(pa.array(mask)))
            # Arrow's allocator keeps each freed batch; given back at once, the write stage's
            # peak is one batch and one row group, not their high-water mark (issue 14).
            pa.default_memory_pool().release_unused()
            if c == 0:
                lo, hi = bisect.bisect_left(wanted, start), bisect.bisect_left(wanted, stop)
                for index in wanted[lo:hi]:
                    one = table.slice(index - start, 1).select(["id", "provenance"])
                    facts[index] = one.to_pylist()[0]
            step.advance(int(np.count_nonzero(chosen)))
            start = stop
        files += writers[name].close()
        release_memory()
    return facts, files


def previous_splits(out: Path) -> dict[bytes, str]:
    """The split of every record of the release in ``out`` (ids as ASCII bytes), or nothing
    when there is no release or it cannot be read (the version check after pass two reports a
    damaged release). Only the ``id`` column is read, from the files the manifest lists."""
    if not (out / MANIFEST_FILE).is_file():
        return {}
    import pyarrow.parquet as pq

    from toolkit.errors import ToolkitError

    splits: dict[bytes, str] = {}
    try:
        manifest = ReleaseManifest.read(out)
        for name, paths in manifest.split_paths(out):
            for path in paths:
                if path.is_symlink() or not path.is_file():
                    return {}
                for record_id in pq.read_table(path, columns=["id"]).column("id").to_pylist():
                    splits[str(record_id).encode("ascii", "backslashreplace")] = name
    except (ToolkitError, OSError, ValueError, pa.ArrowException, KeyError):
        return {}
    return splits


def _merge(
    stage: Path,
    results: list[ShardResult],
    counts: list[SourceCounts],
    config: DatasetConfig,
    progress: Progress,
    previous: dict[bytes, str] | None,
    run: Runner,
) -> _Written:
    """Pass two: deduplicate across all shards (a record of the ``previous`` release, id to
    split, stays against an equivalent newcomer), give each story one split, then write
    splits, rejects and duplicates. The dedup stage is the distributed engine's, its tasks
    run by ``run``: the merge holds a few bytes a record, never every signature (issue 14)."""
    names = list(config.split_ratios)
    with progress.stage("dedup", total=sum(r.rows for r in results)) as step:
        decision = decide_release(results, config, previous or {}, stage / ".work", run, step)
    count_outcomes(results, decision, counts)
    keep, codes, drops = decision.keep, decision.codes, decision.drops
    del decision  # the ids: the write stage reads the duplicates' ids from the spill
    release_memory()  # the dedup's arrays, before the write stage's buffers (issue 14)
    sizes = {name: int(np.sum(keep & (codes == c))) for c, name in enumerate(names)}
    schema = arrow_schema("article")
    counters = ReleaseCounters(names)
    writers = {
        name: SplitWriter(stage, name, sizes[name], schema, counter=counters.splits[name])
        for name in names
    }
    # On an error (a full disk) the open split files are closed before the stage is removed
    # (issue 7).
    try:
        wanted = sorted(set(drops) | {d.kept for d in drops.values()})
        with progress.stage("write", total=len(keep)) as step:
            facts, files = _write_splits(results, keep, codes, names, writers, wanted, step)
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    duplicates = JsonLinesWriter(stage / "duplicates.jsonl")
    try:
        for index, drop in drops.items():
            row = facts[index]
            counters.count_duplicate(drop.kind)
            duplicates.write(
                {
                    "id": row["id"],
                    "duplicate_of": facts[drop.kept]["id"],
                    "kind": drop.kind,
                    "similarity": drop.similarity,
                    "source_file": row["provenance"]["source_file"],
                    "span": row["provenance"]["span"],
                }
            )
    finally:
        duplicates.close()
    with HashingWriter(stage / "rejects.jsonl") as out:
        for result in results:
            with result.rejects.open("rb") as part:
                for line in part:  # one reject at a time: a line holds at most 1 MiB of raw text
                    out.write(line)
                    counters.count_reject(orjson.loads(line).get("rule"))
    checksums = {
        path.relative_to(stage).as_posix(): checksum
        for writer in writers.values()
        for path, checksum in writer.checksums.items()
    }
    checksums["rejects.jsonl"] = (out.hexdigest(), out.size)
    checksums["duplicates.jsonl"] = duplicates.checksum
    return {
        "splits": {
            name: ReleaseSplit(
                writers[name].rows,
                tuple(p.relative_to(stage).as_posix() for p in writers[name].paths),
            )
            for name in names
        },
        "files": [p.relative_to(stage).as_posix() for p in files]
        + ["rejects.jsonl", "duplicates.jsonl"],
        "checksums": checksums,
        "counters": counters,
    }


def _file_entry(stage: Path, relative: str, checksums: dict[str, tuple[str, int]]) -> ReleaseFile:
    """A data file's entry, from the checksum taken while it was written when there is one."""
    if relative in checksums:
        return ReleaseFile(relative, *checksums[relative])
    path = stage / relative
    return ReleaseFile(relative, sha256_file(path), path.stat().st_size)


def build_release(
    raw_dir: Path = Path("raw"),
    out: Path = Path("dist"),
    *,
    config: DatasetConfig | None = None,
    card_path: Path | None = None,
    progress: Progress | None = None,
    engine: str = "local",
    workers: int | None = None,
    ray_address: str | None = None,
) -> BuildSummary:
    """Build the release of ``raw_dir`` into ``out`` and return what it holds.

    The release is written to a staging folder beside ``out`` and swapped in only when complete,
    so ``out`` always holds a whole release. ``card_path`` (default ``DATASET_CARD.md`` beside
    ``out``) gets a copy of the dataset card. ``progress`` (default: none) gets one stage each
    for extract (with validation), dedup, write and card. The output is byte-identical for any
    ``engine`` (``local`` or ``ray``) and any number of ``workers``.

    Raises:
        BuildLockedError: another build holds the lock on ``out``.
        MetadataError: the card's metadata would be refused by the Hub (checked before anything
            is written; every problem listed).
        UsageError: ``out`` is a symlink, not a folder, or a folder that is not a release.
        OutputError: the folder beside ``out`` cannot be written (read-only); nothing changed.
        ReleaseError: the manifest is invalid or the counts do not reconcile.
    """
    raw_dir, out = Path(raw_dir), Path(out)
    if engine in DISTRIBUTED:  # a worker on another node does not run in this folder
        raw_dir, out = raw_dir.absolute(), out.absolute()
    progress = progress or Progress()
    config = config or load_config(raw_dir.resolve().parent)
    entries = load_manifest(raw_dir)
    _check_metadata(config, raw_dir, entries)
    check_target(out)
    with release_lock(out):
        check_target(out)  # again, now that no other build can change it
        cleanup_stale(out)
        stage = staging_dir(out)
        try:
            work = stage / ".work"
            work.mkdir()
            tasks = _tasks(raw_dir, entries, work, config)
            if workers is None and _input_bytes(entries) < SMALL_BUILD_BYTES:
                workers = 1  # starting worker processes costs more than it saves
            results = []
            unit = "files" if len(tasks) == len(entries) else "parts"

            def run(fn: Any, items: Any) -> Any:
                return run_tasks(fn, items, engine=engine, workers=workers, ray_address=ray_address)

            with engine_session(engine, ray_address):
                with progress.stage("extract", total=len(tasks), unit=unit) as step:
                    extracted = rejected = 0
                    for result in run(process_shard, tasks):
                        results.append(result)
                        extracted += result.counts.extracted
                        rejected += result.counts.rejected
                        step.advance(
                            1,
                            f"{extracted:,} records, {rejected:,} failed validation or extraction",
                        )
                manifest, stats = _build_into(
                    stage,
                    entries,
                    results,
                    config,
                    progress,
                    previous_splits(out),
                    run,
                    engine in DISTRIBUTED,
                )
            changes = _changes_since(out, stage)
            with progress.stage("card", total=1, unit="cards") as step:
                card_text = _write_card(stage, raw_dir.resolve().parent, changes, stats)
                step.advance(1)
            shutil.rmtree(work)
            swap_in(stage, out)
        except BaseException as exc:
            shutil.rmtree(stage, ignore_errors=True)
            if isinstance(exc, OSError):  # a full disk, a read-only folder (issue 7)
                raise ReleaseError(
                    f"cannot write the release beside {out}: {exc.strerror or exc}; nothing was "
                    f"changed in {out} (free some space or fix permissions, then build again)"
                ) from exc
            raise
    target = card_path or out.parent / "DATASET_CARD.md"
    try:
        atomic_write_bytes(target, card_text.encode("utf-8"))
    except OSError as exc:
        raise ReleaseError(
            f"the release in {out} is complete, but {target} could not be written: "
            f"{exc.strerror or exc}; run `dtk card {out}` once the problem is fixed"
        ) from exc
    return BuildSummary(out, manifest)


def _changes_since(out: Path, stage: Path) -> str | None:
    """Refuse a version too small for the change, and give the card's "Changes" section.

    The section describes this version against the release it replaced. Rebuilding the same
    version keeps the section the previous build wrote (``CHANGES.md``), so a rebuild is
    byte-identical to the build before it.
    """
    previous = out / MANIFEST_FILE
    if not previous.is_file():
        return None
    from toolkit.release.changes import render_changes_markdown
    from toolkit.release.diff import diff_releases
    from toolkit.release.versioning import check_version_bump

    diff = diff_releases(out, stage)
    check_version_bump(diff)
    if diff.old_version == diff.new_version:
        kept = out / CHANGES_FILE
        text = kept.read_text(encoding="utf-8") if kept.is_file() else None
    else:
        text = render_changes_markdown(diff, heading=False)
    if text:
        atomic_write_bytes(stage / CHANGES_FILE, text.encode("utf-8"))
    return text


def _check_metadata(config: DatasetConfig, raw_dir: Path, entries: list[SourceEntry]) -> None:
    """The Hub gate, before the build writes anything: the license, task categories and the
    manifest's languages must be values the Hub accepts (``dtk card`` runs the same gate)."""
    from toolkit.card.render import check_metadata

    check_metadata(config, raw_dir.resolve().parent, [e.language or "" for e in entries])


def _write_card(stage: Path, root: Path, changes: str | None, stats: ReleaseStats) -> str:
    """The card step: the one that imports ``datasets`` and matplotlib."""
    from toolkit.card.render import write_card

    return write_card(stage, root=root, changes=changes, stats=stats)


def _build_into(
    stage: Path,
    entries: list[SourceEntry],
    results: list[ShardResult],
    config: DatasetConfig,
    progress: Progress,
    previous: dict[bytes, str] | None,
    run: Runner,
    distributed: bool,
) -> tuple[ReleaseManifest, ReleaseStats]:
    """Pass two, its dedup as tasks ``run`` executes and, for a ``distributed`` engine, its
    writing too (``distributed.py``), then the manifest; returns it with the card's
    statistics."""
    counts = [SourceCounts() for _ in entries]
    for result in results:
        counts[result.source].merge(result.counts)
    counters: ReleaseCounters | None = None
    written: Written
    if not distributed:
        local = _merge(stage, results, counts, config, progress, previous, run)
        written, counters = local, local["counters"]
    else:
        written = merge_distributed(stage, results, counts, config, progress, previous, run)
    totals = {
        "extracted": sum(c.extracted for c in counts),
        "released": sum(s.num_examples for s in written["splits"].values()),
        "rejected": sum(c.rejected for c in counts),
        "deduplicated": sum(c.deduplicated for c in counts),
        "skipped": sum(c.skipped for c in counts),
    }
    if totals["extracted"] != totals["released"] + totals["rejected"] + totals["deduplicated"]:
        raise ReleaseError(
            f"records do not reconcile: {totals['extracted']} extracted != {totals['released']} "
            f"released + {totals['rejected']} rejected + {totals['deduplicated']} deduplicated; "
            "this is a bug, please report it"
        )
    # The counters must match the files too: a reject or duplicate counted but never written
    # would be lost silently (issue 7).
    for name, key in (("rejects.jsonl", "rejected"), ("duplicates.jsonl", "deduplicated")):
        path = stage / name
        if (lines := _count_newlines(path, 0, path.stat().st_size)) != totals[key]:
            raise ReleaseError(
                f"records do not reconcile: {name} holds {lines} lines but "
                f"{totals[key]} records were {key}; this is a bug, please report it"
            )
    manifest = ReleaseManifest(
        name=config.name,
        version=config.version,
        toolkit_version=__version__,
        built_at=build_timestamp(),
        config=config,
        schema=SchemaRef("article", schema_sha256("article")),
        counts=ReleaseCounts(**totals),
        splits=written["splits"],
        sources=tuple(
            ReleaseSource(
                path=e.path,
                sha256=e.sha256,
                format=e.format,
                publisher=e.publisher,
                url=e.url,
                retrieved_at=e.retrieved_at,
                language=e.language,
                license=e.license,
                profile=e.profile,
                extractors=tuple(sorted(c.extractors)),
                extracted=c.extracted,
                released=c.released,
                rejected=c.rejected,
                deduplicated=c.deduplicated,
                skipped=c.skipped,
            )
            for e, c in zip(entries, counts, strict=True)
        ),
        files=tuple(
            sorted(
                (_file_entry(stage, f, written["checksums"]) for f in written["files"]),
                key=lambda f: f.path,
            )
        ),
    )
    manifest.write(stage)
    if counters is None:  # the distributed merge wrote in its workers: count from the files
        return manifest, release_stats(stage, manifest)
    return manifest, counters.stats(stage, manifest)
