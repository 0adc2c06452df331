"""The one escaping function family every renderer calls: text from the data (a publisher, a
file name, a WARC URI, a validation message) never reaches a terminal, a GitHub log, a Markdown
file or the card's YAML front matter as markup or control.

Kept in the kernel because every stage renders something: ``validate/reporters.py`` (terminal
text and GitHub annotations), the release diff and ``CHANGES.md``, the card. Whatever the format,
data may not start a line (so it cannot start a ``::error`` workflow command or close the front
matter with ``---``), and control characters, C1 controls (U+0080–U+009F, e.g. the one-byte CSI
U+009B) and bidi overrides (U+202A–U+202E, U+2066–U+2069, which reorder what a reviewer sees)
are shown as visible ``\\xNN`` / ``\\uNNNN`` escapes. ANSI and OSC sequences start with ESC or a
C1 control, so they arrive escaped too (issue 7, issue 11).
"""

from __future__ import annotations

import html
import re
from typing import Any

#: C0 controls but tab and newline (handled apart), DEL, C1 controls (NEL U+0085 included), the
#: Unicode line and paragraph separators, and the bidi embeddings, overrides and isolates.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """``text`` with every character of :data:`CONTROL` (and nothing else) made visible."""
    return CONTROL.sub(_visible, text)


def one_line(text: str) -> str:
    """Text made safe for one line of terminal or log output: newlines and controls escaped."""
    return escape_controls(text.replace("\r", "\\r").replace("\n", "\\n"))


def message_lines(text: str) -> list[str]:
    """A message (an error that may list several problems, one per line) as lines for a terminal
    or a CI log: split at each newline only, each line through :func:`one_line`, so every other
    line break (CR, NEL, U+2028), control and bidi character is shown escaped. The caller prefixes
    each line (``error: ``), so no data-driven line can start a workflow command."""
    return [one_line(line) for line in text.split("\n")]


def github_text(text: str, *, property_value: bool = False) -> str:
    """Text for a GitHub workflow command: ``%``, CR and LF percent-encoded as GitHub decodes
    them, controls made visible, and ``:`` and ``,`` encoded inside properties."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    text = escape_controls(text)
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def md_text(value: Any) -> str:
    """``value`` as inline Markdown text that renders literally: one line, no HTML, no markup.

    Newlines collapse to spaces (a headline with a newline cannot end a table row), ``<``,
    ``>`` and ``&`` become entities (``<script>`` shows as text), and the characters that start
    emphasis, code, links, tables, strikethrough or math are backslash-escaped.
    """
    if value is None:
        return "—"
    text = escape_controls(" ".join(str(value).split()))
    text = html.escape(text, quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # a leading '#' would be read as a heading's closing sequence in "# {{ pretty_name }}"
    return re.sub(r"^#", r"\\#", text) if text else "—"


def md_code(value: str, *, in_table: bool = True) -> str:
    """``value`` as an inline code span whose fence cannot be closed by the value itself.

    In a table cell a ``|`` ends the cell even inside code (GitHub and the Hub split the row
    first), so it is escaped there.
    """
    text = escape_controls(" ".join(value.split()))
    if in_table:
        text = text.replace("|", "\\|")
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_block(value: str, info: str = "") -> str:
    """``value`` as a fenced code block with a fence longer than any backtick run inside."""
    longest = max((len(m) for m in re.findall(r"`+", value)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{escape_controls(value)}\n{fence}"


def html_text(value: Any) -> str:
    """``value`` as HTML text or attribute value: controls made visible, then ``& < > " '`` as
    entities, so data cannot open a tag, end an attribute or hide behind a bidi override."""
    return html.escape(escape_controls("" if value is None else str(value)), quote=True)


def html_table(header: list[str], rows: list[list[Any]], *, caption: str = "") -> str:
    """A plain HTML table (for notebooks' ``_repr_html_``) with every cell through
    :func:`html_text`."""
    head = "".join(f"<th>{html_text(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html_text(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    cap = f"<caption>{html_text(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
