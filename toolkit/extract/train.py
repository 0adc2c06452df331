"""Retrain the packaged line-role model from a labelled corpus of real captures.

    python -m toolkit.extract.train [CORPUS_DIR ...] [--out PATH]

Reads every ``<id>.txt`` page with its ``<id>.json`` gold (format in ``corpus/README.md``),
derives one role per line, learns the word lexicon, trains the gradient-boosted line classifier
(LightGBM, one thread, fixed seed, deterministic mode; each page's lines weighted so that long
pages do not outvote short ones) and counts the role transitions for the Viterbi step. What a
model must learn from its own mistakes is learned from models that never saw the publisher
(inner publisher-grouped folds): the lexical features the classifier trains on, the page-kind
classifier, the second classifier that reads the first one's probabilities over the page, and
the story gate, trained on the stories those models decode, labelled by whether the gold holds
them. The same corpus always gives the same model file.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from toolkit.extract.roles.features import page_features, page_lines
from toolkit.extract.roles.gate import StoryGate, story_features
from toolkit.extract.roles.labels import gold_roles, story_labels
from toolkit.extract.roles.lexicon import Lexicon
from toolkit.extract.roles.matrix import Features, columns_of, feature_matrix
from toolkit.extract.roles.model import MODEL_PATH, ROLE_LETTERS, LineRoleModel
from toolkit.extract.roles.pagekind import KINDS, PageKind, page_summary
from toolkit.extract.roles.stacking import stacked_features
from toolkit.folds import deal_publishers

#: LightGBM parameters (chosen by publisher-grouped cross-validation on the corpus).
PARAMS: dict[str, Any] = {
    "objective": "multiclass",
    "num_class": len(ROLE_LETTERS),
    "learning_rate": 0.1,
    "num_leaves": 23,
    "min_data_in_leaf": 5,
    "feature_fraction": 0.5,
    "seed": 0,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,
    "verbosity": -1,
}
ROUNDS = 200
#: The story gate: a smaller booster (a few hundred stories to learn from), its rounds, the
#: inner folds that give it honest stories, and the news probability a story needs to be kept.
GATE_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 7,
    "min_data_in_leaf": 10,
    "feature_fraction": 0.7,
    "seed": 0,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,
    "verbosity": -1,
}
GATE_ROUNDS = 150
#: The page-kind classifier: one example per page, so as small as the gate.
KIND_PARAMS: dict[str, Any] = {
    **GATE_PARAMS,
    "objective": "multiclass",
    "num_class": len(KINDS),
}
KIND_ROUNDS = 100
GATE_THRESHOLD = 0.45
#: Inner publisher-grouped folds: the gate learns from what line models that never saw a page's
#: publisher made of it.
FOLDS = 4
#: How strongly a line's training weight falls with the length of its page (0: every line
#: weighs the same; 1: every page does).
PAGE_WEIGHT_POWER = 0.75
#: Publisher-grouped folds of the out-of-fold lexical features the classifier trains on.
LEXICON_FOLDS = 4
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "pages"


@dataclass(frozen=True)
class TrainingPage:
    """A page of the corpus and its gold."""

    name: str
    text: str
    gold: dict[str, Any]


def load_training_pages(folders: Iterable[Path]) -> list[TrainingPage]:
    """Every labelled page of ``folders``, sorted by name."""
    pages = []
    for folder in folders:
        for txt in sorted(Path(folder).glob("*.txt")):
            gold = txt.with_suffix(".json")
            if gold.is_file():
                text = txt.read_bytes().decode("utf-8")
                pages.append(TrainingPage(txt.stem, text, json.loads(gold.read_text("utf-8"))))
    return sorted(pages, key=lambda p: p.name)


def _booster(
    rows: list[Features],
    labels: list[int],
    weights: list[float] | None = None,
    params: dict[str, Any] = PARAMS,
    rounds: int = ROUNDS,
) -> tuple[dict[str, int], Any]:
    """A LightGBM booster learned from ``rows`` (the line classifier's ``params`` unless told),
    with the feature columns it reads."""
    import lightgbm

    columns = columns_of(rows)
    dataset = lightgbm.Dataset(
        feature_matrix(rows, columns), label=labels, weight=weights, params={"verbosity": -1}
    )
    return columns, lightgbm.train(params, dataset, num_boost_round=rounds)


@dataclass(frozen=True)
class _Lines:
    """The training lines of a corpus: every page's features and gold roles, one row a line,
    ``spans[i]`` the rows of page ``i``."""

    pages: list[TrainingPage]
    spans: list[tuple[int, int]]
    rows: list[Features]
    labels: list[int]
    texts: list[str]

    @classmethod
    def of(cls, pages: Iterable[TrainingPage]) -> _Lines:
        kept: list[TrainingPage] = []
        spans: list[tuple[int, int]] = []
        rows: list[Features] = []
        labels: list[int] = []
        texts: list[str] = []
        for page in pages:
            lines, _ = page_lines(page.text)
            if lines:
                kept.append(page)
                spans.append((len(rows), len(rows) + len(lines)))
                rows += page_features(lines, page.gold.get("url"))
                labels += [ROLE_LETTERS.index(r) for r in gold_roles(lines, page.gold)]
                texts += [line.text for line in lines]
        data = cls(kept, spans, rows, labels, texts)
        return data.with_lexical_rows()

    def rows_of(self, pages: Iterable[int]) -> list[int]:
        return [j for i in pages for j in range(*self.spans[i])]

    def weights(self, rows: list[int]) -> list[float]:
        """A training weight for each of ``rows``: a line weighs ``1 / page_lines **
        PAGE_WEIGHT_POWER`` (scaled to a mean of 1), so a long article does not outvote many
        short listings."""
        size = [0] * len(self.rows)
        for a, b in self.spans:
            size[a:b] = [b - a] * (b - a)
        weights = [size[j] ** -PAGE_WEIGHT_POWER for j in rows]
        mean = sum(weights) / max(len(weights), 1)
        return [w / mean for w in weights]

    def publisher(self, i: int) -> str:
        page = self.pages[i]
        return str(page.gold.get("publisher") or page.name)

    def lexicon(self, pages: Iterable[int]) -> Lexicon:
        """The lexicon of the lines of ``pages``."""
        return Lexicon.learn(
            (self.texts[j], ROLE_LETTERS[self.labels[j]], self.publisher(i))
            for i in pages
            for j in range(*self.spans[i])
        )

    def with_lexical_rows(self) -> _Lines:
        """The same lines with lexical features from lexicons that never saw the line's
        publisher (``LEXICON_FOLDS`` publisher-grouped folds), so the classifier learns how much
        the words say about a site it has not seen."""
        publishers = [self.publisher(i) for i in range(len(self.pages))]
        if len(set(publishers)) < LEXICON_FOLDS:
            return self
        fold_of = deal_publishers(publishers, LEXICON_FOLDS)
        rows = [dict(row) for row in self.rows]
        for f in range(LEXICON_FOLDS):
            rest = [i for i, p in enumerate(publishers) if fold_of[p] != f]
            lexicon = self.lexicon(rest)
            for i, p in enumerate(publishers):
                if fold_of[p] == f:
                    a, b = self.spans[i]
                    for row, lexical in zip(
                        rows[a:b], lexicon.features(self.texts[a:b]), strict=True
                    ):
                        row.update(lexical)
        return replace(self, rows=rows)


def _first_stage(data: _Lines, subset: list[int] | None = None) -> LineRoleModel:
    """The line classifier and transitions of the pages ``subset`` (all when None)."""
    pages = range(len(data.pages)) if subset is None else subset
    k = len(ROLE_LETTERS)
    start = [1.0] * k
    transitions = [[1.0] * k for _ in range(k)]
    for i in pages:
        a, b = data.spans[i]
        start[data.labels[a]] += 1
        for x, y in zip(data.labels[a : b - 1], data.labels[a + 1 : b], strict=True):
            transitions[x][y] += 1
    rows = data.rows_of(pages)
    labels = [data.labels[j] for j in rows]
    columns, booster = _booster([data.rows[j] for j in rows], labels, data.weights(rows))
    return LineRoleModel(
        columns=columns,
        start=[s / sum(start) for s in start],
        transitions=[[t / sum(row) for t in row] for row in transitions],
        prior=[(labels.count(r) + 1) / (len(labels) + k) for r in range(k)],
        booster=booster,
        lexicon=data.lexicon(pages),
    )


def gate_examples(
    model: LineRoleModel, pages: Iterable[TrainingPage]
) -> tuple[list[Features], list[int]]:
    """The stories ``model`` decodes on ``pages``, as gate features, and whether each is one of
    its page's gold stories (1) or not (0)."""
    rows: list[Features] = []
    labels: list[int] = []
    for page in pages:
        lines, capture_date = page_lines(page.text)
        if not lines:
            continue
        url = page.gold.get("url")
        probs, kind = model.look(model.features(lines, url))
        roles, stories = model.read(lines, probs)
        releasable = [s.releasable for s in stories]
        page_labels = story_labels(stories, page.gold)
        judged = [s for s, r in zip(stories, releasable, strict=True) if r]
        rows += story_features(judged, lines, roles, probs, capture_date, url, kind)
        labels += [label for label, r in zip(page_labels, releasable, strict=True) if r]
    return rows, labels


def _kind_classifier(summaries: list[Features], kinds: list[int], pages: list[int]) -> PageKind:
    """The page-kind classifier learned from the ``summaries`` of ``pages``."""
    rows = [summaries[i] for i in pages]
    labels = [kinds[i] for i in pages]
    return PageKind(*_booster(rows, labels, params=KIND_PARAMS, rounds=KIND_ROUNDS))


def train_gate(rows: list[Features], labels: list[int]) -> StoryGate | None:
    """The story gate learned from ``rows`` (None when the labels hold one class only)."""
    if len(set(labels)) < 2:
        return None
    columns, booster = _booster(rows, labels, params=GATE_PARAMS, rounds=GATE_ROUNDS)
    return StoryGate(columns, booster, GATE_THRESHOLD)


def train_model(
    pages: Iterable[TrainingPage], *, folds: int = FOLDS, gate: bool = True
) -> LineRoleModel:
    """A model trained on ``pages``. Its second look (``stacking``) and its story gate learn
    from what line models that never saw a page's publisher made of it: inner
    publisher-grouped ``folds`` (fewer than 2, or ``gate`` False: a line classifier only)."""
    data = _Lines.of(pages)
    model = _first_stage(data)
    publishers = [data.publisher(i) for i in range(len(data.pages))]
    if folds < 2 or len(set(publishers)) < folds or not gate:
        return model
    fold_of = deal_publishers(publishers, folds)
    held = [[i for i, pub in enumerate(publishers) if fold_of[pub] == f] for f in range(folds)]
    rest = [[i for i, pub in enumerate(publishers) if fold_of[pub] != f] for f in range(folds)]
    # The second classifier learns from first-stage probabilities on unseen publishers.
    firsts = [_first_stage(data, rest[f]) for f in range(folds)]
    first_probs: list[list[list[float]]] = [[] for _ in data.pages]
    for f in range(folds):
        for i in held[f]:
            a, b = data.spans[i]
            first_probs[i] = firsts[f].first_probabilities(data.rows[a:b])
    summaries = [
        page_summary(data.rows[a:b], first_probs[i]) for i, (a, b) in enumerate(data.spans)
    ]
    kinds = [KINDS.index(str(page.gold.get("kind") or "article")) for page in data.pages]
    # The page-kind classifier too: each page's kind as a classifier that never saw it reads it.
    kind_models = [_kind_classifier(summaries, kinds, rest[f]) for f in range(folds)]
    stacked: list[Features] = list(data.rows)
    for f in range(folds):
        for i in held[f]:
            a, b = data.spans[i]
            kind = kind_models[f].probabilities(summaries[i])
            stacked[a:b] = stacked_features(data.rows[a:b], first_probs[i], kind)
    every = list(range(len(data.rows)))
    model = replace(
        model,
        second=_booster(stacked, data.labels, data.weights(every)),
        kind=_kind_classifier(summaries, kinds, list(range(len(data.pages)))),
    )
    # The gate learns from whole models (both looks) that never saw the page's publisher.
    examples: list[Features] = []
    labels: list[int] = []
    for f in range(folds):
        rows = data.rows_of(rest[f])
        second = _booster(
            [stacked[j] for j in rows], [data.labels[j] for j in rows], data.weights(rows)
        )
        fold_rows, fold_labels = gate_examples(
            replace(firsts[f], second=second, kind=kind_models[f]),
            [data.pages[i] for i in held[f]],
        )
        examples += fold_rows
        labels += fold_labels
    return replace(model, gate=train_gate(examples, labels))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="*", type=Path, default=[DEFAULT_CORPUS])
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    pages = load_training_pages(args.corpus)
    if not pages:
        parser.error(f"no labelled pages in {', '.join(map(str, args.corpus))}")
    args.out.write_bytes(train_model(pages).to_bytes())
    print(f"trained on {len(pages)} pages: {args.out} ({args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
