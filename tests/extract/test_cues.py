"""The chrome vocabulary lives in per-language cue files (``toolkit/extract/cues/<lang>.json``),
checked against ``schema/cues.schema.json`` when they are loaded.

The golden sample ``tests/golden/cues.jsonl`` was computed by the predicates as they were before
the vocabulary moved out of the code (lines of corpus/pages, tests/unseen and raw, and a few
shapes of the vocabulary); the learned model reads these predicates as features, so a change here
changes the release. After changing a cue on purpose, refresh the expectations with
``python -m tests.extract.test_cues --update`` and review the diff.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import GOLDEN as TESTS_GOLDEN
from toolkit.errors import SchemaError
from toolkit.extract import boilerplate as bp
from toolkit.extract import dates
from toolkit.extract.vocabulary import CUE_DIR, load_cues, read_cue_file
from toolkit.schema import default_schemas

GOLDEN = TESTS_GOLDEN / "cues.jsonl"
PREDICATES = [
    "ends_sentence",
    "is_appeal",
    "is_bare_name",
    "is_credit_line",
    "is_dateline",
    "is_end_marker",
    "is_headline_shaped",
    "is_inline_link",
    "is_label_shaped",
    "is_nav_label",
    "is_promo",
    "is_prose",
    "is_related_label",
    "is_salutation",
    "is_standfirst",
]


def evaluate(line: str) -> dict[str, Any]:
    """Every cue of ``line``, in the golden file's shape."""
    return {
        "line": line,
        "true": [name for name in PREDICATES if getattr(bp, name)(line)],
        "address_density": bp.address_density(line),
        "title_case_ratio": bp.title_case_ratio(line),
        "byline_names": bp.byline_names(line),
        "parse_printed_date": dates.parse_printed_date(line),
        "month_number": {w: n for w in bp.words(line) if (n := dates.month_number(w))},
    }


def golden_rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]


def test_predicates_agree_with_the_golden_sample() -> None:
    rows = golden_rows()
    mismatches = [(row, got) for row in rows if (got := evaluate(row["line"])) != row]
    assert mismatches == []
    # The sample exercises every predicate both ways, and the date parser.
    for name in PREDICATES:
        assert any(name in row["true"] for row in rows), name
        assert any(name not in row["true"] for row in rows), name
    assert sum(row["parse_printed_date"] is not None for row in rows) >= 10


def test_the_shipped_cue_files_are_valid_and_cover_the_corpus_languages() -> None:
    cues = load_cues()
    assert set(cues.languages) >= {"common", "en", "ru", "uk", "de", "fr", "es", "pt", "it", "pl"}
    assert {p.stem for p in CUE_DIR.glob("*.json")} == set(cues.languages)
    assert all(len(stems) > 0 for stems in cues.month_stems)
    assert load_cues() is cues  # read once per process


def test_every_property_of_the_cue_schema_is_described() -> None:
    schema = default_schemas().resolve_name("cues")
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    for name, prop in schema["properties"].items():
        assert prop.get("description"), name
    for name, definition in schema["$defs"].items():
        assert definition.get("description"), name


@pytest.fixture
def cue_dir(tmp_path: Path) -> Path:
    """A copy of the shipped cue files to add to or break."""
    target = tmp_path / "cues"
    shutil.copytree(CUE_DIR, target)
    return target


def write(directory: Path, name: str, document: object) -> Path:
    path = directory / f"{name}.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_adding_a_language_is_adding_a_file(cue_dir: Path) -> None:
    write(
        cue_dir,
        "nl",
        {
            "language": "nl",
            "description": "Dutch.",
            "nav_labels": ["Meest gelezen"],
            "appeal": [r"\bword abonnee\b"],
            "month_stems": [["jan"], [], [], [], [], [], [], [], [], [], [], []],
        },
    )
    cues = load_cues(cue_dir)
    assert "nl" in cues.languages
    assert "Meest gelezen" in cues.nav_labels
    assert r"\bword abonnee\b" in cues.appeal
    assert cues.month_stems[0] == load_cues().month_stems[0]  # merged, duplicates dropped


INVALID = {
    "unknown key": (
        {"language": "xx", "description": "d", "nav_label": ["menu"]},
        "invalid cue file: Additional properties are not allowed ('nav_label' was unexpected)",
    ),
    "wrong type": (
        {"language": "xx", "description": "d", "appeal": "subscribe"},
        'invalid cue file: appeal: "subscribe" is not of type "array"',
    ),
    "no description": ({"language": "xx"}, '"description" is a required property'),
    "eleven months": (
        {"language": "xx", "description": "d", "month_stems": [["a"]] * 11},
        "month_stems: ",
    ),
    "bad regex": (
        {"language": "xx", "description": "d", "appeal": ["ok", "(unclosed"]},
        "appeal[1] '(unclosed': bad regular expression: missing ), unterminated subpattern",
    ),
    "inline flag": (
        {"language": "xx", "description": "d", "promo": ["(?i)abo"]},
        "promo[0] '(?i)abo': bad regular expression: global flags not at the start",
    ),
    "capturing group": (
        {"language": "xx", "description": "d", "months": ["(jan)"]},
        "months[0] '(jan)': capturing group; write (?:...) instead",
    ),
    "language not the file name": (
        {"language": "yy", "description": "d"},
        "language 'yy' differs from the file name; name the file yy.json",
    ),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_an_invalid_cue_file_is_refused_with_a_schema_error(case: str, cue_dir: Path) -> None:
    document, message = INVALID[case]
    path = write(cue_dir, "xx", document)
    with pytest.raises(SchemaError) as caught:
        read_cue_file(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
    with pytest.raises(SchemaError, match="xx.json"):
        load_cues(cue_dir)


def test_a_cue_file_that_is_not_json_is_refused(cue_dir: Path) -> None:
    path = cue_dir / "xx.json"
    path.write_text('{"language": "xx",', encoding="utf-8")
    with pytest.raises(SchemaError, match=r"xx\.json: cannot read cue file: "):
        read_cue_file(path)


def test_a_folder_without_cue_files_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="no cue files"):
        load_cues(tmp_path)


def _update() -> None:
    """Recompute the golden expectations for the same lines (after a deliberate cue change)."""
    rows = [evaluate(row["line"]) for row in golden_rows()]
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    GOLDEN.write_text(text, encoding="utf-8")


if __name__ == "__main__" and sys.argv[1:] == ["--update"]:
    _update()
