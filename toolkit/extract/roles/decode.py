"""From line roles to stories. The tagger says what each line is; a story is a headline with
what belongs to it: the section label and date printed above it, the standfirst, caption,
credit and byline below it, and the body lines up to the next story's header. Body text before
any headline forms a story without a title (a capture that starts below the headline).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from toolkit.extract import boilerplate as bp
from toolkit.extract.captions import split_credit
from toolkit.extract.roles.features import PageLine
from toolkit.textmatch import normalise


def is_strong_chrome(text: str) -> bool:
    """A line the cue words alone call chrome, whatever the model says: a short appeal, a
    navigation or related-links label, an inline link, an end marker."""
    return (
        bp.is_nav_label(text)
        or bp.is_related_label(text)
        or bp.is_inline_link(text)
        or bp.is_end_marker(text)
        or (bp.is_appeal(text) and len(text) <= 80)
    )


@dataclass(slots=True)
class Story:
    """One story found on a page; ``lines`` are the file line numbers it covers."""

    title: str | None = None
    section: str | None = None
    dek: str | None = None
    caption: str | None = None
    credit: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    body: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.title is None and not self.body

    @property
    def releasable(self) -> bool:
        """A headline with text under it: what a record needs."""
        return self.title is not None and bool(self.body)


def _repeats(title: str, text: str) -> bool:
    """Whether ``text`` is ``title`` again, whole or cut short (a truncated repeat)."""
    a, b = normalise(title), normalise(text)
    return bool(a and b) and (a == b or a.startswith(b) or b.startswith(a))


def _authors(text: str) -> list[str]:
    return bp.byline_names(text) or [text.strip()]


def decode_stories(lines: list[PageLine], roles: list[str]) -> list[Story]:
    """The stories of a page whose lines carry ``roles`` (one letter each, see ``ROLES``)."""
    stories: list[Story] = []
    current: Story | None = None
    pending = Story()  # header parts seen before their headline
    for line, role in zip(lines, roles, strict=True):
        text = line.text
        if role == "O" or (role in "XDT" and is_strong_chrome(text)):
            continue
        if role == "T":
            if (
                current is not None
                and current.title is not None
                and not current.body
                and _repeats(current.title, text)
            ):
                # The headline printed again (a link's text, then the heading): one headline.
                current.lines.append(line.no)
                continue
            if (
                current is not None
                and current.title is not None
                and not current.body
                and not (current.dek or current.caption)
                and current.lines
                and current.lines[-1] == line.no - 1
                and line.blank_before is False
            ):
                # A headline printed over two lines.
                current.title = f"{current.title} {text}"
                current.lines.append(line.no)
                continue
            current = Story(title=text)
            current.section, current.date = pending.section, pending.date
            current.authors = pending.authors
            current.caption, current.credit = pending.caption, pending.credit
            current.lines = [*pending.lines, line.no]
            stories.append(current)
            pending = Story()
            continue
        header_part = role in "SMBCR"
        if header_part and (current is None or current.body or role in "SM" and current.dek):
            # Above the next headline: keep it for that story.
            _set_part(pending, role, text)
            pending.lines.append(line.no)
            continue
        if current is None:
            current = Story()
            stories.append(current)
            if not pending.empty or pending.lines:
                current.section, current.date = pending.section, pending.date
                current.authors, current.caption = pending.authors, pending.caption
                current.lines = list(pending.lines)
                pending = Story()
        if role == "D" and current.dek is None and not current.body:
            current.dek = text
        elif role in ("D", "X"):
            current.body.append(text)
        else:
            _set_part(current, role, text)
        current.lines.append(line.no)
    # A byline above the first headline signs the whole page (a listing by one author).
    page_authors = next((s.authors for s in stories if s.authors), [])
    first_title = next((s for s in stories if s.title is not None), None)
    if first_title is not None and first_title.authors and len(stories) > 1:
        for story in stories:
            story.authors = story.authors or list(page_authors)
    for story in stories:
        if story.caption and story.credit is None:
            story.caption, story.credit = split_credit(story.caption)
    return [s for s in stories if not s.empty]


def _set_part(story: Story, role: str, text: str) -> None:
    if role == "S":
        story.section = story.section or text
    elif role == "M":
        story.date = story.date or text
    elif role == "B":
        story.authors = story.authors or _authors(text)
    elif role == "C":
        story.caption = story.caption or text
    elif role == "R":
        story.credit = story.credit or text
