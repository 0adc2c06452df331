"""Reading a dataset card back: its YAML front matter and its Markdown tables."""

from __future__ import annotations

import re
from typing import Any

import yaml


def split_card(card: str) -> tuple[dict[str, Any], str]:
    """The card's YAML front matter, parsed, and the Markdown after it."""
    lines = card.split("\n")
    assert lines[0] == "---", "the card has no YAML front matter"
    end = lines.index("---", 1)
    return yaml.safe_load("\n".join(lines[1:end])), "\n".join(lines[end + 1 :])


def front_matter(card: str) -> dict[str, Any]:
    """The card's YAML front matter, parsed."""
    return split_card(card)[0]


def table_rows(text: str, header_start: str) -> list[list[str]]:
    """Cells of the Markdown table whose header row begins with ``| header_start |``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {header_start} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def as_int(cell: str) -> int:
    """A number cell of a card table (with thousands separators) as an int."""
    return int(cell.replace(",", ""))
