"""Pass one of a build, cut into independent shard tasks: each task extracts one raw file (or one
byte range of a large JSONL file), validates every record against the article schema, spills the
valid rows to an Arrow stream, writes its rejects, and returns the compact facts the merge needs
(ids, body lengths, MinHash signatures, split codes, counts). Tasks share nothing, so they run
the same in-process, in a process pool or on Ray, and their results merge in task order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa

from toolkit.build.dedup import NUM_PERM, lead_signatures, record_shingles
from toolkit.build.split import split_of
from toolkit.build.writers import JSONL_COLUMN, JsonLinesWriter
from toolkit.issues import Issue
from toolkit.raw import SourceEntry

#: Rows per spilled Arrow batch. Not to be changed lightly: the batches become the chunks of
#: the tables the split writers get, and the Parquet pages follow those chunks, so another size
#: gives a large release other Parquet bytes (same rows; seen at 200,000 records with 1,024).
SPOOL_BATCH_ROWS = 4096
#: Records whose shingles are held at once: the shingle strings of 4,096 bodies were most of
#: a worker's memory (about 110 MB); signing every 256 keeps rensa's batched digest.
SIGN_BATCH_ROWS = 256


Conform = Callable[[Any], Any]


def _conformer(field_type: pa.DataType) -> Conform:
    """A function giving a value as ``Table.from_pylist(...).to_pylist()`` would give it back
    for a column of ``field_type`` (keys in schema order, missing keys None), or raising
    ``TypeError`` when it is not plainly of that type (then the row's line is taken from Arrow
    instead). Built once per type, so a row costs no type dispatch (issue 14)."""
    if pa.types.is_string(field_type):

        def conform_string(value: Any) -> Any:
            if value is None or type(value) is str:
                return value
            raise TypeError

        return conform_string
    if pa.types.is_int64(field_type):

        def conform_int(value: Any) -> Any:
            if value is None or (type(value) is int and -(1 << 63) <= value < 1 << 63):
                return value
            raise TypeError

        return conform_int
    if pa.types.is_list(field_type):
        item = _conformer(field_type.value_type)

        def conform_list(value: Any) -> Any:
            if value is None:
                return None
            if type(value) is not list:
                raise TypeError
            return [item(v) for v in value]

        return conform_list
    if pa.types.is_struct(field_type):
        fields = [(f.name, _conformer(f.type)) for f in field_type]

        def conform_struct(value: Any) -> Any:
            if value is None:
                return None
            if type(value) is not dict:
                raise TypeError
            get = value.get
            return {name: conform(get(name)) for name, conform in fields}

        return conform_struct

    def refuse(value: Any) -> Any:
        if value is None:
            return None
        raise TypeError

    return refuse


def _row_conformer(schema: pa.Schema) -> Conform:
    """The :func:`_conformer` of a whole row of ``schema``."""
    return _conformer(pa.struct(list(schema)))


def jsonl_lines(rows: list[dict[str, Any]], table: pa.Table) -> pa.Array:
    """The JSONL line of each row of ``table`` (made from ``rows``), byte for byte what
    ``orjson.dumps(table.to_pylist()[i])`` gives, as a binary array."""
    conform = _row_conformer(table.schema)
    dumps = orjson.dumps
    try:
        lines = [dumps(conform(row)) + b"\n" for row in rows]
    except TypeError:  # anything unusual: ask Arrow for the rows as it stored them
        lines = [dumps(row) + b"\n" for row in table.to_pylist()]
    return pa.array(lines, pa.binary())


def _spill_table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """A batch of valid rows for the spill: the article columns, plus each row's JSONL line
    (made once here, so the merge writes the JSONL copy without ``to_pylist``)."""
    table = pa.Table.from_pylist(rows, schema=schema)
    return table.append_column(JSONL_COLUMN, jsonl_lines(rows, table))


def release_memory() -> None:
    """Hand what a finished task (or write step) freed back to the system: Arrow's allocator
    and ``malloc`` keep freed pages, so with one worker every stage of a build started on top
    of the largest moment of the ones before (issue 14)."""
    from toolkit.ids import forget_texts
    from toolkit.parallel import trim_heap

    forget_texts()
    pa.default_memory_pool().release_unused()
    trim_heap()


@dataclass
class SourceCounts:
    """What became of one raw file's records."""

    extracted: int = 0
    released: int = 0
    rejected: int = 0
    deduplicated: int = 0
    skipped: int = 0
    extractors: set[str] = field(default_factory=set)

    def merge(self, other: SourceCounts) -> None:
        self.extracted += other.extracted
        self.rejected += other.rejected
        self.skipped += other.skipped
        self.extractors |= other.extractors


@dataclass(frozen=True)
class ShardTask:
    """One unit of pass-one work; ``source`` is the entry's position in the manifest."""

    index: int
    source: int
    raw_dir: Path
    entry: SourceEntry
    work_dir: Path
    split_names: tuple[str, ...]
    split_ratios: tuple[float, ...]
    context: Any
    #: ``(start, end, lines before start, sha256 of the range)`` for one byte range of a large
    #: JSONL file.
    byte_range: tuple[int, int, int, str] | None = None


@dataclass
class ShardResult:
    """What a task produced: files in the work folder (the spilled rows, the rejects, and the
    per-row facts the merge needs), so the parent holds nothing per record until it merges."""

    index: int
    source: int
    counts: SourceCounts
    spool: Path
    rejects: Path
    facts: Path
    rows: int


class LineFetcher:
    """The raw bytes of given lines of a JSONL source, taken from the bytes the shard read once
    (never by reopening the file), forward only (rejects come in line order), so a line that
    could not be parsed is still kept, byte for byte, in the rejects."""

    #: Longer lines are kept up to this many bytes (and marked as cut).
    MAX_BYTES = 1 << 20

    def __init__(self, data: bytes, first_line: int = 1) -> None:
        self.data, self.position, self.line = data, 0, first_line

    def get(self, line_no: int) -> tuple[str, bool] | None:
        """``(text, cut)`` of line ``line_no`` (invalid UTF-8 kept as ``\\xNN`` escapes)."""
        if line_no < self.line:
            return None
        data = self.data
        while self.line < line_no:
            stop = data.find(b"\n", self.position)
            if stop == -1:
                return None
            self.position, self.line = stop + 1, self.line + 1
        if self.position >= len(data):
            return None
        stop = data.find(b"\n", self.position)
        end = len(data) if stop == -1 else stop
        raw = data[self.position : min(end, self.position + self.MAX_BYTES)]
        cut = end - self.position > self.MAX_BYTES
        self.position, self.line = (len(data) if stop == -1 else stop + 1), self.line + 1
        if cut:
            return raw.decode("utf-8", "backslashreplace"), True
        return raw.rstrip(b"\r").decode("utf-8", "backslashreplace"), False


def reject_row(
    entry: SourceEntry, issues: list[Issue], record: Any, raw: tuple[str, bool] | None = None
) -> dict[str, Any]:
    """A line of ``rejects.jsonl``: where the record came from, every error, and the record
    (or, for a line that did not parse, the line's text)."""
    provenance = record.get("provenance") if isinstance(record, dict) else None
    span = provenance.get("span") if isinstance(provenance, dict) else None
    line = span.get("start_line") if isinstance(span, dict) else issues[0].line
    return {
        "source_file": entry.path,
        "line": line,
        "span": span,
        "id": record.get("id") if isinstance(record, dict) else None,
        "rule": issues[0].rule,
        "errors": [
            {
                "rule": i.rule,
                "pointer": i.pointer,
                "message": i.message,
                "line": i.line,
                "column": i.column,
            }
            for i in issues
        ],
        "record": record,
        "raw": raw[0] if raw else None,
        "raw_cut": raw[1] if raw else False,
    }


def _task_bytes(task: ShardTask) -> bytes | Issue:
    """The bytes of the task's file (or byte range), read once through one safe descriptor and
    checked against the SHA-256 the manifest (or the range plan) holds."""
    from toolkit.raw import RawFileError, changed_issue, open_raw, read_raw

    if task.byte_range is None:
        return read_raw(task.raw_dir, task.entry)
    start, end, _, expected = task.byte_range
    entry = task.entry
    try:
        with open_raw(task.raw_dir, entry.path, entry.identity) as raw:
            data = raw.read(start, end)
            size = raw.identity[2]
    except (RawFileError, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        return Issue(entry.path, 1, "", "extract.unreadable", f"{entry.path!r}: {reason}")
    actual = hashlib.sha256(data).hexdigest()
    if entry.identity is not None and size != entry.identity[2]:
        # The ranges cover the file as it was checked: a file grown or cut since is changed
        # even where this range's bytes are the same.
        actual = f"{actual} (of a file now {size:,} bytes long, not {entry.identity[2]:,})"
    return changed_issue(entry, actual, expected) or data


def _items(task: ShardTask, data: bytes) -> Iterator[Any]:
    from toolkit.extract import EXTRACTORS, extract_source
    from toolkit.extract.jsonl import JsonlExtractor

    if task.byte_range is None:
        extractor = EXTRACTORS.get(task.entry.format)
        if extractor is None:  # extract_source reports it
            return extract_source(task.raw_dir, task.entry, task.context)
        return extractor(task.context).extract(data, task.entry)
    return JsonlExtractor(task.context).extract(data, task.entry, line_offset=task.byte_range[2])


def process_shard(task: ShardTask) -> ShardResult:
    """Run pass one on one shard. Never raises for bad input: it all ends up in rejects."""
    from toolkit.features import arrow_schema
    from toolkit.validate.record import RecordSchema, validate_record

    schema = arrow_schema("article")
    spill_schema = schema.append(pa.field(JSONL_COLUMN, pa.binary()))
    article = RecordSchema.load("article")
    ratios = dict(zip(task.split_names, task.split_ratios, strict=True))
    spool_path = task.work_dir / f"shard-{task.index:05d}.arrows"
    rejects = JsonLinesWriter(task.work_dir / f"rejects-{task.index:05d}.jsonl")
    counts = SourceCounts()
    ids: list[bytes] = []
    lengths: list[int] = []
    signatures: list[np.ndarray] = []
    bodies: list[np.ndarray] = []
    codes: list[int] = []
    pending: list[dict[str, Any]] = []
    leads: list[list[bytes]] = []  # the pending records' lead shingles, signed once per batch
    texts: list[list[bytes]] = []  # and their whole bodies' shingles
    data = _task_bytes(task)
    fetcher = None
    if task.entry.format == "jsonl" and isinstance(data, bytes):
        fetcher = LineFetcher(data, (task.byte_range[2] if task.byte_range else 0) + 1)
    items: Iterator[Any] = iter([data]) if isinstance(data, Issue) else _items(task, data)
    # try/finally: an error that stops the build (a bad profile, a full disk) must not leave
    # the rejects file open (issue 7).
    try:
        with (
            pa.OSFile(str(spool_path), "wb") as sink,
            pa.ipc.new_stream(sink, spill_schema) as spool,
        ):
            for item in items:
                if isinstance(item, Issue):
                    if item.severity == "warning":
                        # Format warnings (BOM, CRLF, blank lines) lose nothing; a skipped WARC
                        # record (not an HTML response) is counted apart from the records.
                        counts.skipped += item.rule == "extract.skipped-record"
                        continue
                    counts.extracted += 1
                    counts.rejected += 1
                    raw = fetcher.get(item.line) if fetcher is not None else None
                    rejects.write(reject_row(task.entry, [item], None, raw))
                    continue
                counts.extracted += 1
                extractor = (item.get("provenance") or {}).get("extractor")
                if isinstance(extractor, str):
                    counts.extractors.add(extractor)
                line = ((item.get("provenance") or {}).get("span") or {}).get("start_line", 1)
                issues = validate_record(item, article, file=task.entry.path, line=line)
                if issues:
                    counts.rejected += 1
                    rejects.write(reject_row(task.entry, issues, item))
                    continue
                ids.append(item["id"].encode("ascii"))
                lengths.append(len(item["body"]))
                lead, text = record_shingles(item["title"], item["body"])
                leads.append(lead)
                texts.append(text)
                codes.append(task.split_names.index(split_of(item["id"], ratios)))
                pending.append(item)
                if len(leads) >= SIGN_BATCH_ROWS:
                    signatures.append(lead_signatures(leads))
                    bodies.append(lead_signatures(texts))
                    leads, texts = [], []
                if len(pending) >= SPOOL_BATCH_ROWS:
                    spool.write_table(_spill_table(pending, schema))
                    pending = []
            if leads:
                signatures.append(lead_signatures(leads))
                bodies.append(lead_signatures(texts))
            if pending:
                spool.write_table(_spill_table(pending, schema))
    finally:
        rejects.close()
    del data, fetcher, items, pending, leads, texts
    facts = task.work_dir / f"facts-{task.index:05d}.npz"
    np.savez(
        facts,
        ids=np.array(ids, dtype="S16"),
        lengths=np.array(lengths, dtype=np.int64),
        signatures=np.concatenate(signatures) if signatures else np.zeros((0, NUM_PERM), np.uint32),
        bodies=np.concatenate(bodies) if bodies else np.zeros((0, NUM_PERM), np.uint32),
        split_codes=np.array(codes, dtype=np.int8),
    )
    release_memory()
    return ShardResult(
        index=task.index,
        source=task.source,
        counts=counts,
        spool=spool_path,
        rejects=rejects.path,
        facts=facts,
        rows=len(ids),
    )
