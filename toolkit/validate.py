"""``validate_paths``: submissions and manifests checked against their schema, every problem
reported with its place, nothing dropped, memory flat.

Records are read in bounded batches; the compiled validator decides which are valid, and only the
failing ones get the (slower) full error report. Duplicates are found by content id, inside the
input and against the current release.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.ids import record_id, released_ids
from toolkit.issues import Issue, ValidationReport
from toolkit.manifest import MANIFEST_NAME, check_entry, unlisted_files
from toolkit.readers import reader_for
from toolkit.readers.base import DEFAULT_MAX_LINE_BYTES
from toolkit.schema import SchemaSet, default_schemas, fast_validator, load_schema_set
from toolkit.schema_errors import descriptions_of, fast_issues

INPUT_SUFFIXES = (".jsonl", ".json", ".ndjson")


class _StopValidation(Exception):
    pass


@dataclass
class _Context:
    schemas: SchemaSet
    schema_choice: str
    max_errors: int | None
    max_line_bytes: int
    existing_ids: set[str]
    report: ValidationReport
    validators: dict[str, tuple[Any, dict[str, str]]] = field(default_factory=dict)
    seen_ids: dict[str, tuple[str, int]] = field(default_factory=dict)

    def validator(self, name: str) -> tuple[Any, dict[str, str]]:
        if name not in self.validators:
            schema = self.schemas.resolve_name(name)
            self.validators[name] = (fast_validator(schema, self.schemas), descriptions_of(name))
        return self.validators[name]

    def add(self, issues: Iterable[Issue]) -> None:
        for issue in issues:
            if self.max_errors is not None and issue.severity == "error" and len(self.report.errors) >= self.max_errors:
                self.report.truncated = True
                raise _StopValidation
            self.report.issues.append(issue)


def expand_paths(paths: Iterable[Path]) -> Iterator[tuple[Path, Issue | None]]:
    """Input files in a stable order: directories become their ``.jsonl``/``.json`` files."""
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in INPUT_SUFFIXES and p.is_file())
            if not found:
                yield path, Issue(str(path), 1, "", "file.no-inputs",
                                  f"directory holds no {', '.join(INPUT_SUFFIXES)} files")
            for item in found:
                yield item, None
        elif not path.exists():
            yield path, Issue(str(path), 1, "", "file.not-found", "no such file or directory")
        elif not path.is_file():
            yield path, Issue(str(path), 1, "", "file.unreadable", "not a regular file")
        else:
            yield path, None


def _schema_for(path: Path, choice: str) -> str:
    if choice != "auto":
        return choice
    return "source" if path.name == MANIFEST_NAME else "submission"


def _validate_file(path: Path, ctx: _Context) -> None:
    display = str(path)
    name = _schema_for(path, ctx.schema_choice)
    validator, descriptions = ctx.validator(name)
    is_manifest = name == "source"
    seen_paths: dict[str, int] = {}
    listed: set[str] = set()
    attempted = 0
    try:
        for batch in reader_for(path, display=display, max_line_bytes=ctx.max_line_bytes).batches():
            attempted += batch.attempted
            ctx.report.records += batch.attempted
            bad_lines = {i.line for i in batch.issues if i.severity == "error"}
            found = list(batch.issues)
            for record in batch.records:
                value = record.value
                if validator.is_valid(value):
                    issues = []
                else:
                    issues = fast_issues(validator, value, file=display, line=record.line,
                                         descriptions=descriptions)
                if is_manifest:
                    if not issues:
                        listed.add(value["path"])
                        issues = check_entry(path.parent, value, file=display, line=record.line,
                                             seen=seen_paths)
                elif name in ("submission", "article"):
                    issues += _duplicate_issues(value, display, record.line, ctx)
                if issues:
                    bad_lines.add(record.line)
                found += issues
            ctx.report.invalid_records += len(bad_lines)
            ctx.add(sorted(found, key=lambda issue: issue.line))
    except OSError as exc:
        ctx.add([Issue(display, 1, "", "file.unreadable", f"cannot read the file: {exc.strerror}")])
        return
    if attempted == 0:
        ctx.add([Issue(display, 1, "", "file.empty", "the file holds no records")])
    if is_manifest and attempted:
        ctx.add(unlisted_files(path.parent, listed, file=display))


def _duplicate_issues(value: dict[str, Any], file: str, line: int, ctx: _Context) -> list[Issue]:
    rid = record_id(value)
    if rid is None:
        return []
    if rid in ctx.existing_ids:
        return [Issue(file, line, "", "record.exists",
                      f"a record with the same title and body (id {rid}) is already released")]
    first = ctx.seen_ids.setdefault(rid, (file, line))
    if first != (file, line):
        where = f"line {first[1]}" if first[0] == file else f"{first[0]}:{first[1]}"
        return [Issue(file, line, "", "record.duplicate",
                      f"same title and body as {where} (id {rid}); remove one of them")]
    return []


def validate_paths(
    paths: Iterable[Path | str],
    *,
    schema: str = "auto",
    max_errors: int | None = None,
    dist: Path | None = None,
    strict: bool = False,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    schema_dir: Path | None = None,
) -> ValidationReport:
    """Validate JSONL/JSON submission files and ``sources.jsonl`` manifests.

    Args:
        schema: ``auto`` (manifests by file name, everything else as submissions), a built-in
            schema name (``submission``, ``article``, ``source``) or the path of a schema file.
        max_errors: stop after this many errors; the report is then marked ``truncated``.
        dist: a release whose ids count as already taken (``record.exists``).
        strict: count warnings (BOM, CRLF, blank lines, unlisted raw files) as errors.
    """
    extra = [Path(schema)] if schema.endswith(".json") else []
    schemas = load_schema_set(schema_dir, extra) if extra or schema_dir else default_schemas()
    choice = str(extra[0]) if extra else schema
    schemas.resolve_name(choice) if choice != "auto" else None
    report = ValidationReport(strict=strict)
    existing = released_ids(dist) if dist is not None else set()
    ctx = _Context(schemas, choice, max_errors, max_line_bytes, existing, report)
    try:
        for path, problem in expand_paths(Path(p) for p in paths):
            if problem is not None:
                ctx.add([problem])
                continue
            report.files += 1
            _validate_file(path, ctx)
    except _StopValidation:
        pass
    return report
