"""The extractor contract: one raw file (named by a manifest entry) in, released records and
issues out, streaming and in file order. Page extractors find :class:`Candidate` articles;
:func:`build_record` turns a candidate into a complete article record with id and provenance, so
every extractor fills the same fields the same way.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from toolkit.extract.provenance import Span, make_provenance
from toolkit.ids import content_id
from toolkit.issues import Issue

if TYPE_CHECKING:
    from toolkit.extract.context import ExtractContext
    from toolkit.raw import SourceEntry

Kind = Literal["article", "teaser"]
Item = dict[str, Any] | Issue
#: What an extractor reads: the bytes of a raw file read once, or (outside a build) its path.
RawInput = Path | bytes


@dataclass(slots=True)
class Candidate:
    """An article found in a page, before it becomes a record. ``body`` holds paragraphs
    separated by one blank line; ``url`` is the article's own address when the page shows it."""

    title: str
    body: str
    span: Span
    kind: Kind = "article"
    section: str | None = None
    dek: str | None = None
    image_caption: str | None = None
    authors: list[str] = field(default_factory=list)
    url: str | None = None
    published: str | None = None
    source_url: str | None = None
    #: When the page was captured, as the input says (a WARC record's ``WARC-Date``); the
    #: manifest entry's ``retrieved_at`` wins over it.
    retrieved_at: str | None = None


class Extractor(ABC):
    """Extracts the records of one manifest format. Subclasses set ``name`` and ``version``
    (bump the version whenever output for the same input changes: it is in every provenance)."""

    name: ClassVar[str]
    version: ClassVar[str]

    def __init__(self, context: ExtractContext) -> None:
        self.context = context

    @property
    def tag(self) -> str:
        """``name@version``, as recorded in ``provenance.extractor``."""
        return f"{self.name}@{self.version}"

    @abstractmethod
    def extract(self, path: RawInput, entry: SourceEntry) -> Iterator[Item]:
        """Yield complete records and issues for the file's bytes (as read once by
        :func:`toolkit.raw.read_raw`; a ``Path`` is read here, for callers outside a build),
        deterministically.

        Bad input never raises: it becomes an :class:`Issue` whose ``file`` is ``entry.path``.
        """


def build_record(candidate: Candidate, entry: SourceEntry, extractor: str) -> dict[str, Any]:
    """The complete article record for ``candidate``: every schema property present, fields the
    page does not show taken from the manifest entry (publisher, language, license,
    retrieved_at) or null. A capture time the input carries fills ``retrieved_at`` when the
    manifest entry has none."""
    retrieved_at = entry.retrieved_at if entry.retrieved_at is not None else candidate.retrieved_at
    return {
        "id": content_id(candidate.title, candidate.body),
        "title": candidate.title,
        "body": candidate.body,
        "publisher": entry.publisher,
        "language": entry.language,
        "kind": candidate.kind,
        "url": candidate.url,
        "published": candidate.published,
        "section": candidate.section,
        "dek": candidate.dek,
        "image_caption": candidate.image_caption,
        "authors": list(candidate.authors),
        "retrieved_at": retrieved_at,
        "license": entry.license,
        "provenance": make_provenance(
            entry,
            extractor=extractor,
            span=candidate.span,
            source_url=candidate.source_url,
            retrieved_at=retrieved_at,
        ),
    }


def page_issue(
    entry: SourceEntry, rule: str, message: str, *, line: int = 1, column: int = 1
) -> Issue:
    """An issue about a whole page (or one place in it) of ``entry``'s file."""
    return Issue(entry.path, line, "", rule, message, column=column)


#: A page file larger than this is not a page (and is not read into memory).
MAX_PAGE_BYTES = 32 << 20


def read_page_bytes(path: RawInput, entry: SourceEntry) -> bytes | Issue:
    """The bytes of a one-page file, or the issue saying why it cannot be one."""
    if isinstance(path, bytes):
        if len(path) > MAX_PAGE_BYTES:
            return page_issue(
                entry,
                "extract.unreadable",
                f"the file is larger than {MAX_PAGE_BYTES:,} bytes: not a page",
            )
        return path
    try:
        if path.stat().st_size > MAX_PAGE_BYTES:
            return page_issue(
                entry,
                "extract.unreadable",
                f"the file is larger than {MAX_PAGE_BYTES:,} bytes: not a page",
            )
        return path.read_bytes()
    except OSError as exc:
        return page_issue(entry, "extract.unreadable", f"cannot read the file: {exc.strerror}")
