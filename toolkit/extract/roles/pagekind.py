"""What kind of page this is: one article, a listing of several stories, or no news at all.

The same teaser block is the content of a listing and chrome under an article, and a help
page's questions decode like news. A line never shows which; the page does, in aggregate: how
many lines look like headlines, how long its longest run of body text is, how much of it is
chrome. A small classifier over the first line classifier's probabilities summed over the page
gives the page kind's probability, which the second look and the story gate then read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from toolkit.extract.roles import ROLE_LETTERS
from toolkit.extract.roles.matrix import Features, feature_matrix

#: The page kinds of the corpus gold, in the classifier's order.
KINDS = ("article", "listing", "none")
_T, _X, _O, _D, _M = (ROLE_LETTERS.index(r) for r in "TXODM")


def _longest_run(flags: Sequence[bool]) -> tuple[int, int]:
    """The length and start of the longest run of True flags."""
    best, best_start, run, start = 0, 0, 0, 0
    for i, on in enumerate(flags):
        if on:
            if run == 0:
                start = i
            run += 1
            if run > best:
                best, best_start = run, start
        else:
            run = 0
    return best, best_start


def page_summary(rows: Sequence[Features], probs: Sequence[Sequence[float]]) -> Features:
    """A page in a few numbers: the first classifier's role mass and role runs over its lines."""
    n = max(len(rows), 1)
    k = len(ROLE_LETTERS)
    mass = [sum(p[r] for p in probs) for r in range(k)]
    best = [max(range(k), key=p.__getitem__) for p in probs]
    body = [b == _X for b in best]
    run, start = _longest_run(body)
    sure_titles = sum(p[_T] > 0.5 for p in probs)
    f: Features = {
        "lines": math.log1p(len(rows)),
        "titles": math.log1p(mass[_T]),
        "sure_titles": float(min(sure_titles, 30)),
        "body_run": float(run),
        "body_run_share": run / n,
        "body_run_start": start / n if run else 1.0,
        "body_lines": sum(body) / n,
        "dates": math.log1p(mass[_M]),
        "titles_per_body": mass[_T] / (mass[_X] + 1.0),
    }
    for r in range(k):
        f[f"mean_{ROLE_LETTERS[r]}"] = mass[r] / n
    headed = 0
    for i in range(len(best) - 1):
        headed += best[i] == _T and best[i + 1] in (_X, _D)
    f["headed"] = float(headed)
    for name in ("page_prose", "page_slug"):
        if rows and name in rows[0]:
            f[name] = rows[0][name]
    f["slug_best"] = max((float(r.get("slug", 0.0)) for r in rows), default=0.0)
    return f


@dataclass(frozen=True)
class PageKind:
    """A trained page-kind classifier: its summary columns and booster."""

    columns: dict[str, int]
    booster: Any

    def probabilities(self, summary: Features) -> list[float]:
        """The probability of each of ``KINDS``."""
        return [float(p) for p in self.booster.predict(feature_matrix([summary], self.columns))[0]]

    def to_document(self) -> dict[str, Any]:
        return {
            "columns": sorted(self.columns, key=self.columns.__getitem__),
            "booster": self.booster.model_to_string(),
        }

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> PageKind:
        import lightgbm

        return cls(
            columns={name: i for i, name in enumerate(document["columns"])},
            booster=lightgbm.Booster(model_str=document["booster"]),
        )


def kind_features(kind: Sequence[float] | None) -> Features:
    """The page kind's probabilities as features of a line or a story."""
    if kind is None:
        return {}
    return {f"kind_{name}": p for name, p in zip(KINDS, kind, strict=True)}
