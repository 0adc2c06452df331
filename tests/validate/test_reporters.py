"""Reporters against golden files, byte for byte (set ``DTK_UPDATE_GOLDEN=1`` to rewrite them
after a deliberate change, then review the diff)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from tests.helpers import CASES, GOLDEN
from tests.helpers.records import short_submission
from toolkit.issues import Issue, ValidationReport
from toolkit.validate.paths import validate_paths
from toolkit.validate.reporters import (
    GITHUB_ANNOTATION_LIMIT,
    REPORTERS,
    GithubReporter,
    TextReporter,
)

GOOD = short_submission("T", "B", "P")
HOSTILE = [
    dict(GOOD, title="Injected", url="a\n::error file=x.py,line=1::pwned"),
    dict(GOOD, title="Key", **{"x\n::warning::y": 1}),
    dict(GOOD, title="Pipes", language="e|n <b>"),
]


def _compare(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("DTK_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8", newline="")
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The golden inputs, under relative names so the report does not depend on tmp_path."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cases").symlink_to(CASES)
    hostile = Path("hostile::file.jsonl")
    hostile.write_text("".join(json.dumps(r) + "\n" for r in HOSTILE), encoding="utf-8")
    return [
        Path("cases/invalid/schema_every_field.jsonl"),
        Path("cases/valid/crlf.jsonl"),
        Path("cases/invalid/invalid_utf8.jsonl"),
        hostile,
    ]


def _render(fmt: str, paths: list[Path], **kwargs: object) -> str:
    out = io.StringIO()
    REPORTERS[fmt](color=False).report(validate_paths(paths, **kwargs), out)
    return out.getvalue()


def test_text_report_golden(inputs):
    _compare("report.txt", _render("text", inputs))


def test_text_report_truncated_golden(inputs):
    _compare("report-truncated.txt", _render("text", inputs, max_errors=5))


def test_text_report_never_breaks_a_line_on_data(inputs):
    lines = _render("text", inputs[3:]).splitlines()
    assert [line.split(": ")[0] for line in lines[:3]] == [
        f"hostile::file.jsonl:{n}:1" for n in (1, 2, 3)
    ]
    assert not any(line.startswith("::") for line in lines)


def test_cli_text_report_equals_golden(inputs, run_dtk):
    result = run_dtk("validate", *map(str, inputs), "--color", "never")
    assert result.exit_code == 1
    assert result.output == (GOLDEN / "report.txt").read_text(encoding="utf-8")


def test_color_always_paints_rules(inputs, run_dtk):
    result = run_dtk("validate", str(inputs[0]), "--color", "always")
    assert "\x1b[1;31merror[schema.required]\x1b[0m" in result.output


def test_github_report_golden(inputs, monkeypatch, tmp_path):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    text = _render("github", inputs)
    _compare("report.github.txt", text)
    _compare("summary.md", summary.read_text(encoding="utf-8"))


def test_github_annotations_cannot_be_injected(inputs, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    lines = _render("github", inputs[3:]).splitlines()
    commands = [line for line in lines if line.startswith("::")]
    # Each issue is one ::error line whose properties end at the first "::" (file name escaped).
    assert len(commands) == 3
    for number, line in enumerate(commands, 1):
        properties, _, message = line[2:].partition("::")
        assert properties.startswith(f"error file=hostile%3A%3Afile.jsonl,line={number},")
        assert "\n" not in message
        assert "\r" not in message
    assert "\\n::error file=x.py" in commands[0]
    assert all(not line.startswith("::") for line in lines if line not in commands)


def test_github_more_line_past_the_limit(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.chdir(tmp_path)
    bad = [dict(GOOD, title=f"T{n}", kind="blog") for n in range(GITHUB_ANNOTATION_LIMIT + 3)]
    Path("bad.jsonl").write_text("".join(json.dumps(r) + "\n" for r in bad))
    out = io.StringIO()
    GithubReporter().report(validate_paths([Path("bad.jsonl")]), out)
    lines = out.getvalue().splitlines()
    assert sum(line.startswith("::error file=") for line in lines) == GITHUB_ANNOTATION_LIMIT
    assert lines[GITHUB_ANNOTATION_LIMIT] == (
        "::error::+3 more errors not shown as annotations; run dtk validate locally for the "
        "full list"
    )


def test_markdown_summary_escapes_cells(tmp_path):
    from toolkit.issues import Issue, ValidationReport

    report = ValidationReport(
        files=1, records=1, invalid_records=1, issues=[Issue("f", 1, "", "schema.x|<b>", "m")]
    )
    table = GithubReporter.markdown_summary(report)
    assert "| `schema.x\\|&lt;b&gt;` | 1 |" in table
    assert "\n| rule | count | meaning |\n" in table


def test_text_reporter_colour_off_by_default():
    assert TextReporter().color is False


@pytest.mark.parametrize("hostile", ["\x1b[2J\x1b[31mred", "a\u2028::error::x", "b\x85c"])
def test_reporters_escape_terminal_and_unicode_line_breaks(hostile):
    # Found by tests/card/test_injection.py: ANSI escapes reached the terminal, and U+2028 split a
    # GitHub annotation in two for str.splitlines-based readers.
    import io

    report = ValidationReport(files=1, records=1)
    report.issues.append(Issue("f.jsonl", 1, "/title", "schema.type", f"{hostile} is bad"))
    for reporter in (TextReporter(), GithubReporter()):
        out = io.StringIO()
        reporter.report(report, out)
        text = out.getvalue()
        assert not set(text) & {"\x1b", "\u2028", "\x85"}, (reporter, text)
        assert len(text.splitlines()) == len(text.split("\n")) - 1
