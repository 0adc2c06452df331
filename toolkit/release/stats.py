"""Counts and distributions of a built release, computed with ``pyarrow.compute`` from the files
themselves (never copied from the manifest), so the card can show them and a test can hold them
against ``manifest.json``. Kept apart from ``card.py`` so the numbers can be checked without
rendering anything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from toolkit.errors import ManifestError, ReleaseError
from toolkit.features import arrow_schema
from toolkit.release.folder import ReleaseManifest, unsafe_path

#: Columns the statistics need; the body is read once for its length only.
STAT_COLUMNS = ("id", "publisher", "section", "language", "kind", "body", "authors", "published")
#: Upper edges (characters) of the body-length bins shown in the card and the chart.
LENGTH_BINS = (250, 500, 1000, 2000, 4000, 8000, 16000)
#: Rows read at a time: memory stays flat however large the release.
BATCH_ROWS = 8192
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
    lengths: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def bins(self) -> list[tuple[str, int]]:
        """(label, count) per bin of ``LENGTH_BINS``, plus an open last bin."""
        index = np.searchsorted(np.asarray(LENGTH_BINS), self.lengths, side="right")
        counts = np.bincount(index, minlength=len(LENGTH_BINS) + 1).tolist()
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
    #: The kind of each record as a code into ``kind_names``, aligned with
    #: ``body_length.lengths`` (one byte a record, not a Python string).
    kinds: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int16))
    kind_names: list[str] = field(default_factory=list)

    def body_length_by_kind(self) -> dict[str, list[tuple[str, int]]]:
        """Body-length bins per record kind, kinds in the order of ``by_kind``."""
        out = {}
        for kind, _ in self.by_kind:
            code = self.kind_names.index(kind) if kind in self.kind_names else -1
            lengths = self.body_length.lengths[self.kinds == code]
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


def iter_split(
    release_dir: Path, files: list[str], columns: list[str] | None = None
) -> Iterator[pa.Table]:
    """The rows of one split's Parquet files in release order, in bounded batches."""
    for name in files:
        if name.endswith(".parquet"):
            handle = pq.ParquetFile(release_dir / name)
            for batch in handle.iter_batches(batch_size=BATCH_ROWS, columns=columns):
                yield pa.Table.from_batches([batch])


def read_split(release_dir: Path, files: list[str]) -> pa.Table:
    """The rows of one split's Parquet files, in release order and in the article schema
    (whole: for tests and small releases only; statistics stream with :func:`iter_split`)."""
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


def _length_stats(lengths: np.ndarray) -> LengthStats:
    if len(lengths) == 0:
        return LengthStats()
    quantiles = pc.quantile(pa.array(lengths), q=[0.25, 0.5, 0.75], interpolation="nearest")
    p25, median, p75 = (int(v) for v in quantiles.to_pylist())
    return LengthStats(
        count=len(lengths),
        minimum=int(lengths.min()),
        p25=p25,
        median=median,
        p75=p75,
        maximum=int(lengths.max()),
        mean=float(lengths.mean()),
        lengths=lengths,
    )


def _example(table: pa.Table) -> dict[str, Any] | None:
    """The first record of the split: the same record every time the release is the same."""
    return table.slice(0, 1).to_pylist()[0] if table.num_rows else None


def release_stats(release_dir: Path, manifest: ReleaseManifest) -> ReleaseStats:
    """Read every Parquet file the manifest lists per split and compute the card's figures.

    ``num_bytes`` is the in-memory Arrow size of the split (what ``datasets`` reports as
    ``dataset_size``); ``download_size`` is the bytes of its Parquet files on disk.
    """
    sizes = manifest.file_sizes
    splits: dict[str, SplitStats] = {}
    totals: dict[str, Counter[str]] = {
        k: Counter() for k in ("publisher", "section", "language", "kind")
    }
    by_split_publisher: dict[str, dict[str, int]] = {}
    lengths: list[np.ndarray] = []
    kinds: list[np.ndarray] = []
    kind_codes: dict[str, int] = {}
    with_authors = 0
    first_published: str | None = None
    last_published: str | None = None
    example: dict[str, Any] | None = None
    for name, info in manifest.ordered_splits().items():
        files = info.parquet_files
        unsafe = [f for f in files if unsafe_path(f)]
        if unsafe:
            raise ManifestError(f"{release_dir}: {unsafe[0]!r} {unsafe_path(unsafe[0])}")
        missing = [f for f in files if not (release_dir / f).is_file()]
        if missing:
            raise ReleaseError(
                f"{release_dir}: {missing[0]} is listed in manifest.json but missing; "
                "rebuild the release with dtk build"
            )
        rows = num_bytes = 0
        split_publishers: Counter[str] = Counter()
        for table in iter_split(release_dir, files):
            if example is None and table.num_rows:
                example = _example(table)
            rows += table.num_rows
            num_bytes += int(table.nbytes)
            for key, counter in totals.items():
                counter.update(_value_counts(table.column(key)))
            split_publishers.update(_value_counts(table.column("publisher")))
            lengths.append(pc.utf8_length(table.column("body")).to_numpy().astype(np.int64))
            encoded = pc.dictionary_encode(
                table.column("kind").fill_null(NONE_LABEL)
            ).combine_chunks()
            codes = np.array(
                [kind_codes.setdefault(k, len(kind_codes)) for k in encoded.dictionary.to_pylist()],
                np.int16,
            )
            kinds.append(codes[encoded.indices.to_numpy(zero_copy_only=False)])
            with_authors += int(
                pc.sum(pc.greater(pc.list_value_length(table.column("authors")), 0)).as_py() or 0
            )
            published = pc.drop_null(table.column("published"))
            if len(published):
                low, high = pc.min_max(published).as_py().values()
                first_published = low if first_published is None else min(first_published, low)
                last_published = high if last_published is None else max(last_published, high)
        splits[name] = SplitStats(
            name=name,
            num_examples=rows,
            num_bytes=num_bytes,
            files=files,
            download_size=sum(sizes.get(f, (release_dir / f).stat().st_size) for f in files),
        )
        by_split_publisher[name] = dict(split_publishers)
    all_lengths = np.concatenate(lengths) if lengths else np.zeros(0, np.int64)
    published_range = (first_published, last_published)
    return ReleaseStats(
        splits=splits,
        by_publisher=_sorted_counts(totals["publisher"]),
        by_section=_sorted_counts(totals["section"]),
        by_language=_sorted_counts(totals["language"]),
        by_kind=_sorted_counts(totals["kind"]),
        by_split_publisher=by_split_publisher,
        body_length=_length_stats(all_lengths),
        with_authors=with_authors,
        published_range=published_range,
        rejects_by_rule=_sorted_counts(_jsonl_counts(release_dir / "rejects.jsonl", "rule")),
        duplicates_by_kind=_sorted_counts(_jsonl_counts(release_dir / "duplicates.jsonl", "kind")),
        example=example,
        kinds=np.concatenate(kinds) if kinds else np.zeros(0, np.int16),
        kind_names=list(kind_codes),
    )
