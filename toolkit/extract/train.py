"""Retrain the packaged line-role model from a labelled corpus of real captures.

    python -m toolkit.extract.train [CORPUS_DIR ...] [--out PATH]

Reads every ``<id>.txt`` page with its ``<id>.json`` gold (format in ``corpus/README.md``),
derives one role per line, trains the gradient-boosted line classifier (LightGBM, one thread,
fixed seed, deterministic mode) and counts the role transitions for the Viterbi step, so the
same corpus always gives the same model file.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.extract.roles.features import page_features, page_lines
from toolkit.extract.roles.labels import gold_roles
from toolkit.extract.roles.model import MODEL_PATH, ROLE_LETTERS, LineRoleModel, feature_name

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


def train_model(pages: Iterable[TrainingPage]) -> LineRoleModel:
    """A model trained on ``pages``."""
    import lightgbm

    rows: list[dict[str, float | str]] = []
    labels: list[int] = []
    k = len(ROLE_LETTERS)
    start = [1.0] * k
    transitions = [[1.0] * k for _ in range(k)]
    for page in pages:
        lines, _ = page_lines(page.text)
        if not lines:
            continue
        roles = [ROLE_LETTERS.index(r) for r in gold_roles(lines, page.gold)]
        rows += page_features(lines)
        labels += roles
        start[roles[0]] += 1
        for a, b in zip(roles, roles[1:], strict=False):
            transitions[a][b] += 1
    names = sorted({feature_name(key, value)[0] for row in rows for key, value in row.items()})
    columns = {name: i for i, name in enumerate(names)}
    shell = LineRoleModel(columns, [], [], [], None)
    dataset = lightgbm.Dataset(shell.matrix(rows), label=labels, params={"verbosity": -1})
    booster = lightgbm.train(PARAMS, dataset, num_boost_round=ROUNDS)
    prior = [(labels.count(r) + 1) / (len(labels) + k) for r in range(k)]
    return LineRoleModel(
        columns=columns,
        start=[s / sum(start) for s in start],
        transitions=[[t / sum(row) for t in row] for row in transitions],
        prior=prior,
        booster=booster,
    )


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
