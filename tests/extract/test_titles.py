"""A headline's own words: the site's name, an aggregator's source, a rubric the address does
not spell, a link glued onto every headline and a date stamp are left out of the title; a
headline's own colon and hyphens, and a rubric the address spells, stay."""

from __future__ import annotations

from tests.helpers import ROOT
from toolkit.extract.roles.decode import Story
from toolkit.extract.roles.model import read_stories
from toolkit.extract.roles.titles import trim_titles
from toolkit.textmatch import texts_match

CORPUS = ROOT / "corpus" / "pages"


def _trimmed(titles: list[str], url: str | None = None) -> list[Story]:
    stories = [Story(title=t, body=["Text."]) for t in titles]
    trim_titles(stories, url)
    return stories


def test_the_sites_own_name_after_the_headline_is_left_out() -> None:
    [story] = _trimmed(
        ["Indians Enlist in Russian Army – Global News"],
        "https://globalnews.ca/news/10001/indians-enlist-in-russian-army/",
    )
    assert story.title == "Indians Enlist in Russian Army"
    assert story.section is None


def test_a_rubric_the_address_does_not_spell_becomes_the_section() -> None:
    [story] = _trimmed(
        ["Krise in Osteuropa : Russland greift Ukraine an - Kriegszustand ausgerufen"],
        "https://rp-online.de/politik/ausland/russland-greift-ukraine-an-kriegszustand-"
        "ausgerufen_aid-66273523",
    )
    assert story.title == "Russland greift Ukraine an - Kriegszustand ausgerufen"
    assert story.section == "Krise in Osteuropa"


def test_a_rubric_the_address_spells_stays_in_the_headline() -> None:
    title = "Guerre en Ukraine : combien de réfugiés la France peut-elle accueillir ?"
    [story] = _trimmed(
        [title], "https://www.tf1info.fr/guerre-en-ukraine-combien-de-refugies-la-france-accueillir"
    )
    assert story.title == title


def test_a_headlines_own_colon_and_hyphens_stay() -> None:
    titles = ["Nordkreis: Gemischte Bilanz bei Polizei und Feuerwehr", "Russia-Ukraine talks stall"]
    assert [s.title for s in _trimmed(titles, "https://example.org/a/b/c/")] == titles


def test_an_aggregators_source_after_every_headline_is_left_out() -> None:
    stories = _trimmed(
        [
            "Trump hosts Zelensky in Florida - CNN",
            "Kosovo's ruling party set to win vote - Reuters",
            "Nancy Pelosi predicts Democratic wins - USA Today",
            "A look at Wales' political parties - BBC",
        ]
    )
    assert [s.title for s in stories] == [
        "Trump hosts Zelensky in Florida",
        "Kosovo's ruling party set to win vote",
        "Nancy Pelosi predicts Democratic wins",
        "A look at Wales' political parties",
    ]


def test_one_dash_on_one_headline_is_not_a_pattern() -> None:
    titles = [
        "Putin signs the decree - Kremlin",
        "Kyiv braces for winter",
        "Talks resume in Geneva",
    ]
    assert [s.title for s in _trimmed(titles)] == titles


def test_a_link_glued_onto_every_headline_is_left_out() -> None:
    stories = _trimmed(
        [
            "Read More »Parrott set for Millwall loan",
            "Read More »Bielsa set to sign new Leeds contract",
            "Read More »Manchester United target joins Dortmund",
        ]
    )
    assert [s.title for s in stories] == [
        "Parrott set for Millwall loan",
        "Bielsa set to sign new Leeds contract",
        "Manchester United target joins Dortmund",
    ]


def test_a_name_every_headline_starts_with_is_not_a_glued_link() -> None:
    titles = ["New WhatsApp feature rolls out", "New WhatsApp fine in EU", "New WhatsApp rules"]
    assert [s.title for s in _trimmed(titles)] == titles
    titles = ["Ukraine war: Kyiv hit", "Ukraine war: talks stall", "Ukraine war: grain deal"]
    assert [s.title for s in _trimmed(titles)] == titles


def test_a_date_stamp_before_the_headline_is_the_storys_date() -> None:
    [story] = _trimmed(["• 18/10/2022 - 07:57 Grève générale : Macron dans le piège de la CGT"])
    assert story.title == "Grève générale : Macron dans le piège de la CGT"
    assert story.date == "18/10/2022 - 07:57"
    [story] = _trimmed(["10 things to know about the draft"])
    assert story.title == "10 things to know about the draft"
    assert story.date is None


def test_on_a_real_capture_every_glued_link_is_gone() -> None:
    """A real listing (fr-globalnewspapers-1) whose text nodes ran "Read Full Story (Page 1)"
    into every headline: the packaged model's stories carry the headlines alone."""
    text = (CORPUS / "fr-globalnewspapers-1.txt").read_text("utf-8")
    reading = read_stories(text, url=None)
    titles = [s.title for s in reading.stories if s.title]
    assert len(titles) >= 4
    assert not any("Read Full Story" in t for t in titles)
    assert any(
        texts_match(t, "Second tour des municipales : le pari risqué des alliances") for t in titles
    )
