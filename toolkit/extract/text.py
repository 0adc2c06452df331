"""Plain-text page captures (the seeds): a page is split into lines and blocks (runs of non-blank
lines), chrome is marked from repetition (within the page, as runs, across the publisher's
corpus), vocabulary, line shapes (datelines, photo credits, comment and paywall headers, links
listed under a "Read also" label) and an optional profile, and articles are found from shape,
position and structure: a headline is a lone headline-shaped line followed by a standfirst or
prose and not preceded by prose, whose text up to the next headline holds a full paragraph, or
which repeats the structure of other teasers of a listing (the same label or date shape above,
the same "Read more" after); a short kicker above a headline and the standfirst or caption below
it are not headlines. The block just above a headline may hold the image caption and the section
label; the first paragraph after it (before any byline, date or photo) is the standfirst, the
rest, up to a comment section or paywall, the body. A listing page yields one teaser per
headline.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from toolkit.extract import boilerplate as bp
from toolkit.extract.base import (
    Candidate,
    Extractor,
    Item,
    Kind,
    RawInput,
    build_record,
    page_issue,
    read_page_bytes,
)
from toolkit.extract.captions import has_credit, split_credit
from toolkit.extract.dates import parse_printed_date
from toolkit.extract.profile import GENERIC, Profile, load_profile
from toolkit.extract.provenance import Span
from toolkit.extract.roles.model import MODEL_VERSION, LineRoleModel, read_stories
from toolkit.ids import normalize_text
from toolkit.issues import Issue

if TYPE_CHECKING:
    from toolkit.extract.context import ExtractContext
    from toolkit.raw import SourceEntry

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
        return (
            (
                f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
                "re-save the capture as UTF-8"
            ),
            line,
            column,
        )
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
            i + 1 < len(lines) and pairs[keys[i], keys[i + 1]] >= 2
        )
        if profile.is_boilerplate(line.text):
            line.chrome = "profile"
        elif bp.is_end_marker(line.text):
            line.chrome = "end"
        elif bp.is_inline_link(line.text):
            line.chrome = "related"
        elif bp.is_nav_label(line.text):
            line.chrome = "nav"
        elif bp.is_appeal(line.text) or bp.is_salutation(line.text):
            line.chrome = "appeal"
        elif bp.is_dateline(line.text):
            line.chrome = "date"
        elif bp.is_credit_line(line.text):
            line.chrome = "credit"
        elif counts[keys[i]] >= 3:
            line.chrome = "repeated"
        elif in_run:
            line.chrome = "run"
        elif context.is_corpus_chrome(publisher, line.text):
            line.chrome = "corpus"
    _mark_related(lines)
    for line, nxt in zip(lines, lines[1:], strict=False):
        # The title of an appeal box ("Magic that only works with you" / "We know you are
        # tired of ... Support us") is part of the appeal.
        if (
            line.chrome is None
            and line.names is None
            and nxt.chrome == "appeal"
            and nxt.block in (line.block, line.block + 1)
            and not bp.is_prose(line.text)
            and not has_credit(line.text)
            and bp.is_headline_shaped(line.text)
            and bp.is_prose(nxt.text)
        ):
            line.chrome = "appeal"


def _mark_related(lines: list[Line]) -> None:
    """Below a "Read also" / "Mehr zum Thema" label, the headlines of other stories: short
    headline-like lines not followed by text of their own (a teaser's headline is)."""
    for i, line in enumerate(lines):
        if not bp.is_related_label(line.text):
            continue
        for j in range(i + 1, len(lines)):
            current = lines[j]
            if current.chrome is not None:
                continue
            if (
                current.names is not None
                or bp.is_prose(current.text)
                or not bp.is_headline_shaped(current.text)
            ):
                break
            after = next(
                (lines[k] for k in range(j + 1, len(lines)) if lines[k].chrome is None), None
            )
            if after is not None and (
                bp.is_prose(after.text)
                or (bp.is_standfirst(after.text) and not bp.is_headline_shaped(after.text))
            ):
                break
            current.chrome = "related"


def _is_prose_block(block: list[Line]) -> bool:
    return len(block) == 1 and block[0].chrome is None and bp.is_prose(block[0].text)


def _first_text(page: Page, index: int) -> Line | None:
    """The first line below block ``index`` that could be article text: not chrome, not a
    byline, not an author's bare name."""
    # Indexes, not a slice: copying the rest of the page for every headline made a page of N
    # headline blocks cost N² (issue 12).
    for position in range(index + 1, len(page.blocks)):
        for ln in page.blocks[position]:
            if (
                ln.strong_chrome
                or ln.names is not None
                or (ln.chrome is None and (bp.is_bare_name(ln.text) or has_credit(ln.text)))
            ):
                continue
            # A repeated line (a section label above the next teaser) ends the search.
            return ln if ln.chrome is None else None
    return None


def _is_caption(page: Page, index: int) -> bool:
    """Whether the lone line of block ``index`` is a photo caption: it carries a credit, or the
    next line is a credit line."""
    if has_credit(page.blocks[index][0].text):
        return True
    nxt = page.blocks[index + 1][0] if index + 1 < len(page.blocks) else None
    prev = page.blocks[index - 1][-1] if index > 0 else None
    return (nxt is not None and nxt.chrome == "credit") or (
        prev is not None and prev.chrome == "credit"
    )


def _has_good(page: Page, start: int, stop: int) -> bool:
    return any(
        _status(ln) == "good" for b in page.blocks[start + 1 : stop] for ln in b if ln.names is None
    )


def _signature(line: Line) -> str | None:
    """What a line contributes to a listing's repeated structure: dates count as one shape;
    promos (subscribe, donate) count as nothing."""
    if line.chrome == "date":
        return "\0date"
    if bp.is_promo(line.text):
        return None
    return normalize_text(line.text)


def _above_signature(page: Page, index: int) -> str | None:
    """The signature of the line right above headline ``index`` when it is a label, not text."""
    if index == 0:
        return None
    line = page.blocks[index - 1][-1]
    if line.chrome is None and bp.is_prose(line.text):
        return None
    key = _signature(line)
    return None if key is None else "above\0" + key


def _signatures(page: Page, index: int, stop: int) -> list[str]:
    """The line just above headline ``index`` and the first chrome line after its text."""
    found = []
    above = _above_signature(page, index)
    if above is not None:
        found.append(above)
    seen_text = False
    for block in page.blocks[index + 1 : stop]:
        for ln in block:
            if ln.chrome is None:
                seen_text = True
            elif seen_text:
                key = _signature(ln)
                if key is not None:
                    found.append("after\0" + key)
                break
        else:
            continue
        break
    return found


def find_headlines(page: Page) -> list[int]:
    """Indexes of the blocks that open an article: a lone headline-shaped line, followed by
    a standfirst or prose, whose nearest block above (strong chrome skipped) is not prose, and
    whose text up to the next such headline holds a full paragraph, or, on a listing, repeats
    the structure of other teasers (the same line or label shape above the headline, the same
    "Read more" after the text): a promo line above a short blurb ("Get our magazine" / "Save
    big ...") has neither. When no block qualifies, the first headline-shaped block followed by
    prose and a full paragraph does."""
    shaped, opening = [], []
    blocks = page.blocks
    below: set[int] = set()
    for index, block in enumerate(blocks):
        line = block[0]
        if len(block) != 1 or line.chrome or line.names or not bp.is_headline_shaped(line.text):
            continue
        if index in below or _is_caption(page, index):
            # The standfirst of the headline above, or a photo caption, is no headline.
            continue
        first = _first_text(page, index)
        if first is None or not bp.is_standfirst(first.text):
            continue
        if bp.is_label_shaped(line.text) and bp.is_headline_shaped(first.text):
            continue  # a kicker ("Guerre en Ukraine") right above the headline
        below.add(first.block)
        shaped.append(index)
        above = index - 1
        while above >= 0 and all(ln.strong_chrome for ln in blocks[above]):
            above -= 1
        if above < 0 or not _is_prose_block(blocks[above]):
            opening.append(index)
    # On a listing, a teaser's headline may sit right below the previous teaser's text (only a
    # "Read more" between): the same label or date shape above several headlines makes it one.
    above_keys = {i: _above_signature(page, i) for i in shaped}
    shared = Counter(key for key in above_keys.values() if key is not None)
    found = [
        i
        for i in shaped
        if i in opening or ((key := above_keys[i]) is not None and shared[key] >= 2)
    ]
    while True:
        stops = [*found[1:], len(blocks)][: len(found)]
        shapes = [_signatures(page, i, stop) for i, stop in zip(found, stops, strict=True)]
        counts = Counter(sig for sigs in shapes for sig in set(sigs))
        kept = [
            i
            for i, stop, sigs in zip(found, stops, shapes, strict=True)
            if _has_good(page, i, stop) or any(counts[sig] >= 2 for sig in sigs)
        ]
        if kept == found:
            break
        found = kept
    if found:
        return found
    stops = [*shaped[1:], len(blocks)][: len(shaped)]
    return [i for i, stop in zip(shaped, stops, strict=True) if _has_good(page, i, stop)][:1]


def _label_block(page: Page, title_index: int, floor: int) -> list[Line]:
    """The block right above a headline when it can hold its caption and section label."""
    above = title_index - 1
    if above <= floor or _is_prose_block(page.blocks[above]):
        return []
    if sum(ln.chrome is None for ln in page.blocks[above]) > 3:
        return []  # a menu, not a caption and a label
    return page.blocks[above]


def _is_section(line: Line, profile: Profile) -> bool:
    if profile.is_section(line.text):
        return True
    if line.strong_chrome or not bp.is_label_shaped(line.text):
        return False
    letters = [c for c in line.text if c.isalpha()]
    return (
        bp.title_case_ratio(line.text) >= 0.99
        or ":" in line.text
        or (bool(letters) and all(c.isupper() for c in letters))
    )


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


def build_candidate(
    page: Page, profile: Profile, title_index: int, stop: int, label: list[Line]
) -> Candidate | str:
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
            if (
                ln.chrome is None
                and normalize_text(ln.text) != title_key
                and len(bp.words(ln.text)) >= 3
            ):
                caption, start = ln.text, min(start, ln.no)
                break
    paragraphs: list[tuple[Line, str]] = []
    in_header = True
    # Once a byline, date or photo has been passed, the next paragraph is the article's first,
    # not its standfirst (a standfirst sits right under the headline).
    meta_seen = chrome_seen = False
    for block in page.blocks[title_index + 1 : stop]:
        for line in block:
            if profile.is_end(line.text):
                break
            if line.chrome == "end" and not in_header:
                break
            if line.names is not None:
                authors = authors or line.names
                meta_seen = True
                continue
            if in_header and line.chrome is not None:
                meta_seen = meta_seen or line.chrome in ("date", "credit")
                # Past share buttons or a prompt, only a credited line is still a caption.
                chrome_seen = chrome_seen or line.chrome not in ("date", "credit")
            if in_header and line.chrome is None:
                if bp.is_bare_name(line.text) and not authors and (dek is not None or meta_seen):
                    authors, meta_seen = [line.text], True
                    continue
                if profile.is_rubric(line.text) or (
                    bp.is_label_shaped(line.text)
                    and not bp.is_prose(line.text)
                    and len(bp.words(line.text)) < 3
                ):
                    continue
                if caption is None and has_credit(line.text):
                    caption, meta_seen = line.text, True
                    continue
                if dek is None and not meta_seen and bp.is_standfirst(line.text):
                    dek = line
                    continue
                if (
                    not bp.is_prose(line.text)
                    and caption is None
                    and not chrome_seen
                    and len(bp.words(line.text)) >= 3
                ):
                    caption, meta_seen = line.text, True
                    continue
                in_header = False
            # Chrome of the header counts for smoothing: a weak line right below it is chrome.
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
        title=title,
        body="\n\n".join(line.text for line in body),
        span=Span(start, end),
        section=section,
        dek=dek.text if dek else None,
        image_caption=split_credit(caption)[0] if caption else None,
        authors=authors,
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


def model_candidates(
    text: str,
    model: LineRoleModel | None = None,
    is_chrome: Callable[[str], bool] | None = None,
    url: str | None = None,
) -> tuple[list[Candidate], list[tuple[int, str]]]:
    """The articles the line-role model finds in a page's text, and ``(line, problem)`` for
    each story it cannot release (no headline, or a headline with no text below it)."""
    reading = read_stories(text, model, is_chrome, url)
    candidates: list[Candidate] = []
    problems: list[tuple[int, str]] = []
    for story, score in reading.dropped:
        what = f"the headline {story.title!r}" if story.title else "the text"
        problems.append(
            (
                min(story.lines),
                f"{what} and the text with it do not read as a news story of this page "
                f"(news score {score:.2f}): related links, a help, shop or job page, or a page "
                "furniture block",
            )
        )
    for story in reading.stories:
        first = min(story.lines)
        if story.title is None:
            problems.append(
                (first, "text with no headline above it (the capture may start below the headline)")
            )
            continue
        if not story.body:
            problems.append((first, f"the headline {story.title!r} has no article text below it"))
            continue
        candidates.append(
            Candidate(
                title=story.title,
                body="\n\n".join(story.body),
                span=Span(first, max(story.lines)),
                section=story.section,
                dek=story.dek,
                image_caption=story.caption,
                authors=story.authors,
                published=parse_printed_date(story.date),
            )
        )
    kind: Kind = "teaser" if len(candidates) > 1 else "article"
    for candidate in candidates:
        candidate.kind = kind
    problems.sort(key=lambda problem: problem[0])
    return candidates, problems


class TextExtractor(Extractor):
    """Articles and teasers from a plain-text page capture: the learned line-role model reads
    pages of any site; a site profile (``extract/profiles/``) switches to the profile's rules."""

    name = "text"
    version = f"{MODEL_VERSION}"

    def __init__(
        self, context: ExtractContext, model: LineRoleModel | None = None, *, rules: bool = False
    ) -> None:
        super().__init__(context)
        self.model = model
        #: Read every page with the generic rules of text@1.1.0 instead of the model (the
        #: baseline ``dtk evaluate --extractor rules`` measures).
        self.rules = rules

    def extract(self, path: RawInput, entry: SourceEntry) -> Iterator[Item]:
        profile = GENERIC
        if entry.profile:
            found = load_profile(entry.profile)
            if found is None:
                yield Issue(
                    entry.path,
                    entry.line,
                    "/profile",
                    "extract.unknown-profile",
                    f"no profile {entry.profile!r} in toolkit/profiles/; the generic "
                    "extractor was used",
                    severity="warning",
                )
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
        if profile is GENERIC and not self.rules:
            publisher = entry.publisher
            candidates, located = model_candidates(
                decoded,
                self.model,
                lambda line: self.context.is_corpus_chrome(publisher, line),
                entry.url,
            )
        else:
            mark_chrome(page, profile, self.context, entry.publisher)
            candidates, problems = find_articles(page, profile)
            located = [(1, problem) for problem in problems]
        yield from self._emit(entry, candidates, located)

    def _emit(
        self, entry: SourceEntry, candidates: list[Candidate], located: list[tuple[int, str]]
    ) -> Iterator[Item]:
        """The page's problems as issues, then its records (or one issue saying it has none)."""
        for line, problem in located:
            yield page_issue(entry, "extract.no-article", problem, line=line)
        if not candidates and not located:
            yield page_issue(
                entry,
                "extract.no-article",
                "no headline followed by article text was found on the page",
            )
        for candidate in candidates:
            if candidate.kind == "article":
                # A page holding one article is that article: its address is the article's.
                candidate.url = entry.url
            yield build_record(candidate, entry, self.tag)
