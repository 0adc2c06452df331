"""The second stage of the line-role model: it reads the first stage's opinion of each line's
neighbours and look-alikes, is trained on honest (out-of-publisher) first-stage output, and
survives the model file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from toolkit.extract.roles.features import page_features, page_lines
from toolkit.extract.roles.stack import stacked_features

pytest.importorskip("lightgbm")

from toolkit.extract.roles.model import LineRoleModel, load_model  # noqa: E402
from toolkit.extract.train import load_training_pages, train_model  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "pages"

LISTING = "\n".join(
    [
        "Menu",
        "",
        "Russia extends call-up to men over forty",
        "",
        "The defence ministry published the order on Tuesday, officials said.",
        "",
        "Queues grow at the Georgian border crossing",
        "",
        "Hundreds of cars waited overnight at Verkhny Lars, witnesses said.",
        "",
        "Deserters describe life in hiding",
        "",
        "Three men who fled their units spoke to reporters in Kazakhstan about",
    ]
)


def _uniform(n: int, role: str, p: float) -> list[list[float]]:
    letters = "TSDCRBMXO"
    rest = (1 - p) / (len(letters) - 1)
    return [[p if r == role else rest for r in letters] for _ in range(n)]


def test_look_alike_lines_share_their_opinion_without_their_own():
    lines, _ = page_lines(LISTING)
    features = page_features(lines)
    probs = _uniform(len(lines), "O", 0.5)
    headlines = [i for i, line in enumerate(lines) if not line.text.endswith((".", "about"))][1:]
    for i in headlines:
        probs[i] = _uniform(1, "T", 0.9)[0]
    rows = stacked_features(features, probs)
    assert len(rows) == len(lines)
    first, second = headlines[0], headlines[1]
    # Each headline sees the other headlines (same shape), never itself.
    assert rows[first]["alike"] >= 1
    assert rows[first]["alike:T"] == pytest.approx(0.9)
    assert rows[second]["p-2:T"] == pytest.approx(0.9)
    assert rows[first]["p:T"] == pytest.approx(0.9)
    assert rows[first]["page_headlines"] == len(headlines)
    # The first-stage features are kept as they are.
    assert {k: v for k, v in rows[first].items() if k in features[first]} == features[first]


def test_a_trained_model_has_a_second_stage_that_survives_its_file():
    pages = [p for p in load_training_pages([CORPUS]) if "seed" not in p.name][:24]
    model = train_model(pages, gate=False)
    assert model.second is not None
    copy = LineRoleModel.from_bytes(model.to_bytes())
    lines, _ = page_lines(LISTING)
    features = page_features(lines)
    np.testing.assert_allclose(copy.probabilities(features), model.probabilities(features))
    # Without its second stage the model reads the page with the first stage only.
    first_only = LineRoleModel(
        model.columns, model.start, model.transitions, model.prior, model.booster
    )
    assert not np.allclose(first_only.probabilities(features), model.probabilities(features))


def test_the_packaged_model_reads_the_listing_as_teasers():
    lines, _ = page_lines(LISTING)
    roles = load_model().tag(page_features(lines))
    assert [r for r, line in zip(roles, lines, strict=True) if "Menu" != line.text][:1] == ["T"]
    assert roles.count("T") == 3
