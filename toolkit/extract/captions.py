"""Image captions without their photo credit. Captures often glue the credit to the caption
("... Aleppo, 2017Christian Werner": the two were separate elements on the page) or mark it
("Photo: ...", "(Reuters)"); the schema's caption field holds the caption alone.
"""

from __future__ import annotations

import re

_NAME = r"[A-Z][\w'’.-]*"
#: A run of two to four capitalised words glued, without a space, to a digit or to a lowercase
#: word of four or more letters (so "McDonald" or "iPhone" are not split).
_GLUED = re.compile(
    rf"(?:(?<=\d)|(?<=[a-z]{{4}})|(?<=[.,)]))(?P<credit>{_NAME}(?:\s+{_NAME}){{1,3}}"
    rf"(?:\s*/\s*{_NAME}(?:\s+{_NAME}){{0,3}})?)$"
)
_MARKED = re.compile(
    r"\s*(?:[|/–—-]\s*|\(\s*)?(?:photo|image|picture|credit|source|фото|foto|bild)s?"
    r"(?:\s*(?:by|:|©))\s*(?P<credit>[^()]{2,80}?)\)?\s*$",
    re.IGNORECASE,
)
_AGENCY = re.compile(
    r"\s*[|/–—-]?\s*\(?\b(?P<credit>(?:AP|AFP|Reuters|REUTERS|Getty Images|EPA|EFE|TASS|Sputnik"
    r"|Anadolu|Shutterstock|Wikimedia Commons)(?:\s*/\s*[\w .]+)?)\)?\s*$"
)


def split_credit(caption: str) -> tuple[str, str | None]:
    """``(caption, credit)``; the credit is None when none is found."""
    for pattern in (_MARKED, _GLUED, _AGENCY):
        match = pattern.search(caption)
        if match and match.start() > 0:
            rest = caption[: match.start()].rstrip(" |/–—-(")
            if rest:
                return rest, match.group("credit").strip()
    return caption, None


def has_credit(line: str) -> bool:
    """Whether ``line`` carries a marked ("Photo: X") or glued ("...2017Christian Werner") photo
    credit: a caption, never a headline or a paragraph of the article."""
    for pattern in (_MARKED, _GLUED):
        match = pattern.search(line)
        if match and match.start() > 0 and line[: match.start()].rstrip(" |/–—-("):
            return True
    # An agency after a finished caption sentence or a separator ("... on Thursday. REUTERS").
    match = _AGENCY.search(line)
    return bool(
        match
        and match.start() > 0
        and line[: match.start()].rstrip().endswith((".", "|", "/", "-", "–", "—", "("))
    )
