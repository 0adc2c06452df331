"""Turning a failed schema check into issues a person can act on.

Both engines report through here, so the fast (``jsonschema-rs``) and the reference
(``jsonschema``) paths give the same rule codes: ``schema.<keyword>`` of the keyword that failed.
Messages name the field, the value and what was expected, using the schema's own descriptions.
"""

from __future__ import annotations

from typing import Any

from toolkit.issues import Issue


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
) -> tuple[str, str]:
    """``(pointer, message)`` for one failed keyword at ``path`` with the offending ``instance``."""
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
        return (
            where,
            f"unknown field{'s' if len(names) > 1 else ''} {', '.join(map(repr, names))}: "
            "the schema does not define it",
        )
    if keyword == "type":
        expected = detail.get("types") or detail.get("expected")
        got = _json_type(instance)
        if instance is not None and not isinstance(instance, bool):
            got += f" {_show(instance)}"
        elif instance is not None:
            got += f" {'true' if instance else 'false'}"
        return _pointer(path), f"{field} must be {expected}, got {got}"
    if keyword == "format":
        return _pointer(path), f"{_show(instance)} is not a valid {detail.get('format')}"
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


def fast_issues(
    validator: Any, value: Any, *, file: str, line: int, descriptions: dict[str, str]
) -> list[Issue]:
    """Every error ``jsonschema-rs`` finds in ``value``, as issues."""
    issues = []
    for error in validator.iter_errors(value):
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
        pointer, message = describe(
            keyword, list(error.instance_path), error.instance, detail, descriptions
        )
        issues.append(Issue(file, line, pointer, f"schema.{keyword}", message))
    return issues


def reference_issues(
    validator: Any, value: Any, *, file: str, line: int, descriptions: dict[str, str]
) -> list[Issue]:
    """Every error the reference ``jsonschema`` validator finds in ``value``, as issues."""
    issues = []
    for error in validator.iter_errors(value):
        keyword = str(error.validator)
        detail: dict[str, Any] = {}
        if keyword == "required":
            missing = [n for n in error.validator_value if n not in error.instance]
            for name in missing:
                pointer, message = describe(
                    "required",
                    list(error.absolute_path),
                    error.instance,
                    {"property": name},
                    descriptions,
                )
                issues.append(Issue(file, line, pointer, "schema.required", message))
            continue
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
        pointer, message = describe(
            keyword, list(error.absolute_path), error.instance, detail, descriptions
        )
        issues.append(Issue(file, line, pointer, f"schema.{keyword}", message))
    return issues
