"""Printed dates to ISO dates. A page prints its date in the reader's language ("16 Чер 2020",
"September 27, 2022", "27.09.2022"); the schema's ``published`` takes ``YYYY-MM-DD``. Only
unambiguous forms are read: a date that could be day-first or month-first is left out.
"""

from __future__ import annotations

import re
import unicodedata

#: Month-name stems (case-folded, accents removed) in the corpus languages, by month number.
_MONTH_STEMS = {
    1: ("jan", "ene", "gen", "янв", "січ", "stycz", "janv"),
    2: ("feb", "fev", "февр", "лют", "lut", "fevr"),
    3: ("mar", "märz", "marz", "март", "берез", "mars"),
    4: ("apr", "avr", "abr", "апр", "квіт", "kwie"),
    5: ("may", "mai", "mag", "мая", "май", "трав", "maj"),
    6: ("jun", "juin", "giu", "июн", "чер", "czer"),
    7: ("jul", "juil", "lug", "июл", "лип", "lip"),
    8: ("aug", "aout", "ago", "авг", "серп", "sierp"),
    9: ("sep", "set", "сент", "вер", "wrze"),
    10: ("oct", "okt", "ott", "out", "окт", "жовт", "paźdz", "pazdz"),
    11: ("nov", "нояб", "лист", "listop"),
    12: ("dec", "dez", "dic", "дек", "груд", "grud"),
}
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DOTTED = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})\.?\s+([^\W\d_]{3,12})\.?,?\s+(\d{4})\b")
_MONTH_DAY = re.compile(r"\b([^\W\d_]{3,12})\.?\s+(\d{1,2}),?\s+(\d{4})\b")


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def month_number(word: str) -> int | None:
    """The month a month name (or its abbreviation) names, or None."""
    key = _fold(word)
    for number, stems in _MONTH_STEMS.items():
        if any(key.startswith(_fold(stem)) for stem in stems):
            return number
    return None


def _valid(year: int, month: int, day: int) -> str | None:
    import datetime

    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_printed_date(text: str | None) -> str | None:
    """The ISO date printed in ``text``, or None when there is none or it is ambiguous."""
    if not text:
        return None
    if match := _ISO.search(text):
        return _valid(int(match[1]), int(match[2]), int(match[3]))
    if match := _DOTTED.search(text):
        return _valid(int(match[3]), int(match[2]), int(match[1]))
    if (match := _DAY_MONTH.search(text)) and (month := month_number(match[2])):
        return _valid(int(match[3]), month, int(match[1]))
    if (match := _MONTH_DAY.search(text)) and (month := month_number(match[1])):
        return _valid(int(match[3]), month, int(match[2]))
    return None
