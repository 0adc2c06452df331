"""Class 1 of issue 12, time of check vs time of use: a raw file changed, replaced or swapped for
a symlink between the manifest check and extraction is never released under the manifest's hash,
and bytes outside raw/ are never read into the release."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

import toolkit.build.release as release_module
import toolkit.parallel as parallel_module
import toolkit.raw as raw_module
from tests.helpers.records import submission
from toolkit.extract import ExtractContext, extract_source
from toolkit.validate.sources import load_manifest

SECRET = b"TOP-SECRET-OUTSIDE-RAW"


def swap_after_check(monkeypatch: pytest.MonkeyPatch, swap: Callable[[], None]) -> None:
    """Run ``swap`` right after the build's manifest check (SHA-256 of every file) passed."""
    real = release_module.load_manifest

    def checked_then_swapped(raw_dir: Path) -> Any:
        entries = real(raw_dir)
        swap()
        return entries

    monkeypatch.setattr(release_module, "load_manifest", checked_then_swapped)


def outside_file(project: Any, data: bytes) -> Path:
    path = project.root.parent / "outside.jsonl"
    path.write_bytes(data)
    return path


def test_a_file_replaced_after_the_check_is_not_released_under_the_old_hash(project, monkeypatch):
    project.add_jsonl("a.jsonl", [submission(1), submission(2)])
    project.add_jsonl("b.jsonl", [submission(3)])

    def replace_a() -> None:
        new = project.raw / "new.tmp"
        new.write_bytes(orjson.dumps(submission(99)) + b"\n")
        os.replace(new, project.raw / "a.jsonl")

    swap_after_check(monkeypatch, replace_a)
    summary = project.build()
    assert [r["title"] for r in project.released()] == [submission(3)["title"]]
    [reject] = project.rejects()
    assert (reject["source_file"], reject["rule"]) == ("a.jsonl", "extract.unreadable")
    assert "replaced after the manifest check" in reject["errors"][0]["message"]
    assert summary.counts["rejected"] == 1
    assert b"Report 99" not in project.all_bytes()


def test_a_file_rewritten_in_place_after_the_check_is_a_changed_reject(project, monkeypatch):
    project.add_jsonl("a.jsonl", [submission(1)])
    original = (project.raw / "a.jsonl").read_bytes()
    # Same inode, same size, other bytes: only the hash of what was read can tell.
    forged = original.replace(b"Report 1:", b"Forged 1:")
    swap_after_check(monkeypatch, lambda: (project.raw / "a.jsonl").write_bytes(forged))
    project.build()
    assert project.released() == []
    [reject] = project.rejects()
    assert reject["rule"] == "extract.changed"
    assert "changed after the manifest check" in reject["errors"][0]["message"]
    assert b"Forged" not in project.all_bytes()


@pytest.mark.parametrize("fmt", ["jsonl", "text", "html"])
def test_a_file_swapped_for_a_symlink_out_of_raw_is_never_read(project, monkeypatch, fmt):
    # A line that does not parse would have its raw text copied into rejects.jsonl.
    project.add_file("a.data", b"{not json\n", fmt=fmt)
    secret = outside_file(project, SECRET + b" {not json either\n")

    def to_symlink() -> None:
        (project.raw / "a.data").unlink()
        (project.raw / "a.data").symlink_to(secret)

    swap_after_check(monkeypatch, to_symlink)
    project.build()
    assert SECRET not in project.all_bytes()
    [reject] = project.rejects()
    assert reject["rule"] == "extract.unreadable"


def test_a_folder_swapped_for_a_symlink_to_an_identical_copy_outside_is_refused(
    project, monkeypatch
):
    data = orjson.dumps(submission(1)) + b"\n"
    project.add_file("sub/a.jsonl", data)
    elsewhere = project.root.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.jsonl").write_bytes(data)  # the same bytes: the hash alone would pass

    def swap_folder() -> None:
        (project.raw / "sub").rename(project.root / "sub-aside")
        (project.raw / "sub").symlink_to(elsewhere, target_is_directory=True)

    swap_after_check(monkeypatch, swap_folder)
    project.build()
    assert project.released() == []
    [reject] = project.rejects()
    assert reject["rule"] == "extract.unreadable"


def test_a_fifo_swapped_in_does_not_hang_the_build(project, monkeypatch):
    project.add_jsonl("a.jsonl", [submission(1)])

    def to_fifo() -> None:
        (project.raw / "a.jsonl").unlink()
        os.mkfifo(project.raw / "a.jsonl")

    swap_after_check(monkeypatch, to_fifo)
    project.build()
    [reject] = project.rejects()
    assert reject["rule"] == "extract.unreadable"
    assert "regular file" in reject["errors"][0]["message"]


def test_byte_ranges_of_a_large_jsonl_are_checked_against_the_bytes_read(project, monkeypatch):
    monkeypatch.setattr(release_module, "JSONL_RANGE_BYTES", 2000)
    lines = [orjson.dumps(submission(i)) + b"\n" for i in range(12)]
    lines[7] = b'{"broken": \n'
    project.add_file("big.jsonl", b"".join(lines))
    real_run = release_module.run_tasks

    def change_then_run(fn: Any, tasks: Any, **options: Any) -> Any:
        if fn is release_module.process_shard:  # pass one, not the dedup's tasks
            assert len(tasks) > 2  # the file was cut into ranges
            path = project.raw / "big.jsonl"
            data = path.read_bytes()
            path.write_bytes(data.replace(b"Report 11:", b"Forged 11:"))
        return real_run(fn, tasks, **options)

    monkeypatch.setattr(release_module, "run_tasks", change_then_run)
    project.build()
    rejects = project.rejects()
    assert b"Forged" not in project.all_bytes()
    assert [r["rule"] for r in rejects] == ["json.syntax", "extract.changed"]
    # The line that did not parse is kept from the bytes read once, at its own line.
    assert (rejects[0]["line"], rejects[0]["raw"]) == (8, '{"broken": ')
    # The ranges before the changed one are released; nothing of the changed range is.
    titles = {r["title"] for r in project.released()}
    assert titles == {submission(i)["title"] for i in range(10) if i != 7}


def test_ranges_give_the_same_release_as_one_task(project, monkeypatch, tmp_path):
    lines = [orjson.dumps(submission(i)) + b"\n" for i in range(12)]
    lines[3] = b"\xff not utf-8\n"
    project.add_file("big.jsonl", b"".join(lines))
    project.build()
    whole = (project.out / "rejects.jsonl").read_bytes(), project.released()
    monkeypatch.setattr(release_module, "JSONL_RANGE_BYTES", 1500)
    project.build()
    assert ((project.out / "rejects.jsonl").read_bytes(), project.released()) == whole


def test_extract_source_refuses_a_file_changed_since_the_manifest(project):
    project.add_jsonl("a.jsonl", [submission(1)])
    [entry] = load_manifest(project.raw)
    (project.raw / "a.jsonl").write_bytes(orjson.dumps(submission(2)) + b"\n")
    items = list(extract_source(project.raw, entry, ExtractContext()))
    assert [getattr(i, "rule", None) for i in items] == ["extract.changed"]


def small_ranges(monkeypatch: pytest.MonkeyPatch, size: int = 2000) -> None:
    """Ranges of ``size`` bytes, both where the manifest check hashes them and where the build
    plans them."""
    monkeypatch.setattr(raw_module, "RANGE_BYTES", size)
    monkeypatch.setattr(release_module, "JSONL_RANGE_BYTES", size)


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Bytes read from raw files through ``os.pread`` (the only way raw files are read)."""
    reads: list[int] = []
    real = os.pread

    def counting(fd: int, length: int, offset: int) -> bytes:
        data = real(fd, length, offset)
        reads.append(len(data))
        return data

    monkeypatch.setattr(os, "pread", counting)
    return reads


def test_the_range_plan_comes_from_the_manifest_checks_read(project, monkeypatch):
    # Issue 14: the check hashes the ranges as it reads the file, so the plan does not read it
    # again; the ranges and their hashes are the ones a fresh plan finds.
    small_ranges(monkeypatch)
    project.add_jsonl("big.jsonl", [submission(i) for i in range(12)])
    [entry] = load_manifest(project.raw)
    assert entry.ranges is not None
    assert len(entry.ranges.parts) > 2
    reads = count_reads(monkeypatch)
    planned = release_module._plan_ranges(project.raw, entry)
    assert reads == []
    fresh = release_module._plan_ranges(project.raw, dataclasses.replace(entry, ranges=None))
    assert planned == fresh


def test_the_build_reads_a_large_file_twice_in_all(project, monkeypatch):
    # Once for the manifest check (its hash and its ranges' hashes), once by the range tasks
    # (the bytes they extract, checked against their range's hash); the search for line ends
    # reads a few bytes at each cut.
    small_ranges(monkeypatch)
    monkeypatch.setattr(parallel_module, "_SCAN", 128)
    project.add_jsonl("big.jsonl", [submission(i) for i in range(12)])
    size = (project.raw / "big.jsonl").stat().st_size
    reads = count_reads(monkeypatch)
    project.build()
    assert size * 2 <= sum(reads) < size * 2.5  # it was three reads
    assert len(project.released()) == 12


def test_a_large_file_rewritten_in_place_after_the_check_is_a_changed_reject(project, monkeypatch):
    small_ranges(monkeypatch)
    project.add_jsonl("big.jsonl", [submission(i) for i in range(12)])
    path = project.raw / "big.jsonl"
    forged = path.read_bytes().replace(b"Report 11:", b"Forged 11:")
    swap_after_check(monkeypatch, lambda: path.write_bytes(forged))
    project.build()
    assert b"Forged" not in project.all_bytes()
    assert [r["rule"] for r in project.rejects()] == ["extract.changed"]
    assert len(project.released()) < 12


def test_a_large_file_grown_after_the_check_is_a_changed_reject(project, monkeypatch):
    # The ranges cover the bytes the check hashed; the appended line is never silently dropped.
    small_ranges(monkeypatch)
    project.add_jsonl("big.jsonl", [submission(i) for i in range(12)])
    path = project.raw / "big.jsonl"

    def append() -> None:
        with path.open("ab") as handle:
            handle.write(orjson.dumps(submission(99)) + b"\n")

    swap_after_check(monkeypatch, append)
    project.build()
    rejects = project.rejects()
    assert rejects
    assert {r["rule"] for r in rejects} == {"extract.changed"}
    assert "bytes long" in rejects[0]["errors"][0]["message"]
    assert b"Report 99" not in project.all_bytes()
