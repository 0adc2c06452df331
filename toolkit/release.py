"""``build_release``: raw captures to a published release folder.

manifest → extract → validate (article schema) → deduplicate → split → write, staged beside the
target and swapped in atomically. Records travel as Arrow batches of bounded size: pass one
extracts and validates, spilling valid rows to an Arrow stream on disk and sending every failure
to ``rejects.jsonl``; pass two reads the spill back and writes each split. The build checks that
records extracted = released + rejected + deduplicated before it publishes anything.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from toolkit import __version__
from toolkit.atomic import atomic_write_bytes, cleanup_stale, release_lock, staging_dir, swap_in
from toolkit.config import DatasetConfig, load_config
from toolkit.dedup import Deduplicator
from toolkit.errors import ReleaseError
from toolkit.features import arrow_schema
from toolkit.issues import Issue
from toolkit.manifest import SourceEntry, load_manifest, sha256_file
from toolkit.schema import default_schemas, fast_validator, schema_sha256
from toolkit.schema_errors import descriptions_of, fast_issues
from toolkit.split import split_of
from toolkit.versioning import enforce_version_bump
from toolkit.writers import JsonLinesWriter, SplitWriter

SPOOL_BATCH_ROWS = 4096
Progress = Callable[[str, int], None]


@dataclass
class SourceCounts:
    """What became of one raw file's records."""

    extracted: int = 0
    released: int = 0
    rejected: int = 0
    deduplicated: int = 0
    skipped: int = 0
    extractors: set[str] = field(default_factory=set)


@dataclass
class BuildSummary:
    """The outcome of a build, as recorded in ``manifest.json``."""

    out: Path
    manifest: dict[str, Any]

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.manifest["counts"])

    @property
    def splits(self) -> dict[str, int]:
        return {name: s["num_examples"] for name, s in self.manifest["splits"].items()}


def build_timestamp() -> str | None:
    """``SOURCE_DATE_EPOCH`` as an RFC 3339 time, or None: builds never record the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    return datetime.fromtimestamp(int(epoch), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _reject_row(entry: SourceEntry, issues: list[Issue], record: dict[str, Any] | None) -> dict[str, Any]:
    provenance = (record or {}).get("provenance") if isinstance(record, dict) else None
    span = provenance.get("span") if isinstance(provenance, dict) else None
    line = span.get("start_line") if isinstance(span, dict) else issues[0].line
    return {
        "source_file": entry.path,
        "line": line,
        "span": span,
        "id": (record or {}).get("id") if isinstance(record, dict) else None,
        "rule": issues[0].rule,
        "errors": [{"rule": i.rule, "pointer": i.pointer, "message": i.message, "line": i.line,
                    "column": i.column} for i in issues],
        "record": record,
    }


class _Pass1:
    """Extract and validate every source, spilling valid rows and rejecting the rest."""

    def __init__(self, stage: Path, raw_dir: Path, config: DatasetConfig, progress: Progress | None):
        self.stage, self.raw_dir, self.config, self.progress = stage, raw_dir, config, progress
        self.schema = arrow_schema("article")
        schemas = default_schemas()
        self.validator = fast_validator(schemas.resolve_name("article"), schemas)
        self.descriptions = descriptions_of("article")
        self.rejects = JsonLinesWriter(stage / "rejects.jsonl")
        self.dedup = Deduplicator(config.dedup_threshold)
        self.split_names = list(config.split_ratios)
        self.split_code = np.zeros(1024, dtype=np.int8)
        self.source_of = np.zeros(1024, dtype=np.int32)
        self.valid = 0
        self.pending: list[dict[str, Any]] = []
        self.spool_path = stage / ".work" / "valid.arrows"
        self.spool_path.parent.mkdir()
        self._sink = pa.OSFile(str(self.spool_path), "wb")
        self._spool = pa.ipc.new_stream(self._sink, self.schema)
        self.counts: list[SourceCounts] = []

    def _flush(self) -> None:
        if self.pending:
            self._spool.write_table(pa.Table.from_pylist(self.pending, schema=self.schema))
            self.pending = []

    def _accept(self, source: int, record: dict[str, Any]) -> None:
        index = self.valid
        if index >= len(self.split_code):
            self.split_code = np.resize(self.split_code, index * 2)
            self.source_of = np.resize(self.source_of, index * 2)
        self.split_code[index] = self.split_names.index(split_of(record["id"], self.config.split_ratios))
        self.source_of[index] = source
        self.dedup.add(index, record["id"], record["title"], record["body"])
        self.pending.append(record)
        self.valid += 1
        if len(self.pending) >= SPOOL_BATCH_ROWS:
            self._flush()

    def run(self, entries: list[SourceEntry]) -> None:
        from toolkit.extract import extract_source, prepare_context

        context = prepare_context(self.raw_dir, entries)
        for source, entry in enumerate(entries):
            counts = SourceCounts()
            self.counts.append(counts)
            for item in extract_source(self.raw_dir, entry, context):
                if isinstance(item, Issue):
                    if item.severity == "warning":
                        counts.skipped += 1
                        continue
                    counts.extracted += 1
                    counts.rejected += 1
                    self.rejects.write(_reject_row(entry, [item], None))
                    continue
                counts.extracted += 1
                extractor = (item.get("provenance") or {}).get("extractor")
                if isinstance(extractor, str):
                    counts.extractors.add(extractor)
                if self.validator.is_valid(item):
                    self._accept(source, item)
                    continue
                line = ((item.get("provenance") or {}).get("span") or {}).get("start_line", 1)
                issues = fast_issues(self.validator, item, file=entry.path, line=line,
                                     descriptions=self.descriptions)
                counts.rejected += 1
                self.rejects.write(_reject_row(entry, issues, item))
            if self.progress:
                self.progress(entry.path, counts.extracted)
        self._flush()
        self._spool.close()
        self._sink.close()
        self.rejects.close()


def _write_splits(stage: Path, pass1: _Pass1) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    drops = pass1.dedup.resolve()
    n = pass1.valid
    keep = np.ones(n, dtype=bool)
    for index in drops:
        keep[index] = False
    codes = pass1.split_code[:n]
    counts = {name: int(np.sum(keep & (codes == c))) for c, name in enumerate(pass1.split_names)}
    writers = {name: SplitWriter(stage, name, counts[name], pass1.schema) for name in pass1.split_names}
    wanted = set(drops) | {d.kept for d in drops.values()}
    facts: dict[int, dict[str, Any]] = {}
    start = 0
    with pa.memory_map(str(pass1.spool_path)) as source:
        for batch in pa.ipc.open_stream(source):
            table = pa.Table.from_batches([batch])
            stop = start + table.num_rows
            batch_keep, batch_codes = keep[start:stop], codes[start:stop]
            for c, name in enumerate(pass1.split_names):
                mask = pa.array(batch_keep & (batch_codes == c))
                if pc.any(mask).as_py():
                    writers[name].write(table.filter(mask))
            for index in sorted(i for i in wanted if start <= i < stop):
                row = table.slice(index - start, 1).select(["id", "provenance"]).to_pylist()[0]
                facts[index] = row
            start = stop
    files = [path for name in pass1.split_names for path in writers[name].close()]
    for index, drop in drops.items():
        pass1.counts[int(pass1.source_of[index])].deduplicated += 1
    kept_sources = np.bincount(pass1.source_of[:n][keep], minlength=len(pass1.counts))
    for source, counts in enumerate(pass1.counts):
        counts.released = int(kept_sources[source])
    duplicates = JsonLinesWriter(stage / "duplicates.jsonl")
    for index in sorted(drops):
        drop, row = drops[index], facts[index]
        duplicates.write({
            "id": row["id"], "duplicate_of": facts[drop.kept]["id"], "kind": drop.kind,
            "similarity": drop.similarity, "source_file": row["provenance"]["source_file"],
            "span": row["provenance"]["span"],
        })
    duplicates.close()
    splits = {name: {"num_examples": writers[name].rows,
                     "files": [p.relative_to(stage).as_posix() for p in writers[name].paths]}
              for name in pass1.split_names}
    return splits, [{"path": p.relative_to(stage).as_posix()} for p in files]


def _file_entry(stage: Path, relative: str) -> dict[str, Any]:
    path = stage / relative
    return {"path": relative, "sha256": sha256_file(path), "bytes": path.stat().st_size}


def build_release(
    raw_dir: Path = Path("raw"),
    out: Path = Path("dist"),
    *,
    config: DatasetConfig | None = None,
    card_path: Path | None = None,
    progress: Progress | None = None,
) -> BuildSummary:
    """Build the release of ``raw_dir`` into ``out`` and return what it holds.

    The release is written to a staging folder beside ``out`` and swapped in only when complete,
    so ``out`` always holds a whole release. ``card_path`` (default ``DATASET_CARD.md`` beside
    ``out``) gets a copy of the dataset card.

    Raises:
        BuildLockedError: another build holds the lock on ``out``.
        ReleaseError: the manifest is invalid or the counts do not reconcile.
    """
    raw_dir, out = Path(raw_dir), Path(out)
    config = config or load_config(raw_dir.resolve().parent)
    entries = load_manifest(raw_dir)
    with release_lock(out):
        cleanup_stale(out)
        stage = staging_dir(out)
        try:
            manifest = _build_into(stage, raw_dir, entries, config, progress)
            card_text = _write_card(stage, raw_dir.resolve().parent)
            shutil.rmtree(stage / ".work")
            enforce_version_bump(out, stage)
            swap_in(stage, out)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
    if card_text is not None:
        target = card_path or out.parent / "DATASET_CARD.md"
        atomic_write_bytes(target, card_text.encode("utf-8"))
    return BuildSummary(out, manifest)


def _write_card(stage: Path, root: Path) -> str | None:
    try:
        from toolkit.card import write_card
    except ImportError:  # the card generator is optional while it is being written
        return None
    return write_card(stage, root=root)


def _build_into(stage: Path, raw_dir: Path, entries: list[SourceEntry], config: DatasetConfig,
                progress: Progress | None) -> dict[str, Any]:
    pass1 = _Pass1(stage, raw_dir, config, progress)
    pass1.run(entries)
    splits, files = _write_splits(stage, pass1)
    totals = {
        "extracted": sum(c.extracted for c in pass1.counts),
        "released": sum(s["num_examples"] for s in splits.values()),
        "rejected": sum(c.rejected for c in pass1.counts),
        "deduplicated": sum(c.deduplicated for c in pass1.counts),
        "skipped": sum(c.skipped for c in pass1.counts),
    }
    if totals["extracted"] != totals["released"] + totals["rejected"] + totals["deduplicated"]:
        raise ReleaseError(
            f"records do not reconcile: {totals['extracted']} extracted != {totals['released']} "
            f"released + {totals['rejected']} rejected + {totals['deduplicated']} deduplicated; "
            "this is a bug, please report it"
        )
    file_entries = [_file_entry(stage, f["path"]) for f in files]
    file_entries += [_file_entry(stage, name) for name in ("rejects.jsonl", "duplicates.jsonl")]
    manifest: dict[str, Any] = {
        "name": config.name,
        "version": config.version,
        "toolkit_version": __version__,
        "built_at": build_timestamp(),
        "config": config.to_dict(),
        "schema": {"name": "article", "sha256": schema_sha256("article")},
        "counts": totals,
        "splits": splits,
        "sources": [
            {
                "path": e.path, "sha256": e.sha256, "format": e.format, "publisher": e.publisher,
                "url": e.url, "retrieved_at": e.retrieved_at, "language": e.language,
                "license": e.license, "profile": e.profile, "extractors": sorted(c.extractors),
                "extracted": c.extracted, "released": c.released, "rejected": c.rejected,
                "deduplicated": c.deduplicated, "skipped": c.skipped,
            }
            for e, c in zip(entries, pass1.counts, strict=True)
        ],
        "files": sorted(file_entries, key=lambda f: f["path"]),
    }
    atomic_write_bytes(stage / "manifest.json",
                       orjson.dumps(manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
    return manifest
