"""HTML pages: the main content found by trafilatura (``html`` extra, imported where used), its
metadata mapped to the article fields, and the paragraphs it keeps filtered once more for
newsletter, donation and navigation chrome. What the page declares about itself (JSON-LD
``NewsArticle``, ``article:``/``og:`` meta, the lead figure's caption; :mod:`html_meta`) comes
before what trafilatura guesses. Shared with the WARC extractor through :func:`html_candidate`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from toolkit.extract import boilerplate as bp
from toolkit.extract.base import (
    Candidate,
    Extractor,
    Item,
    RawInput,
    build_record,
    page_issue,
    read_page_bytes,
)
from toolkit.extract.html_meta import PageMeta, read_page_meta
from toolkit.extract.provenance import Span
from toolkit.ids import normalize_text
from toolkit.issues import Issue

if TYPE_CHECKING:
    from toolkit.raw import SourceEntry

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def require_trafilatura(extra: str = "html") -> Any:
    """The trafilatura module, or an InputError naming the install command."""
    try:
        import trafilatura
    except ImportError as exc:
        from toolkit.errors import InputError

        raise InputError(
            f"extracting {extra.upper()} needs trafilatura: pip install 'newsroom-dtk[{extra}]'"
        ) from exc
    return trafilatura


def html_candidate(
    html: bytes, *, url: str | None, span: Span, extra: str = "html"
) -> Candidate | tuple[str, str]:
    """The article of one HTML document, or ``(rule, message)`` saying why there is none."""
    if not html.strip():
        return "extract.no-article", "the page is empty"
    if b"\x00" in html[:65536] and b"<" not in html[:1024]:
        return "extract.unreadable", "the document is binary, not HTML"
    trafilatura = require_trafilatura(extra)
    try:
        # Parsed once, as trafilatura would parse the bytes (it works on a copy of the tree).
        tree = trafilatura.load_html(html, _max_file_size(trafilatura))
        document = (
            None
            if tree is None
            else trafilatura.bare_extraction(
                tree,
                url=url,
                with_metadata=True,
                include_comments=False,
                include_tables=False,
                deduplicate=False,
            )
        )
    # trafilatura parses arbitrary markup with lxml and several heuristics; a failure on one
    # document must become an issue, not stop the build.
    except Exception as exc:  # noqa: BLE001
        return "extract.unreadable", f"the HTML could not be parsed: {type(exc).__name__}: {exc}"
    if tree is None or document is None or not (document.text or "").strip():
        return "extract.no-article", "no article text was found in the page"
    try:
        meta = read_page_meta(tree)
    # The metadata is a bonus over the text: should reading it fail on some markup not foreseen
    # (tests/extract/test_input_metadata.py holds the hostile cases), the article stays.
    except Exception:  # noqa: BLE001
        meta = PageMeta()
    title = meta.headline or (document.title or "").strip()
    paragraphs = [p.strip() for p in document.text.split("\n") if p.strip()]
    if title and paragraphs and normalize_text(paragraphs[0]) == normalize_text(title):
        paragraphs = paragraphs[1:]
    paragraphs = [p for p in paragraphs if not (bp.is_appeal(p) or bp.is_nav_label(p))]
    if not title:
        return "extract.no-article", "the page has no headline"
    if not paragraphs:
        return "extract.no-article", f"the page {title!r} has no article text"
    dek = (document.description or "").strip() or None
    if dek and normalize_text(dek) in normalize_text(paragraphs[0]):
        dek = None
    authors = meta.authors or [a.strip() for a in (document.author or "").split(";") if a.strip()]
    date = document.date if isinstance(document.date, str) and _DATE.match(document.date) else None
    page_url = document.url if isinstance(document.url, str) and "://" in document.url else None
    return Candidate(
        title=title,
        body="\n\n".join(paragraphs),
        span=span,
        dek=dek,
        authors=authors,
        url=page_url,
        published=meta.published_date(date),
        section=meta.section,
        image_caption=meta.image_caption,
        source_url=url,
    )


def _max_file_size(trafilatura: Any) -> int | None:
    """The size limit trafilatura applies to compressed input when it loads bytes itself."""
    try:
        return int(trafilatura.settings.DEFAULT_CONFIG.getint("DEFAULT", "MAX_FILE_SIZE"))
    except (AttributeError, ValueError, LookupError):
        return None


class HtmlExtractor(Extractor):
    """One article per HTML file."""

    name = "html"
    version = "1.1.0"

    def extract(self, path: RawInput, entry: SourceEntry) -> Iterator[Item]:
        data = read_page_bytes(path, entry)
        if isinstance(data, Issue):
            yield data
            return
        lines = max(1, data.count(b"\n") + (0 if data.endswith(b"\n") else 1))
        result = html_candidate(data, url=entry.url, span=Span(1, lines))
        if isinstance(result, tuple):
            yield page_issue(entry, *result)
            return
        if result.url is None and entry.url:
            result.url = entry.url
        yield build_record(result, entry, self.tag)
