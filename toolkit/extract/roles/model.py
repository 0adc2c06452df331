"""The packaged line-role model and the one call that tags a page.

The model is a gradient-boosted line classifier (LightGBM) over the features of
``features.py`` and the word evidence of ``lexicon.py``, followed by a Viterbi pass over role
transitions counted in the labelled corpus, so a role that rarely follows another (a byline
inside body text) needs strong evidence. Between the two, a page-kind classifier (``pagekind``)
reads the first look over the whole page (article, listing or no news), and a second
classifier (``stacking``) looks at every line again knowing it. The decoded stories then pass
the story gate (``gate.py``), which drops what is not news. ``python -m toolkit.extract.train``
writes it as one gzipped JSON file; it is loaded once per process.
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

from toolkit.extract.roles import ROLE_LETTERS
from toolkit.extract.roles.decode import Story, decode_stories
from toolkit.extract.roles.features import PageLine, page_features, page_lines
from toolkit.extract.roles.gate import StoryGate, story_features
from toolkit.extract.roles.lexicon import Lexicon
from toolkit.extract.roles.matrix import Features, feature_matrix
from toolkit.extract.roles.pagekind import KINDS, PageKind, page_summary
from toolkit.extract.roles.stacking import phase_groups, stacked_features
from toolkit.extract.roles.titles import trim_titles

#: The model file shipped inside the package.
MODEL_PATH = Path(__file__).with_name("line_roles.json.gz")
#: Part of the text extractor's version (``text@2.1.0``): bump it whenever the model is retrained.
MODEL_VERSION = "2.6.0"
#: Weight of the transition scores against the classifier's (tuned by cross-validation).
TRANSITION_WEIGHT = 0.3
#: How much the classifier's scores are divided by the role's share of training lines.
PRIOR_WEIGHT = 0.5
#: A page the page-kind classifier calls a listing with at least this probability has the
#: lines of each place in its repeating pattern read alike (``phase_groups``): every line of a
#: group takes the group's mean role probabilities (tuned by cross-validation).
LISTING_AGREEMENT = 0.3
#: A page that decodes to no story is decoded once more with chrome made this much less likely
#: (in log-odds): a page is rarely all chrome, and the story gate judges what comes out.
FALLBACK_CHROME_PENALTY = 2.0


@dataclass(frozen=True)
class LineRoleModel:
    """A trained line classifier with its feature columns and role transitions, its word
    lexicon, the second classifier that reads the first one's output over the whole page
    (``second``: its columns and booster), and the story gate trained on its output (None: no
    lexicon, no second look, every decoded story kept)."""

    columns: dict[str, int]
    start: list[float]
    transitions: list[list[float]]
    prior: list[float]
    booster: Any
    gate: StoryGate | None = None
    lexicon: Lexicon | None = None
    second: tuple[dict[str, int], Any] | None = None
    kind: PageKind | None = None

    def features(self, lines: list[PageLine], url: str | None = None) -> list[Features]:
        """The classifier's input for a page's lines: their shallow features and, when the model
        has a lexicon, what their words say."""
        rows = page_features(lines, url)
        if self.lexicon is not None:
            for row, lexical in zip(
                rows, self.lexicon.features([line.text for line in lines]), strict=True
            ):
                row.update(lexical)
        return rows

    def first_probabilities(self, features: list[Features]) -> list[list[float]]:
        """The first classifier's probability of each role, for each line."""
        if not features:
            return []
        return [list(row) for row in self.booster.predict(feature_matrix(features, self.columns))]

    def probabilities(self, features: list[Features]) -> list[list[float]]:
        """The probability of each role, for each line: the second classifier's, given the
        first one's over the page, when the model has one."""
        return self.look(features)[0]

    def look(self, features: list[Features]) -> tuple[list[list[float]], list[float] | None]:
        """The probability of each role for each line, and of each page kind (None: the model
        has no page-kind classifier)."""
        first = self.first_probabilities(features)
        if self.second is None or not first:
            return first, None
        kind = None
        if self.kind is not None:
            kind = self.kind.probabilities(page_summary(features, first))
        columns, booster = self.second
        rows = stacked_features(features, first, kind)
        probs = [list(row) for row in booster.predict(feature_matrix(rows, columns))]
        if kind is not None and kind[KINDS.index("listing")] >= LISTING_AGREEMENT:
            probs = agree(probs, phase_groups(features))
        return probs, kind

    def tag(self, features: list[Features]) -> list[str]:
        """The most likely role of each line, given the whole sequence."""
        return self.decode(self.probabilities(features))

    def read(
        self, lines: list[PageLine], probs: list[list[float]]
    ) -> tuple[list[str], list[Story]]:
        """The roles and stories of a page's lines; a page with no releasable story is decoded
        again with chrome less likely (``FALLBACK_CHROME_PENALTY``)."""
        roles = self.decode(probs)
        stories = decode_stories(lines, roles)
        if not any(s.releasable for s in stories):
            roles = self.decode(probs, chrome_penalty=FALLBACK_CHROME_PENALTY)
            stories = decode_stories(lines, roles)
        return roles, stories

    def decode(self, probs: list[list[float]], chrome_penalty: float = 0.0) -> list[str]:
        """The most likely sequence of roles given each line's role probabilities (Viterbi over
        the transitions, with the classifier's scores divided by the role priors, and chrome's
        lowered by ``chrome_penalty``)."""
        if not probs:
            return []
        k = len(ROLE_LETTERS)
        emit = [
            [math.log(max(p[r], 1e-9)) - PRIOR_WEIGHT * math.log(self.prior[r]) for r in range(k)]
            for p in probs
        ]
        if chrome_penalty:
            chrome = ROLE_LETTERS.index("O")
            for row in emit:
                row[chrome] -= chrome_penalty
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
        document: dict[str, Any] = {
            "roles": "".join(ROLE_LETTERS),
            "columns": sorted(self.columns, key=self.columns.__getitem__),
            "start": self.start,
            "transitions": self.transitions,
            "prior": self.prior,
            "booster": self.booster.model_to_string(),
        }
        if self.gate is not None:
            document["gate"] = self.gate.to_document()
        if self.lexicon is not None:
            document["lexicon"] = self.lexicon.to_document()
        if self.kind is not None:
            document["kind"] = self.kind.to_document()
        if self.second is not None:
            columns, booster = self.second
            document["second"] = {
                "columns": sorted(columns, key=columns.__getitem__),
                "booster": booster.model_to_string(),
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
            gate=StoryGate.from_document(document["gate"]) if "gate" in document else None,
            lexicon=Lexicon.from_document(document["lexicon"]) if "lexicon" in document else None,
            second=(
                {name: i for i, name in enumerate(document["second"]["columns"])},
                lightgbm.Booster(model_str=document["second"]["booster"]),
            )
            if "second" in document
            else None,
            kind=PageKind.from_document(document["kind"]) if "kind" in document else None,
        )


def agree(probs: list[list[float]], groups: list[list[int]]) -> list[list[float]]:
    """``probs`` with every line of each of ``groups`` given the group's mean: a listing's
    teasers repeat one pattern, so its fifth headline is a headline as surely as its first,
    where the classifiers, reading a few lines at a time, drift towards chrome down the page."""
    out = list(probs)
    for members in groups:
        mean = [sum(probs[i][r] for i in members) / len(members) for r in range(len(probs[0]))]
        for i in members:
            out[i] = mean
    return out


@cache
def load_model(path: Path = MODEL_PATH) -> LineRoleModel:
    """The model at ``path``, read once per process."""
    return LineRoleModel.from_bytes(path.read_bytes())


def tag_lines(lines: list[PageLine], model: LineRoleModel | None = None) -> list[str]:
    """One role letter per line."""
    model = model or load_model()
    return model.tag(model.features(lines))


@dataclass(frozen=True, slots=True)
class PageReading:
    """What the model made of a page: its lines, their roles, the stories it keeps, and the
    stories the gate dropped as not news, with their scores."""

    lines: list[PageLine]
    roles: list[str]
    stories: list[Story]
    dropped: list[tuple[Story, float]]


def read_stories(
    text: str,
    model: LineRoleModel | None = None,
    is_chrome: Callable[[str], bool] | None = None,
    url: str | None = None,
) -> PageReading:
    """The stories of a page's text. ``is_chrome`` overrules the model for lines known to be
    chrome from outside the page (repeated across the publisher's captures); ``url``, the
    page's address, is evidence of which headline is the page's own."""
    model = model or load_model()
    lines, capture_date = page_lines(text)
    probs, kind = model.look(model.features(lines, url))
    if is_chrome is not None:
        # Known chrome is certain evidence: the sequence is decoded around it, so the line
        # next to a slogan the tagger took for a headline can take the headline's place.
        chrome = [1.0 if r == "O" else 0.0 for r in ROLE_LETTERS]
        probs = [
            chrome if is_chrome(line.text) else p for line, p in zip(lines, probs, strict=True)
        ]
    roles, stories = model.read(lines, probs)
    dropped: list[tuple[Story, float]] = []
    if model.gate is not None:
        # Only a story with a headline and text can become a record; the rest are reported
        # as they are, whatever the gate would say.
        judged = [s for s in stories if s.releasable]
        features = story_features(judged, lines, roles, probs, capture_date, url, kind)
        score_of = {id(s): p for s, p in zip(judged, model.gate.scores(features), strict=True)}
        threshold = model.gate.threshold
        dropped = [(s, score_of[id(s)]) for s in judged if score_of[id(s)] < threshold]
        stories = [s for s in stories if score_of.get(id(s), 1.0) >= threshold]
    trim_titles(stories, url)
    if capture_date:
        for story in stories:
            story.date = story.date or capture_date
    return PageReading(lines, roles, stories, dropped)


def extract_stories(
    text: str,
    model: LineRoleModel | None = None,
    is_chrome: Callable[[str], bool] | None = None,
    url: str | None = None,
) -> tuple[list[Story], list[PageLine]]:
    """The stories of a page's text (see :func:`read_stories`), and its lines."""
    reading = read_stories(text, model, is_chrome, url)
    return reading.stories, reading.lines
