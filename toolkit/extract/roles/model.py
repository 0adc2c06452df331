"""The packaged line-role model and the one call that tags a page.

The model is a gradient-boosted line classifier (LightGBM) over the features of
``features.py``, followed by a Viterbi pass over role transitions counted in the labelled
corpus, so a role that rarely follows another (a byline inside body text) needs strong evidence.
``python -m toolkit.extract.train`` writes it as one gzipped JSON file; it is loaded once per
process.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from toolkit.extract.roles import ROLES
from toolkit.extract.roles.decode import Story, decode_stories
from toolkit.extract.roles.features import PageLine, page_features, page_lines

#: The model file shipped inside the package.
MODEL_PATH = Path(__file__).with_name("line_roles.json.gz")
#: Part of the text extractor's version (``text@2.0.0``): bump it whenever the model is retrained.
MODEL_VERSION = "2.0.0"
#: Weight of the transition scores against the classifier's (tuned by cross-validation).
TRANSITION_WEIGHT = 0.3
#: How much the classifier's scores are divided by the role's share of training lines.
PRIOR_WEIGHT = 0.5
ROLE_LETTERS = tuple(ROLES)

Features = dict[str, float | str]


def feature_name(key: str, value: float | str) -> tuple[str, float]:
    """The column name and value of one feature (a string feature is one-hot)."""
    if isinstance(value, str):
        return f"{key}={value}", 1.0
    return key, float(value)


@dataclass(frozen=True)
class LineRoleModel:
    """A trained classifier with its feature columns and role transitions."""

    columns: dict[str, int]
    start: list[float]
    transitions: list[list[float]]
    prior: list[float]
    booster: Any

    def matrix(self, features: list[Features]) -> Any:
        from scipy.sparse import csr_matrix

        data: list[float] = []
        indices: list[int] = []
        indptr = [0]
        for row in features:
            cells = {}
            for key, value in row.items():
                name, number = feature_name(key, value)
                column = self.columns.get(name)
                if column is not None and number:
                    cells[column] = number
            for column in sorted(cells):
                indices.append(column)
                data.append(cells[column])
            indptr.append(len(indices))
        return csr_matrix((data, indices, indptr), shape=(len(features), len(self.columns)))

    def tag(self, features: list[Features]) -> list[str]:
        """The most likely role of each line, given the whole sequence."""
        if not features:
            return []
        probs = self.booster.predict(self.matrix(features))
        k = len(ROLE_LETTERS)
        emit = [
            [math.log(max(p[r], 1e-9)) - PRIOR_WEIGHT * math.log(self.prior[r]) for r in range(k)]
            for p in probs
        ]
        trans = [[TRANSITION_WEIGHT * math.log(t) for t in row] for row in self.transitions]
        score = [
            TRANSITION_WEIGHT * math.log(s) + e for s, e in zip(self.start, emit[0], strict=True)
        ]
        back: list[list[int]] = []
        for row in emit[1:]:
            step, new = [], []
            for b in range(k):
                best = max(range(k), key=lambda a: score[a] + trans[a][b])
                step.append(best)
                new.append(score[best] + trans[best][b] + row[b])
            back.append(step)
            score = new
        path = [max(range(k), key=lambda r: score[r])]
        for step in reversed(back):
            path.append(step[path[-1]])
        return [ROLE_LETTERS[r] for r in reversed(path)]

    def to_bytes(self) -> bytes:
        document = {
            "roles": "".join(ROLE_LETTERS),
            "columns": sorted(self.columns, key=self.columns.__getitem__),
            "start": self.start,
            "transitions": self.transitions,
            "prior": self.prior,
            "booster": self.booster.model_to_string(),
        }
        text = json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return gzip.compress(text, mtime=0)

    @classmethod
    def from_bytes(cls, data: bytes) -> LineRoleModel:
        import lightgbm

        document = json.loads(gzip.decompress(data))
        if document["roles"] != "".join(ROLE_LETTERS):
            raise ValueError("the model was trained for other line roles")
        return cls(
            columns={name: i for i, name in enumerate(document["columns"])},
            start=document["start"],
            transitions=document["transitions"],
            prior=document["prior"],
            booster=lightgbm.Booster(model_str=document["booster"]),
        )


@cache
def load_model(path: Path = MODEL_PATH) -> LineRoleModel:
    """The model at ``path``, read once per process."""
    return LineRoleModel.from_bytes(path.read_bytes())


def tag_lines(lines: list[PageLine], model: LineRoleModel | None = None) -> list[str]:
    """One role letter per line."""
    return (model or load_model()).tag(page_features(lines))


def extract_stories(
    text: str,
    model: LineRoleModel | None = None,
    is_chrome: Callable[[str], bool] | None = None,
) -> tuple[list[Story], list[PageLine]]:
    """The stories of a page's text, and its lines. ``is_chrome`` overrules the model for lines
    known to be chrome from outside the page (repeated across the publisher's captures)."""
    lines, capture_date = page_lines(text)
    roles = tag_lines(lines, model)
    if is_chrome is not None:
        roles = [
            "O" if is_chrome(line.text) else role for line, role in zip(lines, roles, strict=True)
        ]
    stories = decode_stories(lines, roles)
    if capture_date:
        for story in stories:
            story.date = story.date or capture_date
    return stories, lines
