"""Presenting a :class:`~toolkit.issues.ValidationReport`: one reporter per output format, and
the only place that formats issues for people or machines. ``REPORTERS`` feeds the CLI's
``--format`` choice.
"""

from __future__ import annotations

import json
import os
import re
from abc import ABC, abstractmethod
from typing import IO

from toolkit.issues import Issue, ValidationReport, describe_rule

#: GitHub shows only the first annotations of a step; past this many we print a summary line.
GITHUB_ANNOTATION_LIMIT = 10
#: Control characters, and the Unicode line breaks that some viewers and ``str.splitlines``
#: honour (NEL, LINE/PARAGRAPH SEPARATOR): data must not start a new line with them (issue 7).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")


def _escape_control(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """Text made safe for a single report line: newlines and control characters escaped."""
    text = text.replace("\r", "\\r").replace("\n", "\\n")
    return _CONTROL.sub(_escape_control, text)


class Reporter(ABC):
    """Writes one report to a stream."""

    def __init__(self, *, color: bool = False) -> None:
        self.color = color

    @abstractmethod
    def report(self, report: ValidationReport, out: IO[str]) -> None:
        """Write ``report`` to ``out``."""


class TextReporter(Reporter):
    """Compiler-style lines that editors link (``file:line:col: error[rule] $.path: message``)
    and a closing summary."""

    def _paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def format_issue(self, issue: Issue, severity: str) -> str:
        label = self._paint(f"{severity}[{issue.rule}]", "1;31" if severity == "error" else "1;33")
        return (
            f"{one_line(issue.file)}:{issue.line}:{issue.column}: {label} "
            f"{one_line(issue.json_path)}: {one_line(issue.message)}"
        )

    def report(self, report: ValidationReport, out: IO[str]) -> None:
        for issue in report.issues:
            severity = "error" if issue.severity == "error" or report.strict else "warning"
            out.write(self.format_issue(issue, severity) + "\n")
        if report.truncated:
            out.write(
                f"stopped after {len(report.errors)} errors (--max-errors); "
                "later records were not checked\n"
            )
        status = self._paint("valid", "1;32") if report.valid else self._paint("invalid", "1;31")
        out.write(
            f"{status}: {report.files} file{'s' if report.files != 1 else ''}, "
            f"{report.records} records checked, {report.valid_records} valid, "
            f"{report.invalid_records} invalid, {len(report.errors)} errors, "
            f"{len(report.warnings)} warnings\n"
        )
        for rule, count in report.counts_by_rule().items():
            out.write(f"  {rule:<32} {count:>8}  {describe_rule(rule)}\n")


class JsonReporter(Reporter):
    """The JSON contract of :meth:`ValidationReport.to_dict`, for other tools."""

    def report(self, report: ValidationReport, out: IO[str]) -> None:
        json.dump(report.to_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")


def _github_escape(text: str, *, property_value: bool = False) -> str:
    # Workflow-command escaping: %, CR and LF always; ':' and ',' inside properties.
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    text = _CONTROL.sub(_escape_control, text)  # ANSI escapes, U+2028 (issue 7)
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


class GithubReporter(Reporter):
    """GitHub Actions workflow annotations, a ``+N more`` line past the display limit, and a
    Markdown table appended to ``$GITHUB_STEP_SUMMARY`` when that is set."""

    def report(self, report: ValidationReport, out: IO[str]) -> None:
        shown = report.errors[:GITHUB_ANNOTATION_LIMIT]
        for issue in shown:
            file = _github_escape(issue.file, property_value=True)
            title = _github_escape(f"{issue.rule} {issue.json_path}", property_value=True)
            out.write(
                f"::error file={file},line={issue.line},col={issue.column},title={title}::"
                f"{_github_escape(issue.message)}\n"
            )
        hidden = len(report.errors) - len(shown)
        if hidden:
            out.write(
                f"::error::+{hidden} more errors not shown as annotations; "
                "run dtk validate locally for the full list\n"
            )
        if report.truncated:
            out.write(
                f"::warning::stopped after {len(report.errors)} errors (--max-errors); "
                "later records were not checked\n"
            )
        out.write(
            f"{'valid' if report.valid else 'invalid'}: {report.records} records checked, "
            f"{report.invalid_records} invalid, {len(report.errors)} errors\n"
        )
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(self.markdown_summary(report))

    @staticmethod
    def markdown_summary(report: ValidationReport) -> str:
        def cell(text: str) -> str:
            return one_line(text).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")

        lines = [
            f"### dtk validate: {'✅ valid' if report.valid else '❌ invalid'}",
            "",
            f"{report.files} files, {report.records} records, {report.invalid_records} invalid, "
            f"{len(report.errors)} errors.",
            "",
            "| rule | count | meaning |",
            "|---|---:|---|",
        ]
        lines += [
            f"| `{cell(rule)}` | {n} | {cell(describe_rule(rule))} |"
            for rule, n in report.counts_by_rule().items()
        ]
        return "\n".join(lines) + "\n\n"


REPORTERS: dict[str, type[Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "github": GithubReporter,
}
