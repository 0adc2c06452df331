"""The labelled corpus (``corpus/pages``): typed pages with their gold, and the checker proving
that every gold string really occurs in its page. Kept apart from the metrics because the gold is
a format of its own (documented in ``corpus/README.md``) that both the scorer and the line-role
model's trainer read, and a gold string missing from its page would silently score as a miss.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from toolkit.errors import CorpusError, InputError
from toolkit.issues import Issue, ValidationReport

PageKind = Literal["article", "listing", "none"]
KINDS: tuple[PageKind, ...] = ("article", "listing", "none")
ARTICLE_FIELDS = (
    "title",
    "section",
    "dek",
    "image_caption",
    "image_credit",
    "byline",
    "date",
    "first_body_sentence",
    "last_body_sentence",
)
REQUIRED_FIELDS = (
    "url",
    "publisher",
    "language",
    "kind",
    "truncated",
    "articles",
    "boilerplate_lines",
    "metadata_lines",
)
TOP_FIELDS = frozenset((*REQUIRED_FIELDS, "notes"))


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """One story of a page as labelled by hand; every field is text of the page or None."""

    title: str | None
    section: str | None
    dek: str | None
    image_caption: str | None
    image_credit: str | None
    byline: str | None
    date: str | None
    first_body_sentence: str | None
    last_body_sentence: str | None


@dataclass(frozen=True, slots=True)
class LabelledPage:
    """A capture and its gold. ``data`` is the file's bytes (what extractors read from disk),
    ``text`` their UTF-8 decoding; ``id`` is the file stem, ``<language>-<publisher-slug>-<n>``."""

    id: str
    data: bytes
    text: str
    url: str
    publisher: str
    language: str
    kind: PageKind
    truncated: bool
    articles: tuple[GoldArticle, ...]
    boilerplate_lines: tuple[str, ...]
    metadata_lines: tuple[str, ...]
    notes: str | None = None

    def gold_dict(self) -> dict[str, Any]:
        """The gold as the JSON document it was read from (what training reads)."""
        return {
            "url": self.url,
            "publisher": self.publisher,
            "language": self.language,
            "kind": self.kind,
            "truncated": self.truncated,
            "articles": [dataclasses.asdict(a) for a in self.articles],
            "boilerplate_lines": list(self.boilerplate_lines),
            "metadata_lines": list(self.metadata_lines),
        }


def _issue(file: str, pointer: str, rule: str, message: str) -> Issue:
    return Issue(file, 1, pointer, rule, message)


def check_gold(name: str, text: str, gold: Any) -> list[Issue]:
    """Problems of one page's gold (``name`` is the gold file's name): missing or unknown
    fields, a kind the format does not know, articles that contradict the kind, and any gold
    string that is not in the page (boilerplate and metadata lines must be whole lines)."""
    if not isinstance(gold, dict):
        return [_issue(name, "", "corpus.type", "the gold must be a JSON object")]
    problems = [
        _issue(name, f"/{key}", "corpus.missing-field", f"{key}: missing")
        for key in REQUIRED_FIELDS
        if key not in gold
    ]
    problems += [
        _issue(name, f"/{key}", "corpus.unknown-field", f"{key}: unknown field")
        for key in sorted(set(gold) - TOP_FIELDS)
    ]
    kind = gold.get("kind")
    articles = gold.get("articles") or []
    if kind not in KINDS:
        problems.append(
            _issue(name, "/kind", "corpus.kind", f"{kind!r} is not one of {', '.join(KINDS)}")
        )
    elif kind == "none" and articles:
        problems.append(
            _issue(name, "/articles", "corpus.articles", "a page of kind none has no articles")
        )
    elif kind != "none" and not articles:
        problems.append(
            _issue(name, "/articles", "corpus.articles", f"a page of kind {kind} needs articles")
        )
    if not isinstance(articles, list):
        return [*problems, _issue(name, "/articles", "corpus.type", "articles must be a list")]
    for i, article in enumerate(articles):
        if not isinstance(article, dict):
            problems.append(
                _issue(name, f"/articles/{i}", "corpus.type", "an article must be an object")
            )
            continue
        problems += [
            _issue(name, f"/articles/{i}/{key}", "corpus.unknown-field", f"{key}: unknown field")
            for key in sorted(set(article) - set(ARTICLE_FIELDS))
        ]
        for key in ARTICLE_FIELDS:
            value = article.get(key)
            pointer = f"/articles/{i}/{key}"
            if value is None:
                continue
            if not isinstance(value, str) or not value.strip():
                problems.append(
                    _issue(name, pointer, "corpus.type", "must be a non-empty string or null")
                )
            elif value not in text:
                problems.append(
                    _issue(name, pointer, "corpus.not-in-page", f"not in the page: {value[:80]!r}")
                )
    lines = {line.strip() for line in text.splitlines()}
    for key in ("boilerplate_lines", "metadata_lines"):
        values = gold.get(key) or []
        if not isinstance(values, list):
            problems.append(_issue(name, f"/{key}", "corpus.type", f"{key} must be a list"))
            continue
        for i, value in enumerate(values):
            if not isinstance(value, str) or not value.strip() or value.strip() not in lines:
                problems.append(
                    _issue(
                        name,
                        f"/{key}/{i}",
                        "corpus.not-a-line",
                        f"not a whole line of the page: {str(value)[:80]!r}",
                    )
                )
    return problems


def _read_pair(txt: Path) -> tuple[str, Any] | Issue:
    """The page text and parsed gold of ``txt``, or the one issue saying why not."""
    gold_path = txt.with_suffix(".json")
    if not gold_path.is_file():
        return _issue(txt.name, "", "corpus.missing-gold", f"no gold file {gold_path.name}")
    try:
        text = txt.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return _issue(txt.name, "", "corpus.unreadable", f"not UTF-8: {exc}")
    try:
        gold = json.loads(gold_path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        return _issue(gold_path.name, "", "corpus.unreadable", f"unreadable gold: {exc}")
    return text, gold


def _page_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder of labelled pages (<id>.txt + <id>.json)")
    return sorted(folder.glob("*.txt"))


def check_corpus(folder: Path) -> ValidationReport:
    """Check every page of ``folder`` against its gold; ``files`` and ``records`` count pages
    (a page and its gold are one record), ``invalid_records`` the pages with a problem. A gold
    file without its page is a problem too.

    Raises:
        InputError: ``folder`` is not a folder.
    """
    report = ValidationReport()
    for txt in _page_files(folder):
        report.files += 1
        report.records += 1
        pair = _read_pair(txt)
        if isinstance(pair, Issue):
            report.issues.append(pair)
            continue
        text, gold = pair
        report.extend(check_gold(txt.with_suffix(".json").name, text, gold))
    for gold_path in sorted(folder.glob("*.json")):
        if not gold_path.with_suffix(".txt").is_file():
            report.issues.append(
                _issue(
                    gold_path.name, "", "corpus.missing-page", f"no page file for {gold_path.name}"
                )
            )
    report.invalid_records = len({Path(i.file).stem for i in report.issues})
    return report


def _article(raw: dict[str, Any]) -> GoldArticle:
    return GoldArticle(**{key: raw.get(key) for key in ARTICLE_FIELDS})


def load_corpus(folder: Path) -> list[LabelledPage]:
    """Every labelled page of ``folder``, sorted by id, the gold checked first: scoring against
    gold that is not in its page would count phantom misses, so a corpus with any problem is
    refused whole.

    Raises:
        InputError: ``folder`` is not a folder or holds no pages.
        CorpusError: the gold has problems (``dtk evaluate --check`` lists them).
    """
    report = check_corpus(folder)
    if report.files == 0:
        raise InputError(f"{folder} holds no labelled pages (<id>.txt + <id>.json)")
    if not report.valid:
        raise CorpusError(
            f"{len(report.errors)} problem(s) in the gold of {folder} (first: "
            f"{report.errors[0].file}: {report.errors[0].message}); "
            f"run 'dtk evaluate --check {folder}' to list them"
        )
    pages = []
    for txt in _page_files(folder):
        data = txt.read_bytes()
        gold = json.loads(txt.with_suffix(".json").read_text("utf-8"))
        pages.append(
            LabelledPage(
                id=txt.stem,
                data=data,
                text=data.decode("utf-8"),
                url=gold["url"],
                publisher=gold["publisher"],
                language=gold["language"],
                kind=cast(PageKind, gold["kind"]),
                truncated=bool(gold["truncated"]),
                articles=tuple(_article(a) for a in gold["articles"]),
                boilerplate_lines=tuple(gold["boilerplate_lines"]),
                metadata_lines=tuple(gold["metadata_lines"]),
                notes=gold.get("notes"),
            )
        )
    return pages
