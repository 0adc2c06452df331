"""The reader's message table: what a JSON syntax error means, in plain words.

``json`` explains a refused text in parser terms ("Expecting property name enclosed in double
quotes"); a contributor needs to hear what was expected where. Kept apart from ``jsonparse.py``
(which decides *which* problem a text has) so the wording can change without touching parsing.
"""

from __future__ import annotations

#: ``json.JSONDecodeError.msg`` prefixes → what was expected, for people.
SYNTAX: dict[str, str] = {
    "Expecting property name enclosed in double quotes": (
        'expected a field name in double quotes (like "title")'
    ),
    "Expecting value": (
        "expected a value: a string in double quotes, a number, true, false, null, "
        "an object {...} or a list [...]"
    ),
    "Expecting ',' delimiter": "expected a comma between two fields or two values",
    "Expecting ':' delimiter": (
        'expected a colon between a field name and its value ("name": value)'
    ),
    "Extra data": "unexpected text after the end of the record: one JSON object per line",
    "Unterminated string starting at": "a string is not closed: a double quote is missing",
    "Invalid control character at": (
        "a string holds a raw control character (a tab or a line break): write it as \\t or \\n"
    ),
    "Invalid \\uXXXX escape": "a \\u escape needs four hex digits, like \\u00e9",
    "Invalid \\escape": "a backslash starts an escape that JSON does not know: write \\\\ for one",
    "Illegal trailing comma before end of object": "a comma before the closing }: remove it",
    "Illegal trailing comma before end of array": "a comma before the closing ]: remove it",
}


def syntax_message(parser_message: str, text: str, position: int, column: int) -> str:
    """The message of a ``json.syntax`` issue: where (the byte column) and what was expected."""
    plain = next(
        (words for prefix, words in SYNTAX.items() if parser_message.startswith(prefix)),
        parser_message,
    )
    found = text[position : position + 1]
    if found == "'":
        plain += "; JSON takes double quotes, not single quotes"
    elif position >= len(text.rstrip()):
        plain += ", but the line ends there (a record must be whole on one line)"
    return f"invalid JSON at column {column}: {plain}"
