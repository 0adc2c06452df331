"""Second-stage features for stacked sequential learning (Cohen and Carvalho, IJCAI 2005): what
the first-stage line classifier thinks of a line, of its neighbours, and of the other lines of
the page shaped like it. A listing repeats one teaser shape; when the classifier is sure of six
headlines, the seventh, cut short by the capture's end or sitting beside an unusual line, is
read in their light. First-order Viterbi transitions see one neighbour; this sees the page.
"""

from __future__ import annotations

from collections import defaultdict

from toolkit.extract.roles import ROLES
from toolkit.extract.roles.matrix import Features

_LETTERS = tuple(ROLES)
#: Roles whose neighbour and look-alike probabilities are features (the rest are rare).
_KEY = tuple(_LETTERS.index(r) for r in "TXOMD")
_OFFSETS = (-2, -1, 1, 2)


def _shape(features: Features) -> tuple[object, ...]:
    """Lines of one shape on a page: same word-count bucket, same last character class, same
    blank lines around them."""
    return (
        features.get("words"),
        features.get("last"),
        features.get("blank_before"),
        features.get("blank_after"),
    )


def stacked_features(features: list[Features], probs: list[list[float]]) -> list[Features]:
    """Each line's first-stage features plus the first stage's probabilities for it, its
    neighbours within two lines and the mean over the other lines of its shape."""
    total = len(features)
    # Sums per shape, so each line's look-alike mean is its group's minus its own: linear time.
    count: dict[tuple[object, ...], int] = defaultdict(int)
    sums: dict[tuple[object, ...], list[float]] = defaultdict(lambda: [0.0] * len(_KEY))
    for f, p in zip(features, probs, strict=True):
        key = _shape(f)
        count[key] += 1
        sums[key] = [s + p[r] for s, r in zip(sums[key], _KEY, strict=True)]
    headline = _LETTERS.index("T")
    page_headlines = sum(p[headline] > 0.5 for p in probs)
    out: list[Features] = []
    for i, f in enumerate(features):
        row = dict(f)
        for r, letter in enumerate(_LETTERS):
            row[f"p:{letter}"] = probs[i][r]
        for offset in _OFFSETS:
            j = i + offset
            if 0 <= j < total:
                for r in _KEY:
                    row[f"p{offset}:{_LETTERS[r]}"] = probs[j][r]
        key = _shape(f)
        others = count[key] - 1
        if others:
            row["alike"] = float(others)
            for s, r in zip(sums[key], _KEY, strict=True):
                row[f"alike:{_LETTERS[r]}"] = (s - probs[i][r]) / others
        row["page_headlines"] = float(page_headlines)
        out.append(row)
    return out
