"""The story gate and the evidence it and the tagger read: which decoded stories are kept as
news, how the page's URL names its own headline, a headline printed twice being one headline,
labels for training, and the gate surviving the model file."""

from __future__ import annotations

import dataclasses

import pytest

from toolkit.extract.roles.decode import decode_stories
from toolkit.extract.roles.features import page_lines
from toolkit.extract.roles.gate import story_features
from toolkit.extract.roles.labels import story_labels
from toolkit.extract.roles.model import LineRoleModel, load_model, read_stories
from toolkit.extract.roles.slug import slug_overlap, slug_words
from toolkit.extract.text import model_candidates

ARTICLE = """Menu
Men Queue For Days At The Georgian Border
Thousands of men waited for days at the Upper Lars crossing into Georgia this week, officials said.
Officials in Vladikavkaz said the queue of cars stretched for more than twenty kilometres.

Related
Border guards hand out summons at the crossing
Guards began handing out summons to men in the queue on Tuesday, local media reported today.
"""
URL = "https://example.com/2022/09/27/men-queue-for-days-at-the-georgian-border"


@pytest.mark.parametrize(
    ("url", "line", "expected"),
    [
        (URL, "Men Queue For Days At The Georgian Border", 1.0),
        (URL, "Border guards hand out summons at the crossing", 2 / 7),  # border, the
        ("https://x.ru/news/mobilizatsiya-v-rossii-nachalas", "Мобилизация в России началась", 1.0),
        ("https://example.com/news/12345", "Men Queue For Days", 0.0),  # no slug
        (None, "Men Queue For Days", 0.0),
        ("http://[::1", "Men Queue For Days", 0.0),  # malformed: no evidence, no error
    ],
)
def test_the_url_spells_the_pages_own_headline(url, line, expected):
    assert slug_overlap(line, slug_words(url)) == pytest.approx(expected)


def test_a_headline_printed_twice_is_one_headline():
    text = (
        "Men Queue For Days At The Georgian Border\n"
        "Men Queue For Days At The Georgian Border\n"
        "Thousands of men waited for days at the Upper Lars crossing into Georgia this week.\n"
    )
    lines, _ = page_lines(text)
    stories = decode_stories(lines, ["T", "T", "X"])
    assert [(s.title, s.lines) for s in stories] == [
        ("Men Queue For Days At The Georgian Border", [1, 2, 3])
    ]


def test_two_different_headline_lines_still_join():
    lines, _ = page_lines("Men Queue For Days\nAt The Georgian Border\nThousands waited there.\n")
    stories = decode_stories(lines, ["T", "T", "X"])
    assert [s.title for s in stories] == ["Men Queue For Days At The Georgian Border"]


def test_story_labels_follow_the_gold():
    lines, _ = page_lines(ARTICLE)
    roles = ["O", "T", "X", "X", "O", "T", "X"]
    stories = decode_stories(lines, roles)
    gold = {"articles": [{"title": "Men Queue For Days At The Georgian Border"}]}
    assert story_labels(stories, gold) == [1, 0]
    untitled = {"articles": [{"title": None, "first_body_sentence": "Guards began handing out"}]}
    assert story_labels(stories, untitled) == [0, 1]


def test_story_features_describe_the_page_around_each_story():
    lines, _ = page_lines(ARTICLE)
    roles = ["O", "T", "X", "X", "O", "T", "X"]
    stories = decode_stories(lines, roles)
    probs = [[1.0 / 9] * 9 for _ in lines]
    main, related = story_features(stories, lines, roles, probs, None, URL)
    assert (main["is_main"], main["after_main"], main["slug_is_best"]) == (1.0, 0.0, 1.0)
    assert (related["is_main"], related["after_main"], related["slug_is_best"]) == (0.0, 1.0, 0.0)
    assert main["body_lines"] == 2.0
    assert related["body_lines"] == 1.0


def _with_threshold(model: LineRoleModel, threshold: float) -> LineRoleModel:
    assert model.gate is not None
    return dataclasses.replace(model, gate=dataclasses.replace(model.gate, threshold=threshold))


def test_the_gate_decides_which_stories_are_released_and_says_why():
    model = load_model()
    everything = read_stories(ARTICLE, _with_threshold(model, 0.0), url=URL)
    assert everything.dropped == []
    nothing = read_stories(ARTICLE, _with_threshold(model, 1.01), url=URL)
    assert nothing.stories == [] or all(not s.releasable for s in nothing.stories)
    assert len(nothing.dropped) == sum(s.releasable for s in everything.stories) > 0
    assert all(0.0 <= score <= 1.0 for _, score in nothing.dropped)
    candidates, problems = model_candidates(ARTICLE, _with_threshold(model, 1.01), url=URL)
    assert candidates == []
    assert any("news score" in message for _, message in problems)
    assert [line for line, _ in problems] == sorted(line for line, _ in problems)


def test_the_gate_survives_the_model_file():
    model = load_model()
    again = LineRoleModel.from_bytes(model.to_bytes())
    lines, _ = page_lines(ARTICLE)
    probs = model.probabilities(model.features(lines, URL))
    roles = model.decode(probs)
    stories = [s for s in decode_stories(lines, roles) if s.releasable]
    features = story_features(stories, lines, roles, probs, None, URL)
    assert model.gate is not None
    assert again.gate is not None
    assert again.gate.threshold == model.gate.threshold
    assert again.gate.scores(features) == model.gate.scores(features)


def test_known_chrome_is_decoded_around():
    """A slogan the publisher repeats on every page is chrome for certain; the tagger reads the
    page again with it fixed, so the headline next to it is found rather than lost."""
    text = (
        "Independent reporting from the region since 1999\n\n"
        "Border Queues Grow As Men Leave Russia\n\n"
        "Thousands of men waited for days at the Upper Lars crossing into Georgia this week.\n"
    )
    slogan = "Independent reporting from the region since 1999"
    reading = read_stories(text, is_chrome=lambda line: line == slogan)
    assert reading.roles[0] == "O"
    assert all(slogan not in (s.title or "") for s in reading.stories)
