"""Plain-text page captures (the seeds): a page is split into lines and blocks (runs of non-blank
lines), chrome is marked from repetition (within the page, as runs, across the publisher's
corpus), vocabulary and an optional profile, and articles are found from shape and position:
a headline is a lone headline-shaped line followed by prose and not preceded by prose; the block
just above it may hold the image caption and the section label; the first paragraph after it is
the standfirst, the rest the body. A listing page yields one teaser per headline.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.extract import boilerplate as bp
from toolkit.extract.base import (
    Candidate,
    Extractor,
    Item,
    Kind,
    build_record,
    page_issue,
    read_page_bytes,
)
from toolkit.extract.captions import split_credit
from toolkit.extract.profile import GENERIC, Profile, load_profile
from toolkit.ids import normalize_text
from toolkit.issues import Issue
from toolkit.provenance import Span

if TYPE_CHECKING:
    from toolkit.extract.context import ExtractContext
    from toolkit.manifest import SourceEntry

#: A page capture larger than this is not a page; it is reported instead of read.
#: Chrome reasons a page's structure may overrule (a repeated line can be a section label).
WEAK = frozenset({"repeated", "run", "corpus"})
#: How many blocks below a headline are searched for its first full paragraph.
LOOKAHEAD_BLOCKS = 8


@dataclass(slots=True)
class Line:
    """One non-blank line of the page: 1-based number, stripped text, block index, and why it
    is chrome (None when it is not)."""

    no: int
    text: str
    block: int
    chrome: str | None = None
    names: list[str] | None = None

    @property
    def strong_chrome(self) -> bool:
        return self.chrome is not None and self.chrome not in WEAK


@dataclass(slots=True)
class Page:
    """A decoded page: its blocks of lines, chrome marked."""

    blocks: list[list[Line]] = field(default_factory=list)

    def lines(self) -> Iterator[Line]:
        for block in self.blocks:
            yield from block


def decode_page(data: bytes) -> str | tuple[str, int, int]:
    """The page text, or why it cannot be read as ``(message, line, column)``."""
    if b"\x00" in data[:65536]:
        return "the file is binary (it holds NUL bytes), not a text capture", 1, 1
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return (f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
                "re-save the capture as UTF-8"), line, column
    controls = sum(1 for c in text[:65536] if unicodedata.category(c) == "Cc" and c not in "\n\r\t")
    if controls > max(8, len(text[:65536]) // 100):
        return "the file is binary (it holds control characters), not a text capture", 1, 1
    return text


def read_page(text: str) -> Page:
    """Split ``text`` into blocks of non-blank lines; only ``\\n`` ends a line, so numbers match
    what ``sed -n`` shows."""
    page = Page()
    current: list[Line] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if stripped:
            current.append(Line(number, stripped, len(page.blocks)))
        elif current:
            page.blocks.append(current)
            current = []
    if current:
        page.blocks.append(current)
    return page


def mark_chrome(page: Page, profile: Profile, context: ExtractContext, publisher: str) -> None:
    """Set each line's chrome reason from the profile, vocabulary and repetition evidence."""
    lines = list(page.lines())
    keys = [normalize_text(line.text) for line in lines]
    counts = Counter(keys)
    pairs = Counter(zip(keys, keys[1:], strict=False))
    for i, line in enumerate(lines):
        line.names = bp.byline_names(line.text)
        if line.names is not None or profile.is_section(line.text):
            continue
        in_run = (i > 0 and pairs[keys[i - 1], keys[i]] >= 2) or (
            i + 1 < len(lines) and pairs[keys[i], keys[i + 1]] >= 2)
        if profile.is_boilerplate(line.text):
            line.chrome = "profile"
        elif bp.is_nav_label(line.text):
            line.chrome = "nav"
        elif bp.is_appeal(line.text):
            line.chrome = "appeal"
        elif counts[keys[i]] >= 3:
            line.chrome = "repeated"
        elif in_run:
            line.chrome = "run"
        elif context.is_corpus_chrome(publisher, line.text):
            line.chrome = "corpus"


def _is_prose_block(block: list[Line]) -> bool:
    return len(block) == 1 and block[0].chrome is None and bp.is_prose(block[0].text)


def find_headlines(page: Page) -> list[int]:
    """Indexes of the blocks that open an article: a lone headline-shaped line, followed by
    prose, whose nearest block above (strong chrome skipped) is not prose. When no block
    qualifies, the first headline-shaped block followed by prose does."""
    found, fallback = [], []
    blocks = page.blocks
    for index, block in enumerate(blocks):
        line = block[0]
        if len(block) != 1 or line.chrome or line.names or not bp.is_headline_shaped(line.text):
            continue
        following = [ln for b in blocks[index + 1:index + 1 + LOOKAHEAD_BLOCKS] for ln in b
                     if ln.chrome is None and ln.names is None]
        # An article starts with prose and has at least one full paragraph soon after; a
        # promo line above a short blurb ("Get our magazine" / "Save big ...") has none.
        if not following or not bp.is_prose(following[0].text) or not any(
                _status(ln) == "good" for ln in following):
            continue
        fallback.append(index)
        above = index - 1
        while above >= 0 and all(ln.strong_chrome for ln in blocks[above]):
            above -= 1
        if above < 0 or not _is_prose_block(blocks[above]):
            found.append(index)
    return found or fallback[:1]


def _label_block(page: Page, title_index: int, floor: int) -> list[Line]:
    """The block right above a headline when it can hold its caption and section label."""
    above = title_index - 1
    if above <= floor or _is_prose_block(page.blocks[above]):
        return []
    return page.blocks[above]


def _is_section(line: Line, profile: Profile) -> bool:
    if profile.is_section(line.text):
        return True
    if line.strong_chrome or not bp.is_label_shaped(line.text):
        return False
    letters = [c for c in line.text if c.isalpha()]
    return bp.title_case_ratio(line.text) >= 0.99 or ":" in line.text or (
        bool(letters) and all(c.isupper() for c in letters))


def _smooth(paragraphs: list[tuple[Line, str]]) -> list[Line]:
    """Drop runs of weak paragraphs (short, or speaking to the reader) that sit between chrome
    on both sides (the end of the article counts as chrome), the way jusText resolves short
    blocks; a weak paragraph next to real prose stays."""
    kept: list[Line] = []
    i = 0
    while i < len(paragraphs):
        line, status = paragraphs[i]
        if status == "good":
            kept.append(line)
            i += 1
            continue
        if status == "chrome":
            i += 1
            continue
        j = i
        while j < len(paragraphs) and paragraphs[j][1] == "weak":
            j += 1
        before = paragraphs[i - 1][1] if i > 0 else "good"
        after = paragraphs[j][1] if j < len(paragraphs) else "chrome"
        if not (before == "chrome" and after == "chrome"):
            kept.extend(line for line, _ in paragraphs[i:j])
        i = j
    return kept


def _status(line: Line) -> str:
    if line.chrome is not None:
        return "chrome"
    address = sum(w.casefold() in bp.ADDRESS for w in bp.words(line.text))
    if len(line.text) < 100 or (address >= 3 and bp.address_density(line.text) >= 0.05):
        return "weak"
    return "good"


def build_candidate(page: Page, profile: Profile, title_index: int, stop: int,
                    label: list[Line]) -> Candidate | str:
    """The article whose headline is block ``title_index`` and whose text ends before block
    ``stop``, or why there is none."""
    title_line = page.blocks[title_index][0]
    title = title_line.text
    title_key = normalize_text(title)
    section = caption = dek = None
    authors: list[str] = []
    start = title_line.no
    if label:
        rest = [ln for ln in label if not ln.strong_chrome and ln.names is None]
        if rest and _is_section(rest[-1], profile) and normalize_text(rest[-1].text) != title_key:
            section = rest.pop().text
            start = min(start, label[-1].no)
        for ln in reversed(rest):
            if ln.chrome is None and normalize_text(ln.text) != title_key and len(
                    bp.words(ln.text)) >= 3:
                caption, start = ln.text, min(start, ln.no)
                break
    paragraphs: list[tuple[Line, str]] = []
    in_header = True
    for block in page.blocks[title_index + 1:stop]:
        for line in block:
            if profile.is_end(line.text):
                break
            if line.names is not None:
                authors = authors or line.names
                continue
            if in_header and line.chrome is None:
                if profile.is_rubric(line.text) or (
                        bp.is_label_shaped(line.text) and not bp.is_prose(line.text)
                        and len(bp.words(line.text)) < 3):
                    continue
                if not bp.is_prose(line.text) and caption is None and len(bp.words(line.text)) >= 3:
                    caption = line.text
                    continue
                if dek is None and bp.is_prose(line.text):
                    dek = line
                    continue
                in_header = False
            if not in_header or line.chrome is None:
                paragraphs.append((line, _status(line)))
        else:
            continue
        break
    body = _smooth(paragraphs)
    if not body and dek is not None:
        body, dek = [dek], None
    if not body:
        return f"the headline {title!r} on line {title_line.no} has no article text below it"
    end = max(line.no for line in body)
    return Candidate(
        title=title, body="\n\n".join(line.text for line in body),
        span=Span(start, end), section=section, dek=dek.text if dek else None,
        image_caption=split_credit(caption)[0] if caption else None, authors=authors,
    )


def find_articles(page: Page, profile: Profile) -> tuple[list[Candidate], list[str]]:
    """Every article or teaser of the page, in page order, and why any headline gave none."""
    headlines = find_headlines(page)
    candidates: list[Candidate] = []
    problems: list[str] = []
    page_authors: list[str] = []
    first = headlines[0] if headlines else len(page.blocks)
    for block in page.blocks[:first]:
        for line in block:
            if line.names and not page_authors:
                page_authors = line.names
    floor = -1
    for n, index in enumerate(headlines):
        label = _label_block(page, index, floor)
        stop = len(page.blocks)
        if n + 1 < len(headlines):
            nxt = headlines[n + 1]
            stop = nxt - 1 if _label_block(page, nxt, index) else nxt
        result = build_candidate(page, profile, index, stop, label)
        floor = index
        if isinstance(result, str):
            problems.append(result)
            continue
        if not result.authors:
            result.authors = list(page_authors)
        candidates.append(result)
    kind: Kind = "teaser" if len(candidates) > 1 else "article"
    if profile.kind in ("article", "teaser"):
        kind = "teaser" if profile.kind == "teaser" else "article"
    for candidate in candidates:
        candidate.kind = kind
    return candidates, problems


class TextExtractor(Extractor):
    """Articles and teasers from a plain-text page capture."""

    name = "text"
    version = "1.0.0"

    def extract(self, path: Path, entry: SourceEntry) -> Iterator[Item]:
        profile = GENERIC
        if entry.profile:
            found = load_profile(entry.profile)
            if found is None:
                yield Issue(entry.path, entry.line, "/profile", "extract.unknown-profile",
                            f"no profile {entry.profile!r} in toolkit/profiles/; the generic "
                            "extractor was used", severity="warning")
            else:
                profile = found
        data = read_page_bytes(path, entry)
        if isinstance(data, Issue):
            yield data
            return
        decoded = decode_page(data)
        if isinstance(decoded, tuple):
            message, line, column = decoded
            yield page_issue(entry, "extract.unreadable", message, line=line, column=column)
            return
        page = read_page(decoded)
        if not page.blocks:
            yield page_issue(entry, "extract.no-article", "the page is empty")
            return
        mark_chrome(page, profile, self.context, entry.publisher)
        candidates, problems = find_articles(page, profile)
        for problem in problems:
            yield page_issue(entry, "extract.no-article", problem)
        if not candidates and not problems:
            yield page_issue(entry, "extract.no-article",
                             "no headline followed by article text was found on the page")
        for candidate in candidates:
            if candidate.kind == "article":
                # A page holding one article is that article: its address is the article's.
                candidate.url = entry.url
            yield build_record(candidate, entry, self.tag)
