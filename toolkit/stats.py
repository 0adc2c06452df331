"""Counts and distributions of a built release, computed with ``pyarrow.compute`` from the files
themselves (never copied from the manifest), so the card can show them and a test can hold them
against ``manifest.json``. Kept apart from ``card.py`` so the numbers can be checked without
rendering anything.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from toolkit.errors import ReleaseError
from toolkit.features import arrow_schema

#: Columns the statistics need; the body is read once for its length only.
STAT_COLUMNS = ("id", "publisher", "section", "language", "kind", "body", "authors", "published")
#: Upper edges (characters) of the body-length bins shown in the card and the chart.
LENGTH_BINS = (250, 500, 1000, 2000, 4000, 8000, 16000)
#: Label used in tables for a null value.
NONE_LABEL = "(none)"


@dataclass
class SplitStats:
    """One split as read back from its Parquet files."""

    name: str
    num_examples: int
    num_bytes: int
    files: list[str]
    download_size: int


@dataclass
class LengthStats:
    """Distribution of body lengths in characters."""

    count: int = 0
    minimum: int = 0
    p25: int = 0
    median: int = 0
    p75: int = 0
    maximum: int = 0
    mean: float = 0.0
    lengths: list[int] = field(default_factory=list)

    def bins(self) -> list[tuple[str, int]]:
        """(label, count) per bin of ``LENGTH_BINS``, plus an open last bin."""
        counts = [0] * (len(LENGTH_BINS) + 1)
        for value in self.lengths:
            index = next(
                (i for i, edge in enumerate(LENGTH_BINS) if value < edge), len(LENGTH_BINS)
            )
            counts[index] += 1
        labels = [f"< {LENGTH_BINS[0]:,}"]
        labels += [
            f"{lo:,}–{hi - 1:,}" for lo, hi in zip(LENGTH_BINS, LENGTH_BINS[1:], strict=False)
        ]
        labels.append(f"≥ {LENGTH_BINS[-1]:,}")
        return list(zip(labels, counts, strict=True))


@dataclass
class ReleaseStats:
    """Everything countable in a release folder."""

    splits: dict[str, SplitStats]
    by_publisher: list[tuple[str, int]]
    by_section: list[tuple[str, int]]
    by_language: list[tuple[str, int]]
    by_kind: list[tuple[str, int]]
    by_split_publisher: dict[str, dict[str, int]]
    body_length: LengthStats
    with_authors: int
    published_range: tuple[str | None, str | None]
    rejects_by_rule: list[tuple[str, int]]
    duplicates_by_kind: list[tuple[str, int]]
    example: dict[str, Any] | None
    kinds: list[str | None] = field(default_factory=list)

    def body_length_by_kind(self) -> dict[str, list[tuple[str, int]]]:
        """Body-length bins per record kind, kinds in the order of ``by_kind``."""
        out = {}
        for kind, _ in self.by_kind:
            lengths = [
                n
                for n, k in zip(self.body_length.lengths, self.kinds, strict=True)
                if (NONE_LABEL if k is None else k) == kind
            ]
            out[kind] = LengthStats(count=len(lengths), lengths=lengths).bins()
        return out

    @property
    def released(self) -> int:
        return sum(s.num_examples for s in self.splits.values())

    @property
    def download_size(self) -> int:
        return sum(s.download_size for s in self.splits.values())

    @property
    def dataset_size(self) -> int:
        return sum(s.num_bytes for s in self.splits.values())

    @property
    def rejected(self) -> int:
        return sum(n for _, n in self.rejects_by_rule)

    @property
    def deduplicated(self) -> int:
        return sum(n for _, n in self.duplicates_by_kind)


def _sorted_counts(counter: Counter[str]) -> list[tuple[str, int]]:
    """Most frequent first, ties by name, so the order never depends on reading order."""
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def _value_counts(column: pa.ChunkedArray) -> Counter[str]:
    counts: Counter[str] = Counter()
    for entry in pc.value_counts(column).to_pylist():
        value = entry["values"]
        counts[NONE_LABEL if value is None else str(value)] += int(entry["counts"])
    return counts


def ordered_splits(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The manifest's splits as people expect them (train, validation, test, then others by
    name), not the sorted key order ``manifest.json`` stores them in."""
    splits = manifest.get("splits", {})
    order = [n for n in ("train", "validation", "test") if n in splits]
    order += sorted(n for n in splits if n not in order)
    return {name: splits[name] for name in order}


def read_split(release_dir: Path, files: list[str]) -> pa.Table:
    """The rows of one split's Parquet files, in release order and in the article schema."""
    schema = arrow_schema("article")
    tables = [
        pq.read_table(release_dir / f, schema=schema) for f in files if f.endswith(".parquet")
    ]
    return pa.concat_tables(tables) if tables else schema.empty_table()


def _jsonl_counts(path: Path, key: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    if not path.is_file():
        return counts
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                value = orjson.loads(line).get(key)
                counts[NONE_LABEL if value is None else str(value)] += 1
    return counts


def _length_stats(lengths: pa.ChunkedArray | pa.Array) -> LengthStats:
    if len(lengths) == 0:
        return LengthStats()
    quantiles = pc.quantile(lengths, q=[0.25, 0.5, 0.75], interpolation="nearest").to_pylist()
    extremes = pc.min_max(lengths).as_py()
    return LengthStats(
        count=len(lengths),
        minimum=int(extremes["min"]),
        p25=int(quantiles[0]),
        median=int(quantiles[1]),
        p75=int(quantiles[2]),
        maximum=int(extremes["max"]),
        mean=float(pc.mean(lengths).as_py()),
        lengths=[int(v) for v in lengths.to_pylist()],
    )


def _example(table: pa.Table) -> dict[str, Any] | None:
    """The first record of the split: the same record every time the release is the same."""
    return table.slice(0, 1).to_pylist()[0] if table.num_rows else None


def release_stats(release_dir: Path, manifest: dict[str, Any]) -> ReleaseStats:
    """Read every Parquet file the manifest lists per split and compute the card's figures.

    ``num_bytes`` is the in-memory Arrow size of the split (what ``datasets`` reports as
    ``dataset_size``); ``download_size`` is the bytes of its Parquet files on disk.
    """
    sizes = {f["path"]: int(f["bytes"]) for f in manifest.get("files", [])}
    splits: dict[str, SplitStats] = {}
    totals: dict[str, Counter[str]] = {
        k: Counter() for k in ("publisher", "section", "language", "kind")
    }
    by_split_publisher: dict[str, dict[str, int]] = {}
    lengths: list[pa.Array] = []
    with_authors = 0
    published: list[str] = []
    example: dict[str, Any] | None = None
    kinds: list[str | None] = []
    for name, info in ordered_splits(manifest).items():
        files = [f for f in info.get("files", []) if f.endswith(".parquet")]
        missing = [f for f in files if not (release_dir / f).is_file()]
        if missing:
            raise ReleaseError(
                f"{release_dir}: {missing[0]} is listed in manifest.json but missing; "
                "rebuild the release with dtk build"
            )
        table = read_split(release_dir, files)
        splits[name] = SplitStats(
            name=name,
            num_examples=table.num_rows,
            num_bytes=int(table.nbytes),
            files=files,
            download_size=sum(sizes.get(f, (release_dir / f).stat().st_size) for f in files),
        )
        for key, counter in totals.items():
            counter.update(_value_counts(table.column(key)))
        by_split_publisher[name] = dict(_value_counts(table.column("publisher")))
        lengths.append(pc.utf8_length(table.column("body")).combine_chunks())
        kinds += table.column("kind").to_pylist()
        with_authors += int(
            pc.sum(pc.greater(pc.list_value_length(table.column("authors")), 0)).as_py() or 0
        )
        published += [p for p in table.column("published").to_pylist() if p]
        if example is None:
            example = _example(table)
    all_lengths = pa.concat_arrays(lengths) if lengths else pa.array([], pa.int32())
    return ReleaseStats(
        splits=splits,
        by_publisher=_sorted_counts(totals["publisher"]),
        by_section=_sorted_counts(totals["section"]),
        by_language=_sorted_counts(totals["language"]),
        by_kind=_sorted_counts(totals["kind"]),
        by_split_publisher=by_split_publisher,
        body_length=_length_stats(all_lengths),
        with_authors=with_authors,
        published_range=(min(published), max(published)) if published else (None, None),
        rejects_by_rule=_sorted_counts(_jsonl_counts(release_dir / "rejects.jsonl", "rule")),
        duplicates_by_kind=_sorted_counts(_jsonl_counts(release_dir / "duplicates.jsonl", "kind")),
        example=example,
        kinds=kinds,
    )
