"""Streams a release into the report's data scripts: per split, index chunks (the table columns
of 10,000 rows) and record chunks (1,000 full records with their raw lines); rejects in chunks
per rule; duplicates with the record each one duplicates. Every file is a ``.js`` script calling
``DTK.chunk(key, rows)``, because a page opened from ``file://`` may load scripts but not
``fetch()`` its sibling files. Parquet is read in batches and every buffer is one chunk long, so
memory stays flat whatever the size of the release; the counts the overview needs are gathered on
the way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pyarrow.parquet as pq

from toolkit.errors import InputError
from toolkit.report.escape import script_call
from toolkit.report.excerpt import RawExcerpts

RECORDS_PER_CHUNK = 1000
ROWS_PER_INDEX_CHUNK = 10_000
#: Upper edges (characters) of the body-length histogram; the last bin is open.
LENGTH_BINS = (250, 500, 1000, 2000, 4000, 8000, 16000)
#: Columns of the records table, in the order of an index row.
TABLE_COLUMNS = ("title", "publisher", "published", "language")


def _read_manifest(dist: Path) -> dict[str, Any]:
    """The release's manifest as plain data, read through the one release model
    (:class:`toolkit.release.folder.ReleaseManifest`), so a damaged or foreign manifest is a
    clear error here too."""
    from toolkit.release.folder import ReleaseManifest

    if not (dist / "manifest.json").is_file():
        raise InputError(f"{dist} is not a release: it has no manifest.json; run 'dtk build'")
    return ReleaseManifest.read(dist).to_dict()


def ordered_split_names(manifest: dict[str, Any]) -> list[str]:
    """Split names as people expect them: train, validation, test, then others by name."""
    splits = manifest["splits"]
    order = [n for n in ("train", "validation", "test") if n in splits]
    return order + sorted(n for n in splits if n not in order)


@dataclass
class SplitData:
    """One split as the page sees it: its script key prefix and chunk counts."""

    name: str
    key: str
    rows: int = 0
    record_chunks: int = 0
    index_chunks: int = 0


@dataclass
class RuleData:
    """The rejects of one rule code."""

    rule: str
    key: str
    count: int = 0
    chunks: int = 0


@dataclass
class ReportData:
    """What the overview and the charts show, gathered while the chunks were written."""

    manifest: dict[str, Any]
    splits: list[SplitData] = field(default_factory=list)
    publishers: Counter[str] = field(default_factory=Counter)
    publisher_split: Counter[tuple[str, str]] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    lengths: list[int] = field(default_factory=lambda: [0] * (len(LENGTH_BINS) + 1))
    rules: list[RuleData] = field(default_factory=list)
    duplicates: int = 0
    duplicate_chunks: int = 0
    changes: str | None = None

    def to_page(self) -> dict[str, Any]:
        """The facts ``app.js`` needs to find and page the chunks."""
        return {
            "records_per_chunk": RECORDS_PER_CHUNK,
            "rows_per_index_chunk": ROWS_PER_INDEX_CHUNK,
            "splits": [vars(s) for s in self.splits],
            "rules": [vars(r) for r in self.rules],
            "duplicates": self.duplicates,
            "duplicate_chunks": self.duplicate_chunks,
        }


class ChunkWriter:
    """Buffers rows and writes them ``size`` at a time as ``{folder}/{name}-{n:05d}.js``."""

    def __init__(self, folder: Path, name: str, key: str, size: int) -> None:
        self.folder, self.name, self.key, self.size = folder, name, key, size
        self.rows: list[Any] = []
        self.chunks = 0

    def add(self, row: Any) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.size:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        path = self.folder / f"{self.name}-{self.chunks:05d}.js"
        path.write_text(script_call("DTK.chunk", f"{self.key}/{self.chunks}", self.rows), "utf-8")
        self.rows = []
        self.chunks += 1


def _length_bin(length: int) -> int:
    for index, edge in enumerate(LENGTH_BINS):
        if length <= edge:
            return index
    return len(LENGTH_BINS)


def _iter_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` of each non-blank line; a line that does not parse is given as
    its text, so nothing is hidden from the reviewer."""
    if not path.is_file():
        return
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield number, orjson.loads(line)
            except orjson.JSONDecodeError:
                yield number, {"unparsed": line.decode("utf-8", "backslashreplace")}


def _span_lines(span: Any, line: Any = None) -> tuple[int | None, int | None]:
    if isinstance(span, dict) and isinstance(span.get("start_line"), int):
        return span["start_line"], span.get("end_line")
    return (line, line) if isinstance(line, int) else (None, None)


def _write_records(
    dist: Path, data: ReportData, out: Path, excerpts: RawExcerpts, wanted: set[str]
) -> dict[str, dict[str, Any]]:
    """Write every split's chunks; return the table row and place of each ``wanted`` id."""
    found: dict[str, dict[str, Any]] = {}
    for number, name in enumerate(ordered_split_names(data.manifest)):
        split = SplitData(name=name, key=f"s{number}")
        folder = out / split.key
        folder.mkdir(parents=True, exist_ok=True)
        records = ChunkWriter(folder, "records", f"{split.key}/records", RECORDS_PER_CHUNK)
        index = ChunkWriter(folder, "index", f"{split.key}/index", ROWS_PER_INDEX_CHUNK)
        for file in data.manifest["splits"][name].get("files", []):
            if not file.endswith(".parquet"):
                continue
            parquet = pq.ParquetFile(dist / file)
            for batch in parquet.iter_batches(batch_size=RECORDS_PER_CHUNK):
                for record in batch.to_pylist():
                    publisher = str(record.get("publisher") or "(none)")
                    data.publishers[publisher] += 1
                    data.publisher_split[(publisher, name)] += 1
                    data.languages[str(record.get("language") or "(none)")] += 1
                    data.kinds[str(record.get("kind") or "(none)")] += 1
                    data.lengths[_length_bin(len(record.get("body") or ""))] += 1
                    provenance = record.get("provenance") or {}
                    start, end = _span_lines(provenance.get("span"))
                    record["_raw"] = excerpts.lines(provenance.get("source_file"), start, end)
                    row = [record.get(c) for c in TABLE_COLUMNS]
                    if record.get("id") in wanted:
                        found[record["id"]] = {"split": name, "index": split.rows, "row": row}
                    records.add(record)
                    index.add(row)
                    split.rows += 1
        records.flush()
        index.flush()
        split.record_chunks, split.index_chunks = records.chunks, index.chunks
        data.splits.append(split)
    return found


def _write_rejects(dist: Path, data: ReportData, out: Path, excerpts: RawExcerpts) -> None:
    folder = out / "rejects"
    folder.mkdir(parents=True, exist_ok=True)
    writers: dict[str, tuple[RuleData, ChunkWriter]] = {}
    for number, reject in _iter_jsonl(dist / "rejects.jsonl"):
        rule = str(reject.get("rule") or "(unparsed)") if isinstance(reject, dict) else "(bad)"
        if rule not in writers:
            key = f"r{len(writers)}"
            writers[rule] = (RuleData(rule, key), ChunkWriter(folder, key, key, RECORDS_PER_CHUNK))
        summary, writer = writers[rule]
        summary.count += 1
        row = dict(reject) if isinstance(reject, dict) else {"value": reject}
        row["_line"] = number
        if row.get("raw") is None:
            start, end = _span_lines(row.get("span"), row.get("line"))
            row["_raw"] = excerpts.lines(row.get("source_file"), start, end)
        writer.add(row)
    for summary, writer in writers.values():
        writer.flush()
        summary.chunks = writer.chunks
        data.rules.append(summary)
    data.rules.sort(key=lambda r: (-r.count, r.rule))


def _write_duplicates(
    dist: Path, data: ReportData, out: Path, excerpts: RawExcerpts, kept: dict[str, Any]
) -> None:
    writer = ChunkWriter(out, "duplicates", "duplicates", RECORDS_PER_CHUNK)
    for number, duplicate in _iter_jsonl(dist / "duplicates.jsonl"):
        row = dict(duplicate) if isinstance(duplicate, dict) else {"value": duplicate}
        row["_line"] = number
        row["_kept"] = kept.get(str(row.get("duplicate_of")))
        start, end = _span_lines(row.get("span"))
        row["_raw"] = excerpts.lines(row.get("source_file"), start, end)
        writer.add(row)
        data.duplicates += 1
    writer.flush()
    data.duplicate_chunks = writer.chunks


def write_data(dist: Path, out: Path, raw_dir: Path | None) -> ReportData:
    """Write the data scripts of release ``dist`` under ``out`` and return the overview facts.

    Args:
        raw_dir: the captures the release was built from, for the raw lines of each record;
            None, or a folder without the file, shows "not available" instead.
    """
    manifest = _read_manifest(dist)
    data = ReportData(manifest=manifest)
    sha = {
        s["path"]: s["sha256"]
        for s in manifest.get("sources", [])
        if isinstance(s, dict) and isinstance(s.get("path"), str) and s.get("sha256")
    }
    out.mkdir(parents=True, exist_ok=True)
    wanted = {
        str(d.get("duplicate_of"))
        for _, d in _iter_jsonl(dist / "duplicates.jsonl")
        if isinstance(d, dict)
    }
    with RawExcerpts(raw_dir, sha) as excerpts:
        kept = _write_records(dist, data, out, excerpts, wanted)
        _write_rejects(dist, data, out, excerpts)
        _write_duplicates(dist, data, out, excerpts, kept)
    changes = dist / "CHANGES.md"
    if changes.is_file():
        data.changes = changes.read_bytes().decode("utf-8", "backslashreplace")
    return data
