"""Words as evidence of a line's role, learned across publishers.

Chrome speaks a small vocabulary that recurs on every site ("subscribe", "newsletter",
"password", "czytaj", "реклама"), and so do headlines and body text in their own ways. A
naive-Bayes lexicon counts, for each role, the lines of the labelled corpus that use each word,
and gives the line classifier each role's posterior as a feature. Only words used by at least
``MIN_PUBLISHERS`` publishers are kept, so a site's own name or slogan never becomes evidence
for another site; words are cut to their first ``WORD_CHARS`` characters, a crude stem that
holds across the inflections of the corpus's languages.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from toolkit.extract.roles import ROLE_LETTERS

WORD_CHARS = 7
MIN_PUBLISHERS = 3
#: A line's first words say most about it; a long body line needs no more to be recognised.
MAX_TOKENS = 16
#: Additive smoothing of the word counts.
ALPHA = 1.0
_WORD = re.compile(r"[^\W\d_]+")


def line_tokens(text: str) -> list[str]:
    """The distinct word stems of a line, in order, the first one also marked as first."""
    words = [w.casefold()[:WORD_CHARS] for w in _WORD.findall(text)]
    out = list(dict.fromkeys(words))[:MAX_TOKENS]
    if words:
        out.append("^" + words[0])
    return out


@dataclass(frozen=True)
class Lexicon:
    """Per role, the log prior and the log likelihood of each kept word stem."""

    log_prior: list[float]
    log_likelihood: dict[str, list[float]]

    @classmethod
    def learn(cls, lines: Iterable[tuple[str, str, str]]) -> Lexicon:
        """A lexicon from ``(text, role letter, publisher)`` triples."""
        k = len(ROLE_LETTERS)
        counts: dict[str, list[int]] = defaultdict(lambda: [0] * k)
        publishers: dict[str, set[str]] = defaultdict(set)
        lines_of = [0] * k
        for text, role, publisher in lines:
            r = ROLE_LETTERS.index(role)
            lines_of[r] += 1
            for token in line_tokens(text):
                counts[token][r] += 1
                publishers[token].add(publisher)
        kept = sorted(t for t in counts if len(publishers[t]) >= MIN_PUBLISHERS)
        totals = [sum(counts[t][r] for t in kept) for r in range(k)]
        vocabulary = len(kept)
        log_likelihood = {
            t: [
                round(math.log((counts[t][r] + ALPHA) / (totals[r] + ALPHA * vocabulary)), 4)
                for r in range(k)
            ]
            for t in kept
        }
        n = sum(lines_of)
        log_prior = [round(math.log((c + 1) / (n + k)), 4) for c in lines_of]
        return cls(log_prior, log_likelihood)

    def probabilities(self, text: str) -> list[float]:
        """The posterior of each role given the line's known words (the prior when none is
        known)."""
        scores = list(self.log_prior)
        for token in line_tokens(text):
            row = self.log_likelihood.get(token)
            if row is not None:
                scores = [s + x for s, x in zip(scores, row, strict=True)]
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return [e / total for e in exp]

    def features(self, texts: list[str]) -> list[dict[str, float | str]]:
        """Each line's role posteriors (``lex_<role>``) and its neighbours' chrome, headline and
        body posteriors."""
        probs = [self.probabilities(t) for t in texts]
        out: list[dict[str, float | str]] = []
        shown = [ROLE_LETTERS.index(r) for r in "OTX"]
        for i, p in enumerate(probs):
            f: dict[str, float | str] = {f"lex_{r}": p[j] for j, r in enumerate(ROLE_LETTERS)}
            for offset in (-1, 1):
                j = i + offset
                if 0 <= j < len(probs):
                    for r in shown:
                        f[f"{offset}:lex_{ROLE_LETTERS[r]}"] = probs[j][r]
            out.append(f)
        return out

    def to_document(self) -> dict[str, Any]:
        return {"log_prior": self.log_prior, "log_likelihood": self.log_likelihood}

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Lexicon:
        return cls(document["log_prior"], document["log_likelihood"])
