"""Gold line roles for training: the labelled corpus says which strings of a page are a story's
headline, standfirst, body and so on (``corpus/README.md``); this module finds the lines that
hold them and gives every non-blank line one role. Lines the gold does not account for are
chrome: the labellers listed every story's parts.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from toolkit.extract.roles.decode import Story
from toolkit.extract.roles.features import PageLine
from toolkit.textmatch import normalise, texts_match

#: Gold fields that name a single line's role.
_FIELD_ROLES = (
    ("section", "S"),
    ("dek", "D"),
    ("image_caption", "C"),
    ("image_credit", "R"),
    ("byline", "B"),
    ("date", "M"),
)


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _find(lines: list[PageLine], needle: str | None, start: int, stop: int) -> int | None:
    """Index of the first line in ``[start, stop)`` holding ``needle`` (whitespace-insensitive)."""
    if not needle:
        return None
    key = _norm(needle)
    if not key:
        return None
    for i in range(max(start, 0), min(stop, len(lines))):
        if key in _norm(lines[i].text):
            return i
    return None


def _mostly(part: str, line: str) -> bool:
    """Whether ``part`` makes up at least half of ``line``."""
    return 2 * len(_norm(part)) >= len(_norm(line))


def _anchor(lines: list[PageLine], article: dict[str, Any], start: int) -> int | None:
    for name in ("title", "first_body_sentence", "dek", "last_body_sentence"):
        found = _find(lines, article.get(name), start, len(lines))
        if found is not None:
            return found
    return None


def gold_roles(lines: list[PageLine], gold: dict[str, Any]) -> list[str]:
    """One role letter per line of the page (see ``ROLES``)."""
    roles = ["O"] * len(lines)
    articles = gold.get("articles") or []
    anchors: list[int | None] = []
    cursor = 0
    for article in articles:
        found = _anchor(lines, article, cursor)
        anchors.append(found)
        if found is not None:
            cursor = found + 1
    meta = {_norm(x) for x in gold.get("metadata_lines") or []}
    chrome = {_norm(x) for x in gold.get("boilerplate_lines") or []}
    floor = 0
    for k, article in enumerate(articles):
        anchor = anchors[k]
        if anchor is None:
            continue
        ceiling = next((a for a in anchors[k + 1 :] if a is not None), len(lines))
        title = _find(lines, article.get("title"), anchor, anchor + 1)
        if title is not None:
            roles[title] = "T"
        first = _find(lines, article.get("first_body_sentence"), floor, ceiling)
        last = _find(lines, article.get("last_body_sentence"), first or anchor, ceiling)
        if first is not None:
            for i in range(first, (last if last is not None else first) + 1):
                key = _norm(lines[i].text)
                if roles[i] == "O" and key not in meta and key not in chrome:
                    roles[i] = "X"
        for name, role in _FIELD_ROLES:
            # Parts of the header sit around the headline: above it (a date, a section) or
            # below it, never in another story's text.
            at = _find(lines, article.get(name), floor, ceiling)
            if at is not None and roles[at] in ("O", "X"):
                if role == "R" and roles[at] == "C":
                    continue
                if roles[at] == "X" and not _mostly(article[name], lines[at].text):
                    # A teaser signed at its end ("... Von Karin Senz.") is body text that
                    # holds a byline, not a byline line.
                    continue
                roles[at] = role
        floor = max(i for i in (anchor, first, last) if i is not None) + 1
    for i, line in enumerate(lines):
        if roles[i] == "O" and _norm(line.text) in meta:
            roles[i] = "M"
    return roles


def story_labels(stories: list[Story], gold: dict[str, Any]) -> list[int]:
    """For each decoded story, 1 if it is one of the page's gold stories (its title matches a
    gold title, or, for a story printed without a headline, its body holds the gold first
    sentence), else 0. Each gold story claims at most one decoded story, in page order, as the
    evaluation scores them."""
    articles = gold.get("articles") or []
    labels = [0] * len(stories)
    for article in articles:
        title, first = article.get("title"), article.get("first_body_sentence")
        for k, story in enumerate(stories):
            if labels[k]:
                continue
            if title is not None:
                hit = texts_match(title, story.title)
            else:
                key = normalise(first or "")
                hit = bool(key) and key in normalise("\n".join(story.body))
            if hit:
                labels[k] = 1
                break
    return labels
