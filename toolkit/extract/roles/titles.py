"""A headline line's own words. Pages print a headline with the site's name after it (``... -
The Moscow Times``, ``... | World | News``), an aggregator with its source after every
headline (``... - Reuters``), or a rubric before it (``Krise in Osteuropa : ...``); a reader's
title leaves these out. The evidence is general, not a list of sites: the page's address (its
path spells the headline, not the rubric or the site), the host's own name, and the page's
other headlines (a source name after nearly every one is a pattern, not part of each; so is a
"Read more" link glued without a space onto every headline, as a page's text nodes run
together). A numeric date and time stamp printed before a headline is the story's date.

Only parts set off by a spaced separator (`` - ``, `` | ``, `` : ``) are ever left out, so a
headline's own colon (``Nordkreis: ...``) and hyphens stay.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from toolkit.extract.roles.decode import Story
from toolkit.extract.roles.slug import slug_overlap, slug_words

#: A separator between a headline and what is printed with it: a dash, bar or colon with
#: space on both sides, or a bar however spaced.
_SEPARATOR = re.compile(r"\s+[-–—:/•·]{1,2}\s+|\s*\|\s*")
#: A part the path does not spell is left out only when the rest is spelled this well...
CORE_SLUG = 0.5
#: ...and the part is this short (in words): a rubric or a site, not half of the headline.
MAX_PART_WORDS = 6
#: A source name after the headlines: at most this many words...
MAX_SOURCE_WORDS = 4
#: ...after at least this share of the page's headlines (and at least ``MIN_SOURCES`` of them).
SOURCE_SHARE = 0.6
MIN_SOURCES = 3
_ENDS = re.compile(r"[.!?…]$")
#: A date (and time) printed before the headline on its line: ``• 21/10/2022 - 07:59 ...``.
_STAMP = re.compile(
    r"^[•·*▪►▶\s]*(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2})"
    r"(?:\s*[-–—,|]?\s*\d{1,2}[:.h]\d{2})?\s*[-–—|]?\s+(?=\S)"
)
_OPENING = "«“„\"'¡¿(["
_CLOSING = "»›)]"
#: A prefix glued onto headlines counts as a pattern from this many headlines on, and this
#: share of them.
MIN_GLUED = 3
GLUED_SHARE = 0.6


def _parts(title: str) -> tuple[list[str], list[str]]:
    """The title's parts and the separators between them."""
    parts, seps, start = [], [], 0
    for match in _SEPARATOR.finditer(title):
        parts.append(title[start : match.start()])
        seps.append(match.group())
        start = match.end()
    parts.append(title[start:])
    return parts, seps


def _join(parts: list[str], seps: list[str], first: int, last: int) -> str:
    text = parts[first]
    for i in range(first + 1, last + 1):
        text += seps[i - 1] + parts[i]
    return text


def _letters(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def _host_names(url: str | None) -> list[str]:
    """The host's name labels (``globalnews`` for ``www.globalnews.ca``; ``bbc`` for
    ``bbc.co.uk``): what a site calls itself, in letters."""
    if not url:
        return []
    try:
        host = (urlsplit(url).hostname or "").casefold()
    except ValueError:
        return []
    labels = [label for label in host.split(".") if label not in ("www", "m", "amp")]
    return [_letters(label) for label in labels[:-1] if len(_letters(label)) >= 3]


def _is_site(part: str, names: list[str]) -> bool:
    letters = _letters(part)
    return len(letters) >= 3 and any(
        letters == name or (len(letters) >= 5 and (letters in name or name in letters))
        for name in names
    )


def _is_source(part: str) -> bool:
    """Short enough to be a source's name: a few words, no sentence end."""
    words = part.split()
    return 1 <= len(words) <= MAX_SOURCE_WORDS and not _ENDS.search(part.strip())


def _has_source(title: str) -> bool:
    """Whether the title ends in a dash or bar and a name short enough to be a source's."""
    parts, seps = _parts(title)
    return len(parts) > 1 and seps[-1].strip() != ":" and _is_source(parts[-1])


def _trim(
    title: str, names: list[str], slug: frozenset[str], own: bool, drop_source: bool
) -> tuple[str, str | None]:
    """``title`` without the site, source or rubric printed with it, and the rubric."""
    parts, seps = _parts(title)
    if len(parts) == 1:
        return title, None
    first, last = 0, len(parts) - 1
    if drop_source and _has_source(title):
        last -= 1
    while last > first and _is_site(parts[last], names):
        last -= 1
    while last > first and _is_site(parts[first], names):
        first += 1
    if own and slug:

        def unspelled(part: str) -> bool:
            return slug_overlap(part, slug) == 0 and len(part.split()) <= MAX_PART_WORDS

        while last > first and unspelled(parts[last]):
            core = _join(parts, seps, first, last - 1)
            if slug_overlap(core, slug) < CORE_SLUG:
                break
            last -= 1
        while last > first and unspelled(parts[first]):
            core = _join(parts, seps, first + 1, last)
            if slug_overlap(core, slug) < CORE_SLUG:
                break
            first += 1
    kicker = _join(parts, seps, 0, first - 1) if first else None
    if kicker is not None and _is_site(kicker, names):
        kicker = None
    return _join(parts, seps, first, last), kicker


def _glued_prefix(titles: list[str]) -> str | None:
    """The text most of the page's headlines start with, glued to each without a space (a
    link's text run into the headline's), or None."""
    if len(titles) < MIN_GLUED:
        return None
    counts: dict[str, int] = {}
    for title in titles:
        # Candidates end where a glue shows, with no space between: a lowercase letter
        # before a capital or an opening mark, or a closing mark before a letter or digit.
        # A candidate holds a space: one glued word is a name (WhatsApp), not a link.
        for i in range(3, min(len(title), 60)):
            a, b = title[i - 1], title[i]
            glue = (a.islower() and (b.isupper() or b in _OPENING)) or (
                a in _CLOSING and b.isalnum()
            )
            if glue and " " in title[:i]:
                counts[title[:i]] = counts.get(title[:i], 0) + 1
    found = [
        prefix
        for prefix, n in counts.items()
        if n >= MIN_GLUED
        and n >= GLUED_SHARE * len(titles)
        # The headlines part right after it: a shared word cut in two (WhatsApp) does not.
        and len({t[len(prefix)] for t in titles if t.startswith(prefix)}) > 1
    ]
    return max(found, key=len) if found else None


def trim_titles(stories: Sequence[Story], url: str | None) -> None:
    """Leave out of each story's title a link glued onto every headline, a date stamp (it
    becomes the story's date when it has none), the site's name, an aggregator's source after
    every headline, and (for the page's own headline, the one its address spells best) a rubric
    or site part the address does not spell; a rubric left out becomes the story's section."""
    titled = [s for s in stories if s.title]
    if not titled:
        return
    glued = _glued_prefix([s.title or "" for s in titled])
    for story in titled:
        title = story.title or ""
        if glued and title.startswith(glued) and len(title) > len(glued):
            title = title[len(glued) :]
        stamp = _STAMP.match(title)
        if stamp:
            story.date = story.date or stamp.group(0).strip(" •·*▪►▶-–—|")
            title = title[stamp.end() :]
        story.title = title
    names = _host_names(url)
    slug = slug_words(url)
    overlaps = [slug_overlap(s.title or "", slug) for s in titled]
    best = max(overlaps)
    sources = sum(_has_source(s.title or "") for s in titled)
    drop_source = sources >= MIN_SOURCES and sources >= SOURCE_SHARE * len(titled)
    for story, overlap in zip(titled, overlaps, strict=True):
        own = best > 0 and overlap == best
        title, kicker = _trim(story.title or "", names, slug, own, drop_source)
        story.title = title
        if kicker and not story.section:
            story.section = kicker
