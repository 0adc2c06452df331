"""The untrained baselines keep to the evaluation contract and score deterministically."""

from __future__ import annotations

import pytest

from tests.helpers import ROOT
from tests.helpers.labelled_pages import ARTICLE_TEXT, make_page
from toolkit.evaluate import evaluate_pages, load_corpus
from toolkit.evaluate.baselines import KEYS, page_as_html, text_extractor, trafilatura_extractor


def test_text_baseline_returns_records_with_the_contract_keys():
    page = make_page(ARTICLE_TEXT, [])
    records = text_extractor(None)(page)
    assert all(set(r) == set(KEYS) for r in records)


def test_page_as_html_is_one_escaped_paragraph_per_line():
    html = page_as_html("a < b\n\n  c & d  \n")
    assert "<p>a &lt; b</p>\n<p>c &amp; d</p>\n" in html
    assert "<title>" not in html


def test_trafilatura_baseline_gives_at_most_one_untitled_record():
    pytest.importorskip("trafilatura")
    page = make_page("Home\n" + "The storm arrived at dawn and stayed all day long. " * 6, [])
    records = trafilatura_extractor(None)(page)
    assert len(records) <= 1
    assert all(set(r) == set(KEYS) for r in records)


def test_evaluating_the_corpus_twice_gives_the_same_report():
    pages = load_corpus(ROOT / "corpus" / "pages")
    assert evaluate_pages(pages, "rules").to_dict() == evaluate_pages(pages, "rules").to_dict()
