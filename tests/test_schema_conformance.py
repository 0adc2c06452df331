"""The official JSON Schema test suite (draft 2020-12) through both validator engines the
toolkit builds: the compiled fast path and the reference ``jsonschema`` path. Both must agree with
the suite for every keyword, and for the formats our schemas rely on (date, date-time, uri).

What is skipped is listed here with the reason; nothing else is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from toolkit.schema import SchemaSet, fast_validator, reference_validator

SUITE = Path("/work/shared/json-schema-test-suite/tests/draft2020-12")
FORMATS = ("date", "date-time", "uri")

#: Whole files we do not run, and why.
SKIPPED_FILES = {
    "refRemote.json": "remote $refs: the toolkit never fetches remote schemas (offline registry), "
    "and the suite's remotes/ folder is not shipped here",
    "vocabulary.json": "custom metaschemas with $vocabulary, loaded from remotes; our schemas use "
    "the standard 2020-12 metaschema only",
    "format.json": "checks that format is an annotation only; the toolkit deliberately asserts "
    "formats (the date, date-time and uri checks are run from optional/format)",
}
#: Groups we do not run, by (file, description), and why.
SKIPPED_GROUPS = {
    (
        "pattern.json",
        "pattern with Unicode property escape requires unicode mode",
    ): "reference engine: Python's re has no \\p{...}; our patterns do not use it",
    (
        "patternProperties.json",
        "patternProperties with Unicode property escape",
    ): "reference engine: Python's re has no \\p{...}; our patterns do not use it",
}
#: Groups whose schema refers to the suite's remotes (http://localhost:1234/...).
REMOTE = "localhost:1234"

ENGINES = {"fast": fast_validator, "reference": reference_validator}


def _cases() -> list[Any]:
    if not SUITE.is_dir():
        return [pytest.param(None, None, None, marks=pytest.mark.skip(reason=f"no {SUITE}"))]
    files = sorted(SUITE.glob("*.json")) + [
        SUITE / "optional" / "format" / f"{name}.json" for name in FORMATS
    ]
    params = []
    for path in files:
        name = path.name if path.parent == SUITE else f"optional/format/{path.name}"
        marks = []
        if path.name in SKIPPED_FILES and path.parent == SUITE:
            marks = [pytest.mark.skip(reason=SKIPPED_FILES[path.name])]
        for index, group in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            group_marks = list(marks)
            reason = SKIPPED_GROUPS.get((path.name, group["description"]))
            if REMOTE in json.dumps(group["schema"]):
                reason = "refers to the suite's remote schemas, which are never fetched"
            for engine in ENGINES:
                engine_marks = list(group_marks)
                if reason and (engine == "reference" or "reference" not in reason):
                    engine_marks.append(pytest.mark.skip(reason=reason))
                params.append(
                    pytest.param(
                        engine, group, name, marks=engine_marks, id=f"{engine}-{name}-{index}"
                    )
                )
    return params


@pytest.mark.parametrize(("engine", "group", "file"), _cases())
def test_suite_group(engine: str, group: dict[str, Any], file: str) -> None:
    validator = ENGINES[engine](group["schema"], SchemaSet(Path("."), {}, {}))
    wrong = [
        test["description"]
        for test in group["tests"]
        if validator.is_valid(test["data"]) != test["valid"]
    ]
    assert wrong == [], f"{file}: {group['description']}"


def test_skips_are_only_the_listed_ones() -> None:
    names = {p.name for p in SUITE.glob("*.json")}
    assert set(SKIPPED_FILES) <= names
    for file, description in SKIPPED_GROUPS:
        groups = json.loads((SUITE / file).read_text(encoding="utf-8"))
        assert description in [g["description"] for g in groups]


def test_keywords_our_schemas_use_are_covered() -> None:
    from toolkit.schema import default_schemas

    used: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            used.update(k for k in node if not k.startswith("$") or k in ("$ref", "$defs"))
            for key, value in node.items():
                if key not in ("properties", "$defs"):
                    walk(value)
                else:
                    for sub in value.values():
                        walk(sub)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for document in default_schemas().by_id.values():
        walk(document)
    annotations = {"description", "title", "examples", "default"}
    suite_files = {p.stem for p in SUITE.glob("*.json")} | {"$ref", "$defs", "format"}
    suite_files |= {"ref", "defs"}
    missing = {
        k for k in used - annotations if k not in suite_files and k.lstrip("$") not in suite_files
    }
    assert missing == set()
