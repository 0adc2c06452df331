"""Presenting a :class:`~toolkit.issues.ValidationReport`: one reporter per output format, and
the only place that formats issues for people or machines (``dtk validate`` and ``dtk check``
reports, the issue lines of ``dtk extract``, the manifest errors a build stops on). ``REPORTERS``
feeds the CLI's ``--format`` choice. Every value from the data is escaped by
:mod:`toolkit.escape`.
"""

from __future__ import annotations

import json
import os
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import IO

from toolkit.escape import github_text, one_line
from toolkit.issues import Issue, ValidationReport, describe_rule

#: GitHub shows only the first annotations of a step; past this many we print a summary line.
GITHUB_ANNOTATION_LIMIT = 10
__all__ = ["REPORTERS", "Reporter", "issue_line", "issue_listing", "one_line"]


def issue_line(issue: Issue) -> str:
    """``file:line:col: severity: rule: message`` on one line (``dtk extract`` on stderr)."""
    return (
        f"{one_line(issue.file)}:{issue.line}:{issue.column}: {issue.severity}: "
        f"{one_line(issue.rule)}: {one_line(issue.message)}"
    )


def issue_listing(issues: Sequence[Issue], limit: int = 20) -> str:
    """The first ``limit`` issues as indented lines and a count of the rest (for an error
    message that must list what to fix, such as a build refusing an invalid manifest)."""
    lines = [
        f"  {one_line(i.file)}:{i.line}: {one_line(i.rule)} {one_line(i.json_path)}: "
        f"{one_line(i.message)}"
        for i in issues[:limit]
    ]
    if len(issues) > limit:
        lines.append(f"  ... and {len(issues) - limit} more")
    return "\n".join(lines)


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


class GithubReporter(Reporter):
    """GitHub Actions workflow annotations, a ``+N more`` line past the display limit, and a
    Markdown table appended to ``$GITHUB_STEP_SUMMARY`` when that is set."""

    def report(self, report: ValidationReport, out: IO[str]) -> None:
        shown = report.errors[:GITHUB_ANNOTATION_LIMIT]
        for issue in shown:
            file = github_text(issue.file, property_value=True)
            title = github_text(f"{issue.rule} {issue.json_path}", property_value=True)
            out.write(
                f"::error file={file},line={issue.line},col={issue.column},title={title}::"
                f"{github_text(issue.message)}\n"
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
