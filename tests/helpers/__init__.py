"""The test suite's shared kit: paths of the committed data (raw/, the release in dist/), record
and release builders, raw/ trees, throwaway projects for the attack tests (``project.py``), WARC
bytes, labelled pages, synthetic releases for the report, and the subprocess probes. Fixtures
live in ``tests/conftest.py`` (and the conftest of a stage folder, for fixtures only that stage
uses); test modules import helpers from here and never from one another or from a conftest."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
RAW = ROOT / "raw"
DIST = ROOT / "dist"
CASES = TESTS / "cases"
GOLD = TESTS / "gold"
GOLDEN = TESTS / "golden"
UNSEEN = TESTS / "unseen"
MB = 1 << 20

# The two committed seed captures most extractor and CLI tests read.
LISTING = "000_4d4dfa95065ffdb9.txt"
ARTICLE = "004_80234a49b9bba53a.txt"
