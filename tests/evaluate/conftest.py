"""Fixtures of the evaluation tests: a tiny labelled corpus folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.labelled_pages import ARTICLE_TEXT, article_gold, write_pair


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    """Two valid pages: one article, one page with no news."""
    folder = tmp_path / "pages"
    write_pair(folder, "en-example-1", ARTICLE_TEXT, article_gold())
    write_pair(
        folder,
        "en-shop-1",
        "Basket\nBuy our mugs\n",
        article_gold(
            url="https://shop.example.org/",
            publisher="shop.example.org",
            kind="none",
            articles=[],
            boilerplate_lines=["Basket", "Buy our mugs"],
            metadata_lines=[],
        ),
    )
    return folder
