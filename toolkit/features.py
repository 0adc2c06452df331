"""The one place where column types come from: a JSON Schema (with its local ``$ref``s resolved)
becomes a ``pyarrow.Schema``, and that becomes ``datasets.Features``. Nothing else in the toolkit
writes a type down, so the schema file stays the single source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin

from toolkit.errors import SchemaError
from toolkit.schema import SchemaSet, default_schemas

if TYPE_CHECKING:
    import datasets
    import pyarrow as pa

#: JSON types a column can hold, by their Arrow type's constructor name (pyarrow is imported
#: only when an Arrow type is asked for: validating needs the specs, not pyarrow).
_SCALARS: dict[str, str] = {
    "string": "string",
    "integer": "int64",
    "number": "float64",
    "boolean": "bool_",
}


@dataclass(frozen=True)
class FieldSpec:
    """One column as the schema defines it: the facts the card and the writers need."""

    name: str
    json_types: tuple[str, ...]
    nullable: bool
    required: bool
    description: str
    example: Any
    children: tuple[FieldSpec, ...] = ()
    #: The element of an array column.
    item: FieldSpec | None = None

    @property
    def arrow_type(self) -> pa.DataType:
        """The column's Arrow type (imports pyarrow)."""
        import pyarrow as pa

        if self.item is not None:
            return pa.list_(self.item.arrow_type)
        concrete = [t for t in self.json_types if t != "null"]
        if concrete == ["object"]:
            return pa.struct([pa.field(c.name, c.arrow_type) for c in self.children])
        return getattr(pa, _SCALARS[concrete[0]])()


def _resolve(node: dict[str, Any], base: str, schemas: SchemaSet) -> tuple[dict[str, Any], str]:
    """Follow ``node``'s ``$ref`` (if any) to the subschema it names, within the local set."""
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return node, base
    uri, fragment = urldefrag(urljoin(base, ref))
    document = schemas.by_id.get(uri or base)
    if document is None:
        raise SchemaError(f"cannot resolve $ref {ref!r} from {base}")
    target: Any = document
    for part in [p for p in fragment.split("/") if p]:
        target = target[part.replace("~1", "/").replace("~0", "~")]
    return target, document["$id"]


def _properties(
    node: dict[str, Any], base: str, schemas: SchemaSet
) -> tuple[dict[str, tuple[dict[str, Any], str]], set[str]]:
    """Properties and required names of an object schema, merged across ``$ref`` and ``allOf``."""
    props: dict[str, tuple[dict[str, Any], str]] = {}
    required: set[str] = set()
    parts = [(node, base)]
    if "$ref" in node:
        parts.insert(0, _resolve(node, base, schemas))
    parts += [(sub, base) for sub in node.get("allOf", [])]
    for part, part_base in parts:
        if part is not node and ("$ref" in part or "allOf" in part):
            sub_props, sub_required = _properties(part, part_base, schemas)
            props.update(sub_props)
            required |= sub_required
            continue
        for name, sub in part.get("properties", {}).items():
            props[name] = (sub, part_base)
        required |= set(part.get("required", []))
    return props, required


def _json_types(node: dict[str, Any], base: str, schemas: SchemaSet) -> list[str]:
    node, base = _resolve(node, base, schemas)
    if "type" in node:
        types = node["type"]
        return [types] if isinstance(types, str) else list(types)
    if "enum" in node:
        kinds = {type(v).__name__ for v in node["enum"]}
        return (
            ["string"]
            if kinds == {"str"}
            else ["string", "null"]
            if kinds == {"str", "NoneType"}
            else []
        )
    for key in ("anyOf", "oneOf"):
        if key in node:
            out: list[str] = []
            for branch in node[key]:
                out += [t for t in _json_types(branch, base, schemas) if t not in out]
            return out
    return []


def _field(
    name: str, node: dict[str, Any], base: str, required: bool, schemas: SchemaSet
) -> FieldSpec:
    resolved, resolved_base = _resolve(node, base, schemas)
    types = _json_types(node, base, schemas)
    concrete = [t for t in types if t != "null"]
    children: tuple[FieldSpec, ...] = ()
    item: FieldSpec | None = None
    if concrete == ["array"]:
        item = _field("item", resolved.get("items", {}), resolved_base, True, schemas)
    elif concrete == ["object"]:
        props, req = _properties(resolved, resolved_base, schemas)
        children = tuple(_field(n, s, b, n in req, schemas) for n, (s, b) in props.items())
    elif len(concrete) == 1 and concrete[0] in _SCALARS:
        pass
    else:
        raise SchemaError(
            f"field {name!r} has types {types or 'unknown'}; "
            "a column needs exactly one non-null type"
        )
    examples = node.get("examples") or resolved.get("examples") or [None]
    return FieldSpec(
        name=name,
        json_types=tuple(types),
        nullable="null" in types or not required,
        required=required,
        description=node.get("description") or resolved.get("description", ""),
        example=examples[0],
        children=children,
        item=item,
    )


def field_specs(name: str = "article", schemas: SchemaSet | None = None) -> list[FieldSpec]:
    """The columns of a record schema, in schema order (referenced fields first)."""
    schemas = schemas or default_schemas()
    root = schemas.resolve_name(name)
    props, required = _properties(root, root["$id"], schemas)
    return [_field(n, s, b, n in required, schemas) for n, (s, b) in props.items()]


@cache
def arrow_schema(name: str = "article") -> pa.Schema:
    """The Arrow schema of a built-in record schema; every column nullable, as ``datasets``
    declares them."""
    import pyarrow as pa

    return pa.schema([pa.field(f.name, f.arrow_type) for f in field_specs(name)])


def hf_features(name: str = "article") -> datasets.Features:
    """The Hugging Face ``Features`` of a built-in record schema, derived from the Arrow schema."""
    import datasets

    return datasets.Features.from_arrow_schema(arrow_schema(name))
