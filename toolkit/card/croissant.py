"""``croissant.json``: the release described as MLCommons Croissant 1.1 JSON-LD, written by hand
from ``manifest.json`` and the schema's fields so that making it needs no ``mlcroissant`` at
runtime (the tests validate it with ``mlcroissant``, offline).

Every Parquet shard and JSONL copy is a ``cr:FileObject`` with the sha256 the manifest records;
each split is a ``cr:RecordSet`` whose fields read the Parquet columns (struct columns become
``subField``s, list columns ``isArray`` fields). Keys are sorted and no clock is read, so the
same release always gives the same bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
import pyarrow as pa

from toolkit.features import FieldSpec, field_specs

if TYPE_CHECKING:
    from toolkit.release.folder import ReleaseManifest
    from toolkit.release.stats import ReleaseStats

CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
#: The standard Croissant 1.1 ``@context``, inlined: nothing is fetched to read it.
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
_DATA_TYPES = {
    "string": "sc:Text",
    "int64": "sc:Integer",
    "double": "sc:Float",
    "bool": "sc:Boolean",
}
_FORMATS = {".parquet": "application/x-parquet", ".jsonl": "application/jsonlines"}


def _data_type(kind: pa.DataType) -> str:
    if pa.types.is_list(kind):
        return _data_type(kind.value_type)
    return _DATA_TYPES.get(str(kind), "sc:Text")


def _field(
    spec: FieldSpec, record_set: str, file_id: str, parent: str = "", path: tuple[str, ...] = ()
) -> dict[str, Any]:
    field_id = f"{record_set}/{parent}{spec.name}"
    source: dict[str, Any] = {
        "fileObject": {"@id": file_id},
        "extract": {"column": (path or (spec.name,))[0]},
    }
    if len(path) > 1:
        source["transform"] = {"jsonPath": ".".join(path[1:])}
    node: dict[str, Any] = {
        "@type": "cr:Field",
        "@id": field_id,
        "name": spec.name,
        "description": spec.description,
        "dataType": _data_type(spec.arrow_type),
        "source": source,
    }
    if pa.types.is_list(spec.arrow_type):
        node["isArray"] = True
    if spec.children:
        del node["dataType"]
        node["subField"] = [
            _field(
                child,
                record_set,
                file_id,
                f"{parent}{spec.name}/",
                (*(path or (spec.name,)), child.name),
            )
            for child in spec.children
        ]
    return node


def _file_objects(manifest: ReleaseManifest) -> list[dict[str, Any]]:
    objects = []
    for entry in manifest.files:
        path = entry.path
        suffix = path[path.rfind(".") :]
        if suffix not in _FORMATS:
            continue
        objects.append(
            {
                "@type": "cr:FileObject",
                "@id": path,
                "name": path,
                "contentUrl": path,
                "contentSize": f"{entry.bytes} B",
                "encodingFormat": _FORMATS[suffix],
                "sha256": entry.sha256,
            }
        )
    return objects


def croissant_document(
    manifest: ReleaseManifest, stats: ReleaseStats | None = None, *, cite_as: str | None = None
) -> dict[str, Any]:
    """The Croissant JSON-LD of a release as a dict.

    One record set per split and per Parquet shard of that split (``train`` when it has one
    shard, ``train-00000`` … when it has several), so every field reads a checksummed file.
    """
    config = manifest.config
    specs = field_specs("article")
    record_sets = []
    for split, info in manifest.ordered_splits().items():
        shards = info.parquet_files
        for index, shard in enumerate(shards):
            name = split if len(shards) == 1 else f"{split}-{index:05d}"
            part = "" if len(shards) == 1 else f", shard {index + 1} of {len(shards)}"
            record_sets.append(
                {
                    "@type": "cr:RecordSet",
                    "@id": name,
                    "name": name,
                    "description": f"Records of the {split} split{part}.",
                    "key": {"@id": f"{name}/id"},
                    "field": [_field(spec, name, shard) for spec in specs],
                }
            )
    licenses = sorted({s.license for s in manifest.sources if s.license})
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": manifest.name,
        "alternateName": config.pretty_name or manifest.name,
        "description": config.description or config.pretty_name or manifest.name,
        "version": manifest.version,
        "license": config.license,
        "url": "README.md",
        "keywords": list(config.tags),
        "inLanguage": sorted({s.language for s in manifest.sources if s.language}),
        "isAccessibleForFree": True,
        "creditText": "; ".join(licenses) if licenses else None,
        "citeAs": cite_as,
        "datePublished": manifest.built_at,
        "distribution": _file_objects(manifest),
        "recordSet": record_sets,
    }
    return {k: v for k, v in document.items() if v not in (None, [], "")}


def croissant_bytes(
    manifest: ReleaseManifest, stats: ReleaseStats | None = None, *, cite_as: str | None = None
) -> bytes:
    """``croissant_document`` serialised: indented, keys sorted, one final newline."""
    document = croissant_document(manifest, stats, cite_as=cite_as)
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
