"""Publisher-grouped folds: deterministic, and no publisher is both trained on and scored."""

from __future__ import annotations

import pytest

from tests.helpers import ROOT
from tests.helpers.labelled_pages import gold_article, make_page
from toolkit.errors import UsageError
from toolkit.evaluate.corpus import load_corpus
from toolkit.evaluate.folds import assign_folds, cross_validate, split_folds


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT / "corpus" / "pages")


def test_folds_never_share_a_publisher(corpus):
    folds = split_folds(corpus, 5)
    publishers = [{p.publisher for p in fold} for fold in folds]
    for i in range(5):
        for j in range(i + 1, 5):
            assert not publishers[i] & publishers[j]
    assert sum(len(f) for f in folds) == len(corpus)
    assert all(len(f) >= len(corpus) // 5 - 2 for f in folds)


def test_folds_are_deterministic(corpus):
    assert assign_folds(corpus, 5) == assign_folds(list(reversed(corpus)), 5)


def test_cross_validation_never_trains_on_the_scored_publisher():
    pages = [
        make_page("T\n", [gold_article(title="T")], publisher=f"p{n % 4}.com", page_id=f"en-p-{n}")
        for n in range(8)
    ]
    seen: list[set[str]] = []

    def train(training):
        publishers = {p.publisher for p in training}
        seen.append(publishers)

        def extract(page):
            assert page.publisher not in publishers
            return [{"title": "T"}]

        return extract

    report = cross_validate(pages, train, k=2)
    assert len(seen) == 2
    assert all(len(s) == 2 for s in seen)
    assert [p.id for p in report.pages] == sorted(p.id for p in pages)
    assert {p.fold for p in report.pages} == {0, 1}
    assert report.total().titles_found == 8


@pytest.mark.parametrize("k", [1, 9])
def test_impossible_fold_counts_are_usage_errors(k):
    pages = [make_page("T\n", [], kind="none", publisher=f"p{n}.com") for n in range(8)]
    with pytest.raises(UsageError, match="folds"):
        assign_folds(pages, k)
