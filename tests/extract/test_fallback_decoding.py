"""A page that decodes to nothing but chrome is read once more with chrome made less likely:
real pages are rarely all chrome (a listing of short teasers often looks like a related-links
block), and the story gate, trained on these same readings, judges what comes out."""

from __future__ import annotations

from toolkit.extract.roles.features import page_lines
from toolkit.extract.roles.model import ROLE_LETTERS, LineRoleModel

PAGE = "Georgian border queues grow\nThousands of men waited overnight at Upper Lars.\n"


def _model() -> LineRoleModel:
    k = len(ROLE_LETTERS)
    flat = [1.0 / k] * k
    return LineRoleModel(columns={}, start=flat, transitions=[flat] * k, prior=flat, booster=None)


def _probs(**weights: float) -> list[float]:
    rest = (1.0 - sum(weights.values())) / (len(ROLE_LETTERS) - len(weights))
    return [weights.get(r, rest) for r in ROLE_LETTERS]


def test_a_page_read_as_all_chrome_is_read_again_with_chrome_less_likely():
    lines, _ = page_lines(PAGE)
    # Chrome is the likeliest role of both lines, but not by much.
    probs = [_probs(O=0.5, T=0.4), _probs(O=0.5, X=0.4)]
    model = _model()
    assert model.decode(probs) == ["O", "O"]
    roles, stories = model.read(lines, probs)
    assert roles == ["T", "X"]
    assert [s.title for s in stories] == ["Georgian border queues grow"]


def test_a_page_with_a_story_is_read_once():
    lines, _ = page_lines(PAGE + "Subscribe\n")
    probs = [_probs(T=0.9), _probs(X=0.9), _probs(O=0.5, X=0.4)]
    roles, stories = _model().read(lines, probs)
    # The chrome line stays chrome: no second reading lowered it.
    assert roles == ["T", "X", "O"]
    assert len(stories) == 1


def test_sure_chrome_stays_chrome():
    lines, _ = page_lines(PAGE)
    probs = [_probs(O=0.98), _probs(O=0.98)]
    roles, stories = _model().read(lines, probs)
    assert roles == ["O", "O"]
    assert not [s for s in stories if s.releasable]
