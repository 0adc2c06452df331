"""Property tests: whatever a submission holds, ``dtk validate`` reports issues and an exit code
of 0, 1 or 2, never a crash or a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.cli import main
from toolkit.issues import describe_rule
from toolkit.validate.paths import validate_paths

GOOD = {
    "title": "T",
    "body": "B",
    "publisher": "P",
    "language": "en",
    "kind": "article",
    "url": "https://example.org/",
    "published": "2022-09-27",
    "authors": ["A"],
}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
field_names = st.sampled_from([*GOOD, "section", "dek", "retrieved_at", "license", "x", ""])


@st.composite
def mutated_records(draw: st.DrawFn) -> dict[str, object]:
    record = dict(GOOD)
    for _ in range(draw(st.integers(0, 4))):
        name = draw(field_names)
        if draw(st.booleans()):
            record.pop(name, None)
        else:
            record[name] = draw(json_values)
    return record


lines = st.one_of(
    mutated_records().map(lambda r: json.dumps(r).encode()),
    st.binary(max_size=60),
    mutated_records().map(lambda r: json.dumps(r).encode()[: len(json.dumps(r)) // 2]),
)
common = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@common
@given(st.lists(lines, max_size=8), st.sampled_from([b"\n", b"\r\n"]))
def test_any_bytes_give_issues_not_crashes(tmp_path: Path, content: list[bytes], end: bytes):
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(end.join(content))
    report = validate_paths([path], workers=1, dist=tmp_path / "none")
    data = report.to_dict()
    assert data["valid"] == (not data["errors"])
    assert 0 <= report.invalid_records <= report.records
    for issue in report.issues:
        assert issue.line >= 1
        assert issue.column >= 1
        assert describe_rule(issue.rule) != "Unknown rule."
    json.dumps(data)


@common
@given(mutated_records())
def test_mutated_records_are_flagged_exactly_when_invalid(tmp_path: Path, record: dict):
    from toolkit.schema import default_schemas, reference_validator

    schemas = default_schemas()
    reference = reference_validator(schemas.resolve_name("submission"), schemas)
    path = tmp_path / "one.jsonl"
    path.write_bytes(json.dumps(record).encode() + b"\n")
    report = validate_paths([path], workers=1, dist=tmp_path / "none")
    expected_valid = not list(reference.iter_errors(record))
    assert report.valid == expected_valid, [i.message for i in report.errors]


@common
@given(
    st.lists(lines, max_size=5),
    st.sampled_from(["text", "json", "github"]),
    st.sampled_from([[], ["--strict"], ["--max-errors", "1"], ["--max-line-bytes", "20"]]),
)
def test_cli_exit_codes_are_0_1_or_2(
    tmp_path: Path, content: list[bytes], fmt: str, extra: list[str]
):
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(b"\n".join(content))
    result = CliRunner().invoke(
        main, ["validate", str(path), "--format", fmt, "--dist", str(tmp_path / "none"), *extra]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code in (0, 1, 2)
    assert "Traceback" not in result.output
