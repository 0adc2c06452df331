"""Differential test: the fast path (``jsonschema-rs``, as ``validate_paths`` uses it) and the
reference path (``jsonschema`` with real format checkers) get the same random records, valid and
mutated, and must fail the same records with the same rule codes and pointers."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.schema import default_schemas, fast_validator, reference_validator
from toolkit.validate.messages import fast_issues, reference_issues

dates = st.dates().map(lambda d: d.isoformat())
date_times = st.datetimes(timezones=st.just(__import__("datetime").UTC)).map(
    lambda d: d.isoformat().replace("+00:00", "Z")
)
tricky_strings = st.sampled_from(
    [
        "",
        " ",
        "2022-02-30",
        "2022-09-27T08:30:00",
        "1998-12-31T23:59:60Z",
        "2022-09-27\n",
        "http://[::ffff:01.2.3.4]",
        "not a uri",
        "/relative",
        "https://example.org/a b",
        "en",
        "EN",
        "pt-BR",
        "english",
        "article",
        "teaser",
        "0123456789abcdef",
        "ab@1.2.3",
        "../x",
        "a" * 64,
    ]
)
nullable_text = st.none() | st.text(max_size=20)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False, allow_infinity=False)
    | tricky_strings
    | st.text(max_size=10)
)
json_values = st.recursive(
    json_scalars,
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
    max_leaves=6,
)


def submissions() -> st.SearchStrategy[dict[str, Any]]:
    required = {
        "title": st.text(min_size=1, max_size=30).filter(str.strip),
        "body": st.text(min_size=1, max_size=60).filter(str.strip),
        "publisher": st.text(min_size=1, max_size=20).filter(str.strip),
        "language": st.from_regex(r"\A[a-z]{2,3}(-[A-Za-z0-9]{2,8})?\Z"),
        "kind": st.sampled_from(["article", "teaser"]),
    }
    optional = {
        "url": st.none() | st.sampled_from(["https://example.org/a", "urn:isbn:0451450523"]),
        "published": st.none() | dates | date_times,
        "section": nullable_text,
        "dek": nullable_text,
        "image_caption": nullable_text,
        "license": nullable_text,
        "authors": st.lists(st.text(min_size=1, max_size=10), max_size=3),
        "retrieved_at": st.none() | date_times,
    }
    return st.fixed_dictionaries(required, optional=optional)


def articles() -> st.SearchStrategy[dict[str, Any]]:
    span = st.fixed_dictionaries(
        {
            "start_line": st.integers(1, 10),
            "end_line": st.integers(1, 10),
            "byte_offset": st.none() | st.integers(0, 10),
            "byte_length": st.none() | st.integers(0, 10),
        }
    )
    provenance = st.fixed_dictionaries(
        {
            "source_file": st.sampled_from(["a.txt", "dir/b.html"]),
            "source_sha256": st.just("0" * 64),
            "source_url": st.none(),
            "span": span,
            "extractor": st.just("article@1.0.0"),
            "retrieved_at": st.none() | date_times,
            "license": nullable_text,
            "toolkit_version": st.just("0.1.0"),
        }
    )
    extra = st.fixed_dictionaries(
        {
            "id": st.from_regex(r"\A[0-9a-f]{16}\Z"),
            "url": st.none(),
            "published": st.none(),
            "section": st.none(),
            "dek": st.none(),
            "image_caption": st.none(),
            "authors": st.just([]),
            "retrieved_at": st.none(),
            "license": st.none(),
            "provenance": provenance,
        }
    )
    return st.tuples(submissions(), extra).map(lambda pair: {**pair[0], **pair[1]})


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    record = draw(base)
    for _ in range(draw(st.integers(0, 3))):
        target = record
        if isinstance(record.get("provenance"), dict) and draw(st.booleans()):
            target = record["provenance"]
            if isinstance(target.get("span"), dict) and draw(st.booleans()):
                target = target["span"]
        names = sorted(target) + ["unknown"]
        name = draw(st.sampled_from(names))
        action = draw(st.sampled_from(["drop", "replace", "tricky"]))
        if action == "drop":
            target.pop(name, None)
        elif action == "tricky":
            target[name] = draw(tricky_strings)
        else:
            target[name] = draw(json_values)
    return record


def _engines(name: str) -> tuple[Any, Any]:
    schemas = default_schemas()
    schema = schemas.resolve_name(name)
    return fast_validator(schema, schemas), reference_validator(schema, schemas)


ENGINES = {name: _engines(name) for name in ("submission", "article")}


def _summary(issues: list[Any]) -> set[tuple[str, str]]:
    return {(i.rule, i.pointer) for i in issues}


@pytest.mark.parametrize("name", ["submission", "article"])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_fast_and_reference_paths_agree(name: str, data: st.DataObject) -> None:
    fast, reference = ENGINES[name]
    base = submissions() if name == "submission" else articles()
    record = data.draw(base | mutated(base))
    # Every error on both paths: which 50 a capped list keeps depends on each engine's order
    # (the cap itself is tested in test_error_cap.py).
    everything = sys.maxsize
    fast_found = (
        fast_issues(fast, record, file="f", line=1, descriptions={}, limit=everything)
        if not fast.is_valid(record)
        else []
    )
    reference_found = reference_issues(
        reference, record, file="f", line=1, descriptions={}, limit=everything
    )
    assert bool(fast_found) == bool(reference_found)
    assert _summary(fast_found) == _summary(reference_found)


@pytest.mark.parametrize("name", ["submission", "article"])
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_unmutated_records_are_valid_on_both_paths(name: str, data: st.DataObject) -> None:
    fast, reference = ENGINES[name]
    record = data.draw(submissions() if name == "submission" else articles())
    assert fast.is_valid(record)
    assert reference.is_valid(record)
