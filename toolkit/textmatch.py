"""When two strings are the same headline or sentence to a reader. Shared by the evaluation
(scoring records against gold) and by training (labelling the stories a model decodes), so the
model learns exactly what it is scored on.

Two strings match when they are equal after :func:`normalise`, or one contains the other and the
shorter is at least :data:`CONTAINS_RATIO` of the longer.
"""

from __future__ import annotations

import unicodedata

#: "One contains the other" counts as a match only when the lengths are this close: a headline
#: cut by a site suffix still matches, a one-word title does not match a whole headline.
CONTAINS_RATIO = 0.8

#: Typographic variants NFKC keeps apart but no reader would: a title typed with ' in one line of
#: the page and ’ in another is one headline (corpus page en-epw-1).
_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
    }
)


def _is_edge(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS" or char.isspace()


def normalise(text: str) -> str:
    """NFKC, casefolded, whitespace collapsed, quotes and dashes folded to ASCII, and
    punctuation, symbols and quotes stripped from both ends: what a reader would not call a
    different headline or sentence."""
    folded = " ".join(unicodedata.normalize("NFKC", text).casefold().translate(_FOLD).split())
    start, end = 0, len(folded)
    while start < end and _is_edge(folded[start]):
        start += 1
    while end > start and _is_edge(folded[end - 1]):
        end -= 1
    return folded[start:end]


def texts_match(a: str | None, b: str | None) -> bool:
    """Whether two titles are the same headline (see the module docstring); None and text that
    normalises to nothing match nothing."""
    if not a or not b:
        return False
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    short, long = sorted((na, nb), key=len)
    return short in long and len(short) >= CONTAINS_RATIO * len(long)
