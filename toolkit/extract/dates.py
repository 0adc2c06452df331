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


_TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]{1,9}))?)?"
    r"\s*(?:([Zz]|UTC|GMT)|([+-])([0-9]{2}):?([0-9]{2})?)?)?",
    re.ASCII,
)
_ARC_DATE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})", re.ASCII)
#: Years outside this range are a placeholder or a typo, not the date of a page.
_YEARS = range(1900, 2101)
#: The Unix epoch, the date content systems print when they have none.
_EPOCH = "1970-01-01"


def parse_timestamp(text: object, *, date_only: bool = True) -> str | None:
    """An ISO 8601 date or date-time (as ``datePublished``, ``article:published_time`` or
    ``WARC-Date`` print it) as the schema takes it: an RFC 3339 date-time when the text has a
    time of day and an offset from UTC, else the date alone (``YYYY-MM-DD``), or None when
    ``date_only`` is false. A 14-digit ARC timestamp (UTC) is read too. Anything that is not a
    real date, or one before 1900 or after 2100, gives None."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    text = text.strip()
    if match := _ARC_DATE.fullmatch(text):
        year, month, day, hour, minute, second = match.groups()
        offset: str | None = "Z"
        fraction = ""
    elif match := _TIMESTAMP.fullmatch(text):
        year, month, day, hour, minute, second = match.groups()[:6]
        fraction = f".{match[7]}" if match[7] else ""
        if match[8]:
            offset = "Z"
        elif match[9]:
            offset = f"{match[9]}{match[10]}:{match[11] or '00'}"
            if int(match[10]) > 23 or int(match[11] or 0) > 59:
                return None
        else:
            offset = None
    else:
        return None
    if int(year) not in _YEARS or _valid(int(year), int(month), int(day)) is None:
        return None
    date = f"{year}-{month}-{day}"
    if date == _EPOCH:
        return None
    if hour is not None and (int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59):
        return None
    if hour is None or offset is None:
        return date if date_only else None
    return f"{date}T{hour}:{minute}:{second or '00'}{fraction}{offset}"
