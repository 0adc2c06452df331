"""The learned line-role model of the text extractor: gold roles from labelled pages, decoding
roles into stories, printed dates, deterministic training, the packaged model, and linear
cost in the page's length."""

from __future__ import annotations

import pytest

from tests.helpers import ROOT
from toolkit.extract import boilerplate
from toolkit.extract.dates import parse_printed_date
from toolkit.extract.roles.decode import decode_stories
from toolkit.extract.roles.features import page_features, page_lines
from toolkit.extract.roles.labels import gold_roles
from toolkit.extract.roles.model import MODEL_PATH, load_model
from toolkit.extract.train import TrainingPage, load_training_pages, train_model

CORPUS = ROOT / "corpus" / "pages"

PAGE = """Home
Sign up for our newsletter

28 September 2022
Men Queue For Days At The Georgian Border
Thousands waited at Upper Lars as the draft began.
By Jane Doe
The queue stretched for kilometres on Tuesday.
Volunteers handed out water.

Read more
"""
GOLD = {
    "articles": [
        {
            "title": "Men Queue For Days At The Georgian Border",
            "section": None,
            "dek": "Thousands waited at Upper Lars as the draft began.",
            "image_caption": None,
            "image_credit": None,
            "byline": "By Jane Doe",
            "date": "28 September 2022",
            "first_body_sentence": "The queue stretched for kilometres on Tuesday.",
            "last_body_sentence": "Volunteers handed out water.",
        }
    ],
    "boilerplate_lines": ["Home", "Sign up for our newsletter", "Read more"],
    "metadata_lines": ["28 September 2022", "By Jane Doe"],
}


def test_gold_roles_of_a_labelled_page():
    lines, _ = page_lines(PAGE)
    assert gold_roles(lines, GOLD) == ["O", "O", "M", "T", "D", "B", "X", "X", "O"]


def test_decoding_attaches_a_date_above_the_headline_to_its_story():
    lines, _ = page_lines(PAGE)
    (story,) = decode_stories(lines, gold_roles(lines, GOLD))
    assert story.title == "Men Queue For Days At The Georgian Border"
    assert story.date == "28 September 2022"
    assert story.dek == "Thousands waited at Upper Lars as the draft began."
    assert story.authors == ["Jane Doe"]
    assert story.body == [
        "The queue stretched for kilometres on Tuesday.",
        "Volunteers handed out water.",
    ]
    assert story.lines == [4, 5, 6, 7, 8, 9]


def test_body_text_above_any_headline_is_a_story_without_title():
    lines, _ = page_lines(
        "Text that starts below the headline.\n\nHeadline Of The Next Story\nIts text.\n"
    )
    stories = decode_stories(lines, ["X", "T", "X"])
    assert [(s.title, s.body) for s in stories] == [
        (None, ["Text that starts below the headline."]),
        ("Headline Of The Next Story", ["Its text."]),
    ]


def test_a_capture_date_in_front_of_the_page_is_taken_off_its_first_line():
    lines, date = page_lines(
        "date 2022-09-27 Russian reservists will be handed summons.\nMore text."
    )
    assert date == "2022-09-27"
    assert lines[0].text == "Russian reservists will be handed summons."
    assert lines[0].no == 1


@pytest.mark.parametrize(
    ("printed", "iso"),
    [
        ("28 September 2022", "2022-09-28"),
        ("September 27, 2022", "2022-09-27"),
        ("27.09.2022, 18:03 Uhr", "2022-09-27"),
        ("16 Чер 2020", "2020-06-16"),
        ("12 listopada 2023", "2023-11-12"),
        ("Publié le 29 septembre 2022 à 06h00", "2022-09-29"),
        ("2022-09-27T10:00", "2022-09-27"),
        ("09/10/2022", None),  # day-first or month-first: not guessed
        ("31.02.2022", None),
        ("3 min read", None),
        (None, None),
    ],
)
def test_printed_dates(printed, iso):
    assert parse_printed_date(printed) == iso


def test_training_is_deterministic():
    pages = load_training_pages([CORPUS])[:40]
    assert train_model(pages).to_bytes() == train_model(pages).to_bytes()


def test_the_packaged_model_is_small_and_knows_every_role():
    assert MODEL_PATH.stat().st_size <= 5 * 1024 * 1024
    model = load_model()
    lines, _ = page_lines(PAGE)
    roles = model.tag(model.features(lines))
    assert len(roles) == len(lines)
    assert set(roles) <= set("TSDCRBMXO")
    assert roles[3] == "T"


def test_a_page_the_model_was_not_trained_on_still_gives_its_headline():
    pages = [p for p in load_training_pages([CORPUS]) if "seed" not in p.name]
    model = train_model(pages)
    stories = decode_stories(*_lines_and_roles(model, PAGE))
    assert [s.title for s in stories if s.title] == ["Men Queue For Days At The Georgian Border"]


def _lines_and_roles(model, text):
    lines, _ = page_lines(text)
    return lines, model.tag(model.features(lines))


def test_features_cost_grows_linearly_with_the_page(monkeypatch):
    """Counted in calls of the word splitter, not in seconds: a page eight times longer costs
    about eight times as many calls (quadratic work would cost about 64 times)."""
    calls = 0
    words = boilerplate.words

    def counting(text):
        nonlocal calls
        calls += 1
        return words(text)

    monkeypatch.setattr(boilerplate, "words", counting)
    block = "A Headline Over Its Teaser Here\nThe teaser text of this story, with a comma.\n\n"

    def cost(n: int) -> int:
        nonlocal calls
        calls = 0
        page_features(page_lines(block * n)[0])
        return calls

    small, large = cost(50), cost(400)
    assert large <= 9 * small


def test_training_pages_of_the_corpus_have_gold():
    pages = load_training_pages([CORPUS])
    assert len(pages) >= 150
    assert all(isinstance(p, TrainingPage) and p.gold.get("articles") is not None for p in pages)
