"""Turning a failed schema check into issues a person can act on.

Both engines report through here, so the fast (``jsonschema-rs``) and the reference
(``jsonschema``) paths give the same rule codes: ``schema.<keyword>`` of the keyword that failed.
Messages name the field, the value and what was expected, using the schema's own descriptions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from toolkit.issues import Issue

E = TypeVar("E")

#: What each JSON Schema ``format`` is called, its shape, and a valid example: a format error
#: names the format and shows a value that would pass (issue 15).
FORMATS: dict[str, tuple[str, str | None, str]] = {
    "date": ("date", "YYYY-MM-DD", "2022-09-21"),
    "date-time": ("date-time", "RFC 3339", "2022-09-21T14:30:00Z"),
    "time": ("time", "HH:MM:SS with a UTC offset", "14:30:00Z"),
    "duration": ("duration", "ISO 8601", "P3D"),
    "email": ("email address", None, "editor@example.org"),
    "idn-email": ("email address", None, "editor@example.org"),
    "uri": ("URI", "absolute, with a scheme", "https://example.org/news/1"),
    "iri": ("IRI", "absolute, with a scheme", "https://example.org/news/1"),
    "uri-reference": ("URI reference", None, "/news/1"),
    "hostname": ("hostname", None, "example.org"),
    "ipv4": ("IPv4 address", None, "192.0.2.1"),
    "ipv6": ("IPv6 address", None, "2001:db8::1"),
    "uuid": ("UUID", None, "123e4567-e89b-12d3-a456-426614174000"),
    "regex": ("regular expression", None, "^[a-z]+$"),
}
#: Fields of a released record that a submission must not carry, by schema: the build assigns
#: them (the id is the content hash, provenance points at the raw file).
ASSIGNED_BY_BUILD: dict[str, frozenset[str]] = {"submission": frozenset({"id", "provenance"})}
_DATE_SHAPE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


def format_name(fmt: str) -> str:
    """``fmt`` named for people, with its shape and an example: ``date (YYYY-MM-DD, e.g. ...)``."""
    name, shape, example = FORMATS.get(fmt, (fmt, None, ""))
    inside = ", ".join(p for p in (shape, f"e.g. {example}" if example else "") if p)
    return f"{name} ({inside})" if inside else name


def _likely_formats(value: str, formats: list[str]) -> list[str]:
    """The formats a value was meant to have: '2022-13-45' is a date gone wrong, not a
    date-time; a value with a time in it is a date-time."""
    if {"date", "date-time"} <= set(formats):
        if _DATE_SHAPE.match(value):
            return [f for f in formats if f != "date-time"]
        if "T" in value or ":" in value:
            return [f for f in formats if f != "date"]
    return formats


def listing(names: list[str]) -> str:
    """``'a'``, ``'a' and 'b'``, ``'a', 'b' and 'c'``."""
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def unknown_fields_message(names: list[str], assigned: frozenset[str]) -> str:
    """The message for fields the schema does not define, ``id``/``provenance`` explained."""
    names = sorted(names)
    built = [n for n in names if n in assigned]
    other = [n for n in names if n not in assigned]
    shown = listing(names[:MAX_NAMES_LISTED])
    if len(names) > MAX_NAMES_LISTED:
        shown += f" (and {len(names) - MAX_NAMES_LISTED:,} more)"
    head = f"unknown field{'s' if len(names) > 1 else ''} {shown}"
    if not built:
        return f"{head}: the schema does not define {_it(other)}"
    verb = "is" if len(built) == 1 else "are"
    if not other:
        subject = "it" if len(built) == 1 else "they"
        return f"{head}: {subject} {verb} assigned by the build, so remove {_it(built)}"
    return (
        f"{head}: the schema does not define {listing(other)}, and {listing(built)} {verb} "
        f"assigned by the build, so remove {_it(built)}"
    )


def _it(names: list[str]) -> str:
    return "it" if len(names) == 1 else "them"


#: Unknown field names listed in one message; the rest are counted.
MAX_NAMES_LISTED = 20


def _pointer(parts: list[str | int]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _show(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        list: "array",
        dict: "object",
    }.get(type(value), type(value).__name__)


def describe(
    keyword: str,
    path: list[str | int],
    instance: Any,
    detail: dict[str, Any],
    descriptions: dict[str, str],
    assigned: frozenset[str] = frozenset(),
) -> tuple[str, str]:
    """``(pointer, message)`` for one failed keyword at ``path`` with the offending ``instance``.

    Args:
        assigned: fields the build assigns, which a record of this schema must not carry.
    """
    field = str(path[-1]) if path else "record"
    if len(path) > 1 and isinstance(path[-1], int):
        field = f"{path[-2]}[{path[-1]}]"
    hint = descriptions.get(_pointer(path), "")
    if keyword == "required":
        name = detail["property"]
        return _pointer([*path, name]), f"missing required field {name!r}"
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        names = detail.get("unexpected") or []
        where = _pointer([*path, names[0]]) if len(names) == 1 else _pointer(path)
        return where, unknown_fields_message(list(names), assigned if not path else frozenset())
    if keyword == "type":
        expected = detail.get("types") or detail.get("expected")
        got = _json_type(instance)
        if instance is not None and not isinstance(instance, bool):
            got += f" {_show(instance)}"
        elif instance is not None:
            got += f" {'true' if instance else 'false'}"
        return _pointer(path), f"{field} must be {expected}, got {got}"
    if keyword == "format":
        return _pointer(path), f"{_show(instance)} is not a valid {format_name(detail['format'])}"
    if keyword == "pattern":
        extra = f" ({hint})" if hint else ""
        return _pointer(path), f"{_show(instance)} does not match the pattern for {field}{extra}"
    if keyword == "enum":
        options = detail.get("options")
        return _pointer(path), f"{_show(instance)} is not one of {options}"
    if keyword == "minLength":
        return _pointer(
            path
        ), f"{field} must not be empty" if instance == "" else f"{field} is too short"
    formats = detail.get("formats")
    if keyword in ("anyOf", "oneOf") and formats and isinstance(instance, str):
        named = " or ".join(format_name(f) for f in _likely_formats(instance, formats))
        return _pointer(path), f"{_show(instance)} is not a valid {named}"
    if keyword in ("anyOf", "oneOf"):
        extra = f": {hint}" if hint else ""
        return _pointer(path), f"{_show(instance)} is not an allowed value for {field}{extra}"
    if keyword == "minimum":
        return _pointer(path), f"{field} must be at least {detail.get('limit')}, got {instance}"
    return _pointer(path), f"{_show(instance)} breaks the schema rule {keyword!r}"


def descriptions_of(schema_name: str) -> dict[str, str]:
    """Field descriptions by JSON Pointer, for messages."""
    from toolkit.features import FieldSpec, field_specs

    out: dict[str, str] = {}

    def walk(specs: tuple[FieldSpec, ...] | list[FieldSpec], prefix: str) -> None:
        for spec in specs:
            out[f"{prefix}/{spec.name}"] = spec.description.rstrip(".")
            walk(spec.children, f"{prefix}/{spec.name}")

    try:
        walk(field_specs(schema_name), "")
    except Exception:  # an ad-hoc schema that is not a record schema: messages without hints
        return {}
    return out


#: Errors kept per record; the rest are counted in one ``record.more-errors`` issue, so a record
#: holding a million bad items costs as much as its own bytes, not a million issues (issue 12).
MAX_ISSUES_PER_RECORD = 50
#: Arrays longer than this are validated in slices of this many items, so the validator never
#: holds more than a slice's errors at once.
SLICE_ITEMS = 512


def _clipped(
    value: Any, path: tuple[str | int, ...], cut: list[tuple[tuple[str | int, ...], list[Any]]]
) -> Any:
    """``value`` with every array cut to ``SLICE_ITEMS`` items; the cut arrays go to ``cut``."""
    if type(value) is dict:
        return {k: _clipped(v, (*path, k), cut) for k, v in value.items()}
    if type(value) is list:
        if len(value) > SLICE_ITEMS:
            cut.append((path, value))
        return [_clipped(v, (*path, i), cut) for i, v in enumerate(value[:SLICE_ITEMS])]
    return value


def _put(root: Any, path: tuple[str | int, ...], item: Any) -> None:
    for part in path[:-1]:
        root = root[part]
    root[path[-1]] = item


def _errors(validator: Any, value: Any) -> Iterator[tuple[Any, tuple[str | int, ...]]]:
    """Every schema error of ``value`` with its instance path, long arrays slice by slice."""
    cut: list[tuple[tuple[str | int, ...], list[Any]]] = []
    probe = _clipped(value, (), cut)
    found = False
    for error in validator.iter_errors(probe):
        found = True
        yield error, tuple(error.instance_path)
    if not found and cut:
        # Only the whole arrays break the schema (``maxItems`` past the slice, ``uniqueItems``
        # across slices): ask about the record itself.
        for error in validator.iter_errors(value):
            yield error, tuple(error.instance_path)
        return
    for path, items in cut:
        if not path:
            continue  # a top-level array is never a record
        head = probe
        for part in path:
            head = head[part]
        for start in range(SLICE_ITEMS, len(items), SLICE_ITEMS):
            _put(probe, path, [_clipped(v, (), []) for v in items[start : start + SLICE_ITEMS]])
            for error in validator.iter_errors(probe):
                where = tuple(error.instance_path)
                # Errors about the rest of the record were reported with the first slice.
                if len(where) > len(path) and where[: len(path)] == path:
                    index = where[len(path)]
                    assert isinstance(index, int)
                    yield error, (*path, start + index, *where[len(path) + 1 :])
        _put(probe, path, head)


def more_errors_issue(file: str, line: int, shown: int, more: int) -> Issue:
    """The issue that stands for the errors of one record past the first ``shown``."""
    return Issue(
        file,
        line,
        "",
        "record.more-errors",
        f"{more:,} more errors in this record are not listed (the first {shown} are); "
        "fix those and validate again",
    )


def capped(
    errors: Iterable[E], to_issues: Callable[[E], list[Issue]], file: str, line: int, limit: int
) -> list[Issue]:
    """The issues of the first errors until ``limit`` issues are kept, then one
    ``record.more-errors`` issue counting the errors left: those are counted, never turned into
    messages, so a record with a million bad items costs what its first ``limit`` cost."""
    issues: list[Issue] = []
    more = 0
    for error in errors:
        if len(issues) >= limit:
            more += 1
            continue
        issues += to_issues(error)
    if more:
        issues.append(more_errors_issue(file, line, limit, more))
    return issues


def fast_issues(
    validator: Any,
    value: Any,
    *,
    file: str,
    line: int,
    descriptions: dict[str, str],
    assigned: frozenset[str] = frozenset(),
    limit: int = MAX_ISSUES_PER_RECORD,
) -> list[Issue]:
    """The first ``limit`` errors ``jsonschema-rs`` finds in ``value``, as issues, then one
    ``record.more-errors`` issue counting the rest. Memory is bounded by the record's size."""

    def to_issues(found: tuple[Any, tuple[str | int, ...]]) -> list[Issue]:
        error, where = found
        kind = error.kind
        keyword = kind.name
        detail = dict(kind.as_dict())
        if keyword == "type":
            types = detail.get("types")
            detail["types"] = " or ".join(types) if isinstance(types, list) else types
        if keyword == "enum":
            detail["options"] = detail.get("options")
        if keyword == "format":
            detail["format"] = detail.get("format")
        if keyword in ("anyOf", "oneOf"):
            detail["formats"] = [
                sub.kind.as_dict()["format"]
                for branch in detail.get("context") or []
                for sub in branch
                if sub.kind.name == "format"
            ]
        pointer, message = describe(
            keyword, list(where), error.instance, detail, descriptions, assigned
        )
        return [Issue(file, line, pointer, f"schema.{keyword}", message)]

    return capped(_errors(validator, value), to_issues, file, line, limit)


def reference_issues(
    validator: Any,
    value: Any,
    *,
    file: str,
    line: int,
    descriptions: dict[str, str],
    assigned: frozenset[str] = frozenset(),
    limit: int = MAX_ISSUES_PER_RECORD,
) -> list[Issue]:
    """The first ``limit`` errors the reference ``jsonschema`` validator finds in ``value``, as
    issues, then one ``record.more-errors`` issue counting the rest (its errors come lazily, so
    the rest is counted without being kept)."""

    def to_issues(error: Any) -> list[Issue]:
        keyword = str(error.validator)
        detail: dict[str, Any] = {}
        if keyword == "required":
            missing = [n for n in error.validator_value if n not in error.instance]
            found = []
            for name in missing:
                pointer, message = describe(
                    "required",
                    list(error.absolute_path),
                    error.instance,
                    {"property": name},
                    descriptions,
                )
                found.append(Issue(file, line, pointer, "schema.required", message))
            return found
        if keyword in ("additionalProperties", "unevaluatedProperties"):
            allowed = (
                set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
            )
            detail["unexpected"] = (
                [k for k in error.instance if k not in allowed]
                if keyword == "additionalProperties"
                else sorted(k for k in error.instance if f"'{k}'" in error.message)
            )
        elif keyword == "type":
            expected = error.validator_value
            detail["types"] = " or ".join(expected) if isinstance(expected, list) else expected
        elif keyword == "enum":
            detail["options"] = error.validator_value
        elif keyword == "format":
            detail["format"] = error.validator_value
        elif keyword == "minimum":
            detail["limit"] = error.validator_value
        elif keyword in ("anyOf", "oneOf"):
            detail["formats"] = [
                str(sub.validator_value) for sub in error.context or [] if sub.validator == "format"
            ]
        pointer, message = describe(
            keyword, list(error.absolute_path), error.instance, detail, descriptions, assigned
        )
        return [Issue(file, line, pointer, f"schema.{keyword}", message)]

    return capped(validator.iter_errors(value), to_issues, file, line, limit)
