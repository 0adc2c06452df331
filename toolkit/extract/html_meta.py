"""Metadata an HTML page already carries, read from its parsed tree before trafilatura reads the
text: the JSON-LD ``NewsArticle`` (or ``Article`` and its news subtypes), the ``article:`` and
``og:`` meta tags of the head, and the caption of the first figure of the main content.

The work is bounded whatever the page: only the head's meta tags are read (at most
:data:`MAX_META_TAGS`), at most :data:`MAX_JSON_LD_BLOCKS` JSON-LD blocks of at most
:data:`MAX_JSON_LD_CHARS` characters each, and within them only the top level, ``@graph`` and
``mainEntity`` (:data:`MAX_JSON_LD_DEPTH` levels, :data:`MAX_JSON_LD_NODES` objects). Malformed
or hostile JSON-LD, values of the wrong type and dates that are not dates are dropped; nothing
here raises for bad input, and every value kept is valid in an article record.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from toolkit.extract.captions import split_credit
from toolkit.extract.dates import parse_timestamp

MAX_META_TAGS = 1000
MAX_JSON_LD_BLOCKS = 16
MAX_JSON_LD_CHARS = 256 << 10
MAX_JSON_LD_DEPTH = 4
MAX_JSON_LD_NODES = 256
#: Longest value kept for each field: a longer "headline" or "caption" is not one.
MAX_HEADLINE = 500
MAX_NAME = 120
MAX_SECTION = 120
MAX_CAPTION = 1000
MAX_AUTHORS = 20

#: schema.org types whose node describes the page's article (news subtypes included).
ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "BackgroundNewsArticle",
        "OpinionNewsArticle",
        "ReviewNewsArticle",
    }
)
#: Meta tag names (``property``, ``name`` or ``itemprop``), best first.
PUBLISHED_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
)
SECTION_KEYS = ("article:section", "og:article:section")
AUTHOR_KEYS = ("article:author", "og:article:author")
#: Elements holding the main content, the first present wins; else the body's only figure.
MAIN_CONTENT = ("article", "main")
#: Descendants of a figcaption that hold the credit, not the caption.
_CREDIT_CLASS = re.compile(r"credit|copyright|photographer|source|byline", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")
_BY = re.compile(r"^(?:by|von|par|por|автор:?)\s+", re.IGNORECASE)
#: Control characters, and format characters that show nothing (zero-width space, word joiner,
#: byte-order mark, bidirectional overrides); joiners that shape a script are kept.
_INVISIBLE = frozenset(
    [chr(c) for c in range(32)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + [
        "\u200b",
        "\u2060",
        "\ufeff",
        *map(chr, range(0x202A, 0x202F)),
        *map(chr, range(0x2066, 0x206A)),
    ]
)
#: What pages wrap JSON-LD in for old browsers: stripped before parsing.
_JSON_PREFIXES = ("//<![CDATA[", "<![CDATA[", "<!--")
_JSON_SUFFIXES = ("//]]>", "]]>", "//-->", "-->")


@dataclass(slots=True)
class PageMeta:
    """What the page says about its article. ``published`` lists the normalised dates found,
    best source first (see :meth:`published_date`); the other fields hold the best source's
    value, or are empty."""

    headline: str | None = None
    published: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    image_caption: str | None = None

    def published_date(self, fallback: str | None = None) -> str | None:
        """The best publication date: the first source's, or a later source's date-time on the
        same day when the first gives the date alone; ``fallback`` comes last."""
        return best_published([*self.published, fallback])


def best_published(values: Iterable[str | None]) -> str | None:
    """The first date of ``values`` (normalised by :func:`parse_timestamp`), replaced by the
    first later date-time of the same day when it has no time of day."""
    first: str | None = None
    for value in values:
        if value is None:
            continue
        if first is None:
            first = value
            if "T" in first:
                return first
        elif "T" in value and value[:10] == first:
            return value
    return first


def read_page_meta(tree: Any) -> PageMeta:
    """The metadata of the parsed page ``tree`` (an ``lxml.html`` element, or None)."""
    meta = PageMeta()
    if tree is None:
        return meta
    article = next(_json_ld_articles(tree), None)
    tags = _head_meta(tree)
    published: list[str | None] = []
    if article is not None:
        meta.headline = _json_ld_headline(tree, article, tags)
        published.append(parse_timestamp(first_string(article.get("datePublished"))))
        meta.authors = _json_ld_authors(article.get("author"))
        meta.section = _first_clean(article.get("articleSection"), MAX_SECTION)
        meta.image_caption = _json_ld_caption(article.get("image"))
    published.extend(parse_timestamp(v) for key in PUBLISHED_KEYS for v in tags.get(key, ()))
    meta.published = [value for value in published if value is not None]
    if not meta.authors:
        meta.authors = person_names(v for key in AUTHOR_KEYS for v in tags.get(key, ()))
    if meta.section is None:
        meta.section = next(
            (s for key in SECTION_KEYS for v in tags.get(key, ()) if (s := clean_text(v))),
            None,
        )
    if meta.image_caption is None:
        meta.image_caption = _figure_caption(tree)
    return meta


def _json_ld_headline(tree: Any, article: dict[str, Any], tags: dict[str, list[str]]) -> str | None:
    """The article's JSON-LD headline. When it is unusable (trafilatura would take it as it is)
    the page's own ``<h1>`` or ``og:title`` stands in, and when it is cut short with an ellipsis
    they complete it."""
    given = article.get("headline", article.get("name"))
    if given is None:
        return None
    headline = clean_text(first_string(given), MAX_HEADLINE)
    stem = headline.rstrip(".… ") if headline else None
    if headline is not None and stem == headline:
        return headline
    for text in (_heading(tree), *(clean_text(v, MAX_HEADLINE) for v in tags.get("og:title", ()))):
        if text and (stem is None or (len(text) > len(stem) and text.startswith(stem))):
            return text
    return headline


def _heading(tree: Any) -> str | None:
    """The text of the first ``<h1>`` of the main content."""
    for tag in (*MAIN_CONTENT, "body"):
        container = next(tree.iter(tag), None)
        if container is not None:
            heading = next(container.iter("h1"), None)
            return None if heading is None else clean_text(_element_text(heading), MAX_HEADLINE)
    return None


def first_string(value: object) -> str | None:
    """``value`` when it is a string, the first string of a list, or a JSON-LD ``@value``."""
    if isinstance(value, dict):
        value = value.get("@value")
    if isinstance(value, list):
        value = next((v for v in value[:MAX_AUTHORS] if isinstance(v, str)), None)
    return value if isinstance(value, str) else None


def clean_text(value: object, limit: int = MAX_SECTION) -> str | None:
    """A string value as plain text: entities decoded, tags and control characters removed,
    white space collapsed; None when it is not a string, is empty, has no letter or digit, or
    is longer than ``limit``."""
    if not isinstance(value, str) or len(value) > 4 * limit:
        return None
    text = " ".join(_TAG.sub(" ", html.unescape(value)).split())
    text = "".join(c for c in text if c not in _INVISIBLE and unicodedata.category(c) != "Cs")
    text = " ".join(text.split())
    if not text or len(text) > limit or not any(c.isalnum() for c in text):
        return None
    return text


def person_names(values: Iterable[object]) -> list[str]:
    """The strings of ``values`` that can be a person's name (not an address, a handle or an
    e-mail), cleaned and without a leading "By", in order and without repeats."""
    names: list[str] = []
    for value in values:
        name = clean_text(value, MAX_NAME)
        if name is None:
            continue
        name = _BY.sub("", name)
        lowered = name.casefold()
        if "://" in lowered or lowered.startswith("www.") or "@" in name or "/" in name:
            continue
        if any(c.isalpha() for c in name) and name not in names:
            names.append(name)
        if len(names) >= MAX_AUTHORS:
            break
    return names


def _first_clean(value: object, limit: int) -> str | None:
    values = value[:MAX_AUTHORS] if isinstance(value, list) else [value]
    return next((text for v in values if (text := clean_text(first_string(v), limit))), None)


def _head_meta(tree: Any) -> dict[str, list[str]]:
    """The head's meta tags: lowercased ``property``/``name``/``itemprop`` to contents."""
    head = next(tree.iter("head"), None)
    tags: dict[str, list[str]] = {}
    if head is None:
        return tags
    for count, element in enumerate(head.iter("meta")):
        if count >= MAX_META_TAGS:
            break
        key = element.get("property") or element.get("name") or element.get("itemprop")
        content = element.get("content")
        if key and content:
            values = tags.setdefault(key.strip().lower(), [])
            if len(values) < MAX_AUTHORS:
                values.append(content)
    return tags


def _json_ld_articles(tree: Any) -> Iterator[dict[str, Any]]:
    """The article nodes of the page's JSON-LD blocks, in document order."""
    blocks = 0
    for script in tree.iter("script"):
        kind = (script.get("type") or "").split(";")[0].strip().lower()
        if kind != "application/ld+json":
            continue
        blocks += 1
        if blocks > MAX_JSON_LD_BLOCKS:
            return
        text = script.text
        if not text or len(text) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(_unwrap(text), strict=False)
        # Malformed JSON, numbers past int's digit limit (ValueError), nesting past the
        # recursion limit (RecursionError): the block is skipped.
        except (ValueError, RecursionError):
            continue
        yield from _article_nodes(data)


def _unwrap(text: str) -> str:
    text = text.strip()
    for prefix in _JSON_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :].lstrip()
            break
    for suffix in _JSON_SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)].rstrip()
            break
    return text


def _article_nodes(data: object) -> Iterator[dict[str, Any]]:
    """Objects typed as articles among ``data``, its lists, ``@graph`` and ``mainEntity``,
    breadth first and within the depth and node bounds."""
    queue: deque[tuple[object, int]] = deque([(data, 0)])
    visited = 0
    while queue and visited < MAX_JSON_LD_NODES:
        value, depth = queue.popleft()
        visited += 1
        children: list[object] = []
        if isinstance(value, list):
            children = value[:MAX_JSON_LD_NODES]
        elif isinstance(value, dict):
            if _is_article(value.get("@type")):
                yield value
            for key in ("@graph", "mainEntity"):
                child = value.get(key)
                children.extend(child[:MAX_JSON_LD_NODES] if isinstance(child, list) else [child])
        if depth < MAX_JSON_LD_DEPTH:
            queue.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def _is_article(kind: object) -> bool:
    kinds = kind[:MAX_AUTHORS] if isinstance(kind, list) else [kind]
    return any(
        isinstance(k, str) and re.split(r"[/:#]", k.strip())[-1] in ARTICLE_TYPES for k in kinds
    )


def _json_ld_authors(value: object) -> list[str]:
    """Person names of a JSON-LD ``author``: a name, a Person, or a list of them
    (organisations are not bylines)."""
    items = value[:MAX_AUTHORS] if isinstance(value, list) else [value]
    names: list[object] = []
    for item in items:
        if isinstance(item, dict):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k.endswith("Organization") for k in kinds):
                continue
            names.append(first_string(item.get("name")))
        else:
            names.append(item)
    return person_names(names)


def _json_ld_caption(value: object) -> str | None:
    """The caption of a JSON-LD ``image`` (an ImageObject or a list of them), credit removed."""
    items = value[:MAX_AUTHORS] if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, dict) and (caption := _caption(first_string(item.get("caption")))):
            return caption
    return None


def _caption(text: str | None) -> str | None:
    caption = clean_text(text, MAX_CAPTION)
    if caption is None:
        return None
    return clean_text(split_credit(caption)[0], MAX_CAPTION)


def _figure_caption(tree: Any) -> str | None:
    """The caption of the first figure of the main content (``<article>``, else ``<main>``),
    or of the body's only figcaption."""
    for tag in MAIN_CONTENT:
        container = next(tree.iter(tag), None)
        if container is not None:
            caption = next(container.iter("figcaption"), None)
            return None if caption is None else _caption(_element_text(caption))
    body = next(tree.iter("body"), None)
    if body is None:
        return None
    captions = body.iter("figcaption")
    first, second = next(captions, None), next(captions, None)
    if first is None or second is not None:
        return None
    return _caption(_element_text(first))


def _element_text(element: Any) -> str:
    """The text of ``element`` without scripts, styles, comments and credit elements, read up to
    a few times :data:`MAX_CAPTION` characters, at any depth (no recursion)."""
    parts: list[str] = []
    size = 0
    stack: list[tuple[Any, bool]] = [(element, True)]
    while stack and size <= 4 * MAX_CAPTION:
        node, entering = stack.pop()
        if not entering:
            text = node.tail if node is not element else None
        else:
            stack.append((node, False))  # its tail, once its content is read
            if _hidden(node):
                continue
            stack.extend((child, True) for child in reversed(node))
            text = node.text
        if text:
            parts.append(text)
            size += len(text)
    return " ".join(parts)


def _hidden(node: Any) -> bool:
    """Whether ``node`` holds no caption text: a comment, a script or style, a credit."""
    if not isinstance(node.tag, str) or node.tag in ("script", "style", "noscript"):
        return True
    return bool(_CREDIT_CLASS.search(f"{node.get('class', '')} {node.get('itemprop', '')}"))
