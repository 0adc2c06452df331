"""Publisher-grouped k-fold cross-validation: a learned extractor is always scored on pages of
publishers it never saw in training, because a model that memorises one site's chrome would
otherwise look far better than it will be on the next site. Folds are deterministic (publishers
ordered by a hash of their name, dealt round-robin), so the same corpus gives the same folds on
every machine and the figures can be compared across commits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from toolkit.errors import UsageError
from toolkit.evaluate.corpus import LabelledPage
from toolkit.evaluate.metrics import Extractor, score_page
from toolkit.evaluate.report import EvaluationReport, PageResult
from toolkit.folds import deal_publishers

Trainer = Callable[[list[LabelledPage]], Extractor]


def assign_folds(pages: Sequence[LabelledPage], k: int) -> dict[str, int]:
    """Fold number (0..k-1) of every page id; all pages of a publisher share one fold.

    Raises:
        UsageError: ``k`` is below 2 or above the number of publishers.
    """
    publishers = {p.publisher for p in pages}
    if not 2 <= k <= len(publishers):
        raise UsageError(
            f"--folds {k}: need between 2 and {len(publishers)} folds (one per publisher at most)"
        )
    fold_of = deal_publishers(publishers, k)
    return {p.id: fold_of[p.publisher] for p in pages}


def split_folds(pages: Sequence[LabelledPage], k: int) -> list[list[LabelledPage]]:
    """The pages of each fold, in the order given."""
    folds: list[list[LabelledPage]] = [[] for _ in range(k)]
    assignment = assign_folds(pages, k)
    for page in pages:
        folds[assignment[page.id]].append(page)
    return folds


def score_pages(
    pages: Sequence[LabelledPage], extractor: Extractor, name: str, *, fold: int | None = None
) -> list[PageResult]:
    """Run ``extractor`` on every page and score it against the gold."""
    return [
        PageResult(p.id, p.publisher, p.language, p.kind, fold, score_page(p, extractor(p)))
        for p in pages
    ]


def cross_validate(
    pages: Sequence[LabelledPage], train: Trainer, k: int = 5, *, name: str = "model"
) -> EvaluationReport:
    """Train on k-1 folds, score the held-out fold, for each fold; the report pools every page
    (each scored exactly once, by the model that never saw its publisher).

    Raises:
        UsageError: ``k`` is impossible for this corpus (see :func:`assign_folds`).
    """
    folds = split_folds(pages, k)
    report = EvaluationReport(extractor=name, folds=k)
    for i, held_out in enumerate(folds):
        training = [p for j, fold in enumerate(folds) if j != i for p in fold]
        report.pages += score_pages(held_out, train(training), name, fold=i)
    report.pages.sort(key=lambda r: r.id)
    return report
