"""Escaping for the report: every value that reaches the HTML page or a data script goes through
one of these functions. Kept apart so the rules (HTML text, attributes, JSON inside a script) are
tested in one place and no renderer invents its own.
"""

from __future__ import annotations

import html
from typing import Any

import orjson

#: Characters that must not appear literally in JSON delivered as JavaScript: ``<`` (so no
#: ``</script>`` or ``<!--`` can end or confuse a script block), ``>`` and ``&`` for symmetry, and
#: U+2028/U+2029, which were line terminators in JavaScript before ES2019.
_SCRIPT_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_SCRIPT_TABLE = str.maketrans(_SCRIPT_UNSAFE)


def escape_html(value: object) -> str:
    """``value`` as HTML text or a quoted attribute value: ``& < > " '`` become entities."""
    return html.escape("" if value is None else str(value), quote=True)


def _default(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    return str(value)


def json_for_script(value: Any) -> str:
    """``value`` as JSON that is safe inside a ``<script>`` element or a ``.js`` file.

    Only string contents can hold the replaced characters, and the ``\\uXXXX`` forms decode to
    the same strings, so ``JSON.parse`` and a JavaScript literal both give back ``value``.
    Dates, decimals and other non-JSON values become their ``str``.
    """
    text = orjson.dumps(value, default=_default, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")
    return text.translate(_SCRIPT_TABLE)


def script_call(function: str, *args: Any) -> str:
    """A line of JavaScript calling ``function`` (a trusted dotted name) with JSON arguments."""
    return f"{function}({','.join(json_for_script(a) for a in args)});\n"
