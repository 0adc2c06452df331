"""Extractors that exist without training, as adapters to the evaluation contract
(``LabelledPage -> list[record]``): today's rule-based text extractor, and trafilatura on the
page text wrapped as minimal HTML. They are the figures a learned extractor must beat, measured
by the same scorer on the same pages; kept apart so that the scorer never imports an extractor.
"""

from __future__ import annotations

import html
import tempfile
from pathlib import Path
from typing import Any

from toolkit.errors import UsageError
from toolkit.evaluate.corpus import LabelledPage
from toolkit.evaluate.metrics import Extractor, Record

#: The record keys an adapter passes on; the scorer reads no others.
KEYS = ("title", "section", "dek", "body", "image_caption", "authors", "published")


def text_extractor(train: list[LabelledPage] | None = None, *, rules: bool = False) -> Extractor:
    """Today's rule-based :class:`toolkit.extract.text.TextExtractor`, run on each page's bytes
    exactly as ``dtk build`` runs it on a capture in ``raw/``. It is untrained, so ``train``
    is ignored. Its corpus evidence (lines a publisher repeats across three or more of its
    pages) is left empty: nearly every corpus publisher has one page, and counting across the
    scored pages would let the scored fold inform itself. Issues (no article, unreadable) are
    not records and are dropped here: the scorer only sees what would be released."""
    from toolkit.extract.context import ExtractContext
    from toolkit.extract.text import TextExtractor
    from toolkit.raw import SourceEntry

    model = None
    if train is not None:
        from toolkit.extract.train import TrainingPage, train_model

        model = train_model(TrainingPage(p.id, p.text, p.gold_dict()) for p in train)
    extractor = TextExtractor(ExtractContext(), model, rules=rules)

    def extract(page: LabelledPage) -> list[Record]:
        with tempfile.TemporaryDirectory(prefix="dtk-evaluate-") as tmp:
            path = Path(tmp) / f"{page.id}.txt"
            path.write_bytes(page.data)
            entry = SourceEntry(
                path=path.name,
                sha256="0" * 64,
                format="text",
                publisher=page.publisher,
                url=page.url,
                retrieved_at=None,
                language=page.language,
                license=None,
                profile=None,
                line=1,
            )
            items = list(extractor.extract(path, entry))
        return [{k: item.get(k) for k in KEYS} for item in items if isinstance(item, dict)]

    return extract


def rules_extractor(train: list[LabelledPage] | None = None) -> Extractor:
    """The generic rules of text@1.1.0, the extractor before the line-role model. Untrained."""
    return text_extractor(None, rules=True)


def page_as_html(text: str) -> str:
    """The page text as the smallest HTML trafilatura reads: each non-blank line one ``<p>``,
    no title, no markup cues. That is all a plain-text capture tells; anything more would be
    extraction done for trafilatura."""
    paragraphs = "".join(
        f"<p>{html.escape(line.strip())}</p>\n" for line in text.splitlines() if line.strip()
    )
    return f"<!DOCTYPE html>\n<html><head></head><body>\n{paragraphs}</body></html>"


def trafilatura_extractor(train: list[LabelledPage] | None = None) -> Extractor:
    """trafilatura (``html`` extra) with its defaults, comments and tables off, on
    :func:`page_as_html`; one record per page when it finds main text. Untrained.

    Raises:
        UsageError: trafilatura is not installed (the message gives the pip command).
    """
    try:
        import trafilatura
    except ImportError as exc:
        raise UsageError(
            "the trafilatura baseline needs trafilatura: pip install 'newsroom-dtk[html]'"
        ) from exc

    def extract(page: LabelledPage) -> list[Record]:
        document: Any = trafilatura.bare_extraction(
            page_as_html(page.text),
            url=page.url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            deduplicate=False,
        )
        if document is None or not (document.text or "").strip():
            return []
        paragraphs = [p.strip() for p in document.text.split("\n") if p.strip()]
        authors = [a.strip() for a in (document.author or "").split(";") if a.strip()]
        return [
            {
                "title": document.title or None,
                "section": None,
                "dek": document.description or None,
                "body": "\n\n".join(paragraphs),
                "image_caption": None,
                "authors": authors,
                "published": document.date or None,
            }
        ]

    return extract
