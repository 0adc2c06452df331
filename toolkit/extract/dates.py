"""Printed dates to ISO dates. A page prints its date in the reader's language ("16 Чер 2020",
"September 27, 2022", "27.09.2022"); the schema's ``published`` takes ``YYYY-MM-DD``. Only
unambiguous forms are read: a date that could be day-first or month-first is left out.
"""

from __future__ import annotations

import re

from toolkit.extract.vocabulary import fold, load_cues

_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DOTTED = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})\.?\s+([^\W\d_]{3,12})\.?,?\s+(\d{4})\b")
_MONTH_DAY = re.compile(r"\b([^\W\d_]{3,12})\.?\s+(\d{1,2}),?\s+(\d{4})\b")


def month_number(word: str) -> int | None:
    """The month a month name (or its abbreviation) names, or None. The stems are the cue
    files' ``month_stems`` (``toolkit/extract/cues/<language>.json``)."""
    key = fold(word)
    for number, stems in enumerate(load_cues().month_stems, start=1):
        if key.startswith(stems):
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
