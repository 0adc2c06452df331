"""Shared fixtures: the CLI runner, the seed captures, and fresh raw/ trees in tmp_path."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from toolkit.cli import main
from toolkit.files import sha256_file
from toolkit.raw import SourceEntry

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
CASES = Path(__file__).resolve().parent / "cases"
GOLD = Path(__file__).resolve().parent / "gold"


@pytest.fixture
def run_dtk() -> Callable[..., Result]:
    """Invoke ``dtk`` in-process; exceptions propagate so a stray traceback fails the test."""

    def run(*args: str, **kwargs: object) -> Result:
        return CliRunner().invoke(main, list(args), catch_exceptions=False, **kwargs)

    return run


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """The two seed captures of the committed raw/ tree and their manifest entries: a real,
    small raw/ to build from (the whole tree makes every build test slow)."""
    target = tmp_path / "raw"
    target.mkdir()
    seeds = ("000_4d4dfa95065ffdb9.txt", "004_80234a49b9bba53a.txt")
    for name in seeds:
        shutil.copy2(RAW / name, target / name)
    entries = [
        line
        for line in (RAW / "sources.jsonl").read_text(encoding="utf-8").splitlines()
        if any(f'"path": "{name}"' in line for name in seeds)
    ]
    (target / "sources.jsonl").write_text("\n".join(entries) + "\n", encoding="utf-8")
    return target


def make_entry(raw_dir: Path, path: str, fmt: str = "text", **fields: object) -> SourceEntry:
    """A manifest entry for ``raw_dir/path`` (its real sha256 when the file exists), with
    neutral defaults any field of which a test may override."""
    target = raw_dir / path
    values: dict[str, object] = {
        "path": path,
        "sha256": sha256_file(target) if target.is_file() else "0" * 64,
        "format": fmt,
        "publisher": "X",
        "url": None,
        "retrieved_at": None,
        "language": "en",
        "license": None,
        "profile": None,
        "line": 1,
    }
    values.update(fields)
    return SourceEntry(**values)  # type: ignore[arg-type]
