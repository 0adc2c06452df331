"""The page's own evidence: its kind (article, listing or no news), read from the first line
classifier's output over the whole page, and the period of a listing's repeating pattern, whose
lines at one place in the pattern are read alike."""

from __future__ import annotations

from tests.helpers import ROOT
from toolkit.extract.roles import ROLE_LETTERS
from toolkit.extract.roles.features import page_features, page_lines
from toolkit.extract.roles.model import agree, load_model
from toolkit.extract.roles.pagekind import KINDS, page_summary
from toolkit.extract.roles.stacking import period_of, phase_groups, stacked_features

CORPUS = ROOT / "corpus" / "pages"

#: A listing of six teasers: a time, a headline, a two-sentence teaser.
LISTING = "\n\n".join(
    f"12:0{i}\n\nHeadline number {i} about the council vote\n\n"
    f"The council voted on plan {i} on Tuesday after a long debate. It passed."
    for i in range(6)
)


def _kind(name: str) -> str:
    model = load_model()
    lines, _ = page_lines((CORPUS / f"{name}.txt").read_text("utf-8"))
    kind = model.look(model.features(lines))[1]
    assert kind is not None
    assert abs(sum(kind) - 1.0) < 1e-6
    return KINDS[max(range(len(KINDS)), key=kind.__getitem__)]


#: An article: lines of many shapes in no repeating order.
ARTICLE = """Storm hits the coast

By Jane Doe

The storm arrived at dawn and the sea rose over the harbour wall within the hour, flooding town.
Residents said they had never seen anything like it.
What comes next

The council will meet on Friday to count the damage and decide on repairs, the mayor said.
Share this article
Sign up for our newsletter"""


def test_a_listing_repeats_with_its_period_and_an_article_does_not():
    assert period_of(page_features(page_lines(LISTING)[0])) == 3
    assert period_of(page_features(page_lines(ARTICLE)[0])) is None


def test_a_line_sees_the_first_look_at_its_peers_one_and_two_periods_away():
    rows = page_features(page_lines(LISTING)[0])
    headline, body = ROLE_LETTERS.index("T"), ROLE_LETTERS.index("X")
    # The first look took every headline for a headline except the second one.
    probs = [
        [1.0 if r == (headline if i % 3 == 1 and i != 4 else body) else 0.0 for r in range(9)]
        for i in range(len(rows))
    ]
    stacked = stacked_features(rows, probs, [0.1, 0.8, 0.1])
    second = stacked[4]
    assert second["period"] == 3.0
    assert second["kind_listing"] == 0.8
    assert second["period_peers"] == 3.0  # lines 1, 7 and 10; line -2 is off the page
    assert second["p1per_T"] == 1.0
    assert second["p1_T"] == 0.0


def test_the_packaged_model_tells_the_seed_listing_from_the_seed_article():
    """The listing reads as a listing; the article (a podcast episode's page wrapped in
    donation and newsletter appeals) does not, though text@2.6.0 gives it more "no news" than
    "article": what the release needs, its one story, is kept (``test_text``)."""
    assert _kind("en-worldcrunch-seed-1") == "listing"
    assert _kind("en-motherjones-seed-1") != "listing"


def test_a_page_summary_is_the_same_few_numbers_whatever_the_page_length():
    uniform = [1.0 / len(ROLE_LETTERS)] * len(ROLE_LETTERS)
    short = page_features(page_lines("One line of text.")[0])
    long = page_features(page_lines(LISTING * 50)[0])
    assert set(page_summary(short, [uniform])) == set(page_summary(long, [uniform] * len(long)))


def test_a_listings_lines_are_grouped_by_their_place_in_the_pattern():
    rows = page_features(page_lines(LISTING)[0])
    groups = sorted(phase_groups(rows))
    # Six teasers of three lines: the times, the headlines and the teasers.
    assert groups == [list(range(0, 18, 3)), list(range(1, 18, 3)), list(range(2, 18, 3))]
    assert phase_groups(page_features(page_lines(ARTICLE)[0])) == []


def test_a_headline_the_look_took_for_chrome_is_read_like_its_peers():
    rows = page_features(page_lines(LISTING)[0])
    headline, chrome = ROLE_LETTERS.index("T"), ROLE_LETTERS.index("O")
    # Down the page the look drifts: the last two headlines read as chrome.
    probs = [[0.0] * len(ROLE_LETTERS) for _ in rows]
    for i in range(len(rows)):
        probs[i][headline if i % 3 == 1 and i < 12 else chrome] = 1.0
    agreed = agree(probs, phase_groups(rows))
    headlines = [agreed[i] for i in range(1, 18, 3)]
    assert all(p == headlines[0] for p in headlines)
    assert headlines[0][headline] > headlines[0][chrome]
    assert agreed[0][chrome] == 1.0  # the times stay chrome


def test_the_packaged_model_reads_every_teaser_of_a_long_listing():
    """A listing of twelve same-shaped teasers: every headline is read as one, the last as
    surely as the first."""
    model = load_model()
    text = "\n\n".join(
        f"Council approves budget plan number {i} for the district\n"
        f"The council approved plan {i} on Tuesday after a long debate about schools and roads."
        for i in range(12)
    )
    lines, _ = page_lines(text)
    probs, kind = model.look(model.features(lines))
    assert kind is not None
    assert KINDS[max(range(len(KINDS)), key=kind.__getitem__)] == "listing"
    assert all(p == probs[0] for p in probs[0::2])  # read alike, not line by line
    assert model.decode(probs)[0::2] == ["T"] * 12
