"""The card's statistics are running counters: fed by the build while it writes each split, or
from an existing release's files, they must give the same figures, and the figures the Parquet
files themselves give when read back whole."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import toolkit.build.release as build_module
from tests.helpers.article_rows import hostile_table
from tests.helpers.hostile import hostile_raw
from tests.helpers.records import submission
from toolkit.build import writers
from toolkit.build.release import build_release
from toolkit.build.writers import SplitWriter
from toolkit.release import stats
from toolkit.release.folder import ReleaseManifest
from toolkit.release.stats import (
    LENGTH_BINS,
    NONE_LABEL,
    SplitCounter,
    iter_split,
    length_stats,
    read_split,
    release_stats,
)


def _capture_build_stats(monkeypatch: pytest.MonkeyPatch) -> list[stats.ReleaseStats]:
    """The statistics the build hands to its card step."""
    seen: list[stats.ReleaseStats] = []
    write_card = build_module._write_card

    def capture(stage: Path, root: Path, changes: str | None, counted: stats.ReleaseStats) -> str:
        seen.append(counted)
        return write_card(stage, root, changes, counted)

    monkeypatch.setattr(build_module, "_write_card", capture)
    return seen


def test_counters_the_build_fed_equal_counters_fed_from_the_built_files(tmp_path, monkeypatch):
    seen = _capture_build_stats(monkeypatch)
    out = tmp_path / "dist"
    build_release(hostile_raw(tmp_path), out, workers=1)
    from_files = release_stats(out, ReleaseManifest.read(out))
    assert seen == [from_files]
    assert from_files.released == sum(s.num_examples for s in from_files.splits.values()) > 0
    assert from_files.rejected == ReleaseManifest.read(out).counts.rejected
    assert from_files.deduplicated == ReleaseManifest.read(out).counts.deduplicated


def test_a_release_with_empty_splits(project, monkeypatch):
    seen = _capture_build_stats(monkeypatch)
    project.add_jsonl("a.jsonl", [submission(1)])
    project.build()
    counted = release_stats(project.out, ReleaseManifest.read(project.out))
    assert seen == [counted]
    assert counted.released == 1
    empty = [s for s in counted.splits.values() if not s.num_examples]
    assert len(empty) == 2
    assert all(s.num_bytes == 0 and len(s.files) == 1 for s in empty)
    assert counted.body_length.count == 1
    assert sum(n for _, n in counted.body_length.bins()) == 1


def test_no_rows_at_all():
    counter = stats.ReleaseCounters(["train"])
    counter.splits["train"].update(hostile_table(0))
    counter.splits["train"].end_file()
    assert counter.splits["train"].rows == counter.splits["train"].num_bytes == 0
    lengths = length_stats(Counter())
    assert (lengths.count, lengths.median, lengths.mean) == (0, 0, 0.0)
    assert [n for _, n in lengths.bins()] == [0] * (len(LENGTH_BINS) + 1)


def _read_back_figures(release_dir: Path, files: list[str]) -> dict[str, object]:
    """What reading the split back whole gives, the way the card's figures were first made."""
    table = read_split(release_dir, files)
    lengths = pc.utf8_length(table.column("body"))
    quartiles = pc.quantile(lengths, q=[0.25, 0.5, 0.75], interpolation="nearest").to_pylist()

    def counts(column: str) -> dict[str, int]:
        values = table.column(column).to_pylist()
        return dict(Counter(NONE_LABEL if v is None else v for v in values))

    return {
        "rows": table.num_rows,
        "num_bytes": sum(t.nbytes for t in iter_split(release_dir, files)),
        "kinds": counts("kind"),
        "publishers": counts("publisher"),
        "quartiles": quartiles,
        "mean": pc.mean(lengths).as_py(),
        "extremes": (pc.min(lengths).as_py(), pc.max(lengths).as_py()),
        "with_authors": sum(1 for a in table.column("authors").to_pylist() if a),
        "published": tuple(pc.min_max(table.column("published")).as_py().values()),
        "example": table.slice(0, 1).to_pylist()[0],
    }


@pytest.mark.parametrize(("rows", "per_file"), [(1, 7), (90, 40), (257, 1000)])
def test_split_writer_counts_what_its_files_hold(tmp_path, monkeypatch, rows, per_file):
    # Small files, row groups and read batches, so batches cross row groups and files end
    # inside a batch, as they do at 200,000 rows a file in a real release.
    monkeypatch.setattr(writers, "ROWS_PER_ROW_GROUP", 16)
    monkeypatch.setattr(stats, "BATCH_ROWS", 24)
    table = hostile_table(rows, seed=rows)
    counter = SplitCounter("train")
    writer = SplitWriter(tmp_path, "train", rows, table.schema, per_file, counter=counter)
    for offset in range(0, rows, 13):
        writer.write(table.slice(offset, 13))
    writer.close()
    files = [p.relative_to(tmp_path).as_posix() for p in writer.paths]
    expected = _read_back_figures(tmp_path, files)

    read = SplitCounter("train")
    for name in files:
        for batch in iter_split(tmp_path, [name]):
            read.update(batch)
        read.end_file()
    for fed in (counter, read):
        lengths = length_stats(fed.lengths)
        assert fed.rows == expected["rows"]
        assert fed.num_bytes == expected["num_bytes"]
        assert dict(fed.values["kind"]) == expected["kinds"]
        assert dict(fed.values["publisher"]) == expected["publishers"]
        assert [lengths.p25, lengths.median, lengths.p75] == expected["quartiles"]
        assert lengths.mean == pytest.approx(expected["mean"], rel=1e-12)
        assert (lengths.minimum, lengths.maximum) == expected["extremes"]
        assert fed.with_authors == expected["with_authors"]
        assert fed.published == expected["published"]
        assert fed.example == expected["example"]
        assert sum(sum(b) for b in fed.kind_bins.values()) == rows


def test_quartiles_equal_arrows_nearest_quantiles():
    rng = random.Random(3)
    for size in [*range(1, 30), 1000]:
        values = [rng.choice([0, 1, 2, 5, 250, 251, 16_000]) for _ in range(size)]
        got = length_stats(Counter(values))
        want = pc.quantile(pa.array(values), q=[0.25, 0.5, 0.75], interpolation="nearest")
        assert [got.p25, got.median, got.p75] == want.to_pylist()
        assert (got.minimum, got.maximum, got.count) == (min(values), max(values), size)
