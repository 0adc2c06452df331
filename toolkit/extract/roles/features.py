"""Shallow features of each line of a page, for the line-role model. Each line is described by
its own shape (length, words, punctuation, capitals, digits), its place (position, blank lines
around it, block), repetition on the page, the cue words of ``boilerplate`` (today's rules,
kept as evidence rather than verdicts), and the same facts about its neighbours.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from toolkit.extract import boilerplate as bp
from toolkit.extract.captions import has_credit
from toolkit.extract.roles.slug import slug_overlap, slug_words

#: A capture-time date the page store puts before the page text ("date 2022-09-27 ...").
CAPTURE_DATE = re.compile(r"^\s*date (\d{4}-\d{2}(?:-\d{2})?)(?:\s+|$)")
_TIME = re.compile(r"^\d{1,2}[:.h]\d{2}(?:\s*(?:am|pm|uhr))?$", re.IGNORECASE)
_URLISH = re.compile(r"https?://|www\.|\.(?:com|org|net|ru|ua|pl|de|fr|es|it)\b", re.IGNORECASE)
_BULLET = re.compile(r"^[•·*▪►▶–—-]\s")
_ENDS_SENTENCE = re.compile(r"[.!?…:;)\]\"'”’»|]\s*$")
_SENTENCE_SPLIT = re.compile(r"[.!?…][\"'”’»)]*\s+(?=[\"'“‘«(]?[^\W\d_])")


@dataclass(slots=True)
class PageLine:
    """One non-blank line: its 1-based number in the file and its text without the surrounding
    whitespace (and without a leading capture date)."""

    no: int
    text: str
    blank_before: bool
    blank_after: bool


def page_lines(text: str) -> tuple[list[PageLine], str | None]:
    """The non-blank lines of ``text`` and the capture date the page store put in front of it,
    if any. Only ``\\n`` ends a line, so numbers match what ``sed -n`` shows."""
    capture_date = None
    match = CAPTURE_DATE.match(text)
    if match:
        capture_date = match.group(1)
        text = " " * match.end() + text[match.end() :]
    raw = text.split("\n")
    lines: list[PageLine] = []
    for i, line in enumerate(raw):
        stripped = line.strip()
        if stripped:
            before = i == 0 or not raw[i - 1].strip()
            after = i + 1 == len(raw) or not raw[i + 1].strip()
            lines.append(PageLine(i + 1, stripped, before, after))
    return lines, capture_date


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _bucket(value: float, edges: tuple[float, ...]) -> str:
    for i, edge in enumerate(edges):
        if value < edge:
            return str(i)
    return str(len(edges))


#: How far (in lines) a line is compared with its neighbours: a bounded window keeps the
#: features linear in the page's length.
NEAR = 6
_LEN_EDGES = (4, 12, 25, 45, 70, 100, 160, 260, 500)
_WORD_EDGES = (2, 3, 5, 8, 12, 18, 30, 60)


def line_features(text: str) -> dict[str, float | str]:
    """Facts about one line on its own."""
    n = len(text)
    found = bp.words(text)
    n_words = len(found)
    letters = sum(c.isalpha() for c in text) or 1
    upper = sum(c.isupper() for c in text)
    digits = sum(c.isdigit() for c in text)
    punct = sum(unicodedata.category(c).startswith("P") for c in text)
    last = text.rstrip("\"'”’»)]")[-1:] or text[-1:]
    first = text[:1]
    f: dict[str, float | str] = {
        "len": _bucket(n, _LEN_EDGES),
        "words": _bucket(n_words, _WORD_EDGES),
        "loglen": math.log1p(n) / 7,
        "upper": upper / letters,
        "digits": digits / max(n, 1),
        "punct": punct / max(n, 1),
        "titlecase": bp.title_case_ratio(text),
        "last": last
        if last in '.!?…:;,-–—|»"”)'
        else ("a" if last.isalpha() else "d" if last.isdigit() else "x"),
        "first": "U"
        if first.isupper()
        else "l"
        if first.islower()
        else "d"
        if first.isdigit()
        else "q"
        if first in "\"'“‘«„"
        else "p",
        "sentences": _bucket(len(_SENTENCE_SPLIT.findall(text)) + 1, (2, 3, 5)),
        "commas": _bucket(text.count(","), (1, 2, 4)),
    }
    flags = {
        "appeal": bp.is_appeal(text),
        "nav": bp.is_nav_label(text),
        "related": bp.is_related_label(text),
        "inline_link": bp.is_inline_link(text),
        "end": bp.is_end_marker(text),
        "promo": bp.is_promo(text),
        "salutation": bp.is_salutation(text),
        "dateline": bp.is_dateline(text),
        "credit_line": bp.is_credit_line(text),
        "has_credit": has_credit(text),
        "byline": bp.byline_names(text) is not None,
        "bare_name": bp.is_bare_name(text),
        "prose": bp.is_prose(text),
        "standfirst": bp.is_standfirst(text),
        "headline_shape": bp.is_headline_shaped(text),
        "label_shape": bp.is_label_shaped(text),
        "time": _TIME.match(text) is not None,
        "url": _URLISH.search(text) is not None,
        "bullet": _BULLET.match(text) is not None,
        "pipe": "|" in text,
        "copyright": "©" in text or "(c)" in text.casefold(),
        "at": "@" in text,
        "address": bp.address_density(text) >= 0.1,
        "allcaps": n_words >= 1 and upper / letters > 0.8,
    }
    for name, on in flags.items():
        if on:
            f[name] = 1.0
    return f


#: Features copied from a neighbour, under a prefix.
_NEIGHBOUR = (
    "len",
    "words",
    "last",
    "first",
    "prose",
    "dateline",
    "headline_shape",
    "label_shape",
    "appeal",
    "byline",
    "time",
    "has_credit",
    "standfirst",
    "loglen",
    "upper",
    "titlecase",
    "digits",
    "punct",
)


def _runs(flags: list[bool]) -> list[int]:
    """For each position, the length of the run of consecutive True flags it stands in."""
    out = [0] * len(flags)
    i = 0
    while i < len(flags):
        if not flags[i]:
            i += 1
            continue
        j = i
        while j < len(flags) and flags[j]:
            j += 1
        for k in range(i, j):
            out[k] = j - i
        i = j
    return out


def _distances(flags: list[bool], reverse: bool) -> list[int]:
    """For each position, how many lines back (or ahead) the nearest True flag is (99: none)."""
    out = [99] * len(flags)
    last = None
    order = range(len(flags) - 1, -1, -1) if reverse else range(len(flags))
    for i in order:
        if last is not None:
            out[i] = abs(i - last)
        if flags[i]:
            last = i
    return out


def _context(own: list[dict[str, float | str]]) -> list[dict[str, float | str]]:
    """Evidence from the lines around each line, computed in linear time: headlines stand
    alone above text, while related links, menus and tag lists come in runs of short lines."""
    prose = ["prose" in f or "standfirst" in f for f in own]
    shaped = ["headline_shape" in f and not p for f, p in zip(own, prose, strict=True)]
    chrome = [any(k in f for k in ("appeal", "nav", "related", "end", "promo")) for f in own]
    runs = _runs(shaped)
    before_prose = _distances(prose, reverse=True)
    after_prose = _distances(prose, reverse=False)
    after_chrome = _distances(chrome, reverse=False)
    edges = (1, 2, 3, 5, 10)
    # The page's kind shows in its rhythm: a listing repeats "headline, then a short teaser",
    # an article has one long run of prose.
    teasers = sum(a and b for a, b in zip(shaped, prose[1:], strict=False))
    longest_prose = max(_runs(prose), default=0)
    page = {
        "page_teasers": _bucket(teasers, edges),
        "page_prose_run": _bucket(longest_prose, edges),
    }
    return [
        {
            "run_shaped": _bucket(runs[i], edges),
            "next_prose": _bucket(before_prose[i], edges),
            "prev_prose": _bucket(after_prose[i], edges),
            "prev_chrome": _bucket(after_chrome[i], edges),
            **page,
        }
        for i in range(len(own))
    ]


def page_features(lines: list[PageLine], url: str | None = None) -> list[dict[str, float | str]]:
    """Features of every line of a page, in order, with their neighbours' and their place, and
    how much of each line the page's ``url`` spells (see ``slug``)."""
    own = [line_features(line.text) for line in lines]
    slug = slug_words(url)
    overlaps = [slug_overlap(line.text, slug) for line in lines]
    best = max(overlaps, default=0.0)
    keys = [_key(line.text) for line in lines]
    counts = Counter(keys)
    total = len(lines)
    lengths = sorted(len(line.text) for line in lines)
    median = lengths[total // 2] if lengths else 1
    prose_share = sum("prose" in f for f in own) / max(total, 1)
    context = _context(own)
    # A capture cut mid-sentence has no real end: its last lines are not the footer.
    cut = bool(lines) and not _ENDS_SENTENCE.search(lines[-1].text)
    out: list[dict[str, float | str]] = []
    block = 0
    for i, line in enumerate(lines):
        if line.blank_before and i:
            block += 1
        f = dict(own[i])
        f["bias"] = 1.0
        f["pos"] = _bucket(i, (1, 2, 3, 5, 8, 13, 21))
        if not cut:
            f["relpos"] = i / max(total - 1, 1)
        f["from_end"] = "cut" if cut else _bucket(total - 1 - i, (1, 2, 4, 8))
        f["blank_before"] = float(line.blank_before)
        f["blank_after"] = float(line.blank_after)
        f["block"] = _bucket(block, (1, 2, 3, 5, 8))
        if counts[keys[i]] > 1:
            f["repeated"] = 1.0
        near = keys[max(0, i - NEAR) : i + NEAR + 1]
        if len(keys[i]) >= 20 and any(k != keys[i] and keys[i] in k for k in near):
            f["contained"] = 1.0
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if 0 <= j < total:
                for name in _NEIGHBOUR:
                    if name in own[j]:
                        f[f"{offset}:{name}"] = own[j][name]
            else:
                f[f"{offset}:none"] = 1.0
        if i + 1 < total:
            f["next_longer"] = float(len(lines[i + 1].text) > 1.5 * len(line.text))
            f["next_ratio"] = math.log((len(lines[i + 1].text) + 1) / (len(line.text) + 1))
        if i:
            f["prev_ratio"] = math.log((len(lines[i - 1].text) + 1) / (len(line.text) + 1))
        f["median_ratio"] = math.log((len(line.text) + 1) / (median + 1))
        f["page_prose"] = prose_share
        f.update(context[i])
        f["page_lines"] = math.log1p(total)
        if slug:
            f["page_slug"] = 1.0
            f["slug"] = overlaps[i]
            if overlaps[i] >= 0.5 and overlaps[i] == best:
                f["slug_best"] = 1.0
        f["line_index"] = float(min(i, 30))
        found = bp.words(line.text)
        if found:
            f["w0=" + found[0].casefold()[:12]] = 1.0
            f["wN=" + found[-1].casefold()[:12]] = 1.0
        out.append(f)
    return out
