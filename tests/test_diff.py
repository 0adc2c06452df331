"""toolkit.release.diff on small hand-made releases, and ``dtk diff`` on built releases."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pytest

from toolkit.build.release import build_release
from toolkit.build.split import split_of
from toolkit.build.writers import SplitWriter
from toolkit.config import DatasetConfig
from toolkit.errors import InputError
from toolkit.features import arrow_schema
from toolkit.ids import content_id
from toolkit.release.changes import DIFF_RENDERERS, render_changes_markdown
from toolkit.release.diff import RecordChange, RecordRef, SchemaChange, SplitMove, diff_releases
from toolkit.release.folder import ReleaseCounts, ReleaseManifest, ReleaseSplit, SchemaRef


def make_record(
    title: str,
    body: str = "Body text.",
    *,
    publisher: str = "Worldcrunch",
    source_file: str = "a.jsonl",
    line: int = 1,
    **fields: Any,
) -> dict[str, Any]:
    """A complete article record whose provenance points at ``source_file:line``."""
    record: dict[str, Any] = {
        "id": content_id(title, body),
        "title": title,
        "body": body,
        "publisher": publisher,
        "language": "en",
        "url": None,
        "published": None,
        "section": None,
        "dek": None,
        "image_caption": None,
        "authors": [],
        "kind": "article",
        "retrieved_at": None,
        "license": None,
        "provenance": {
            "source_file": source_file,
            "source_sha256": "0" * 64,
            "source_url": None,
            "span": {
                "start_line": line,
                "end_line": line,
                "byte_offset": None,
                "byte_length": None,
            },
            "extractor": "jsonl@1.0.0",
            "retrieved_at": None,
            "license": None,
            "toolkit_version": "0.1.0",
        },
    }
    record.update(fields)
    return record


def write_release(
    out: Path,
    splits: dict[str, list[dict[str, Any]]],
    *,
    version: str = "1.0.0",
    schema: pa.Schema | None = None,
) -> Path:
    """A minimal release folder: Parquet shards per split and a manifest.json naming them."""
    schema = schema or arrow_schema("article")
    out.mkdir(parents=True)
    manifest_splits = {}
    for name, records in splits.items():
        writer = SplitWriter(out, name, len(records), schema)
        if records:
            writer.write(pa.Table.from_pylist(records, schema=schema))
        writer.close()
        manifest_splits[name] = ReleaseSplit(
            len(records), tuple(p.relative_to(out).as_posix() for p in writer.paths)
        )
    rows = sum(len(records) for records in splits.values())
    ReleaseManifest(
        name="test",
        version=version,
        toolkit_version="0.0.0",
        built_at=None,
        config=DatasetConfig(name="test", version=version),
        schema=SchemaRef("article", "0" * 64),
        counts=ReleaseCounts(rows, rows, 0, 0, 0),
        splits=manifest_splits,
        sources=(),
        files=(),
    ).write(out)
    return out


def write_raw(raw: Path, files: dict[str, list[dict[str, Any]]]) -> Path:
    """A raw/ folder of JSONL submission files and the sources.jsonl listing them."""
    raw.mkdir(parents=True, exist_ok=True)
    entries = []
    for name, records in files.items():
        data = b"".join(orjson.dumps(r) + b"\n" for r in records)
        (raw / name).write_bytes(data)
        entries.append(
            {
                "path": name,
                "sha256": hashlib.sha256(data).hexdigest(),
                "format": "jsonl",
                "publisher": records[0]["publisher"],
                "url": None,
                "retrieved_at": None,
                "language": "en",
                "license": None,
            }
        )
    (raw / "sources.jsonl").write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in entries))
    return raw


def submission(title: str, body: str, publisher: str = "Worldcrunch") -> dict[str, Any]:
    return {
        "title": title,
        "body": body,
        "publisher": publisher,
        "language": "en",
        "kind": "article",
    }


def build(raw: Path, out: Path, version: str) -> Path:
    """``dtk build`` of ``raw`` into ``out`` under dataset ``version``."""
    build_release(
        raw,
        out,
        config=DatasetConfig(name="test", version=version),
        card_path=out.parent / f"{out.name}.card.md",
    )
    return out


RATIOS = DatasetConfig().split_ratios
SUBMISSIONS = [
    submission("Reservists queue at the border", "Men of fighting age left by car and on foot."),
    submission("Kremlin announces partial mobilization", "Three hundred thousand reservists."),
    submission(
        "Flights out of Moscow sell out",
        "One-way tickets to Yerevan and Istanbul.",
        publisher="Mother Jones",
    ),
]
NEW_FILE = [
    submission("Recruitment offices set on fire", "Arson attacks were reported in regions."),
    submission("Families protest in Dagestan", "Women confronted police in Makhachkala."),
]


A = make_record("Alpha", line=1)
B = make_record("Beta", line=2, publisher="Mother Jones")
C = make_record("Gamma", line=3)


def test_identical_releases(tmp_path: Path) -> None:
    old = write_release(tmp_path / "old", {"train": [A, B], "test": [C]})
    new = write_release(tmp_path / "new", {"train": [A, B], "test": [C]})
    diff = diff_releases(old, new)
    assert diff.identical
    assert diff.splits == {
        "train": {"old": 2, "new": 2, "change": 0},
        "test": {"old": 1, "new": 1, "change": 0},
    }
    assert diff.publishers == {
        "Mother Jones": {"old": 1, "new": 1, "change": 0},
        "Worldcrunch": {"old": 2, "new": 2, "change": 0},
    }
    assert diff.to_dict()["required_bump"] == "none"


def test_added_removed_and_moved(tmp_path: Path) -> None:
    d = make_record("Delta", source_file="b.jsonl", line=7)
    old = write_release(tmp_path / "old", {"train": [A, B], "test": [C]})
    new = write_release(tmp_path / "new", {"train": [A, d], "test": [B]})
    diff = diff_releases(old, new)
    assert diff.added == [RecordRef(d["id"], "train", "Worldcrunch", "b.jsonl", 7)]
    assert diff.removed == [RecordRef(C["id"], "test", "Worldcrunch", "a.jsonl", 3)]
    assert diff.moved == [SplitMove(B["id"], "train", "test")]
    assert diff.changed == []
    assert diff.to_dict()["required_bump"] == "major"


def test_same_id_changed_fields_and_provenance_only(tmp_path: Path) -> None:
    a2 = make_record("Alpha", line=1, section="World", authors=["X"])
    b2 = make_record("Beta", line=2, publisher="Mother Jones")
    b2["provenance"]["source_sha256"] = "1" * 64
    old = write_release(tmp_path / "old", {"train": [A, B]})
    new = write_release(tmp_path / "new", {"train": [a2, b2]})
    diff = diff_releases(old, new)
    assert diff.changed == [
        RecordChange(
            A["id"],
            A["id"],
            "train",
            "train",
            "Worldcrunch",
            "a.jsonl",
            1,
            "id",
            ["section", "authors"],
            [],
        )
    ]
    assert diff.provenance_only == 1
    assert diff.provenance_fields == {"provenance.source_sha256": 1}
    assert diff.to_dict()["required_bump"] == "patch"


def test_edited_record_matched_by_provenance(tmp_path: Path) -> None:
    edited = make_record("Alpha", "Body text, corrected.", line=1)
    old = write_release(tmp_path / "old", {"train": [A, B]})
    new = write_release(tmp_path / "new", {"train": [edited, B]})
    diff = diff_releases(old, new)
    assert (diff.added, diff.removed) == ([], [])
    assert diff.changed == [
        RecordChange(
            A["id"],
            edited["id"],
            "train",
            "train",
            "Worldcrunch",
            "a.jsonl",
            1,
            "provenance",
            ["body"],
            [],
        )
    ]


def test_edit_that_changes_the_span_end_is_matched_by_first_line(tmp_path: Path) -> None:
    edited = make_record("Alpha", "Longer\n\nbody.", line=1)
    edited["provenance"]["span"]["end_line"] = 3
    old = write_release(tmp_path / "old", {"train": [A]})
    new = write_release(tmp_path / "new", {"train": [edited]})
    [change] = diff_releases(old, new).changed
    assert (change.fields, change.provenance) == (["body"], ["provenance.span"])


def test_schema_changes(tmp_path: Path) -> None:
    base = arrow_schema("article")
    fields = [f for f in base if f.name != "dek"]
    fields = [pa.field("section", pa.int64()) if f.name == "section" else f for f in fields]
    schema = pa.schema([*fields, pa.field("topic", pa.string())])
    rows = [{**{k: v for k, v in A.items() if k != "dek"}, "section": None, "topic": "x"}]
    old = write_release(tmp_path / "old", {"train": [A]})
    new = write_release(tmp_path / "new", {"train": rows}, schema=schema)
    diff = diff_releases(old, new)
    assert diff.schema == [
        SchemaChange("section", "retyped", "string", "int64"),
        SchemaChange("dek", "removed", "string", None),
        SchemaChange("topic", "added", None, "string"),
    ]
    assert diff.changed == []


def test_not_a_release(tmp_path: Path) -> None:
    old = write_release(tmp_path / "old", {"train": [A]})
    with pytest.raises(InputError, match="is not a release"):
        diff_releases(old, tmp_path / "missing")


def test_markdown_changes_section(tmp_path: Path) -> None:
    edited = make_record("Alpha", "Body text, corrected.", line=1)
    d = make_record("Delta", source_file="b.jsonl", line=1)
    old = write_release(tmp_path / "old", {"train": [A, B]})
    new = write_release(tmp_path / "new", {"train": [edited, B, d]}, version="1.1.0")
    assert render_changes_markdown(diff_releases(old, new)) == (
        "## Changes since 1.0.0\n\n"
        "- 1 record added\n"
        "- 1 record changed\n\n"
        "| record | split | publisher | changed fields |\n|---|---|---|---|\n"
        f"| `{A['id']}` → `{edited['id']}` | train | Worldcrunch | body |\n\n"
        "| split | before | after | change |\n|---|---:|---:|---:|\n"
        "| train | 2 | 3 | +1 |\n\n"
        "| publisher | before | after | change |\n|---|---:|---:|---:|\n"
        "| Worldcrunch | 1 | 2 | +1 |\n"
    )


def test_cli_json_equals_api(tmp_path: Path, run_dtk: Any) -> None:
    old = write_release(tmp_path / "old", {"train": [A, B]})
    new = write_release(tmp_path / "new", {"train": [A], "test": [C]}, version="2.0.0")
    result = run_dtk("diff", str(old), str(new), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == diff_releases(old, new).to_dict()
    assert sorted(DIFF_RENDERERS) == ["json", "markdown", "text"]


def test_cli_missing_release_exits_2(tmp_path: Path, run_dtk: Any) -> None:
    old = write_release(tmp_path / "old", {"train": [A]})
    result = run_dtk("diff", str(old), str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "is not a release" in result.output


def test_diff_of_two_builds_reports_exactly_the_added_file_and_the_edit(
    tmp_path: Path, run_dtk: Any
) -> None:
    build(write_raw(tmp_path / "raw", {"a.jsonl": SUBMISSIONS}), tmp_path / "v1", "1.0.0")
    edited = [*SUBMISSIONS]
    edited[1] = submission(
        "Kremlin announces partial mobilization",
        "Three hundred thousand reservists will be called up.",
    )
    raw2 = write_raw(tmp_path / "raw2", {"a.jsonl": edited, "b.jsonl": NEW_FILE})
    build(raw2, tmp_path / "v2", "1.1.0")

    diff = diff_releases(tmp_path / "v1", tmp_path / "v2")
    ids = [content_id(r["title"], r["body"]) for r in [*SUBMISSIONS, *NEW_FILE, edited[1]]]
    old_id, new_id = ids[1], ids[5]
    assert sorted(diff.added, key=lambda r: r.start_line or 0) == [
        RecordRef(ids[3], split_of(ids[3], RATIOS), "Worldcrunch", "b.jsonl", 1),
        RecordRef(ids[4], split_of(ids[4], RATIOS), "Worldcrunch", "b.jsonl", 2),
    ]
    assert diff.removed == []
    assert diff.changed == [
        RecordChange(
            old_id,
            new_id,
            split_of(old_id, RATIOS),
            split_of(new_id, RATIOS),
            "Worldcrunch",
            "a.jsonl",
            2,
            "provenance",
            ["body"],
            ["provenance.source_sha256"],
        )
    ]
    assert diff.moved == []
    assert diff.schema == []
    # Editing a.jsonl re-hashed it: its two untouched records differ only in provenance.
    assert (diff.provenance_only, diff.provenance_fields) == (2, {"provenance.source_sha256": 2})
    assert diff.publishers == {
        "Mother Jones": {"old": 1, "new": 1, "change": 0},
        "Worldcrunch": {"old": 2, "new": 4, "change": 2},
    }

    result = run_dtk("diff", str(tmp_path / "v1"), str(tmp_path / "v2"), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output) == diff.to_dict()
    text = run_dtk("diff", str(tmp_path / "v1"), str(tmp_path / "v2"), "--exit-code")
    assert text.exit_code == 1
    assert text.output.splitlines()[2:4] == [
        "records: 2 added, 0 removed, 1 changed, 0 moved split; 2 with provenance-only changes",
        "schema: 0 changes",
    ]
    assert f"  ~ {old_id} -> {new_id}" in text.output


def test_markdown_without_heading_for_a_template_that_has_one(tmp_path: Path) -> None:
    old = write_release(tmp_path / "old", {"train": [A]})
    new = write_release(tmp_path / "new", {"train": [A]}, version="1.0.1")
    assert render_changes_markdown(diff_releases(old, new), heading=False) == (
        "Since version 1.0.0:\n\nNo changes to the records or the schema since 1.0.0.\n"
    )


def test_cli_format_choices_are_the_renderers() -> None:
    from toolkit.cli import diff as diff_command

    [option] = [p for p in diff_command.params if p.name == "output_format"]
    assert sorted(option.type.choices) == sorted(DIFF_RENDERERS)  # type: ignore[attr-defined]
