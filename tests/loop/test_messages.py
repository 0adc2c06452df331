"""Messages written for people (issue 15): format errors name the format with an example,
unknown fields are listed grammatically and ``id``/``provenance`` are explained, JSON syntax
errors say what was expected and where."""

from __future__ import annotations

import json

import pytest

from toolkit import validate_paths
from toolkit.readers.jsonparse import parse_record
from toolkit.validate.messages import listing, unknown_fields_message

BASE = {
    "title": "Thousands flee the draft",
    "body": "Men of conscription age crossed into Georgia.",
    "publisher": "Example News",
    "language": "en",
    "kind": "article",
}


def _messages(tmp_path, records, **options):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    report = validate_paths([path], dist=None, **options)
    return [(e.rule, e.pointer, e.message) for e in report.errors]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2022-13-45", "'2022-13-45' is not a valid date (YYYY-MM-DD, e.g. 2022-09-21)"),
        (
            "2022-09-27T25:00:00Z",
            "'2022-09-27T25:00:00Z' is not a valid date-time (RFC 3339, e.g. 2022-09-21T14:30:00Z)",
        ),
        (
            "25/09/2022",
            "'25/09/2022' is not a valid date (YYYY-MM-DD, e.g. 2022-09-21) or date-time "
            "(RFC 3339, e.g. 2022-09-21T14:30:00Z)",
        ),
    ],
)
def test_a_bad_date_names_the_format_and_an_example(tmp_path, value, message):
    found = _messages(tmp_path, [dict(BASE, published=value)])
    assert found == [("schema.anyOf", "/published", message)]


def test_a_bad_uri_names_the_format(tmp_path):
    assert _messages(tmp_path, [dict(BASE, url="not a uri")]) == [
        (
            "schema.format",
            "/url",
            "'not a uri' is not a valid URI (absolute, with a scheme, e.g. "
            "https://example.org/news/1)",
        )
    ]


def test_a_user_schema_bad_email_says_email(tmp_path, run_dtk):
    schema = tmp_path / "contact.schema.json"
    schema.write_text(
        json.dumps(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$id": "https://example.org/contact.schema.json",
                "type": "object",
                "properties": {"email": {"type": "string", "format": "email"}},
            }
        )
    )
    path = tmp_path / "contacts.jsonl"
    path.write_text('{"email": "bob at example"}\n')
    result = run_dtk(
        "validate", str(path), "--schema", str(schema), "--no-dist", "--color", "never"
    )
    assert result.exit_code == 1
    assert result.output == (
        f"{path}:1:1: error[schema.format] $.email: 'bob at example' is not a valid email "
        "address (e.g. editor@example.org)\n"
        "invalid: 1 file, 1 records checked, 0 valid, 1 invalid, 1 errors, 0 warnings\n"
        "  schema.format                           1  A string is not in the format the schema "
        "names (date, email, URI, ...).\n"
    )


def test_unknown_fields_are_listed_grammatically_and_id_is_explained(tmp_path):
    found = _messages(tmp_path, [dict(BASE, category="politics", id="x")])
    assert found == [
        (
            "schema.unevaluatedProperties",
            "",
            "unknown fields 'category' and 'id': the schema does not define 'category', and "
            "'id' is assigned by the build, so remove it",
        )
    ]


def test_id_and_provenance_are_assigned_by_the_build(tmp_path):
    found = _messages(tmp_path, [dict(BASE, id="x", provenance={})])
    assert found == [
        (
            "schema.unevaluatedProperties",
            "",
            "unknown fields 'id' and 'provenance': they are assigned by the build, so remove them",
        )
    ]


def test_one_unknown_field(tmp_path):
    assert _messages(tmp_path, [dict(BASE, category="politics")]) == [
        (
            "schema.unevaluatedProperties",
            "/category",
            "unknown field 'category': the schema does not define it",
        )
    ]


def test_listing_and_unknown_fields_message():
    assert listing(["a"]) == "'a'"
    assert listing(["a", "b"]) == "'a' and 'b'"
    assert listing(["a", "b", "c"]) == "'a', 'b' and 'c'"
    assert unknown_fields_message(["z", "y", "x"], frozenset()) == (
        "unknown fields 'x', 'y' and 'z': the schema does not define them"
    )
    # With another schema, id is just an unknown field.
    assert unknown_fields_message(["id"], frozenset()) == (
        "unknown field 'id': the schema does not define it"
    )


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        (
            b'{"title": "Unclosed record", "body": "oops",',
            45,
            'expected a field name in double quotes (like "title"), but the line ends there '
            "(a record must be whole on one line)",
        ),
        (
            b"{'title': 'x'}",
            2,
            'expected a field name in double quotes (like "title"); JSON takes double quotes, '
            "not single quotes",
        ),
        (b'{"title": "a" "body": 1}', 15, "expected a comma between two fields or two values"),
        (
            b'{"title" "a"}',
            10,
            'expected a colon between a field name and its value ("name": value)',
        ),
        (
            b'{"title": "a"}}',
            15,
            "unexpected text after the end of the record: one JSON object per line",
        ),
        (
            b'{"title": }',
            11,
            "expected a value: a string in double quotes, a number, true, false, null, an "
            "object {...} or a list [...]",
        ),
    ],
)
def test_json_syntax_errors_say_what_was_expected_and_where(line, column, message):
    value, issue = parse_record(line, file="f.jsonl", line=6)
    assert value is None
    assert issue is not None
    assert (issue.rule, issue.column, issue.message) == (
        "json.syntax",
        column,
        f"invalid JSON at column {column}: {message}",
    )


def test_reference_engine_gives_the_same_format_messages():
    from toolkit.schema import default_schemas, reference_validator
    from toolkit.validate.messages import descriptions_of, fast_issues, reference_issues
    from toolkit.validate.record import RecordSchema

    schemas = default_schemas()
    record = dict(BASE, published="2022-13-45", id="x", category="c")
    fast = RecordSchema.load("submission", schemas)
    reference = reference_validator(schemas.resolve_name("submission"), schemas)
    options = {
        "file": "f",
        "line": 1,
        "descriptions": descriptions_of("submission"),
        "assigned": fast.assigned,
    }
    fast_found = sorted(i.message for i in fast_issues(fast.validator, record, **options))
    reference_found = sorted(i.message for i in reference_issues(reference, record, **options))
    assert fast_found == reference_found
