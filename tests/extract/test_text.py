"""The text extractor on the seed captures (against tests/gold/, with and without a profile) and
on bad input."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.helpers import ARTICLE, GOLD, LISTING, RAW
from tests.helpers.records import TEXT_FIELDS
from tests.helpers.sources import make_entry
from toolkit.extract import extract_source, prepare_context
from toolkit.extract.captions import split_credit
from toolkit.extract.roles.model import MODEL_VERSION, extract_stories
from toolkit.files import sha256_file
from toolkit.issues import RULES, Issue
from toolkit.raw import SourceEntry
from toolkit.schema import default_schemas, fast_validator
from toolkit.validate.sources import load_manifest


def entries(profile: str | None) -> dict[str, SourceEntry]:
    """The committed manifest's entries, with the Worldcrunch profile set or removed."""
    found = {}
    for entry in load_manifest(RAW):
        if entry.publisher == "Worldcrunch":
            entry = replace(entry, profile=profile)
        found[entry.path] = entry
    return found


def extract(path: str, profile: str | None = "worldcrunch") -> list[dict | Issue]:
    chosen = entries(profile)
    context = prepare_context(RAW, list(chosen.values()))
    return list(extract_source(RAW, chosen[path], context))


def gold(path: str) -> dict:
    return json.loads((GOLD / path.replace(".txt", ".json")).read_text(encoding="utf-8"))


def leaked(records: list[dict], boilerplate: list[str]) -> list[tuple[str, str]]:
    return [
        (field, line)
        for r in records
        for field in TEXT_FIELDS
        for line in boilerplate
        if r[field] and line in r[field]
    ]


def test_listing_matches_gold():
    records = extract(LISTING)
    expected = gold(LISTING)
    assert all(isinstance(r, dict) for r in records)
    assert len(records) == len(expected["articles"]) == 12
    for record, want in zip(records, expected["articles"], strict=True):
        paragraphs = record["body"].split("\n\n")
        assert record["title"] == want["title"]
        assert record["section"] == want["section"]
        assert record["dek"] == want["dek"]
        assert record["image_caption"] == want["image_caption"]
        assert paragraphs[0] == want["first_body_paragraph"]
        assert paragraphs[-1] == want["last_body_paragraph"]
        assert len(paragraphs) == want["body_paragraphs"]
        assert record["kind"] == "teaser"
        assert record["authors"] == [expected["author_of_page"]]
        assert record["publisher"] == "Worldcrunch"
    assert leaked(records, expected["boilerplate_lines"]) == []
    assert not any("-Analysis-" in r["body"] for r in records)


@pytest.mark.parametrize("profile", ["worldcrunch", None], ids=["profile", "generic"])
def test_article_matches_gold(profile):
    records = extract(ARTICLE, profile)
    expected = gold(ARTICLE)
    assert len(records) == 1
    record, want = records[0], expected["articles"][0]
    paragraphs = record["body"].split("\n\n")
    assert record["title"] == want["title"]
    assert record["section"] == want["section"]
    assert record["dek"] == want["dek"]
    assert record["image_caption"] == want["image_caption"]
    assert want["image_credit"] not in json.dumps(record, ensure_ascii=False)
    assert paragraphs[0] == want["first_body_paragraph"]
    assert paragraphs[-1] == want["last_body_paragraph"]
    assert len(paragraphs) == want["body_paragraphs"]
    assert record["kind"] == "article"
    assert record["authors"] == []
    assert leaked(records, expected["boilerplate_lines"]) == []


def test_listing_without_its_profile_finds_every_story_and_no_chrome():
    """The learned model alone, on a page it was trained on: every headline with its text, in
    order, and no chrome; which short line is the standfirst, the section or the caption it does
    not always get right (text@2.5.0 misses four of them here), which is why the release reads
    this site with its profile. A line it takes for a headline with no text under it is
    reported, never released."""
    items = extract(LISTING, None)
    records = [r for r in items if isinstance(r, dict)]
    expected = gold(LISTING)
    assert {i.rule for i in items if isinstance(i, Issue)} <= {"extract.no-article"}
    assert [r["title"] for r in records] == [a["title"] for a in expected["articles"]]
    for record, want in zip(records, expected["articles"], strict=True):
        assert record["body"].split("\n\n")[-1] == want["last_body_paragraph"]
    assert leaked(records, expected["boilerplate_lines"]) == []


@pytest.mark.parametrize("path", [LISTING, ARTICLE])
def test_records_are_valid_articles(path):
    schemas = default_schemas()
    validator = fast_validator(schemas.resolve_name("article"), schemas)
    for record in extract(path) + extract(path, None):
        if isinstance(record, Issue):
            continue
        assert validator.is_valid(record), list(validator.iter_errors(record))
        assert record["provenance"]["source_file"] == path
        assert record["provenance"]["source_sha256"] == sha256_file(RAW / path)
        assert record["provenance"]["extractor"] == f"text@{MODEL_VERSION}"


@pytest.mark.parametrize("path", [LISTING, ARTICLE])
def test_span_holds_title_and_body(path):
    lines = (RAW / path).read_text(encoding="utf-8").split("\n")
    for record in extract(path, None):
        if isinstance(record, Issue):
            continue
        span = record["provenance"]["span"]
        text = "\n".join(lines[span["start_line"] - 1 : span["end_line"]])
        assert record["title"] in text
        for paragraph in record["body"].split("\n\n"):
            assert paragraph in text
        assert record["image_caption"] is None or record["image_caption"] in text


def test_extraction_is_deterministic():
    assert extract(LISTING, None) == extract(LISTING, None)
    assert extract(ARTICLE) == extract(ARTICLE)


def page_entry(raw: Path, name: str, data: bytes, **fields: object) -> SourceEntry:
    (raw / name).write_bytes(data)
    return make_entry(raw, name, **{"publisher": "Example", **fields})


def run(raw: Path, entry: SourceEntry, others: list[SourceEntry] = ()) -> list[dict | Issue]:
    return list(extract_source(raw, entry, prepare_context(raw, [entry, *others])))


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "extract.unreadable"),
        (b"Title Of A Story Here\n\nSome text caf\xe9 and more.\n", "extract.unreadable"),
        (b"", "extract.no-article"),
        (b"  \n\n\t\n", "extract.no-article"),
        (b"Home\n\nSign up for our newsletter.\n\nShort line.\n", "extract.no-article"),
    ],
    ids=["binary", "invalid-utf8", "empty", "blank", "no-article"],
)
def test_bad_pages_give_one_issue(tmp_path, data, rule):
    items = run(tmp_path, page_entry(tmp_path, "page.txt", data))
    assert [type(i) for i in items] == [Issue]
    assert items[0].rule == rule
    assert items[0].file == "page.txt"
    assert rule in RULES


def test_invalid_utf8_points_at_the_byte(tmp_path):
    [issue] = run(tmp_path, page_entry(tmp_path, "p.txt", b"ok line\nsecond caf\xe9\n"))
    assert (issue.line, issue.column) == (2, 11)


def test_missing_file_is_an_issue(tmp_path):
    entry = page_entry(tmp_path, "p.txt", b"x")
    (tmp_path / "p.txt").unlink()
    assert [i.rule for i in run(tmp_path, entry)] == ["extract.unreadable"]


def test_unknown_profile_warns_and_falls_back(tmp_path):
    data = (RAW / ARTICLE).read_bytes()
    items = run(tmp_path, page_entry(tmp_path, "a.txt", data, profile="nosuchsite"))
    assert isinstance(items[0], Issue)
    assert (items[0].rule, items[0].severity) == ("extract.unknown-profile", "warning")
    assert [r["title"] for r in items[1:]] == [gold(ARTICLE)["articles"][0]["title"]]


STORY = (
    "{slogan}\n\n"
    "Border {n} Queues Grow As Men Leave Russia\n\n"
    "Thousands of men waited for {n} days at the Upper Lars crossing into Georgia this week.\n\n"
    "Officials in Vladikavkaz said the queue of cars stretched for more than {n} kilometres, "
    "and volunteers handed out water and food to the people waiting in it.\n\n"
    "{slogan}\n"
)


def test_lines_repeated_across_the_corpus_are_chrome(tmp_path):
    slogan = "Independent reporting from the region since 1999"
    made = [
        page_entry(tmp_path, f"p{n}.txt", STORY.format(slogan=slogan, n=n).encode())
        for n in range(3)
    ]
    context = prepare_context(tmp_path, made)
    assert context.is_corpus_chrome("Example", slogan)
    # The model's roles are overruled for such lines: the slogan is chrome wherever it stands.
    stories, _ = extract_stories(
        STORY.format(slogan=slogan, n=0),
        is_chrome=lambda line: context.is_corpus_chrome("Example", line),
    )
    assert stories
    assert all(slogan not in " ".join(filter(None, [s.title, *s.body])) for s in stories)
    assert all(
        isinstance(item, Issue) or slogan not in str(item)
        for item in run(tmp_path, made[0], made[1:])
    )


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        (
            "Russian soldiers ride through Aleppo, 2017Christian Werner",
            ("Russian soldiers ride through Aleppo, 2017", "Christian Werner"),
        ),
        ("Men queue at the border (Photo: Jane Doe)", ("Men queue at the border", "Jane Doe")),
        ("Men queue at the border - Reuters", ("Men queue at the border", "Reuters")),
        ("A rally at McDonald Square", ("A rally at McDonald Square", None)),
        (
            "UK Prime Minister Liz Truss leaves 10 Downing Street on Sept. 7",
            ("UK Prime Minister Liz Truss leaves 10 Downing Street on Sept. 7", None),
        ),
    ],
)
def test_split_credit(caption, expected):
    assert split_credit(caption) == expected
