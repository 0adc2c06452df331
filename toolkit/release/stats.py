"""Counts and distributions of a release, kept as running counters: the build feeds a
:class:`ReleaseCounters` while the merge writes each split (nothing is read back), and
:func:`release_stats` feeds the same counters from the Parquet files of an existing release, so
the card's figures come from one code path whichever way they are computed. Memory is bounded by
the number of distinct values (publishers, sections, body lengths), never by the number of
records. Kept apart from ``card/`` so the numbers can be checked without rendering anything.
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
from toolkit.release.nbytes import ArrowSize

#: Columns the statistics need; the body is read once for its length only.
STAT_COLUMNS = ("id", "publisher", "section", "language", "kind", "body", "authors", "published")
#: Upper edges (characters) of the body-length bins shown in the card and the chart.
LENGTH_BINS = (250, 500, 1000, 2000, 4000, 8000, 16000)
#: Rows read at a time: memory stays flat however large the release. The split's Arrow size
#: (``num_bytes``) is defined on batches of this many rows per Parquet file.
BATCH_ROWS = 8192
#: Label used in tables for a null value.
NONE_LABEL = "(none)"
_QUARTILES = (0.25, 0.5, 0.75)


def length_labels() -> list[str]:
    """The labels of the body-length bins: ``LENGTH_BINS`` plus an open last bin."""
    labels = [f"< {LENGTH_BINS[0]:,}"]
    labels += [f"{lo:,}–{hi - 1:,}" for lo, hi in zip(LENGTH_BINS, LENGTH_BINS[1:], strict=False)]
    labels.append(f"≥ {LENGTH_BINS[-1]:,}")
    return labels


@dataclass
class SplitStats:
    """One split: its rows and Arrow size (from the counters), files and bytes on disk."""

    name: str
    num_examples: int
    num_bytes: int
    files: list[str]
    download_size: int


@dataclass
class LengthStats:
    """Distribution of body lengths in characters; ``bin_counts`` per bin of ``LENGTH_BINS``."""

    count: int = 0
    minimum: int = 0
    p25: int = 0
    median: int = 0
    p75: int = 0
    maximum: int = 0
    mean: float = 0.0
    bin_counts: tuple[int, ...] = ()

    def bins(self) -> list[tuple[str, int]]:
        """(label, count) per bin of ``LENGTH_BINS``, plus an open last bin."""
        counts = list(self.bin_counts) or [0] * (len(LENGTH_BINS) + 1)
        return list(zip(length_labels(), counts, strict=True))


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
    #: Body-length bin counts per record kind (``NONE_LABEL`` for a record without one).
    length_bins_by_kind: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def body_length_by_kind(self) -> dict[str, list[tuple[str, int]]]:
        """Body-length bins per record kind, kinds in the order of ``by_kind``."""
        empty = (0,) * (len(LENGTH_BINS) + 1)
        return {
            kind: list(zip(length_labels(), self.length_bins_by_kind.get(kind, empty), strict=True))
            for kind, _ in self.by_kind
        }

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


def _label(value: Any) -> str:
    return NONE_LABEL if value is None else str(value)


def _value_counts(column: pa.ChunkedArray | pa.Array) -> Counter[str]:
    counts: Counter[str] = Counter()
    for entry in pc.value_counts(column).to_pylist():
        counts[_label(entry["values"])] += int(entry["counts"])
    return counts


def _nearest_rank(count: int, q: float) -> int:
    """The 0-based rank ``pyarrow.compute.quantile(..., interpolation="nearest")`` picks (half
    to even), so quantiles of the histogram equal Arrow's on the whole column."""
    index = (count - 1) * q
    rank = int(index)
    fraction = index - rank
    if fraction > 0.5 or (fraction == 0.5 and rank % 2 == 1):
        rank += 1
    return rank


class SplitCounter:
    """Running figures of one split, fed its rows in release order, one Parquet file at a time
    (:meth:`end_file` after each): row and value counts, a histogram of exact body lengths (one
    entry per distinct length, so quartiles stay exact), bins per kind, the date range, the
    first row, and the Arrow size the rows have when read back in ``BATCH_ROWS`` batches."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows = 0
        self.values: dict[str, Counter[str]] = {
            key: Counter() for key in ("publisher", "section", "language", "kind")
        }
        self.lengths: Counter[int] = Counter()
        self.kind_bins: dict[str, np.ndarray] = {}
        self.with_authors = 0
        self.published: tuple[str | None, str | None] = (None, None)
        self.example: dict[str, Any] | None = None
        self.size = ArrowSize(BATCH_ROWS)

    @property
    def num_bytes(self) -> int:
        """The split's in-memory Arrow size (what ``datasets`` reports as ``dataset_size``)."""
        return self.size.total

    def update(self, table: pa.Table) -> None:
        """Count ``table``'s rows, which follow the rows fed before in the same file."""
        if not table.num_rows:
            return
        if self.example is None:
            self.example = table.slice(0, 1).to_pylist()[0]
        self.rows += table.num_rows
        self.size.add(table)
        for key, counter in self.values.items():
            counter.update(_value_counts(table.column(key)))
        lengths = pc.utf8_length(table.column("body").fill_null("")).to_numpy()
        values, counts = np.unique(lengths, return_counts=True)
        self.lengths.update(dict(zip(values.tolist(), counts.tolist(), strict=True)))
        bins = np.searchsorted(np.asarray(LENGTH_BINS), lengths, side="right")
        kinds = table.column("kind").fill_null(NONE_LABEL).to_numpy(zero_copy_only=False)
        for kind in np.unique(kinds).tolist():
            in_bins = np.bincount(bins[kinds == kind], minlength=len(LENGTH_BINS) + 1)
            self.kind_bins.setdefault(str(kind), np.zeros(len(LENGTH_BINS) + 1, np.int64))
            self.kind_bins[str(kind)] += in_bins
        authors = pc.list_value_length(table.column("authors"))
        self.with_authors += int(pc.sum(pc.greater(authors, 0)).as_py() or 0)
        published = pc.drop_null(table.column("published"))
        if len(published):
            low, high = pc.min_max(published).as_py().values()
            first, last = self.published
            self.published = (
                low if first is None else min(first, low),
                high if last is None else max(last, high),
            )

    def end_file(self) -> None:
        """The current Parquet file is complete (its last read batch may be short)."""
        self.size.end_file()


def length_stats(histogram: Counter[int], bin_counts: tuple[int, ...] = ()) -> LengthStats:
    """Count, extremes, exact quartiles and mean of a histogram of lengths."""
    count = sum(histogram.values())
    if not count:
        return LengthStats(bin_counts=bin_counts)
    values = sorted(histogram)
    cumulative = np.cumsum([histogram[v] for v in values])
    p25, median, p75 = (
        values[int(np.searchsorted(cumulative, _nearest_rank(count, q), side="right"))]
        for q in _QUARTILES
    )
    total = sum(v * n for v, n in histogram.items())
    return LengthStats(
        count=count,
        minimum=values[0],
        p25=p25,
        median=median,
        p75=p75,
        maximum=values[-1],
        mean=float(total) / count,
        bin_counts=bin_counts,
    )


class ReleaseCounters:
    """The counters of a whole release: one :class:`SplitCounter` per split, and the rules of
    the rejects and kinds of the duplicates (counted as they are written)."""

    def __init__(self, split_names: list[str]) -> None:
        self.splits = {name: SplitCounter(name) for name in split_names}
        self.rejects: Counter[str] = Counter()
        self.duplicates: Counter[str] = Counter()

    def count_reject(self, rule: Any) -> None:
        self.rejects[_label(rule)] += 1

    def count_duplicate(self, kind: Any) -> None:
        self.duplicates[_label(kind)] += 1

    def stats(self, release_dir: Path, manifest: ReleaseManifest) -> ReleaseStats:
        """The card's figures: counted values, with files and their sizes from ``manifest``."""
        sizes = manifest.file_sizes
        totals: dict[str, Counter[str]] = {key: Counter() for key in SplitCounter("").values}
        lengths: Counter[int] = Counter()
        kind_bins: dict[str, np.ndarray] = {}
        splits: dict[str, SplitStats] = {}
        first: str | None = None
        last: str | None = None
        example: dict[str, Any] | None = None
        for name, info in manifest.ordered_splits().items():
            counter = self.splits.get(name) or SplitCounter(name)
            files = info.parquet_files
            splits[name] = SplitStats(
                name=name,
                num_examples=counter.rows,
                num_bytes=counter.num_bytes,
                files=files,
                download_size=sum(sizes.get(f, (release_dir / f).stat().st_size) for f in files),
            )
            for key, counts in counter.values.items():
                totals[key].update(counts)
            lengths.update(counter.lengths)
            for kind, bins in counter.kind_bins.items():
                kind_bins[kind] = kind_bins.get(kind, np.zeros_like(bins)) + bins
            low, high = counter.published
            if low is not None:
                first = low if first is None else min(first, low)
            if high is not None:
                last = high if last is None else max(last, high)
            if example is None:
                example = counter.example
        all_bins = sum(kind_bins.values(), np.zeros(len(LENGTH_BINS) + 1, np.int64))
        return ReleaseStats(
            splits=splits,
            by_publisher=_sorted_counts(totals["publisher"]),
            by_section=_sorted_counts(totals["section"]),
            by_language=_sorted_counts(totals["language"]),
            by_kind=_sorted_counts(totals["kind"]),
            by_split_publisher={
                name: dict(_sorted_counts(c.values["publisher"])) for name, c in self.splits.items()
            },
            body_length=length_stats(lengths, tuple(int(n) for n in all_bins)),
            with_authors=sum(c.with_authors for c in self.splits.values()),
            published_range=(first, last),
            rejects_by_rule=_sorted_counts(self.rejects),
            duplicates_by_kind=_sorted_counts(self.duplicates),
            example=example,
            length_bins_by_kind={k: tuple(int(n) for n in v) for k, v in kind_bins.items()},
        )


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


def _count_jsonl(path: Path, key: str, count: Any) -> None:
    if not path.is_file():
        return
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                count(orjson.loads(line).get(key))


def release_counters(release_dir: Path, manifest: ReleaseManifest) -> ReleaseCounters:
    """Feed the counters from an existing release's files: every Parquet file the manifest lists
    per split, ``rejects.jsonl`` and ``duplicates.jsonl``.

    Raises:
        ManifestError: the manifest lists a file outside the release.
        ReleaseError: a listed file is missing.
    """
    splits = manifest.ordered_splits()
    counters = ReleaseCounters(list(splits))
    for name, info in splits.items():
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
        counter = counters.splits[name]
        for file in files:
            for table in iter_split(release_dir, [file]):
                counter.update(table)
            counter.end_file()
    _count_jsonl(release_dir / "rejects.jsonl", "rule", counters.count_reject)
    _count_jsonl(release_dir / "duplicates.jsonl", "kind", counters.count_duplicate)
    return counters


def release_stats(release_dir: Path, manifest: ReleaseManifest) -> ReleaseStats:
    """Read every file of the release in ``release_dir`` and compute the card's figures, with the
    same counters the build feeds while it writes (:func:`release_counters`).

    ``num_bytes`` is the in-memory Arrow size of the split (what ``datasets`` reports as
    ``dataset_size``); ``download_size`` is the bytes of its Parquet files on disk.
    """
    return release_counters(release_dir, manifest).stats(release_dir, manifest)
