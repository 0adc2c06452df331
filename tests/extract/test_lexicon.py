"""The cross-publisher word lexicon of the line-role model: which words count, that a site's own
words never become evidence, what it says about a line, and that the packaged model learned
real chrome words from the corpus."""

from __future__ import annotations

from toolkit.extract.roles import ROLE_LETTERS
from toolkit.extract.roles.lexicon import MIN_PUBLISHERS, Lexicon, line_tokens
from toolkit.extract.roles.model import load_model

CHROME = ROLE_LETTERS.index("O")
BODY = ROLE_LETTERS.index("X")
SITES = ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot")


def test_tokens_are_casefolded_stems_without_digits_and_mark_the_first_word():
    assert line_tokens("Subscribe to the NEWSLETTERS 2022 newsletters") == [
        "subscri",
        "to",
        "the",
        "newslet",
        "^subscri",
    ]
    assert line_tokens("2022 — 14:30") == []


def _lines(publishers: int) -> list[tuple[str, str, str]]:
    lines = []
    for site in SITES[:publishers]:
        lines += [
            ("Subscribe to our newsletter", "O", site),
            (f"Welcome to {site}", "O", site),
            ("Soldiers crossed the border on Tuesday morning.", "X", site),
        ]
    return lines


def test_a_word_needs_several_publishers_to_count():
    few = Lexicon.learn(_lines(MIN_PUBLISHERS - 1))
    many = Lexicon.learn(_lines(MIN_PUBLISHERS))
    assert few.log_likelihood == {}
    assert "newslet" in many.log_likelihood
    # Each site's name is used by one publisher only: never evidence.
    assert not any(site.casefold() in many.log_likelihood for site in SITES)
    assert "welcome" in many.log_likelihood


def test_the_posterior_follows_the_words():
    lexicon = Lexicon.learn(_lines(5))
    chrome = lexicon.probabilities("Sign up to our newsletter")
    body = lexicon.probabilities("The soldiers crossed on Tuesday.")
    assert chrome[CHROME] > chrome[BODY]
    assert body[BODY] > body[CHROME]
    assert abs(sum(chrome) - 1) < 1e-9
    # No known word: the prior.
    unknown = lexicon.probabilities("Zzyzx qwerty")
    assert unknown == lexicon.probabilities("")


def test_features_carry_the_neighbours_and_survive_a_round_trip():
    lexicon = Lexicon.learn(_lines(5))
    first, middle, last = lexicon.features(["Subscribe", "Soldiers crossed", "Our newsletter"])
    assert "-1:lex_O" not in first
    assert "1:lex_O" in first
    assert middle["-1:lex_O"] == first["lex_O"]
    assert middle["1:lex_X"] == last["lex_X"]
    copy = Lexicon.from_document(lexicon.to_document())
    assert copy.features(["Subscribe to our newsletter"]) == lexicon.features(
        ["Subscribe to our newsletter"]
    )


def test_the_packaged_model_learned_chrome_words_from_real_pages():
    lexicon = load_model().lexicon
    assert lexicon is not None
    for line in ("Sign up for our newsletter", "Enter your email address", "Forgot password?"):
        p = lexicon.probabilities(line)
        assert p[CHROME] == max(p), line
    prose = "Thousands of men left the country after the mobilisation order was announced."
    assert lexicon.probabilities(prose)[BODY] > lexicon.probabilities(prose)[CHROME]
