"""Loading the JSON Schemas in ``schema/`` and building validators from them, offline.

Both validator engines get a registry holding only the local schema files, so a ``$ref`` can
never reach the network: a reference outside that registry is refused when the schema is loaded.
The compiled ``jsonschema-rs`` validator decides which records are valid; the reference
``jsonschema`` validator (with real format checkers) is kept for differential testing.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin

import jsonschema_rs
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource

from toolkit.errors import SchemaError

if TYPE_CHECKING:
    import jsonschema

#: Names of the built-in schemas: ``schema/<name>.schema.json``.
SCHEMA_NAMES = ("submission", "article", "source", "profile")


def schema_dir() -> Path:
    """Where the schema files live: ``schema/`` in a source checkout, package data in a wheel."""
    packaged = Path(__file__).parent / "_schema"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "schema"


@dataclass(frozen=True)
class SchemaSet:
    """The local schema files: documents by ``$id``, and the names they were loaded under."""

    directory: Path
    by_id: dict[str, dict[str, Any]]
    by_name: dict[str, dict[str, Any]]

    def resolve_name(self, name_or_path: str) -> dict[str, Any]:
        if name_or_path in self.by_name:
            return self.by_name[name_or_path]
        raise SchemaError(
            f"unknown schema {name_or_path!r}; choose one of {', '.join(sorted(self.by_name))} "
            "or give the path of a .schema.json file"
        )


def _iter_refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("$ref", "$dynamicRef") and isinstance(value, str):
                yield value
            else:
                yield from _iter_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _iter_refs(item)


DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


def _read_schema(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SchemaError(f"{path}: cannot read schema: {exc}") from exc
    if not isinstance(document, dict):
        raise SchemaError(f"{path}: a schema file must hold a JSON object")
    declared = document.get("$schema", DRAFT_2020_12)
    # jsonschema-rs would fetch an unknown $schema to check against it: only the standard
    # metaschema takes the fast check; anything else gets the pure-Python one (never fetches).
    standard = isinstance(declared, str) and declared.rstrip("#") == DRAFT_2020_12
    if not (standard and jsonschema_rs.meta.is_valid(document) and _patterns_compile(document)):
        _check_schema_precisely(path, document)
    document.setdefault("$id", path.resolve().as_uri())
    return document


def _patterns_compile(node: Any) -> bool:
    """Whether every ``pattern`` (and ``patternProperties`` key) compiles: the metaschema's
    ``regex`` format, which the fast metaschema check leaves out."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                try:
                    re.compile(value)
                except re.error:
                    return False
            elif key == "patternProperties" and isinstance(value, dict):
                try:
                    for pattern in value:
                        re.compile(pattern)
                except re.error:
                    return False
            if not _patterns_compile(value):
                return False
    elif isinstance(node, list):
        return all(_patterns_compile(item) for item in node)
    return True


def _check_schema_precisely(path: Path, document: dict[str, Any]) -> None:
    # Importing jsonschema costs about a second (its format checkers build grammars), so it
    # happens only for a schema that is invalid or for the reference validator.
    import jsonschema

    try:
        jsonschema.Draft202012Validator.check_schema(document)
    except jsonschema.SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        raise SchemaError(f"{path}: invalid JSON Schema at {where}: {exc.message}") from exc


def load_schema_set(directory: Path | None = None, extra: list[Path] | None = None) -> SchemaSet:
    """Read every ``*.schema.json`` in ``directory`` (plus ``extra`` files), check each against
    the draft 2020-12 metaschema, and refuse any ``$ref`` that points outside the set."""
    directory = directory or schema_dir()
    paths = sorted(directory.glob("*.schema.json")) + list(extra or [])
    by_id: dict[str, dict[str, Any]] = {}
    by_name: dict[str, dict[str, Any]] = {}
    for path in paths:
        document = _read_schema(path)
        by_id[document["$id"]] = document
        by_name[path.name.removesuffix(".schema.json")] = document
        by_name[str(path)] = document
    for document in by_id.values():
        for ref in _iter_refs(document):
            target, _ = urldefrag(urljoin(document["$id"], ref))
            if target and target not in by_id:
                raise SchemaError(
                    f"schema {document['$id']} refers to {ref!r}, which is not a local schema; "
                    "remote references are never fetched: copy the schema into schema/"
                )
    return SchemaSet(directory, by_id, by_name)


def _refuse_remote(uri: str) -> Resource[Any]:
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # attrs class, mypy sees no init


_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?"
    r"(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))"
)


def _is_date_time(instance: object) -> bool:
    """RFC 3339 date-time. The ``rfc3339-validator`` that ``jsonschema`` uses refuses leap
    seconds and accepts a trailing newline; the official test suite says the opposite."""
    if not isinstance(instance, str):
        return True
    match = _DATE_TIME.fullmatch(instance)
    if not match:
        return False
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    sign, off_hour, off_minute = match.group(7), int(match.group(8) or 0), int(match.group(9) or 0)
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    if hour > 23 or minute > 59 or second > 60 or off_hour > 23 or off_minute > 59:
        return False
    if second == 60:  # a leap second happens at 23:59:60 UTC only
        offset = (off_hour * 60 + off_minute) * (-1 if sign == "-" else 1)
        return (hour * 60 + minute - offset) % 1440 == 23 * 60 + 59
    return True


def _is_uri(instance: object) -> bool:
    """RFC 3986 URI, with an IP literal host really parsed (``rfc3986-validator`` accepts
    ``http://[::ffff:01.2.3.4]``, whose embedded IPv4 address has a leading zero)."""
    if not isinstance(instance, str):
        return True
    if not _rfc3986_uri(instance):
        return False
    literal = re.match(r"[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?\[([^\]]*)\]", instance)
    if literal and not literal.group(1).lower().startswith("v"):
        try:
            ipaddress.IPv6Address(literal.group(1))
        except ValueError:
            return False
    return True


def _rfc3986_uri(instance: str) -> bool:
    import jsonschema

    checker, _ = jsonschema.Draft202012Validator.FORMAT_CHECKER.checkers["uri"]
    return bool(checker(instance))


def format_checker() -> jsonschema.FormatChecker:
    """Draft 2020-12 format checks, with ``date-time`` and ``uri`` corrected to agree with the
    official test suite (see tests/test_schema_conformance.py)."""
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    checker.checkers = dict(jsonschema.Draft202012Validator.FORMAT_CHECKER.checkers)
    checker.checks("date-time")(_is_date_time)
    checker.checks("uri")(_is_uri)
    return checker


def reference_validator(schema: dict[str, Any], schemas: SchemaSet) -> jsonschema.Validator:
    """The pure-Python ``jsonschema`` validator: exact, slow, with every format really checked."""
    import jsonschema

    registry: Registry[Any] = Registry(retrieve=_refuse_remote).with_resources(  # type: ignore[call-arg]
        (uri, Resource.from_contents(doc)) for uri, doc in schemas.by_id.items()
    )
    return jsonschema.Draft202012Validator(
        schema, registry=registry, format_checker=format_checker()
    )


def fast_validator(schema: dict[str, Any], schemas: SchemaSet) -> Any:
    """The compiled ``jsonschema-rs`` validator, offline, with formats asserted."""
    try:
        registry = jsonschema_rs.Registry([(uri, doc) for uri, doc in schemas.by_id.items()])
        return jsonschema_rs.validator_for(
            schema, registry=registry, validate_formats=True, offline=True
        )
    except jsonschema_rs.ValidationError as exc:
        raise SchemaError(f"cannot compile schema {schema.get('$id')}: {exc.message}") from exc
    except ValueError as exc:  # e.g. a remote or unknown "$schema" metaschema (issue 7)
        raise SchemaError(
            f"cannot compile schema {schema.get('$id')}: {exc}; only local "
            "schemas and the draft 2020-12 metaschema are used"
        ) from exc


@cache
def default_schemas() -> SchemaSet:
    """The built-in schema set, loaded once per process."""
    return load_schema_set()


def schema_sha256(name: str) -> str:
    """SHA-256 of a built-in schema file's bytes, for the release manifest."""
    import hashlib

    return hashlib.sha256((schema_dir() / f"{name}.schema.json").read_bytes()).hexdigest()
