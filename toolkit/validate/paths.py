"""``validate_paths``: submissions and manifests checked against their schema, every problem
reported with its place, nothing dropped, memory flat, on every core.

The input is cut into parts: whole files, and byte ranges (aligned on newlines) of large JSONL
files. Each part is checked on its own (in a worker process when there are several): records are
read in bounded batches, the compiled validator decides which are valid, and only the failing
ones get the (slower) full error report. A part returns its issues with line numbers counted from
its own start, its record count and, compactly, the content id and line of each record. Parts are
merged in input order, lines shifted by the newlines of the earlier parts, and duplicates found on
the merged ids, so the report is the same for any number of workers.
"""

from __future__ import annotations

import dataclasses
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.ids import record_id, released_ids
from toolkit.issues import Issue, ValidationReport
from toolkit.parallel import (
    MIN_PARALLEL_BYTES,
    default_workers,
    ordered_map,
    range_size,
    split_ranges,
)
from toolkit.raw import MANIFEST_NAME, check_entry, normalize_raw_path, unlisted_files
from toolkit.readers import reader_for
from toolkit.readers.base import DEFAULT_MAX_LINE_BYTES
from toolkit.readers.chunked import ChunkedJsonlReader
from toolkit.readers.jsonl import JsonlReader
from toolkit.schema import SchemaSet, default_schemas, load_schema_set
from toolkit.validate.duplicates import KeyColumns, duplicate_issues, released_title_keys
from toolkit.validate.messages import descriptions_of
from toolkit.validate.record import RecordSchema, validate_record

INPUT_SUFFIXES = (".jsonl", ".json", ".ndjson")
#: Schemas whose records carry a content id, checked for duplicates.
_ID_SCHEMAS = ("submission", "article")


def expand_paths(paths: Iterable[Path]) -> Iterator[tuple[Path, Issue | None]]:
    """Input files in a stable order: directories become their ``.jsonl``/``.json`` files."""
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in INPUT_SUFFIXES and p.is_file()
            )
            if not found:
                yield (
                    path,
                    Issue(
                        str(path),
                        1,
                        "",
                        "file.no-inputs",
                        f"directory holds no {', '.join(INPUT_SUFFIXES)} files",
                    ),
                )
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


@dataclass(frozen=True)
class _Settings:
    """What every part needs to know, sent once to each worker."""

    schema_dir: Path | None
    extra: tuple[Path, ...]
    descriptions: dict[str, dict[str, str]]
    max_line_bytes: int
    #: A part stops after this many errors of its own: later ones could never be reported.
    stop_after: int | None
    strict: bool
    #: The reference path (every line through ``JsonlReader``, every record's content id).
    exact: bool = False


@dataclass(frozen=True)
class _Part:
    file_index: int
    path: Path
    display: str
    schema: str
    start: int = 0
    end: int | None = None


@dataclass
class _PartResult:
    """What a part sends back: issues (lines local to the part) and compact per-record data."""

    issues: list[Issue] = field(default_factory=list)
    newlines: int = 0
    records: int = 0
    #: Local line of every record read, only when a cut may need it (``--max-errors``).
    record_lines: array[int] | None = None
    ids: array[int] = field(default_factory=lambda: array("Q"))
    id_lines: array[int] = field(default_factory=lambda: array("q"))
    #: The fast path's cheap duplicate keys (``validate/duplicates.py``) instead of ``ids``.
    keys: KeyColumns | None = None


_WORKER: dict[str, Any] = {}


def _init_worker(settings: _Settings) -> None:
    _WORKER.clear()
    _WORKER["settings"] = settings
    _WORKER["validators"] = {}


def _record_schema(name: str) -> RecordSchema:
    validators: dict[str, RecordSchema] = _WORKER["validators"]
    if name not in validators:
        settings: _Settings = _WORKER["settings"]
        if settings.schema_dir is None and not settings.extra:
            schemas = default_schemas()
        else:
            schemas = load_schema_set(settings.schema_dir, list(settings.extra))
        descriptions = settings.descriptions.get(name, {})
        validators[name] = RecordSchema.load(name, schemas, descriptions)
    return validators[name]


def _check_part(part: _Part) -> _PartResult:
    """Check one part; runs in a worker. Never raises for anything found in the data."""
    settings: _Settings = _WORKER["settings"]
    schema = _record_schema(part.schema)
    display = part.display
    is_manifest = part.schema == "source"
    with_ids = part.schema in _ID_SCHEMAS
    result = _PartResult(record_lines=array("q") if settings.stop_after is not None else None)
    ids, id_lines, record_lines = result.ids, result.id_lines, result.record_lines
    seen_paths: dict[Any, int] = {}
    listed: set[str] = set()
    errors = 0
    options: dict[str, Any] = {"display": display, "max_line_bytes": settings.max_line_bytes}
    lines_reader = JsonlReader if settings.exact else ChunkedJsonlReader
    if part.start or part.end is not None:
        reader: Any = lines_reader(part.path, start=part.start, end=part.end, **options)
    else:
        reader = reader_for(part.path, **options)
        if type(reader) is JsonlReader and not settings.exact:
            reader = ChunkedJsonlReader(part.path, **options)
    keys = None if settings.exact else KeyColumns()
    result.keys = keys
    chunked = isinstance(reader, ChunkedJsonlReader)
    try:
        for batch in reader.batches():
            result.records += batch.attempted
            found = batch.issues
            for record in batch.records:
                value = record.value
                line = record.line
                if record_lines is not None:
                    record_lines.append(line)
                issues = validate_record(value, schema, file=display, line=line)
                if issues:
                    found += issues
                elif is_manifest:
                    listed.add(normalize_raw_path(value["path"]))
                    found += check_entry(
                        part.path.parent, value, file=display, line=line, seen=seen_paths
                    )
                if with_ids and keys is not None:
                    keys.add(value, line, record.offset if chunked else None)
                elif with_ids and (rid := record_id(value)) is not None:
                    ids.append(int(rid, 16))
                    id_lines.append(line)
            if record_lines is not None and batch.failed:
                record_lines.extend(batch.failed)
            found.sort(key=lambda issue: issue.line)
            result.issues += found
            if settings.stop_after is not None:
                errors += sum(1 for i in found if i.severity == "error" or settings.strict)
                if errors > settings.stop_after:
                    break
    except OSError as exc:
        result.issues.append(
            Issue(display, 1, "", "file.unreadable", f"cannot read the file: {exc.strerror}")
        )
    if record_lines is not None:
        result.record_lines = array("q", sorted(record_lines))
    if isinstance(reader, JsonlReader):
        result.newlines = reader.newlines
    if is_manifest and result.records:
        result.issues += unlisted_files(part.path.parent, listed, file=display)
    return result


@dataclass
class _FileState:
    display: str
    issues: list[Issue] = field(default_factory=list)
    records: int = 0
    record_lines: list[int] = field(default_factory=list)
    lines_before: int = 0
    is_file: bool = True


def _shift(issues: list[Issue], by: int) -> list[Issue]:
    if not by:
        return issues
    return [dataclasses.replace(i, line=i.line + by) for i in issues]


def _plan(
    paths: Iterable[Path],
    choice: str,
    workers: int,
    report: ValidationReport,
    states: list[_FileState],
) -> list[_Part]:
    entries: list[tuple[Path, str]] = []
    for path, problem in expand_paths(paths):
        if problem is not None:
            state = _FileState(problem.file, [problem], is_file=False)
            states.append(state)
            continue
        entries.append((path, _schema_for(path, choice)))
        states.append(_FileState(str(path)))
        report.files += 1
    total = sum(p.stat().st_size for p, _ in entries)
    parallel = workers > 1 and total >= MIN_PARALLEL_BYTES
    parts: list[_Part] = []
    index = 0
    for state in states:
        if not state.is_file:
            index += 1
            continue
        path, name = entries.pop(0)
        size = path.stat().st_size
        ranged = (
            parallel
            and name != "source"
            and path.suffix.lower() != ".json"
            and size > range_size(size, workers)
        )
        if ranged:
            parts += [
                _Part(index, path, state.display, name, a, b)
                for a, b in split_ranges(path, range_size(size, workers))
            ]
        else:
            parts.append(_Part(index, path, state.display, name))
        index += 1
    return parts


def _duplicate_issues(
    states: list[_FileState],
    ids: list[array[int]],
    lines: list[array[int]],
    files: list[int],
    existing: set[str],
) -> dict[int, list[Issue]]:
    """``record.exists`` and ``record.duplicate`` issues by file index, found on the merged
    ids with numpy so that a million records cost a few tens of MB, not a dict of strings."""
    import numpy as np

    out: dict[int, list[Issue]] = {}
    if not ids:
        return out
    all_ids = np.concatenate([np.frombuffer(a, dtype=np.uint64) for a in ids])
    if not len(all_ids):
        return out
    all_lines = np.concatenate([np.frombuffer(a, dtype=np.int64) for a in lines])
    all_files = np.concatenate(
        [np.full(len(a), f, dtype=np.int32) for a, f in zip(ids, files, strict=True)]
    )
    exists = np.zeros(len(all_ids), dtype=bool)
    if existing:
        known = np.array(
            [
                int(i, 16)
                for i in existing
                if len(i) == 16 and all(c in "0123456789abcdef" for c in i)
            ],
            dtype=np.uint64,
        )
        exists = np.isin(all_ids, known)
    candidates = np.flatnonzero(~exists)
    order = candidates[np.argsort(all_ids[candidates], kind="stable")]
    sorted_ids = all_ids[order]
    repeat = np.zeros(len(order), dtype=bool)
    repeat[1:] = sorted_ids[1:] == sorted_ids[:-1]
    group_start = np.maximum.accumulate(np.where(~repeat, np.arange(len(order)), 0))
    first_of = order[group_start]
    found: list[tuple[int, int, Issue]] = []

    def record_issue(position: int, rule: str, message: str) -> None:
        file = int(all_files[position])
        issue = Issue(states[file].display, int(all_lines[position]), "", rule, message)
        found.append((file, position, issue))

    for position in np.flatnonzero(exists).tolist():
        rid = f"{int(all_ids[position]):016x}"
        record_issue(
            position,
            "record.exists",
            f"a record with the same title and body (id {rid}) is already released",
        )
    for k in np.flatnonzero(repeat).tolist():
        position, first = int(order[k]), int(first_of[k])
        file, first_file = int(all_files[position]), int(all_files[first])
        first_line = int(all_lines[first])
        where = (
            f"line {first_line}"
            if states[first_file].display == states[file].display
            else f"{states[first_file].display}:{first_line}"
        )
        rid = f"{int(all_ids[position]):016x}"
        record_issue(
            position,
            "record.duplicate",
            f"same title and body as {where} (id {rid}); remove one of them",
        )
    for file, _, issue in sorted(found, key=lambda item: item[1]):
        out.setdefault(file, []).append(issue)
    return out


def _is_error(issue: Issue, strict: bool) -> bool:
    return issue.severity == "error" or strict


def _record_level(issue: Issue) -> bool:
    return issue.severity == "error" and not issue.rule.startswith("file.")


def validate_paths(
    paths: Iterable[Path | str],
    *,
    schema: str = "auto",
    max_errors: int | None = None,
    dist: Path | None = None,
    strict: bool = False,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    schema_dir: Path | None = None,
    workers: int | None = None,
    exact: bool = False,
) -> ValidationReport:
    """Validate JSONL/JSON submission files and ``sources.jsonl`` manifests.

    The report is identical whatever ``workers`` is: issues come in input order (file by file,
    line by line), with exact line numbers.

    Args:
        schema: ``auto`` (manifests by file name, everything else as submissions), a built-in
            schema name (``submission``, ``article``, ``source``) or the path of a schema file.
        max_errors: report only the first this many errors; when there were more, the report is
            marked ``truncated`` and its counts cover the input up to the last reported error.
        dist: a release whose ids count as already taken (``record.exists``).
        strict: count warnings (BOM, CRLF, blank lines, unlisted raw files) as errors.
        workers: processes to use (default: one per core); small inputs stay in-process.
        exact: take the reference path: every line through the exact reader and every
            record's full content id. The report is the same (differential tests prove it),
            only slower; for tests and debugging.
    """
    extra = [Path(schema)] if schema.endswith(".json") else []
    schemas: SchemaSet = (
        load_schema_set(schema_dir, extra) if extra or schema_dir else default_schemas()
    )
    choice = str(extra[0]) if extra else schema
    if choice != "auto":
        schemas.resolve_name(choice)
    workers = default_workers() if workers is None else max(1, workers)
    report = ValidationReport(strict=strict)
    states: list[_FileState] = []
    parts = _plan((Path(p) for p in paths), choice, workers, report, states)
    names = {part.schema for part in parts}
    settings = _Settings(
        schema_dir,
        tuple(extra),
        {n: descriptions_of(n) for n in names},
        max_line_bytes,
        max_errors,
        strict,
        exact,
    )

    ids: list[array[int]] = []
    id_lines: list[array[int]] = []
    id_files: list[int] = []
    columns: list[tuple[int, KeyColumns]] = []
    errors_so_far = sum(1 for s in states for i in s.issues if _is_error(i, strict))
    stopped = max_errors is not None and errors_so_far > max_errors
    if not stopped:
        results = ordered_map(
            _check_part,
            parts,
            workers=min(workers, len(parts)),
            initializer=_init_worker,
            initargs=(settings,),
        )
        for part, result in zip(parts, results, strict=False):
            state = states[part.file_index]
            base = state.lines_before
            issues = _shift(result.issues, base)
            if base and any(i.rule == "format.crlf" for i in state.issues):
                issues = [i for i in issues if i.rule != "format.crlf"]  # once per file
            state.issues += issues
            state.records += result.records
            if result.record_lines is not None:
                state.record_lines += [line + base for line in result.record_lines]
            state.lines_before += result.newlines
            if len(result.ids):
                if base:
                    result.id_lines = array("q", (line + base for line in result.id_lines))
                ids.append(result.ids)
                id_lines.append(result.id_lines)
                id_files.append(part.file_index)
            if result.keys is not None and len(result.keys.keys):
                columns.append((part.file_index, result.keys.shifted(base)))
            errors_so_far += sum(1 for i in result.issues if _is_error(i, strict))
            if max_errors is not None and errors_so_far > max_errors:
                break  # the cut lies in what is merged already: later parts cannot matter
    existing = released_ids(dist) if dist is not None and (ids or columns) else set()
    if exact:
        duplicates = _duplicate_issues(states, ids, id_lines, id_files, existing)
    else:
        displays = [state.display for state in states]
        files = [Path(state.display) for state in states]
        for part in parts:
            files[part.file_index] = part.path
        released_keys = released_title_keys(dist) if existing and dist is not None else None
        duplicates = duplicate_issues(displays, files, columns, existing, released_keys)
    _finish(report, states, duplicates, max_errors, strict)
    return report


def _finish(
    report: ValidationReport,
    states: list[_FileState],
    duplicates: dict[int, list[Issue]],
    max_errors: int | None,
    strict: bool,
) -> None:
    """Merge the duplicate issues into each file, apply the error limit, and count."""
    errors = 0
    for index, state in enumerate(states):
        issues = state.issues
        if index in duplicates:
            issues = sorted(issues + duplicates[index], key=lambda issue: issue.line)
        if not state.records and not any(i.rule.startswith("file.") for i in issues):
            issues = [
                *issues,
                Issue(state.display, 1, "", "file.empty", "the file holds no records"),
            ]
        records = state.records
        if max_errors is not None:
            for position, issue in enumerate(issues):
                if _is_error(issue, strict):
                    errors += 1
                    if errors > max_errors:
                        report.truncated = True
                        kept = issues[:position]
                        last = kept[-1].line if kept else 0
                        issues = [i for i in kept if i.line <= last]
                        records = bisect_right(sorted(state.record_lines), last)
                        break
        report.records += records
        report.issues += issues
        if report.truncated:
            report.files = sum(1 for s in states[: index + 1] if s.is_file)
            break
    report.invalid_records = _count_invalid(report.issues)


def _count_invalid(issues: list[Issue]) -> int:
    count, previous = 0, None
    for issue in issues:
        if _record_level(issue):
            key = (issue.file, issue.line)
            if key != previous:
                count += 1
                previous = key
    return count
