"""The outcome of scoring one extractor on a corpus, kept as values (per-page tallies), pooled
per language, per page kind and overall, and rendered as Markdown (for ``benchmarks/``), JSON
(the machine contract) or plain text. Kept apart from the metrics so that a reporter never
computes a figure: it only formats what :class:`EvaluationReport` pools.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import add
from typing import Any

from toolkit.evaluate.metrics import Counts, Scores

#: The figures shown in the tables, with their column headings, in order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("title_recall", "title R"),
    ("title_precision", "title P"),
    ("first_sentence_matched", "1st sent. (matched)"),
    ("first_sentence_all", "1st sent. (all)"),
    ("last_sentence_matched", "last sent. (matched)"),
    ("last_sentence_all", "last sent. (all)"),
    ("boilerplate_leak", "boilerplate leak"),
    ("metadata_leak", "metadata leak"),
)


@dataclass(frozen=True, slots=True)
class PageResult:
    """One scored page: who it is, which fold scored it (None without cross-validation)."""

    id: str
    publisher: str
    language: str
    kind: str
    fold: int | None
    counts: Counts


def _has(attribute: str, value: str) -> Callable[[PageResult], bool]:
    return lambda page: getattr(page, attribute) == value


@dataclass(slots=True)
class EvaluationReport:
    """Every scored page of one extractor, sorted by page id, and the pooled figures."""

    extractor: str
    folds: int | None
    pages: list[PageResult] = field(default_factory=list)
    description: str = ""

    def total(self, keep: Callable[[PageResult], bool] = lambda _: True) -> Counts:
        """The summed tallies of the pages ``keep`` accepts."""
        return reduce(add, (p.counts for p in self.pages if keep(p)), Counts())

    def groups(self) -> list[tuple[str, Counts]]:
        """``(label, tallies)`` for overall, each page kind, then each language, sorted."""
        rows = [("overall", self.total())]
        for kind in sorted({p.kind for p in self.pages}):
            rows.append((f"kind={kind}", self.total(_has("kind", kind))))
        for lang in sorted({p.language for p in self.pages}):
            rows.append((f"language={lang}", self.total(_has("language", lang))))
        return rows

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: extractor, folds, per-group counts and scores, per-page counts.
        Fields may be added, never renamed."""
        return {
            "extractor": self.extractor,
            "description": self.description,
            "folds": self.folds,
            "groups": {
                label: {"counts": c.to_dict(), "scores": Scores.of(c).to_dict()}
                for label, c in self.groups()
            },
            "pages": [
                {
                    "id": p.id,
                    "publisher": p.publisher,
                    "language": p.language,
                    "kind": p.kind,
                    "fold": p.fold,
                    "counts": p.counts.to_dict(),
                }
                for p in self.pages
            ],
        }


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _protocol(report: EvaluationReport) -> str:
    if report.folds:
        return f"{report.folds}-fold publisher-grouped cross-validation"
    return "no training (every page scored by the same extractor)"


def _table_rows(report: EvaluationReport) -> list[list[str]]:
    rows = []
    for label, c in report.groups():
        scores = Scores.of(c).to_dict()
        rows.append(
            [
                label,
                str(c.pages),
                str(c.gold_titles),
                str(c.records),
                *(_fmt(scores[key]) for key, _ in COLUMNS),
                f"{c.none_pages_with_records}/{c.none_pages}",
            ]
        )
    return rows


HEADINGS = [
    "group",
    "pages",
    "gold titles",
    "records",
    *(h for _, h in COLUMNS),
    "none pages w/ records",
]


def render_markdown(reports: Sequence[EvaluationReport], command: str | None = None) -> str:
    """A Markdown document: the command, a summary line per extractor, then per extractor one
    table of groups. Deterministic for the same corpus and extractors."""
    out = ["# Extraction benchmark", ""]
    if command:
        out += ["Produced by:", "", "```bash", command, "```", ""]
    out += [
        "Figures are pooled over pages (sums of counts, then ratios). Title recall: gold "
        "stories with a headline whose title some record matches; title precision: records "
        "matched to a gold story (by title, or by body for a story printed without a "
        "headline); sentence accuracy over matched stories and over all gold stories "
        "(unmatched = wrong); leak: share of gold boilerplate lines found in any field of any "
        "record, and of metadata lines found in a body. Definitions: "
        "`toolkit/evaluate/metrics.py`.",
        "",
    ]
    if reports:
        first = reports[0]
        publishers = len({p.publisher for p in first.pages})
        stories = first.total().gold_articles
        out += [
            f"Corpus: {len(first.pages)} pages from {publishers} publishers, {stories} gold "
            "stories.",
            "",
        ]
    out += [
        "## Summary",
        "",
        "| extractor | protocol | " + " | ".join(HEADINGS[1:]) + " |",
        "|" + "---|" * (len(HEADINGS) + 1),
    ]
    for report in reports:
        overall = _table_rows(report)[0]
        out.append(
            f"| `{report.extractor}` | {_protocol(report)} | " + " | ".join(overall[1:]) + " |"
        )
    for report in reports:
        out += ["", f"## `{report.extractor}`", ""]
        if report.description:
            out += [report.description, ""]
        out += [f"Protocol: {_protocol(report)}.", ""]
        out.append("| " + " | ".join(HEADINGS) + " |")
        out.append("|" + "---|" * len(HEADINGS))
        out += ["| " + " | ".join(row) + " |" for row in _table_rows(report)]
    return "\n".join(out) + "\n"


def render_text(reports: Sequence[EvaluationReport], command: str | None = None) -> str:
    """Aligned plain-text tables, one per extractor, for the terminal."""
    out: list[str] = []
    for report in reports:
        out.append(f"{report.extractor}: {_protocol(report)}")
        rows = [HEADINGS, *_table_rows(report)]
        widths = [max(len(row[i]) for row in rows) for i in range(len(HEADINGS))]
        for row in rows:
            cells = [row[0].ljust(widths[0])]
            cells += [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
            out.append("  " + "  ".join(cells).rstrip())
        out.append("")
    return "\n".join(out)


def render_json(reports: Sequence[EvaluationReport], command: str | None = None) -> str:
    """``{"reports": [EvaluationReport.to_dict(), ...]}``, keys sorted, one trailing newline."""
    return json.dumps({"reports": [r.to_dict() for r in reports]}, indent=2, sort_keys=True) + "\n"


RENDERERS: dict[str, Callable[[Sequence[EvaluationReport], str | None], str]] = {
    "json": render_json,
    "markdown": render_markdown,
    "text": render_text,
}
