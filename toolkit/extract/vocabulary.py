"""The chrome vocabulary as data: one file per language, ``toolkit/extract/cues/<language>.json``
(``common.json`` for what no language owns), checked against ``schema/cues.schema.json`` and
merged into one :class:`Cues`, read once per process. ``boilerplate`` compiles its regular
expressions from it and ``dates`` reads month names with it: adding a language is adding a file.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from toolkit.errors import SchemaError

CUE_DIR = Path(__file__).resolve().parent / "cues"

#: Keys whose items are regular expressions, each one alternative of a larger expression.
PATTERN_KEYS = (
    "appeal",
    "comment_headers",
    "comment_counts",
    "end_markers",
    "salutations",
    "promo",
    "months",
    "relative_times",
    "credit_words",
    "credit_separators",
    "inline_labels",
    "byline_openers",
    "name_separators",
)
#: Keys whose items are literal labels or words.
LABEL_KEYS = ("nav_labels", "related_labels", "address")


@dataclass(frozen=True)
class Cues:
    """Every cue file merged, in file-name order, duplicates dropped (see the schema for what each
    field means). ``month_stems[0]`` holds January's stems, case-folded and without accents."""

    languages: tuple[str, ...]
    appeal: tuple[str, ...]
    nav_labels: tuple[str, ...]
    related_labels: tuple[str, ...]
    comment_headers: tuple[str, ...]
    comment_counts: tuple[str, ...]
    end_markers: tuple[str, ...]
    salutations: tuple[str, ...]
    promo: tuple[str, ...]
    months: tuple[str, ...]
    month_stems: tuple[tuple[str, ...], ...]
    relative_times: tuple[str, ...]
    credit_words: tuple[str, ...]
    credit_separators: tuple[str, ...]
    inline_labels: tuple[str, ...]
    address: tuple[str, ...]
    byline_openers: tuple[str, ...]
    name_separators: tuple[str, ...]


def fold(word: str) -> str:
    """``word`` case-folded and without accents (``März`` and ``marz`` fold alike)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _check_pattern(path: Path, key: str, index: int, pattern: str) -> None:
    where = f"{path}: {key}[{index}] {pattern!r}"
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
        # Alone it may compile and still break the expression it is one alternative of.
        re.compile(f"(?:{pattern})", re.IGNORECASE)
    except re.error as exc:
        raise SchemaError(f"{where}: bad regular expression: {exc}") from exc
    if compiled.groups:
        raise SchemaError(f"{where}: capturing group; write (?:...) instead")


def read_cue_file(path: Path) -> dict[str, Any]:
    """One cue file, checked: valid JSON, valid against the schema, named after its language,
    every pattern a regular expression that can stand as one alternative.

    Raises:
        SchemaError: the file breaks one of these rules; the message names the file and the key.
    """
    from toolkit.schema import default_schemas, fast_validator

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SchemaError(f"{path}: cannot read cue file: {exc}") from exc
    schemas = default_schemas()
    validator = fast_validator(schemas.resolve_name("cues"), schemas)
    errors = [
        "/".join(str(p) for p in e.instance_path) + ": " + e.message
        if e.instance_path
        else e.message
        for e in validator.iter_errors(document)
    ]
    if errors:
        raise SchemaError(f"{path}: invalid cue file: {'; '.join(errors)}")
    if document["language"] != path.stem:
        raise SchemaError(
            f"{path}: language {document['language']!r} differs from the file name; "
            f"name the file {document['language']}.json"
        )
    for key in PATTERN_KEYS:
        for index, pattern in enumerate(document.get(key, [])):
            _check_pattern(path, key, index, pattern)
    return dict(document)


@cache
def load_cues(directory: Path | None = None) -> Cues:
    """Every ``*.json`` in ``directory`` (default :data:`CUE_DIR`), checked and merged; once per
    process and directory.

    Raises:
        SchemaError: a cue file is invalid (see :func:`read_cue_file`), or there is none.
    """
    directory = directory or CUE_DIR
    documents = [read_cue_file(path) for path in sorted(directory.glob("*.json"))]
    if not documents:
        raise SchemaError(f"{directory}: no cue files (<language>.json)")
    merged: dict[str, Any] = {"languages": tuple(d["language"] for d in documents)}
    for key in PATTERN_KEYS + LABEL_KEYS:
        merged[key] = tuple(dict.fromkeys(item for d in documents for item in d.get(key, [])))
    merged["month_stems"] = tuple(
        tuple(dict.fromkeys(fold(s) for d in documents for s in d.get("month_stems", [[]] * 12)[m]))
        for m in range(12)
    )
    return Cues(**merged)
