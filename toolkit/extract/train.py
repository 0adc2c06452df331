"""Retrain the packaged line-role model from a labelled corpus of real captures.

    python -m toolkit.extract.train [CORPUS_DIR ...] [--out PATH]

Reads every ``<id>.txt`` page with its ``<id>.json`` gold (format in ``corpus/README.md``),
derives one role per line, trains the gradient-boosted line classifier (LightGBM, one thread,
fixed seed, deterministic mode) and counts the role transitions for the Viterbi step. The story
gate is trained on stories decoded by line models that never saw their publisher (inner
publisher-grouped folds), labelled by whether the gold holds them, so it learns from the same
kind of mistakes it will meet on a new site. The same corpus always gives the same model file.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from toolkit.extract.roles.decode import decode_stories
from toolkit.extract.roles.features import page_features, page_lines
from toolkit.extract.roles.gate import StoryGate, story_features
from toolkit.extract.roles.labels import gold_roles, story_labels
from toolkit.extract.roles.matrix import Features, columns_of, feature_matrix
from toolkit.extract.roles.model import MODEL_PATH, ROLE_LETTERS, LineRoleModel
from toolkit.folds import deal_publishers

#: LightGBM parameters (chosen by publisher-grouped cross-validation on the corpus).
PARAMS: dict[str, Any] = {
    "objective": "multiclass",
    "num_class": len(ROLE_LETTERS),
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 5,
    "feature_fraction": 0.5,
    "seed": 0,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,
    "verbosity": -1,
}
ROUNDS = 250
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
GATE_FOLDS = 4
GATE_THRESHOLD = 0.35
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


def train_lines(pages: Iterable[TrainingPage]) -> LineRoleModel:
    """The line classifier and transitions trained on ``pages`` (no story gate)."""
    import lightgbm

    rows: list[Features] = []
    labels: list[int] = []
    k = len(ROLE_LETTERS)
    start = [1.0] * k
    transitions = [[1.0] * k for _ in range(k)]
    for page in pages:
        lines, _ = page_lines(page.text)
        if not lines:
            continue
        roles = [ROLE_LETTERS.index(r) for r in gold_roles(lines, page.gold)]
        rows += page_features(lines, page.gold.get("url"))
        labels += roles
        start[roles[0]] += 1
        for a, b in zip(roles, roles[1:], strict=False):
            transitions[a][b] += 1
    columns = columns_of(rows)
    dataset = lightgbm.Dataset(
        feature_matrix(rows, columns), label=labels, params={"verbosity": -1}
    )
    booster = lightgbm.train(PARAMS, dataset, num_boost_round=ROUNDS)
    prior = [(labels.count(r) + 1) / (len(labels) + k) for r in range(k)]
    return LineRoleModel(
        columns=columns,
        start=[s / sum(start) for s in start],
        transitions=[[t / sum(row) for t in row] for row in transitions],
        prior=prior,
        booster=booster,
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
        probs = model.probabilities(page_features(lines, url))
        roles = model.decode(probs)
        stories = decode_stories(lines, roles)
        releasable = [s.releasable for s in stories]
        page_labels = story_labels(stories, page.gold)
        judged = [s for s, r in zip(stories, releasable, strict=True) if r]
        rows += story_features(judged, lines, roles, probs, capture_date, url)
        labels += [label for label, r in zip(page_labels, releasable, strict=True) if r]
    return rows, labels


def train_gate(rows: list[Features], labels: list[int]) -> StoryGate | None:
    """The story gate learned from ``rows`` (None when the labels hold one class only)."""
    import lightgbm

    if len(set(labels)) < 2:
        return None
    columns = columns_of(rows)
    dataset = lightgbm.Dataset(
        feature_matrix(rows, columns), label=labels, params={"verbosity": -1}
    )
    booster = lightgbm.train(GATE_PARAMS, dataset, num_boost_round=GATE_ROUNDS)
    return StoryGate(columns, booster, GATE_THRESHOLD)


def train_model(pages: Iterable[TrainingPage], *, gate_folds: int = GATE_FOLDS) -> LineRoleModel:
    """A model trained on ``pages``: the line classifier on all of them, and (unless
    ``gate_folds`` is 0) the story gate on what inner models make of pages whose publisher
    they never saw."""
    pages = list(pages)
    lines_model = train_lines(pages)
    publishers = [str(p.gold.get("publisher") or p.name) for p in pages]
    if gate_folds < 2 or len(set(publishers)) < gate_folds:
        return lines_model
    fold_of = deal_publishers(publishers, gate_folds)
    rows: list[Features] = []
    labels: list[int] = []
    for fold in range(gate_folds):
        inside = [p for p, pub in zip(pages, publishers, strict=True) if fold_of[pub] != fold]
        held = [p for p, pub in zip(pages, publishers, strict=True) if fold_of[pub] == fold]
        fold_rows, fold_labels = gate_examples(train_lines(inside), held)
        rows += fold_rows
        labels += fold_labels
    return replace(lines_model, gate=train_gate(rows, labels))


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
