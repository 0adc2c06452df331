"""Turning the bytes of one JSON text into a value or into precise issues.

The fast path is ``orjson``; only when it refuses a text do we work out why (bad UTF-8 with its
byte offset, NaN, truncation, syntax with a byte column) using the standard library. Duplicate
keys, which every fast parser silently collapses, are caught by counting key tokens.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

from toolkit.issues import Issue
from toolkit.readers.messages import syntax_message

_SPACED_COLON = re.compile(rb'"[ \t\r\n]+:')
_STRING_OR_KEY = re.compile(rb'"(?:[^"\\]|\\.)*"(\s*:)?', re.DOTALL)


class _NonFinite(ValueError):
    pass


class _Unstorable(ValueError):
    """A number literal no 64-bit float holds: ``(rule, literal)``."""

    def __init__(self, rule: str, literal: str) -> None:
        super().__init__(literal)
        self.rule, self.literal = rule, literal


#: CPython refuses to convert longer digit strings (``sys.int_info.default_max_str_digits``);
#: any integer that long overflows a float anyway.
_MAX_INT_DIGITS = 4300
#: A surrogate escape that is not half of a pair (``\ud800`` alone, or a low half first), after
#: an even number of backslashes (an odd one escapes the ``\u`` itself).
_LONE_SURROGATE = re.compile(
    r"(?<!\\)(?:\\\\)*(\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2})"
)


def _reject_constant(name: str) -> Any:
    raise _NonFinite(name)


def _parse_int(literal: str) -> int:
    if len(literal.lstrip("-")) > _MAX_INT_DIGITS:
        raise _Unstorable("json.integer-too-large", literal)
    value = int(literal)
    try:
        float(value)
    except OverflowError:
        raise _Unstorable("json.integer-too-large", literal) from None
    return value


def _parse_float(literal: str) -> float:
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        raise _Unstorable("json.number-overflow", literal)
    return value


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


def _count_keys(value: Any) -> int:
    """Keys in ``value`` and every object nested in it (exact types: orjson makes only these)."""
    if type(value) is dict:
        count = len(value)
        for item in value.values():
            if type(item) is dict or type(item) is list:
                count += _count_keys(item)
        return count
    count = 0
    for item in value:
        if type(item) is dict or type(item) is list:
            count += _count_keys(item)
    return count


def _duplicate_key(pairs_value: Any, pointer: str = "") -> tuple[str, str] | None:
    """Find the first duplicate key in a value parsed with pairs kept: (pointer of object, key)."""
    if isinstance(pairs_value, _Pairs):
        seen: set[str] = set()
        for key, _ in pairs_value:
            if key in seen:
                return pointer, key
            seen.add(key)
        for key, sub in pairs_value:
            found = _duplicate_key(sub, f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}")
            if found:
                return found
    elif isinstance(pairs_value, list):
        for index, sub in enumerate(pairs_value):
            found = _duplicate_key(sub, f"{pointer}/{index}")
            if found:
                return found
    return None


class _Pairs(list[tuple[str, Any]]):
    pass


def find_duplicate_key(raw: bytes, value: Any) -> tuple[str, str] | None:
    """``(pointer, key)`` of a duplicate key in ``raw`` (already parsed to ``value``), or None.

    Cheap when there is none: the key tokens in the text are counted against the keys parsed.
    Without any escaped quote in the text, every ``"`` delimits a string, so each ``":`` ends a
    key and a plain byte count is exact; otherwise a tokenising regex counts them.
    """
    keys = _count_keys(value)
    # A key followed by whitespace before its colon escapes the byte count (#6 review).
    if b'\\"' not in raw and raw.count(b'":') == keys and not _SPACED_COLON.search(raw):
        return None
    tokens = sum(1 for m in _STRING_OR_KEY.finditer(raw) if m.group(1))
    if tokens == keys:
        return None
    pairs = json.loads(raw.decode("utf-8"), object_pairs_hook=_Pairs)
    return _duplicate_key(pairs)


def _byte_column(text: str, char_pos: int) -> int:
    return len(text[:char_pos].encode("utf-8")) + 1


def diagnose(raw: bytes, *, file: str, line: int, unterminated: bool) -> Issue:
    """Why ``orjson`` refused ``raw``: one issue with the most useful rule and column."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Issue(
            file,
            line,
            "",
            "encoding.utf8",
            f"invalid UTF-8 byte 0x{raw[exc.start]:02x} at byte {exc.start + 1} of the line; "
            "re-save the file as UTF-8",
            column=exc.start + 1,
        )
    try:
        value = json.loads(
            text, parse_constant=_reject_constant, parse_int=_parse_int, parse_float=_parse_float
        )
    except _Unstorable as exc:
        shown = (
            exc.literal
            if len(exc.literal) <= 40
            else f"{exc.literal[:20]}...({len(exc.literal)} characters)"
        )
        what = (
            "integer is too large to store as a number"
            if exc.rule == "json.integer-too-large"
            else "number overflows to infinity"
        )
        return Issue(
            file,
            line,
            "",
            exc.rule,
            f"{shown}: this {what}; write it as a string",
            column=_byte_column(text, max(0, text.find(exc.literal))),
        )
    except _NonFinite as exc:
        col = _byte_column(text, text.find(str(exc)))
        return Issue(
            file,
            line,
            "",
            "json.nan",
            f"{exc} is not valid JSON; write null or a string instead",
            column=col,
        )
    except RecursionError:
        return Issue(file, line, "", "json.too-deep", "the value nests too deeply to be parsed")
    except json.JSONDecodeError as exc:
        col = _byte_column(text, exc.pos)
        # A value cut short fails either at its end or inside an unterminated string.
        if unterminated and (exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated")):
            return Issue(
                file,
                line,
                "",
                "json.truncated",
                "the last line ends before the JSON value does: the file looks truncated",
                column=len(raw) + 1,
            )
        message = syntax_message(exc.msg, text, exc.pos, col)
        return Issue(file, line, "", "json.syntax", message, column=col)
    if _has_surrogate(value):
        found = _LONE_SURROGATE.search(text)
        escape = found.group(1) if found else "\\ud800"
        return Issue(
            file,
            line,
            "",
            "json.lone-surrogate",
            f"the string escape {escape} is half of a UTF-16 surrogate pair with no other half: "
            "it is not a character; remove it or complete the pair",
            column=_byte_column(text, found.start(1)) if found else 1,
        )
    # The standard library accepts what orjson refused: nesting past orjson's depth limit.
    return Issue(file, line, "", "json.too-deep", "the value nests deeper than 1024 levels")


def parse_record(
    raw: bytes, *, file: str, line: int, unterminated: bool = False
) -> tuple[dict[str, Any] | None, Issue | None]:
    """Parse one JSON object; return it, or the issue that explains why not."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None, diagnose(raw, file=file, line=line, unterminated=unterminated)
    if not isinstance(value, dict):
        kind = "an array" if isinstance(value, list) else type(value).__name__
        kind = {
            "str": "a string",
            "int": "a number",
            "float": "a number",
            "NoneType": "null",
            "bool": "a boolean",
        }.get(kind, kind)
        return None, Issue(
            file, line, "", "json.not-object", f"a record must be a JSON object, got {kind}"
        )
    duplicate = find_duplicate_key(raw, value)
    if duplicate:
        pointer, key = duplicate
        return None, Issue(
            file,
            line,
            pointer,
            "json.duplicate-key",
            f"key {key!r} appears twice in the same object; keep only one",
        )
    return value, None
