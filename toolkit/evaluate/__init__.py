"""Scoring extractors against the labelled corpus (issue 13, item 2). ``EXTRACTORS`` maps a name
to how an extractor is made: a factory given the training pages (None for an untrained one)
that returns ``extract(page) -> records``. :func:`evaluate_corpus` loads a folder, makes the
extractor and scores it (publisher-grouped cross-validation for trained ones);
:func:`check_corpus` proves the gold. A learned extractor joins with :func:`register_extractor`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import UsageError
from toolkit.evaluate.baselines import rules_extractor, text_extractor, trafilatura_extractor
from toolkit.evaluate.corpus import GoldArticle, LabelledPage, check_corpus, load_corpus
from toolkit.evaluate.folds import assign_folds, cross_validate, score_pages
from toolkit.evaluate.metrics import Counts, Extractor, Record, Scores, score_page
from toolkit.evaluate.report import RENDERERS, EvaluationReport

ExtractorFactory = Callable[[list[LabelledPage] | None], Extractor]

#: Where the committed corpus lives, relative to the project root (the CLI's default folder).
DEFAULT_CORPUS = Path("corpus/pages")


@dataclass(frozen=True, slots=True)
class ExtractorSpec:
    """How to make one extractor. A ``trained`` factory is called once per fold with that
    fold's training pages; an untrained one once with None, and scores every page."""

    factory: ExtractorFactory
    trained: bool
    description: str


EXTRACTORS: dict[str, ExtractorSpec] = {
    "model": ExtractorSpec(
        text_extractor,
        True,
        "The text extractor with the line-role model and its story gate "
        "(`toolkit/extract/roles/`) trained on the other folds' pages (the gate on stories "
        "from inner folds of those pages), run on each page's bytes as `dtk build` runs it, "
        "with no site "
        "profile and no cross-page evidence. The packaged model is trained on every page, so "
        "only these cross-validated figures say how it does on unseen publishers.",
    ),
    "rules": ExtractorSpec(
        rules_extractor,
        False,
        "The generic rules of text@1.1.0 (`toolkit/extract/text.py`), the extractor before the "
        "model, run the same way.",
    ),
    "trafilatura": ExtractorSpec(
        trafilatura_extractor,
        False,
        "trafilatura (extra `html`) with its defaults on the page text wrapped as minimal HTML "
        "(each line one `<p>`, no `<title>`, no markup cues). A plain-text capture shows it no "
        "headline, so it returns at most one record per page with no title: its title recall "
        "is 0 by construction, and its records can only match stories printed without a "
        "headline (by body). It applies to HTML, not to text captures; it is here as the "
        "reference the issue asks for.",
    ),
}


def register_extractor(
    name: str, factory: ExtractorFactory, *, trained: bool = True, description: str = ""
) -> None:
    """Make ``name`` a choice of :func:`evaluate_corpus` and ``dtk evaluate --extractor``.
    ``factory(train_pages)`` returns the extractor; with ``trained`` it is called once per
    cross-validation fold and must learn only from the pages it is given. A name already
    registered is replaced (re-registering a model after retraining is not an error)."""
    EXTRACTORS[name] = ExtractorSpec(factory, trained, description)


def evaluate_pages(
    pages: list[LabelledPage], extractor: str, *, folds: int = 5
) -> EvaluationReport:
    """Score the registered ``extractor`` on ``pages``: a trained one by publisher-grouped
    ``folds``-fold cross-validation, an untrained one on every page at once (``folds`` is then
    irrelevant and the report says so).

    Raises:
        UsageError: no such extractor, an impossible fold count, or a missing optional
            dependency of the extractor.
    """
    spec = EXTRACTORS.get(extractor)
    if spec is None:
        raise UsageError(f"no extractor {extractor!r}; use one of {', '.join(sorted(EXTRACTORS))}")
    if spec.trained:
        report = cross_validate(pages, spec.factory, folds, name=extractor)
    else:
        report = EvaluationReport(extractor=extractor, folds=None)
        report.pages = score_pages(pages, spec.factory(None), extractor)
    report.description = spec.description
    return report


def evaluate_corpus(folder: Path, extractor: str, *, folds: int = 5) -> EvaluationReport:
    """Load the labelled pages of ``folder`` (gold checked first) and score ``extractor`` on
    them (see :func:`evaluate_pages`).

    Raises:
        InputError: ``folder`` is missing or holds no pages.
        CorpusError: the gold has problems.
        UsageError: see :func:`evaluate_pages`.
    """
    return evaluate_pages(load_corpus(folder), extractor, folds=folds)


__all__ = [
    "DEFAULT_CORPUS",
    "EXTRACTORS",
    "RENDERERS",
    "Counts",
    "EvaluationReport",
    "Extractor",
    "ExtractorFactory",
    "ExtractorSpec",
    "GoldArticle",
    "LabelledPage",
    "Record",
    "Scores",
    "assign_folds",
    "check_corpus",
    "cross_validate",
    "evaluate_corpus",
    "evaluate_pages",
    "load_corpus",
    "register_extractor",
    "score_page",
]
