"""``validate_record``: the one check of one record against its schema, shared by ``dtk validate``
(submissions and manifests), the build (extracted articles) and ``dtk check`` (released rows).

Kept apart from ``paths.py`` so the build and the release check validate exactly as ``dtk
validate`` does without importing its file handling. The compiled ``jsonschema-rs`` validator
decides first (fast, and almost every record is valid); only a failing record gets the slower
walk over its errors, with messages that use the schema's own field descriptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from toolkit.issues import Issue
from toolkit.schema import SchemaSet, default_schemas, fast_validator
from toolkit.validate.messages import (
    ASSIGNED_BY_BUILD,
    MAX_ISSUES_PER_RECORD,
    descriptions_of,
    fast_issues,
)


@dataclass(frozen=True)
class RecordSchema:
    """A compiled schema and the field descriptions its messages quote; build one per process
    (compiling is the slow part) and pass it to every :func:`validate_record` call."""

    name: str
    validator: Any
    descriptions: dict[str, str]
    #: Fields the build assigns, which a record of this schema must not carry.
    assigned: frozenset[str] = frozenset()

    @classmethod
    def load(
        cls,
        name: str,
        schemas: SchemaSet | None = None,
        descriptions: dict[str, str] | None = None,
    ) -> RecordSchema:
        """The schema ``name`` of ``schemas`` (default: the built-in set), compiled."""
        schemas = schemas or default_schemas()
        validator = fast_validator(schemas.resolve_name(name), schemas)
        return cls(
            name,
            validator,
            descriptions_of(name) if descriptions is None else descriptions,
            ASSIGNED_BY_BUILD.get(name, frozenset()),
        )


def validate_record(value: Any, schema: RecordSchema, *, file: str, line: int) -> list[Issue]:
    """The ways ``value`` breaks ``schema``, as issues at ``file:line``; empty when it is valid.

    At most ``MAX_ISSUES_PER_RECORD`` errors are kept, then one ``record.more-errors`` issue
    counts the rest: a record holding a million bad items costs its own bytes, not a million
    issues, in ``dtk validate`` reports, build rejects and ``dtk check`` alike (issue 12).
    Never raises for bad data: a value that is not even an object is an issue too.
    """
    if schema.validator.is_valid(value):
        return []
    return fast_issues(
        schema.validator,
        value,
        file=file,
        line=line,
        descriptions=schema.descriptions,
        assigned=schema.assigned,
        limit=MAX_ISSUES_PER_RECORD,
    )
