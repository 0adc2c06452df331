"""The generic rules of text@1.1.0 (``TextExtractor(rules=True)``, what site profiles build on;
the learned model that reads unknown sites is scored on the real corpus instead, see
benchmarks/extraction.md) on hand-written captures of publishers and
languages the extractor was not written against: tests/unseen/*.txt, each with a JSON of what a
human reader calls its articles (titles, kind, standfirst, first and last body paragraphs), the
chrome lines that must appear in no field and the lines (captions, credits, bylines, dates,
labels) that must not appear in a title or body.

Aggregate figures (``python -m tests.extract.test_unseen`` prints them), titles found / expected
and chrome lines leaked / listed:
- first batch (10 pages, written before any rule changed): text@1.0.0 4/21 titles, 17/170 chrome
  leaked; text@1.1.0 21/21, 0/170.
- second batch (de_listing, es_listing, fr_article, ru_article_meduza; written after the first
  round of changes and run before any further change): 29/30 titles, 4/227 leaked over all 14
  pages; after a second round of general fixes (kickers, caption-first headlines, appeal box
  titles, "Lire aussi |", long datelines, bracketed bylines) 30/30, 0/227.
- all 14 pages with text@1.0.0: 6/30 titles, 34/227 chrome lines leaked.
"""

from __future__ import annotations

import json

import pytest

from tests.helpers import UNSEEN
from tests.helpers.records import TEXT_FIELDS
from tests.helpers.sources import make_entry
from toolkit.extract import extract_source
from toolkit.extract.context import ExtractContext
from toolkit.extract.text import TextExtractor
from toolkit.issues import Issue

PAGES = sorted(p.stem for p in UNSEEN.glob("*.json"))
#: Cases that cannot be met without page-specific rules: name -> reason.
XFAIL: dict[str, str] = {}


def expected(name: str) -> dict:
    return json.loads((UNSEEN / f"{name}.json").read_text(encoding="utf-8"))


def extract(name: str) -> list[dict | Issue]:
    want = expected(name)
    entry = make_entry(
        UNSEEN, f"{name}.txt", publisher=want["publisher"], language=want["language"]
    )
    return list(TextExtractor(ExtractContext(), rules=True).extract(UNSEEN / f"{name}.txt", entry))


def leaked(record: dict, line: str, fields: tuple[str, ...]) -> bool:
    """Whether ``line`` shows in one of ``fields``: as a whole paragraph or field, or (when long
    enough not to be an ordinary phrase) inside one."""
    for name in fields:
        value = record.get(name)
        if not value:
            continue
        if line in value.split("\n\n") or value == line or (len(line) >= 20 and line in value):
            return True
    return False


def figures(name: str) -> tuple[int, int, int, int]:
    """(titles found, titles expected, chrome lines leaked, chrome lines listed)."""
    want = expected(name)
    records = [r for r in extract(name) if isinstance(r, dict)]
    titles = {a["title"] for a in want["articles"]}
    found = len(titles & {r["title"] for r in records})
    bad = want["chrome_lines"]
    leaks = sum(any(leaked(r, line, TEXT_FIELDS) for r in records) for line in bad)
    return found, len(titles), leaks, len(bad)


def params() -> list:
    return [
        pytest.param(n, marks=pytest.mark.xfail(reason=XFAIL[n], strict=True)) if n in XFAIL else n
        for n in PAGES
    ]


def test_repeated_promos_are_not_teasers(tmp_path):
    """Two promo boxes share their structure ("Subscribe" after each) like teasers do, but a
    promo's repeated line is no evidence of a listing."""
    box = (
        "Get our award-winning magazine\n\nSave big on a full year of investigations, ideas, "
        "and insights.\n\nSubscribe\n\n"
    )
    page = tmp_path / "p.txt"
    page.write_text("Home\n\n" + box + "Menu\n\n" + box, encoding="utf-8")
    entry = make_entry(tmp_path, "p.txt")
    items = list(extract_source(tmp_path, entry, ExtractContext()))
    assert [type(i) for i in items] == [Issue]


def test_fixtures_are_complete():
    assert len(PAGES) >= 8
    languages = {expected(n)["language"] for n in PAGES}
    assert {"en", "ru", "uk", "de", "fr", "es"} <= languages
    for name in PAGES:
        assert (UNSEEN / f"{name}.txt").is_file()


@pytest.mark.parametrize("name", params())
def test_unseen_page(name):
    want = expected(name)
    records = [r for r in extract(name) if isinstance(r, dict)]
    assert [r["title"] for r in records] == [a["title"] for a in want["articles"]]
    for record, article in zip(records, want["articles"], strict=True):
        paragraphs = record["body"].split("\n\n")
        assert record["kind"] == article["kind"]
        if "dek" in article:
            assert record["dek"] == article["dek"]
        assert paragraphs[0] == article["first_body_paragraph"]
        assert paragraphs[-1] == article["last_body_paragraph"]
    chrome = [
        (r["title"], line)
        for r in records
        for line in want["chrome_lines"]
        if leaked(r, line, TEXT_FIELDS)
    ]
    assert chrome == []
    misplaced = [
        (r["title"], line)
        for r in records
        for line in want["not_in_body"]
        if leaked(r, line, ("title", "body"))
    ]
    assert misplaced == []


if __name__ == "__main__":
    totals = [0, 0, 0, 0]
    for page in PAGES:
        row = figures(page)
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        print(f"{page:18} titles {row[0]}/{row[1]}  chrome leaked {row[2]}/{row[3]}")
    print(f"{'total':18} titles {totals[0]}/{totals[1]}  chrome leaked {totals[2]}/{totals[3]}")
