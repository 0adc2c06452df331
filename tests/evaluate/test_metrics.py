"""Metrics on small hand-made pages, with the exact counts and ratios expected."""

from __future__ import annotations

import pytest

from tests.helpers.labelled_pages import gold_article, make_page
from toolkit.evaluate.metrics import Counts, Scores, score_page
from toolkit.textmatch import normalise, texts_match

LISTING = (
    "News\n"
    "Subscribe now\n"
    "Storm hits the coast\n"
    "12 May 2024\n"
    "The storm arrived at dawn. Roads were closed.\n"
    "Mayor resigns\n"
    "The mayor quit on Monday. More to follow.\n"
    "Schools reopen after strike. Teachers returned.\n"
)
GOLD = [
    gold_article(
        title="Storm hits the coast",
        date="12 May 2024",
        first_body_sentence="The storm arrived at dawn.",
        last_body_sentence="Roads were closed.",
    ),
    gold_article(
        title="Mayor resigns",
        first_body_sentence="The mayor quit on Monday.",
        last_body_sentence="More to follow.",
    ),
    gold_article(
        first_body_sentence="Schools reopen after strike.",
        last_body_sentence="Teachers returned.",
    ),
]


def listing() -> object:
    return make_page(
        LISTING,
        GOLD,
        kind="listing",
        boilerplate=("News", "Subscribe now"),
        metadata=("12 May 2024",),
    )


def test_normalise_folds_case_space_quotes_and_edge_punctuation():
    assert normalise("  «Big   Storm»!  ") == "big storm"
    assert normalise("Maharashtra’s “Plan”") == normalise('Maharashtra\'s "Plan"')
    assert normalise("ＡＢＣ") == "abc"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Storm hits the coast", "storm hits the coast.", True),
        ("Storm hits the coast", "Storm hits the coast - Daily", False),  # 20/28 < 0.8
        ("Storm hits the coast", "Storm hits the coasts", True),  # 20/21 >= 0.8
        ("Storm", "Storm hits the coast", False),
        (None, "Storm", False),
        ("...", "...", False),
    ],
)
def test_texts_match(a, b, expected):
    assert texts_match(a, b) is expected


def test_a_perfect_extraction_scores_one_everywhere():
    records = [
        {"title": "Storm hits the coast", "body": "The storm arrived at dawn. Roads were closed."},
        {"title": "Mayor resigns", "body": "The mayor quit on Monday. More to follow."},
        {"title": None, "body": "Schools reopen after strike. Teachers returned."},
    ]
    counts = score_page(listing(), records)
    assert counts == Counts(
        pages=1,
        records=3,
        gold_articles=3,
        gold_titles=2,
        titles_found=2,
        records_matched=3,
        first_gold=3,
        first_matched=3,
        first_correct=3,
        last_gold=3,
        last_matched=3,
        last_correct=3,
        boilerplate_lines=2,
        boilerplate_leaked=0,
        metadata_lines=1,
        metadata_leaked=0,
    )
    assert Scores.of(counts).title_recall == 1.0
    assert Scores.of(counts).title_precision == 1.0


def test_misses_duplicates_and_leaks_are_counted():
    records = [
        # right title, body starts with the date (a metadata leak) so the first sentence is wrong
        {
            "title": "STORM HITS THE COAST!",
            "body": "12 May 2024\n\nThe storm arrived at dawn. Roads were closed.",
        },
        # the same headline again: a duplicate is a false positive
        {"title": "Storm hits the coast", "body": "The storm arrived at dawn."},
        # chrome as a record: a false positive that leaks two boilerplate lines
        {"title": "News", "body": "Subscribe now"},
    ]
    counts = score_page(listing(), records)
    assert (counts.gold_titles, counts.titles_found) == (2, 1)
    assert (counts.records, counts.records_matched) == (3, 1)
    assert (counts.first_gold, counts.first_matched, counts.first_correct) == (3, 1, 0)
    assert (counts.last_gold, counts.last_matched, counts.last_correct) == (3, 1, 1)
    assert (counts.boilerplate_lines, counts.boilerplate_leaked) == (2, 2)
    assert (counts.metadata_lines, counts.metadata_leaked) == (1, 1)
    scores = Scores.of(counts)
    assert scores.title_recall == 0.5
    assert scores.title_precision == pytest.approx(1 / 3)
    assert scores.first_sentence_matched == 0.0
    assert scores.last_sentence_matched == 1.0
    assert scores.last_sentence_all == pytest.approx(1 / 3)
    assert scores.boilerplate_leak == 1.0


def test_one_gold_article_matches_one_record_in_page_order():
    page = make_page(
        "A\nB\n",
        [gold_article(title="Same headline"), gold_article(title="Same headline")],
        kind="listing",
    )
    counts = score_page(page, [{"title": "Same headline", "body": "x"}])
    assert (counts.gold_titles, counts.titles_found, counts.records_matched) == (2, 1, 1)


def test_records_on_a_none_page_are_all_false_positives():
    page = make_page("Basket\nBuy our mugs\n", [], kind="none", boilerplate=("Buy our mugs",))
    counts = score_page(page, [{"title": "Buy our mugs", "body": "Basket"}])
    assert counts.none_pages == counts.none_pages_with_records == 1
    assert (counts.records, counts.records_matched) == (1, 0)
    assert counts.boilerplate_leaked == 1
    assert Scores.of(counts).title_precision == 0.0
    assert Scores.of(counts).title_recall is None
    assert score_page(page, []).none_pages_with_records == 0


def test_short_lines_are_not_scored_as_leaks():
    page = make_page("|\nAB\nMenu\n", [], kind="none", boilerplate=("|", "AB", "Menu"))
    assert score_page(page, []).boilerplate_lines == 1


def test_missing_record_keys_are_none():
    counts = score_page(listing(), [{}])
    assert (counts.records, counts.records_matched, counts.boilerplate_leaked) == (1, 0, 0)


def test_counts_add_up():
    one = Counts(pages=1, records=2, gold_titles=3, titles_found=1)
    assert one + one == Counts(pages=2, records=4, gold_titles=6, titles_found=2)
