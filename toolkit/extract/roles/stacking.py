"""A second look at every line, knowing what the first look made of the whole page.

The line classifier judges each line from its own shape and its near neighbours, so two
teasers of the same listing can come out one as body text and one as chrome. Stacked
sequential learning (Cohen and Carvalho, 2005) feeds a second classifier the first one's
probabilities: the line's own, its neighbours', the page's average, and the average over the
lines of the page that look like it (same length class, same first and last character), so a
listing's repeated pattern is read as one pattern. The second classifier is trained on
probabilities the first produced on publishers it never saw, as it will meet them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from toolkit.extract.roles import ROLE_LETTERS
from toolkit.extract.roles.matrix import Features

#: The roles whose probabilities are passed on from neighbours and look-alike lines.
_SHOWN = tuple(ROLE_LETTERS.index(r) for r in "TXODM")
_OFFSETS = (-2, -1, 1, 2)


def _shape(row: Features) -> tuple[object, ...]:
    return (row.get("len"), row.get("first"), row.get("last"))


def stacked_features(rows: Sequence[Features], probs: Sequence[Sequence[float]]) -> list[Features]:
    """``rows`` (a page's line features) extended with the first classifier's ``probs``."""
    n = len(rows)
    k = len(ROLE_LETTERS)
    sums = [sum(p[r] for p in probs) for r in range(k)]
    groups: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[_shape(row)].append(i)
    group_sums = {
        key: [sum(probs[i][r] for i in members) for r in range(k)]
        for key, members in groups.items()
    }
    out: list[Features] = []
    for i, row in enumerate(rows):
        f = dict(row)
        p = probs[i]
        for r in range(k):
            f[f"p1_{ROLE_LETTERS[r]}"] = p[r]
        for offset in _OFFSETS:
            j = i + offset
            if 0 <= j < n:
                for r in _SHOWN:
                    f[f"p1{offset:+d}_{ROLE_LETTERS[r]}"] = probs[j][r]
        for r in _SHOWN:
            f[f"p1page_{ROLE_LETTERS[r]}"] = sums[r] / n
        members = groups[_shape(row)]
        if len(members) > 1:
            total = group_sums[_shape(row)]
            f["alike"] = float(min(len(members) - 1, 20))
            for r in _SHOWN:
                f[f"p1alike_{ROLE_LETTERS[r]}"] = (total[r] - p[r]) / (len(members) - 1)
        out.append(f)
    return out
