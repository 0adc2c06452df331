"""The page's address as evidence: most article URLs spell their headline in the path
(``/2022/09/27/russia-to-hand-summons-to-...``), so the line whose words the path repeats is
probably the page's own headline, and a story whose headline the path does not name is probably
a link to another page. Cyrillic headlines are compared through a Latin transliteration, as
their slugs are usually written."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

_WORD = re.compile(r"[^\W_]+")
#: Words shorter than this are too common to count as evidence (a, of, в, na).
MIN_WORD = 3
#: A path with fewer words than this names no headline (``/news/``, ``/article/123``).
MIN_SLUG_WORDS = 3

_ONE = dict(zip("абвгдезийклмнопрстуфыэіґ", "abvgdeziyklmnoprstufyeig", strict=True))
_MORE = {"ё": "e", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ю": "yu"}
_MORE |= {"я": "ya", "ї": "yi", "є": "ye", "ъ": "", "ь": ""}
_CYRILLIC = {ord(letter): latin for letter, latin in (_ONE | _MORE).items()}


def _latin(word: str) -> str:
    return word.translate(_CYRILLIC)


def slug_words(url: str | None) -> frozenset[str]:
    """The words of a URL's path (empty when the path names no headline)."""
    if not url:
        return frozenset()
    try:
        path = unquote(urlsplit(url).path).casefold()
    except ValueError:
        return frozenset()
    found = {w for w in _WORD.findall(path) if len(w) >= MIN_WORD and not w.isdigit()}
    return frozenset(found) if len(found) >= MIN_SLUG_WORDS else frozenset()


def slug_overlap(text: str, slug: frozenset[str]) -> float:
    """Share of the line's words (of three letters or more) that the path spells, directly or
    transliterated; 0 when there is no slug."""
    if not slug:
        return 0.0
    words = [w for w in _WORD.findall(text.casefold()) if len(w) >= MIN_WORD]
    if not words:
        return 0.0
    return sum(w in slug or _latin(w) in slug for w in words) / len(words)
