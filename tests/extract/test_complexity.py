"""Class 9 of issue 12, algorithmic complexity: text extraction is linear in the number of
headline blocks (counted in list elements touched, not seconds), and profile patterns run on
RE2, so a pattern like ``^(a+)+$`` cannot hang extraction. Ratios are generous and measured in
this process's CPU time, best of several runs; no absolute time is asserted."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from toolkit.errors import SchemaError
from toolkit.extract import ExtractContext, extract_source, text
from toolkit.extract import profile as profiles


class CountingList(list):
    """A list that counts the elements read through indexing and slicing."""

    touched = 0

    def __getitem__(self, key):
        found = super().__getitem__(key)
        CountingList.touched += len(found) if isinstance(key, slice) else 1
        return found


def headline_page(blocks: int) -> str:
    parts = []
    for i in range(blocks // 2):
        parts.append(f"Mobilization headline number {i} about district {i}")
        parts.append(f"A short teaser sentence number {i} that says what happened today.")
    return "\n\n".join(parts) + "\n"


def touched_by_find_headlines(blocks: int) -> int:
    page = text.read_page(headline_page(blocks))
    page.blocks = CountingList(page.blocks)
    CountingList.touched = 0
    text.find_headlines(page)
    return CountingList.touched


def test_finding_headlines_touches_a_number_of_blocks_linear_in_the_page():
    small, large = touched_by_find_headlines(500), touched_by_find_headlines(4000)
    # Linear: 8x the blocks, about 8x the work. Quadratic (a slice of the rest of the page per
    # headline, issue 12): 64x.
    assert large < 12 * small


def test_related_headlines_below_a_label_are_linear(monkeypatch):
    calls = 0
    real = text.bp.is_prose

    def counting(line: str) -> bool:
        nonlocal calls
        calls += 1
        return real(line)

    monkeypatch.setattr(text.bp, "is_prose", counting)

    def work(n: int) -> int:
        nonlocal calls
        calls = 0
        page = text.read_page("Read also\n\n" + "\n\n".join(f"Headline {i} here" for i in range(n)))
        lines = list(page.lines())
        text._mark_related(lines)
        return calls

    assert work(4000) < 12 * work(500)


def test_the_model_path_reads_the_bytes_given_and_is_linear_in_the_page(monkeypatch):
    """The learned extractor (the generic path of ``TextExtractor``) decodes the bytes it is
    handed, as a build hands it the bytes read once from raw/, and costs a number of feature
    calls linear in the page (its features look at bounded windows of neighbours)."""
    from toolkit.extract import boilerplate
    from toolkit.raw import SourceEntry

    calls = 0
    words = boilerplate.words

    def counting(line: str) -> list[str]:
        nonlocal calls
        calls += 1
        return words(line)

    monkeypatch.setattr(boilerplate, "words", counting)
    # No file by this name exists: the extractor must not look for one.
    entry = SourceEntry(
        path="not-on-disk.txt",
        sha256="0" * 64,
        format="text",
        publisher="Example Daily",
        url=None,
        retrieved_at="2022-10-01T12:00:00Z",
        language="en",
        license="CC-BY-4.0",
        profile=None,
        line=1,
    )

    def cost(blocks: int) -> int:
        nonlocal calls
        calls = 0
        data = headline_page(blocks).encode()
        items = list(text.TextExtractor(ExtractContext()).extract(data, entry))
        assert not any(getattr(i, "rule", "") == "extract.unreadable" for i in items)
        # The model path ran to its end: the page gave a record, or the model's reading of it
        # as a problem at a line (a story the gate judged, text with no headline above it).
        read = ("news score", "no headline above it")
        assert any(
            isinstance(i, dict) or any(r in getattr(i, "message", "") for r in read) for i in items
        )
        return calls

    small, large = cost(250), cost(2000)
    assert small > 0
    assert large < 12 * small


def cpu_seconds(run, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


@pytest.fixture
def profile_dir(tmp_path, monkeypatch):
    directory = tmp_path / "profiles"
    directory.mkdir()
    monkeypatch.setattr(profiles, "PROFILE_DIR", directory)
    profiles.load_profile.cache_clear()
    yield directory
    profiles.load_profile.cache_clear()


def write_profile(directory: Path, **patterns: list[str]) -> None:
    document = {"name": "evil", "description": "red team", **patterns}
    (directory / "evil.json").write_text(json.dumps(document))


EVIL = ["^(a+)+$", "^(a|a)*$", "^(a|aa)+$", "(x+x+)+y"]


@pytest.mark.parametrize("pattern", EVIL)
def test_profile_patterns_run_in_linear_time(pattern, profile_dir):
    write_profile(profile_dir, boilerplate=[pattern])
    profile = profiles.load_profile("evil")
    assert profile is not None
    # 28 characters would already take Python's backtracking engine minutes on the first two.
    short, long = "a" * 28 + "b" + "x" * 28, ("a" * 28 + "b" + "x" * 28) * 64
    assert not profile.is_boilerplate(short)
    small = cpu_seconds(lambda: [profile.is_boilerplate(short * 8) for _ in range(200)])
    large = cpu_seconds(lambda: [profile.is_boilerplate(long) for _ in range(200)])
    assert large < 30 * max(small, 1e-4)


def test_extraction_with_an_evil_profile_finishes(profile_dir, project):
    write_profile(profile_dir, end_markers=["^(a+)+$"], boilerplate=["^(\\w+\\s?)*$"])
    page = "Headline about the call-up\n\n" + "a" * 40 + "!\n\n" + "Body text. " * 30 + "\n"
    project.add_file("p.txt", page.encode(), fmt="text", profile="evil")
    from toolkit.validate.sources import load_manifest

    [entry] = load_manifest(project.raw)
    items = list(extract_source(project.raw, entry, ExtractContext()))
    assert items  # it finished: records or issues, never a hang


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [("(a)\\1", "invalid escape sequence"), ("(?=a)b", "invalid perl operator")],
)
def test_patterns_re2_cannot_run_are_a_clear_error(pattern, reason, profile_dir, run_dtk, project):
    write_profile(profile_dir, boilerplate=[pattern])
    with pytest.raises(SchemaError, match=f"bad regular expression .*RE2.*{reason}"):
        profiles.load_profile("evil")
    profiles.load_profile.cache_clear()
    project.add_file("p.txt", b"Headline\n\nBody text. Body text.\n", fmt="text", profile="evil")
    result = run_dtk("build", "--raw", str(project.raw), "--out", str(project.out), "-q")
    assert result.exit_code == 2
    assert "cannot run it" in result.output
    assert "Traceback" not in result.output
