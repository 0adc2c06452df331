"""Builders of hand-made labelled pages and corpus folders for the evaluation tests."""

from __future__ import annotations

import json
from pathlib import Path

from toolkit.evaluate.corpus import ARTICLE_FIELDS, GoldArticle, LabelledPage


def gold_article(**fields: str | None) -> GoldArticle:
    values = dict.fromkeys(ARTICLE_FIELDS)
    values.update(fields)
    return GoldArticle(**values)


def make_page(
    text: str,
    articles: list[GoldArticle],
    *,
    kind: str = "article",
    boilerplate: tuple[str, ...] = (),
    metadata: tuple[str, ...] = (),
    publisher: str = "example.com",
    language: str = "en",
    page_id: str = "en-example-1",
) -> LabelledPage:
    return LabelledPage(
        id=page_id,
        data=text.encode("utf-8"),
        text=text,
        url=f"https://{publisher}/a",
        publisher=publisher,
        language=language,
        kind=kind,  # type: ignore[arg-type]
        truncated=False,
        articles=tuple(articles),
        boilerplate_lines=boilerplate,
        metadata_lines=metadata,
    )


ARTICLE_TEXT = "Home\nBig Storm Hits Coast\nBy Jane Doe\nThe storm arrived at dawn. It left.\n"


def write_pair(folder: Path, page_id: str, text: str, gold: dict[str, object]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{page_id}.txt").write_text(text, encoding="utf-8")
    (folder / f"{page_id}.json").write_text(json.dumps(gold), encoding="utf-8")


def article_gold(**overrides: object) -> dict[str, object]:
    article = dict.fromkeys(ARTICLE_FIELDS)
    article.update(
        title="Big Storm Hits Coast",
        byline="By Jane Doe",
        first_body_sentence="The storm arrived at dawn.",
        last_body_sentence="It left.",
    )
    gold: dict[str, object] = {
        "url": "https://example.com/storm",
        "publisher": "example.com",
        "language": "en",
        "kind": "article",
        "truncated": False,
        "articles": [article],
        "boilerplate_lines": ["Home"],
        "metadata_lines": ["By Jane Doe"],
    }
    gold.update(overrides)
    return gold
