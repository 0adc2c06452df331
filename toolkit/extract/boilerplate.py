"""What site chrome looks like, in words and in shape, for any publisher: newsletter, donation,
subscription and navigation vocabulary in several languages, reader-address density, and the
shapes of headlines, labels and prose lines. The text extractor combines these cues with
repetition evidence; nothing here knows a particular site.
"""

from __future__ import annotations

import re
import unicodedata

#: Phrases that mark a short line as an appeal or a prompt rather than reporting.
_APPEAL = re.compile(
    r"""
    \bsign[ -]?up\b | \bsubscri(?:be|ption)\b | \bnewsletters?\b | \bdonat(?:e|ion|ions|ing)\b
    | \bdonors?\b | tax[- ]deductible | \bchip\ in\b | \bfundrais | \bclick\ away\b
    | \bsupport\ (?:our|independent)\ (?:journalism|work|reporting|newsroom)\b | \bsupport\ us\b
    | \byour\ inbox\b | \bstay\ up[- ]to[- ]date\b
    | \bfollow\ us\b | \bshare\ this\b | \bbecome\ a\ (?:member|patron|supporter)\b
    | \ball\ rights\ reserved\b | \bprivacy\ policy\b | \bcookies?\b
    | \bterms\ of\ (?:use|service)\b
    | \bwatch\ video | \bshow\ (?:less|more)\b | \bread\ more\b | \bload\ more\b | \blog\ ?in\b
    | \bsponsored\b | \badvertisement\b
    # ru / uk
    | подпис(?:аться|ывайтесь|ка|ки|ку)\b | підпис(?:атися|уйтесь|ка|ки|ку)\b | рассылк | розсилк
    | пожертвовани | пожертв[уи]\b | поддержите | підтримайте | читайте\ (?:также|також)
    | все\ права\ защищены | всі\ права\ захищені
    # de
    | abonnier | \bspende | unterstützen\ sie | \banzeige\b | weiterlesen | mehr\ zum\ thema
    # fr
    | abonnez | s['’]abonner | lettre\ d['’]information | faire\ un\ don | soutenez | publicité
    | lire\ aussi
    # es / pt / it
    | suscr[ií]b | bolet[ií]n | \bdon[ae]\ ahora | publicidad | lee\ también | assine
    | iscriviti | abbonati
    """,
    re.IGNORECASE | re.VERBOSE,
)
#: Whole lines that are navigation labels (compared case-folded, punctuation stripped).
_NAV_LABELS = frozenset({
    "latest", "latest news", "we recommend", "recommended", "related", "related articles",
    "related stories", "read more", "more", "most read", "most popular", "popular", "trending",
    "share", "tweet", "email", "print", "comments", "menu", "search", "home", "next", "previous",
    "top stories", "subscribe", "donate", "advertisement", "more stories", "see also",
    "главное", "читайте также", "новости", "реклама", "головне", "читайте також", "новини",
    "mehr", "lesen sie auch", "à lire aussi", "lire aussi", "más", "lee también",
})
#: Pronouns of an appeal to the reader ("we need you"), counted per word.
ADDRESS = frozenset({
    "we", "our", "us", "you", "your", "yours", "мы", "нас", "наш", "наша", "наши", "вы", "вас",
    "ваш", "ми", "ви", "nous", "notre", "vous", "votre", "wir", "uns", "unser", "ihr",
    "nosotros", "nuestro", "usted",
})
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$")
_BYLINE = re.compile(
    r"^(?:(?:see\ )?more\ (?:by|from)|articles\ by|written\ by|by|par|von|por|di|door|автор(?:ы)?:?"
    r"|текст:?)\s+(?P<names>[^\W\d_][^\n]{1,120})$",
    re.IGNORECASE | re.VERBOSE,
)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\bund\b|\bet\b|\by\b|\bи\b|\bі\b|&)\s*")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def is_appeal(line: str) -> bool:
    """A line with newsletter, donation, subscription or navigation vocabulary that is also
    short or speaks to the reader: reporting *about* donations (a war-time crowdfunding story)
    is long and in the third person, so it stays."""
    if len(line) > 300 or _APPEAL.search(line) is None:
        return False
    return len(line) <= 80 or any(w.casefold() in ADDRESS for w in words(line))


def is_nav_label(line: str) -> bool:
    """A line that is only a navigation label ("Latest", "We Recommend")."""
    key = "".join(c for c in line.casefold() if not unicodedata.category(c).startswith("P"))
    return " ".join(key.split()) in _NAV_LABELS


def address_density(line: str) -> float:
    """Share of words that address the reader or speak for the outlet (we, our, you, ...)."""
    found = [w.casefold() for w in words(line)]
    return sum(w in ADDRESS for w in found) / len(found) if found else 0.0


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
    match = _BYLINE.match(line.strip())
    if match is None:
        return None
    names = [n.strip(" .") for n in _NAME_SPLIT.split(match.group("names")) if n.strip(" .")]
    if not names or any(len(words(n)) > 4 or not n[0].isupper() for n in names):
        return None
    return names
