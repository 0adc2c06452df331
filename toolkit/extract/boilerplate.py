"""What site chrome looks like, in words and in shape, for any publisher: newsletter, donation,
subscription and navigation vocabulary in several languages, reader-address density, and the
shapes of headlines, labels and prose lines. The text extractor combines these cues with
repetition evidence; nothing here knows a particular site.

The words themselves are data, one file per language in ``toolkit/extract/cues/`` (see
``vocabulary``); this module gives them their shapes, compiled once on first use.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from toolkit.extract.vocabulary import load_cues

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$")

#: Pronouns of an appeal to the reader ("we need you"), counted per word; read lazily from the
#: cue files (module ``__getattr__``).
ADDRESS: frozenset[str]


def _any(patterns: Iterable[str]) -> str:
    """One alternation of ``patterns``; with none, an expression that never matches."""
    return "|".join(patterns) or "(?!)"


def _label_key(line: str) -> str:
    key = "".join(c for c in line.casefold() if not unicodedata.category(c).startswith("P"))
    return " ".join(key.split())


@dataclass(frozen=True)
class _Compiled:
    """The cue files' vocabulary set into the shapes of the predicates below."""

    appeal: re.Pattern[str]
    nav_labels: frozenset[str]
    related_labels: frozenset[str]
    end: re.Pattern[str]
    salutation: re.Pattern[str]
    promo: re.Pattern[str]
    month: re.Pattern[str]
    date_part: re.Pattern[str]
    credit_line: re.Pattern[str]
    inline_label: re.Pattern[str]
    address: frozenset[str]
    byline: re.Pattern[str]
    name_split: re.Pattern[str]


@cache
def _cues() -> _Compiled:
    cues = load_cues()
    months = _any(cues.months)
    # A day and month, a numeric date or time, or a relative time ("5 min read", "2 hours ago").
    date_part = (
        rf"\b\d{{1,2}}\.?\s+(?:{months})\b\.?|\b(?:{months})\.?\s+\d{{1,2}}\b"
        r"|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[:.h]\d{2}\b"
        rf"|\b\d+\s*(?:{_any(cues.relative_times)})\b"
    )
    end = [
        rf"(?:{_any(cues.comment_headers)})(?:\s*\(?\d+\)?)?",
        rf"\d+\s+(?:{_any(cues.comment_counts)})",
        *cues.end_markers,
    ]
    return _Compiled(
        appeal=re.compile(_any(cues.appeal), re.IGNORECASE),
        nav_labels=frozenset(_label_key(label) for label in cues.nav_labels),
        related_labels=frozenset(_label_key(label) for label in cues.related_labels),
        # A comment section ("Comments (12)", "12 comments") or a paywall prompt.
        end=re.compile(rf"^(?:{_any(end)})$", re.IGNORECASE),
        salutation=re.compile(
            rf"^(?:{_any(cues.salutations)})\b[^.]{{0,30}}[,!:]?$", re.IGNORECASE
        ),
        promo=re.compile(_any(cues.promo), re.IGNORECASE),
        month=re.compile(months, re.IGNORECASE),
        date_part=re.compile(date_part, re.IGNORECASE),
        credit_line=re.compile(
            rf"^(?:{_any(cues.credit_words)})\s*(?:{_any(cues.credit_separators)})\s*\S.{{0,80}}$",
            re.IGNORECASE,
        ),
        inline_label=re.compile(rf"^(?:{_any(cues.inline_labels)})\s*[:|]\s*\S", re.IGNORECASE),
        address=frozenset(word.casefold() for word in cues.address),
        byline=re.compile(
            rf"^(?:{_any(cues.byline_openers)})\s+(?P<names>[^\W\d_][^\n]{{1,120}})$",
            re.IGNORECASE,
        ),
        name_split=re.compile(rf"\s*(?:{_any(cues.name_separators)})\s*"),
    )


def __getattr__(name: str) -> frozenset[str]:
    if name == "ADDRESS":
        return _cues().address
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def is_appeal(line: str) -> bool:
    """A line with newsletter, donation, subscription or navigation vocabulary that is also
    short or speaks to the reader: reporting *about* donations (a war-time crowdfunding story)
    is long and in the third person, so it stays."""
    if len(line) > 300 or _cues().appeal.search(line) is None:
        return False
    return len(line) <= 80 or any(w.casefold() in _cues().address for w in words(line))


def is_nav_label(line: str) -> bool:
    """A line that is only a navigation label ("Latest", "We Recommend")."""
    return _label_key(line) in _cues().nav_labels


def address_density(line: str) -> float:
    """Share of words that address the reader or speak for the outlet (we, our, you, ...)."""
    found = [w.casefold() for w in words(line)]
    return sum(w in _cues().address for w in found) / len(found) if found else 0.0


def ends_sentence(line: str) -> bool:
    return _SENTENCE_END.search(line) is not None


def is_prose(line: str) -> bool:
    """A paragraph of running text: long, or a finished sentence of some length."""
    return len(line) >= 100 or (len(line) >= 40 and ends_sentence(line) and len(words(line)) >= 6)


def title_case_ratio(line: str) -> float:
    """Share of words of four or more letters that start with a capital."""
    long_words = [w for w in words(line) if len(w) >= 4]
    if not long_words:
        return 0.0
    return sum(w[0].isupper() for w in long_words) / len(long_words)


def is_headline_shaped(line: str) -> bool:
    """Three to thirty words, not ending like a sentence fragment (a headline may end in ? or
    !), starting with a capital, digit or quote."""
    n = len(words(line))
    if not 3 <= n <= 30 or len(line) > 250:
        return False
    if line.rstrip("\"'”’»").endswith((".", ",", ";", ":", "…")):
        return False
    first = line[0]
    return first.isupper() or first.isdigit() or first in "\"'“‘«"


def is_label_shaped(line: str) -> bool:
    """A rubric or section label: at most five words and 40 characters, no sentence."""
    return 1 <= len(words(line)) <= 5 and len(line) <= 40 and not ends_sentence(line.rstrip("-–— "))


def byline_names(line: str) -> list[str] | None:
    """The names of a byline line ("By A and B", "See more by A"), or None if it is not one."""
    match = _cues().byline.match(line.strip())
    if match is None:
        return None
    # "Par Benoît Vitkine (Moscou, correspondant)": the role in brackets is not a name.
    given = re.sub(r"\s*\([^()]*\)\s*$", "", match.group("names"))
    names = [n.strip(" .") for n in _cues().name_split.split(given) if n.strip(" .")]
    if not names or any(len(words(n)) > 4 or not n[0].isupper() for n in names):
        return None
    return names


def is_related_label(line: str) -> bool:
    """A label that opens a list of links to other stories ("Read also:", "Mehr zum Thema")."""
    return _label_key(line) in _cues().related_labels


def is_inline_link(line: str) -> bool:
    """A link to another story or a tag list set inside the text ("Read also: ...", "Tags: ...")."""
    return len(line) <= 300 and _cues().inline_label.match(line) is not None


def is_end_marker(line: str) -> bool:
    """A comment-section header or a paywall prompt: the article text does not go on below it."""
    return len(line) <= 120 and _cues().end.match(line.strip()) is not None


def is_salutation(line: str) -> bool:
    """A salutation to the readers ("Dear readers,"): the start of a letter asking for money."""
    return len(line) <= 60 and _cues().salutation.match(line.strip()) is not None


def is_promo(line: str) -> bool:
    """A line that sells a subscription, a membership or a donation."""
    return _cues().promo.search(line) is not None


def is_dateline(line: str) -> bool:
    """A line that is only a date or time stamp ("28 September 2022", "03.10.2022, 18.03 Uhr",
    "Publié le 29 septembre 2022 à 06h00", "2 hours ago", "3 min read"): a day and month, a
    numeric date or a time, and at most two other words of four or more letters."""
    if len(line) > 90 or ends_sentence(line.rstrip(".")) and not line.endswith("."):
        return False
    cues = _cues()
    if not cues.date_part.search(line):
        return False
    rest = cues.date_part.sub(" ", line)
    others = [w for w in words(rest) if len(w) >= 4 and not cues.month.fullmatch(w)]
    return len(others) <= 2


def is_credit_line(line: str) -> bool:
    """A photo credit on its own line ("Photo: Anna Ivanova / Agency", "Фото: Reuters")."""
    return len(line) <= 100 and _cues().credit_line.match(line.strip()) is not None


def is_standfirst(line: str) -> bool:
    """A standfirst or a teaser's text: prose, a short finished sentence, or a long sentence
    that the page leaves without a final period."""
    if is_prose(line) or (
        len(line) >= 25
        and ends_sentence(line)
        and len(words(line)) >= 5
        and not line.rstrip().endswith(":")
    ):
        return True
    return len(line) >= 60 and len(words(line)) >= 8 and not line.rstrip().endswith(":")


def is_bare_name(line: str) -> bool:
    """Two or three capitalised words and nothing else: an author's name printed without "By"."""
    found = words(line)
    if not 2 <= len(found) <= 3 or len(line) > 40 or ends_sentence(line.rstrip(".")):
        return False
    if any(c.isdigit() for c in line):
        return False
    rest = line
    for w in found:
        rest = rest.replace(w, "")
    capitalised = all(w[0].isupper() and (len(w) == 1 or not w.isupper()) for w in found)
    return capitalised and not rest.strip(" .")
