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
import functools
import gc
import shutil
import sys
import tempfile
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from toolkit.errors import UsageError
from toolkit.escape import one_line
from toolkit.extras import require
from toolkit.ids import record_id, released_sources
from toolkit.issues import Issue, ValidationReport
from toolkit.parallel import (
    MIN_PARALLEL_BYTES,
    default_workers,
    ordered_map,
    range_size,
    split_ranges,
)
from toolkit.progress import Progress
from toolkit.raw import MANIFEST_NAME, check_entry, normalize_raw_path, unlisted_files
from toolkit.readers import SUFFIXES, format_of, reader_for
from toolkit.readers.base import DEFAULT_MAX_LINE_BYTES
from toolkit.readers.chunked import ChunkedJsonlReader
from toolkit.readers.jsonl import JsonlReader
from toolkit.schema import SchemaSet, default_schemas, load_schema_set
from toolkit.validate.duplicates import KeyColumns, duplicate_issues, released_title_keys
from toolkit.validate.messages import descriptions_of
from toolkit.validate.record import RecordSchema, validate_record

#: The name ``-`` stands for standard input, read as JSONL unless ``stdin_name`` says otherwise.
STDIN = "-"
#: The default release whose ids count as taken, used only when it holds a release.
DEFAULT_DIST = Path("dist")
#: Schemas whose records carry a content id, checked for duplicates.
_ID_SCHEMAS = ("submission", "article")


def supported_inputs() -> str:
    """The inputs ``validate_paths`` reads, in words (for the usage error)."""
    suffixes = ", ".join(sorted(SUFFIXES))
    return f"{suffixes} files, {MANIFEST_NAME} manifests, folders of them, and - (standard input)"


def expand_paths(paths: Iterable[Path]) -> Iterator[tuple[Path, Issue | None]]:
    """Input files in a stable order: directories become their JSONL/JSON/Parquet files.

    Raises:
        UsageError: a file is of a kind no reader takes (``.csv``, ``.yaml``, ...).
    """
    for path in paths:
        if str(path) == STDIN:
            yield path, None
        elif path.is_dir():
            found = sorted(p for p in path.rglob("*") if format_of(p) and p.is_file())
            if not found:
                yield (
                    path,
                    Issue(
                        str(path),
                        1,
                        "",
                        "file.no-inputs",
                        f"directory holds no {', '.join(sorted(SUFFIXES))} files",
                    ),
                )
            for item in found:
                yield item, None
        elif format_of(path) is None:
            raise UsageError(
                f"{one_line(str(path))}: cannot validate {one_line(path.suffix) or 'a file'} "
                f"without a known suffix; supported: {supported_inputs()}"
            )
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
    fmt: str = "jsonl"
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
    # Parsed JSON holds no reference cycles, yet each batch's thousands of new objects set off
    # the cycle collector again and again: about a tenth of the fast path's CPU (issue 14).
    # Off for the part, on again after it (anything cyclic made meanwhile is collected then).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _read_part(part)
    finally:
        if enabled:
            gc.enable()


def _read_part(part: _Part) -> _PartResult:
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
        reader = reader_for(part.path, fmt=part.fmt, **options)
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
    #: The file as it is named in the release's provenance (relative to raw/), when known.
    path: Path | None = None


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
    stdin: tuple[Path, str] | None = None,
) -> list[_Part]:
    entries: list[tuple[Path, str, str]] = []
    for path, problem in expand_paths(paths):
        if problem is not None:
            state = _FileState(problem.file, [problem], is_file=False)
            states.append(state)
            continue
        if str(path) == STDIN and stdin is not None:
            path, display = stdin
            named = Path(display)
        else:
            display, named = str(path), path
        entries.append((path, _schema_for(named, choice), format_of(named) or "jsonl"))
        states.append(_FileState(display, path=named))
        report.files += 1
    total = sum(p.stat().st_size for p, _, _ in entries)
    parallel = workers > 1 and total >= MIN_PARALLEL_BYTES
    parts: list[_Part] = []
    index = 0
    for state in states:
        if not state.is_file:
            index += 1
            continue
        path, name, fmt = entries.pop(0)
        size = path.stat().st_size
        ranged = (
            parallel and name != "source" and fmt == "jsonl" and size > range_size(size, workers)
        )
        if ranged:
            parts += [
                _Part(index, path, state.display, name, fmt, a, b)
                for a, b in split_ranges(path, range_size(size, workers))
            ]
        else:
            parts.append(_Part(index, path, state.display, name, fmt))
        index += 1
    return parts


def _release_name(path: Path | None, raw: Path) -> str | None:
    """``path`` as the release's provenance names it (relative to ``raw``), or None."""
    if path is None:
        return None
    try:
        return path.resolve().relative_to(raw.resolve()).as_posix()
    except ValueError:
        return None


def _duplicate_issues(
    states: list[_FileState],
    ids: list[array[int]],
    lines: list[array[int]],
    files: list[int],
    released: dict[str, frozenset[str]],
    raw: Path,
) -> dict[int, list[Issue]]:
    """``record.exists`` and ``record.duplicate`` issues by file index, found on the merged ids.

    A record already released *from the same raw file* (by ``provenance.source_file``) is not
    taken: re-validating a submission after the build that released it is valid (issue 15). The
    ids stay 64-bit integers in arrays and one sorted index, so a million records cost a few
    tens of MB, without numpy (the base install has none).
    """
    out: dict[int, list[Issue]] = {}
    all_ids: array[int] = array("Q")
    all_lines: array[int] = array("q")
    all_files: array[int] = array("l")
    for chunk, chunk_lines, file in zip(ids, lines, files, strict=True):
        all_ids += chunk
        all_lines += chunk_lines
        all_files += array("l", [file]) * len(chunk)
    if not all_ids:
        return out
    names = {f: _release_name(states[f].path, raw) for f in set(files)} if released else {}
    exists = bytearray(len(all_ids))
    if released:
        for position, value in enumerate(all_ids):
            sources = released.get(f"{value:016x}")
            if sources is not None and names[all_files[position]] not in sources:
                exists[position] = 1
    found: list[tuple[int, int, Issue]] = []

    def record_issue(position: int, rule: str, message: str) -> None:
        file = all_files[position]
        issue = Issue(states[file].display, all_lines[position], "", rule, message)
        found.append((file, position, issue))

    for position in (p for p, flag in enumerate(exists) if flag):
        record_issue(
            position,
            "record.exists",
            f"a record with the same title and body (id {all_ids[position]:016x}) is already "
            "released from another file",
        )
    order = sorted((p for p, flag in enumerate(exists) if not flag), key=all_ids.__getitem__)
    first = -1
    for k, position in enumerate(order):
        if k and all_ids[position] == all_ids[order[k - 1]]:
            file, first_file = all_files[position], all_files[first]
            first_line = all_lines[first]
            where = (
                f"line {first_line}"
                if states[first_file].display == states[file].display
                else f"{states[first_file].display}:{first_line}"
            )
            record_issue(
                position,
                "record.duplicate",
                f"same title and body as {where} (id {all_ids[position]:016x}); remove one of them",
            )
        else:
            first = position
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
    dist: Path | None = DEFAULT_DIST,
    strict: bool = False,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    schema_dir: Path | None = None,
    workers: int | None = None,
    exact: bool = False,
    stdin: BinaryIO | None = None,
    stdin_name: str = "<stdin>",
    progress: Progress | None = None,
) -> ValidationReport:
    """Validate JSONL/JSON/Parquet submission files and ``sources.jsonl`` manifests.

    The report is identical whatever ``workers`` is: issues come in input order (file by file,
    line by line, Parquet row by row), with exact line numbers. ``dtk validate`` calls this with
    the same defaults, so the API and the command agree on the same files.

    Args:
        schema: ``auto`` (manifests by file name, everything else as submissions), a built-in
            schema name (``submission``, ``article``, ``source``) or the path of a schema file.
        max_errors: report only the first this many errors; when there were more, the report is
            marked ``truncated`` and its counts cover the input up to the last reported error.
        paths: files or folders; ``-`` reads standard input (``stdin``, or ``sys.stdin``).
        dist: a release whose ids count as already taken (``record.exists``); ``dist/`` by
            default, ignored when it holds no release, None to skip the check. A record
            released from the very file being validated (its ``provenance.source_file``, relative
            to the ``raw/`` beside ``dist``) is not taken.
        strict: count warnings (BOM, CRLF, blank lines, unlisted raw files) as errors.
        workers: processes to use (default: one per core); small inputs stay in-process.
        exact: take the reference path: every line through the exact reader and every
            record's full content id. The report is the same (differential tests prove it),
            only slower; for tests and debugging.
        stdin_name: the name standard input gets in the report; its suffix picks the reader
            (``.json``, ``.parquet``; JSONL otherwise) and, under ``raw/``, the release's name.
        progress: where to report the ``validate`` stage (default: nowhere).

    Raises:
        UsageError: an input is of a kind no reader takes (the message lists the supported ones),
            or an unknown schema name.
        MissingExtraError: a Parquet input without pyarrow installed.
    """
    inputs = [Path(p) for p in paths]
    run = functools.partial(
        _validate,
        inputs,
        schema,
        max_errors,
        dist,
        strict,
        max_line_bytes,
        schema_dir,
        workers,
        progress=progress,
        exact=exact,
    )
    if not any(str(p) == STDIN for p in inputs):
        return run(None)
    with tempfile.TemporaryDirectory(prefix="dtk-stdin-") as folder:
        spooled = Path(folder) / ("stdin" + Path(stdin_name).suffix)
        with spooled.open("wb") as handle:
            shutil.copyfileobj(stdin or sys.stdin.buffer, handle)
        return run((spooled, stdin_name))


def _validate(
    paths: list[Path],
    schema: str,
    max_errors: int | None,
    dist: Path | None,
    strict: bool,
    max_line_bytes: int,
    schema_dir: Path | None,
    workers: int | None,
    stdin: tuple[Path, str] | None,
    progress: Progress | None,
    exact: bool,
) -> ValidationReport:
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
    parts = _plan(paths, choice, workers, report, states, stdin)
    if any(part.fmt == "parquet" for part in parts):
        require("pyarrow.parquet", "parquet")
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
    records_so_far = 0
    if not stopped:
        with (progress or Progress()).stage("validate", total=len(parts), unit="parts") as step:
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
                records_so_far += result.records
                step.advance(1, f"{records_so_far:,} records, {errors_so_far:,} errors")
                if max_errors is not None and errors_so_far > max_errors:
                    break  # the cut lies in what is merged already: later parts cannot matter
    released = released_sources(dist) if dist is not None and (ids or columns) else {}
    raw = (dist or DEFAULT_DIST).resolve().parent / "raw"
    if exact:
        duplicates = _duplicate_issues(states, ids, id_lines, id_files, released, raw)
    else:
        displays = [state.display for state in states]
        files = [Path(state.display) for state in states]
        for part in parts:
            files[part.file_index] = part.path
        release_names = [_release_name(state.path, raw) for state in states]
        released_keys = released_title_keys(dist) if released and dist is not None else None
        duplicates = duplicate_issues(
            displays, files, columns, released, released_keys, release_names
        )
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
