"""Scoring one extractor's records for one page against its gold: which gold stories were found
(titles, or the body for stories printed without a headline), whether the body starts and ends
where the gold says, and which boilerplate and metadata lines leaked. Kept apart from the report
so that every figure is a sum of per-page counts, and pooled figures over any group of pages
(language, kind, fold) are exact ratios of sums, never averages of averages.

Two strings match by :func:`toolkit.textmatch.texts_match` (shared with training). Each gold
article matches at most one record, greedily in page order; a record counts towards
precision when it is matched to some gold article (by title, or, for a story the page prints
without a headline, by its body holding the gold first sentence), so a duplicate record is a
false positive and every record on a ``none`` page is one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from toolkit.evaluate.corpus import LabelledPage
from toolkit.textmatch import normalise, texts_match

Record = dict[str, Any]
#: Anything that turns a labelled page into records (keys title, section, dek, body,
#: image_caption, authors, published; a missing key is None).
Extractor = Callable[[LabelledPage], list[Record]]
#: The record fields searched for leaked boilerplate.
RECORD_FIELDS = ("title", "section", "dek", "body", "image_caption", "authors", "published")
#: Shorter boilerplate lines (a "|", "»") would be found inside any text; they are not scored.
MIN_LEAK_CHARS = 3


def _field_text(record: Record, key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "\n".join(str(v) for v in value)
    return str(value)


@dataclass(slots=True)
class Counts:
    """Per-page tallies; adding two gives the tallies of both pages. Ratios are derived."""

    pages: int = 0
    records: int = 0
    gold_articles: int = 0
    gold_titles: int = 0
    titles_found: int = 0
    records_matched: int = 0
    first_gold: int = 0
    first_matched: int = 0
    first_correct: int = 0
    last_gold: int = 0
    last_matched: int = 0
    last_correct: int = 0
    boilerplate_lines: int = 0
    boilerplate_leaked: int = 0
    metadata_lines: int = 0
    metadata_leaked: int = 0
    none_pages: int = 0
    none_pages_with_records: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


@dataclass(frozen=True, slots=True)
class Scores:
    """The figures derived from :class:`Counts`; None where the denominator is zero."""

    title_recall: float | None
    title_precision: float | None
    first_sentence_matched: float | None
    first_sentence_all: float | None
    last_sentence_matched: float | None
    last_sentence_all: float | None
    boilerplate_leak: float | None
    metadata_leak: float | None

    @classmethod
    def of(cls, c: Counts) -> Scores:
        return cls(
            title_recall=_ratio(c.titles_found, c.gold_titles),
            title_precision=_ratio(c.records_matched, c.records),
            first_sentence_matched=_ratio(c.first_correct, c.first_matched),
            first_sentence_all=_ratio(c.first_correct, c.first_gold),
            last_sentence_matched=_ratio(c.last_correct, c.last_matched),
            last_sentence_all=_ratio(c.last_correct, c.last_gold),
            boilerplate_leak=_ratio(c.boilerplate_leaked, c.boilerplate_lines),
            metadata_leak=_ratio(c.metadata_leaked, c.metadata_lines),
        )

    def to_dict(self) -> dict[str, float | None]:
        return asdict(self)


def match_articles(page: LabelledPage, records: Sequence[Record]) -> list[int | None]:
    """For each gold article, in page order, the index of its record or None. Titled stories
    are matched by title first, then stories without a headline by body (the first unused
    record whose normalised body holds the gold first sentence)."""
    used: set[int] = set()
    matches: list[int | None] = [None] * len(page.articles)
    for g, article in enumerate(page.articles):
        if article.title is None:
            continue
        for r, record in enumerate(records):
            if r not in used and texts_match(article.title, record.get("title")):
                matches[g] = r
                used.add(r)
                break
    for g, article in enumerate(page.articles):
        if article.title is not None or article.first_body_sentence is None:
            continue
        first = normalise(article.first_body_sentence)
        if not first:
            continue
        for r, record in enumerate(records):
            if r not in used and first in normalise(_field_text(record, "body")):
                matches[g] = r
                used.add(r)
                break
    return matches


def _leaked(lines: Sequence[str], haystacks: Sequence[str]) -> tuple[int, int]:
    """How many of ``lines`` are scored (long enough) and how many of those occur in any of
    the normalised ``haystacks``."""
    scored = leaked = 0
    for line in lines:
        needle = normalise(line)
        if len(needle) < MIN_LEAK_CHARS:
            continue
        scored += 1
        leaked += any(needle in hay for hay in haystacks)
    return scored, leaked


def score_page(page: LabelledPage, records: Sequence[Record]) -> Counts:
    """The tallies of one page: the extractor's ``records`` against the page's gold."""
    matches = match_articles(page, records)
    counts = Counts(
        pages=1,
        records=len(records),
        gold_articles=len(page.articles),
        none_pages=int(page.kind == "none"),
        none_pages_with_records=int(page.kind == "none" and bool(records)),
    )
    counts.records_matched = sum(m is not None for m in matches)
    for article, match in zip(page.articles, matches, strict=True):
        body = normalise(_field_text(records[match], "body")) if match is not None else None
        if article.title is not None:
            counts.gold_titles += 1
            counts.titles_found += match is not None
        if article.first_body_sentence is not None:
            counts.first_gold += 1
            if body is not None:
                counts.first_matched += 1
                counts.first_correct += body.startswith(normalise(article.first_body_sentence))
        if article.last_body_sentence is not None:
            counts.last_gold += 1
            if body is not None:
                counts.last_matched += 1
                counts.last_correct += body.endswith(normalise(article.last_body_sentence))
    everything = [normalise(_field_text(r, key)) for r in records for key in RECORD_FIELDS]
    bodies = [normalise(_field_text(r, "body")) for r in records]
    counts.boilerplate_lines, counts.boilerplate_leaked = _leaked(
        page.boilerplate_lines, everything
    )
    counts.metadata_lines, counts.metadata_leaked = _leaked(page.metadata_lines, bodies)
    return counts
