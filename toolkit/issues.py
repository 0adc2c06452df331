"""Findings about user data as plain values: the :class:`Issue`, the catalogue of stable rule
codes, and the :class:`ValidationReport` whose ``to_dict()`` is the JSON contract of
``dtk validate --format json``. Kept apart from ``errors.py`` because issues are always reported
in full while errors stop a run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]

#: Every rule code the toolkit emits, with one line saying what it means. ``schema.<keyword>``
#: codes are generated from the JSON Schema keyword that failed; the common ones are listed.
RULES: dict[str, str] = {
    "file.not-found": "The path does not exist.",
    "file.unreadable": "The path cannot be read (permissions, a device, a broken link).",
    "file.empty": "The file holds no records at all.",
    "file.no-inputs": "A directory was given but holds no .jsonl or .json file.",
    "file.too-large": "A JSON array file is larger than the in-memory limit; send JSONL instead.",
    "encoding.utf8": (
        "The line is not valid UTF-8; the column is the byte offset of the first bad byte."
    ),
    "encoding.bom": "The file starts with a UTF-8 byte-order mark (warning; the mark is skipped).",
    "format.crlf": "Lines end with CRLF (warning; they are read as LF).",
    "format.blank-line": "A blank line between records (warning; it is skipped).",
    "json.syntax": "The line is not valid JSON; the column points at the problem.",
    "json.truncated": "The last line is cut short (no closing newline and not valid JSON).",
    "json.nan": "NaN or Infinity is not JSON; use null or a string.",
    "json.duplicate-key": "An object has the same key twice; JSON parsers would silently keep one.",
    "json.not-object": "A record must be a JSON object.",
    "json.too-deep": "The value nests deeper than the parser's limit.",
    "json.integer-too-large": (
        "An integer too large for any number type (beyond a 64-bit float, including past "
        "CPython's 4,300-digit limit); write it as a string."
    ),
    "json.number-overflow": "A number such as 1e999 overflows to infinity; write it as a string.",
    "json.lone-surrogate": (
        "A string holds a \\uD800-\\uDFFF escape without its other half: not a character."
    ),
    "record.more-errors": (
        "A record has more errors than are listed (the first 50); the message counts the rest."
    ),
    "record.too-long": "A line is longer than the configured byte limit; it is skipped.",
    "record.duplicate": "Two records in the input have the same content id (same title and body).",
    "record.exists": "A record with this content id is already in the current release in dist/.",
    "manifest.missing-file": "The manifest lists a file that is not in raw/.",
    "manifest.sha256": "The file's SHA-256 differs from the manifest entry.",
    "manifest.unsafe-path": (
        "The path leaves raw/ (.., absolute, symlink out) or holds control characters."
    ),
    "manifest.duplicate-path": (
        "The manifest lists the same file twice (under any spelling: ./a, a, a hard link or a "
        "symlink inside raw/)."
    ),
    "manifest.unreadable-file": (
        "The listed file cannot be opened (a name too long, permissions); only this entry fails."
    ),
    "manifest.unlisted-file": "A file in raw/ has no manifest entry (warning).",
    "extract.no-article": "The page yields no article text.",
    "extract.unreadable": (
        "The raw file cannot be read safely (not a regular file, outside raw/, replaced after "
        "the manifest check) or decoded or parsed by its extractor."
    ),
    "extract.changed": (
        "The bytes read from a raw file are not the ones the manifest's SHA-256 lists (it changed "
        "after the check); nothing is extracted from it."
    ),
    "extract.skipped-record": "A WARC record is not an HTML response and was skipped (warning).",
    "extract.unknown-profile": (
        "The manifest names a profile not in toolkit/profiles/; the generic path is used (warning)."
    ),
    "corpus.missing-gold": "A labelled page has no gold file <id>.json beside it.",
    "corpus.missing-page": "A gold file has no page capture <id>.txt beside it.",
    "corpus.unreadable": "A page is not UTF-8 or its gold is not readable JSON.",
    "corpus.missing-field": "The gold lacks a field the corpus format requires.",
    "corpus.unknown-field": "The gold holds a field the corpus format does not define.",
    "corpus.type": "A gold value has the wrong type (or is an empty string).",
    "corpus.kind": "The page kind is not article, listing or none.",
    "corpus.articles": "The articles contradict the kind (none with articles, or none missing).",
    "corpus.not-in-page": "A gold string does not occur in the page text exactly.",
    "corpus.not-a-line": "A boilerplate or metadata line is not a whole line of the page.",
    "release.missing-file": (
        "A file the release manifest lists (or the manifest itself) is missing."
    ),
    "release.checksum": "A release file's SHA-256 or size differs from manifest.json.",
    "release.unlisted-file": "A file in the release is neither in manifest.json nor the card's.",
    "release.unsafe-path": "manifest.json names a path outside the release (absolute or '..').",
    "release.manifest": "manifest.json is not JSON or not the shape dtk build writes.",
    "release.unreadable": "A release file cannot be read (corrupt Parquet).",
    "release.schema": "A released row breaks the article schema.",
    "release.duplicate-id": "The same id is in two splits or twice in one.",
    "release.count": "Row counts differ between the files, manifest.json and the card.",
    "release.jsonl-mismatch": "The JSONL copy of a split differs from its Parquet files.",
    "release.load": "datasets.load_dataset fails or gives other features than the schema's.",
    "schema.required": "A required field is missing.",
    "schema.type": "A field has the wrong JSON type.",
    "schema.pattern": "A string does not match the pattern the schema requires.",
    "schema.format": "A string is not in the format the schema names (date, email, URI, ...).",
    "schema.enum": "A value is not one of the allowed values.",
    "schema.minLength": "A string is shorter than allowed (often: empty).",
    "schema.unevaluatedProperties": "A field the schema does not define.",
    "schema.additionalProperties": "A field the schema does not define.",
    "schema.anyOf": "A value matches none of the allowed shapes (for example a bad date).",
    "schema.minimum": "A number is below the allowed minimum.",
}


def describe_rule(rule: str) -> str:
    """One-line description of a rule code; unknown ``schema.*`` codes get a generic one."""
    if rule in RULES:
        return RULES[rule]
    if rule.startswith("schema."):
        return f"The value breaks the JSON Schema keyword {rule.split('.', 1)[1]!r}."
    return "Unknown rule."


@dataclass(frozen=True, slots=True)
class Issue:
    """One finding: where it is (file, 1-based line, 1-based byte column), which field (a JSON
    Pointer, ``""`` for the whole record), which rule and a message a person can act on."""

    file: str
    line: int
    pointer: str
    rule: str
    message: str
    column: int = 1
    severity: Severity = "error"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def json_path(self) -> str:
        """The pointer as a ``$.a.b[0]`` path, the way the text report shows it."""
        path = "$"
        for part in self.pointer.split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            path += f"[{part}]" if part.isdigit() else f".{part}"
        return path


@dataclass(slots=True)
class ValidationReport:
    """The outcome of validating some files: counts and every issue found, in input order.

    ``truncated`` is set when ``max_errors`` stopped the run before the end of the input.
    """

    files: int = 0
    records: int = 0
    invalid_records: int = 0
    issues: list[Issue] = field(default_factory=list)
    truncated: bool = False
    strict: bool = False

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error" or self.strict]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning" and not self.strict]

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def valid_records(self) -> int:
        return self.records - self.invalid_records

    def counts_by_rule(self) -> dict[str, int]:
        return dict(sorted(Counter(i.rule for i in self.errors).items()))

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: ``valid, files, records, errors[file, line, pointer, rule,
        message]``. Fields may be added, never renamed."""
        return {
            "valid": self.valid,
            "files": self.files,
            "records": self.records,
            "valid_records": self.valid_records,
            "invalid_records": self.invalid_records,
            "truncated": self.truncated,
            "counts": self.counts_by_rule(),
            "errors": [i.to_dict() for i in self.errors],
            "warnings": [i.to_dict() for i in self.warnings],
        }

    # ------------------------------------------------------------ notebooks

    #: Issues shown in a notebook's table; ``to_pandas()`` has them all.
    HTML_ROWS = 100

    def summary(self) -> str:
        """The one-line verdict the text report ends with."""
        return (
            f"{'valid' if self.valid else 'invalid'}: {self.files} file"
            f"{'' if self.files == 1 else 's'}, {self.records} records checked, "
            f"{self.valid_records} valid, {self.invalid_records} invalid, "
            f"{len(self.errors)} errors, {len(self.warnings)} warnings"
            + (" (cut short by max_errors)" if self.truncated else "")
        )

    def _repr_html_(self) -> str:
        """The report as an HTML table in Jupyter; every value from the data is escaped."""
        from toolkit.escape import html_table, html_text

        rows = [
            [i.file, i.line, i.column, i.json_path, i.rule, i.severity, i.message]
            for i in self.issues[: self.HTML_ROWS]
        ]
        more = len(self.issues) - len(rows)
        table = (
            html_table(["file", "line", "column", "field", "rule", "severity", "message"], rows)
            if rows
            else ""
        )
        note = f"<p>… {more:,} more issues: <code>to_pandas()</code> has them all</p>"
        return f"<p><b>{html_text(self.summary())}</b></p>{table}{note if more > 0 else ''}"

    def to_pandas(self) -> Any:
        """Every issue (errors and warnings) as a ``pandas.DataFrame``, one row each, columns
        ``file, line, column, pointer, rule, severity, message``; pandas is imported here
        (``pip install 'newsroom-dtk[notebook]'``)."""
        from toolkit.extras import require

        pd = require("pandas", "notebook", what="ValidationReport.to_pandas()")
        columns = ["file", "line", "column", "pointer", "rule", "severity", "message"]
        return pd.DataFrame(
            [[getattr(i, c) for c in columns] for i in self.issues], columns=columns
        )
