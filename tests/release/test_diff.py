"""toolkit.release.diff on small hand-made releases, and ``dtk diff`` on built releases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from tests.helpers.records import NEW_FILE, SUBMISSIONS, make_record, short_submission
from tests.helpers.releases import build_version, minimal_release
from tests.helpers.sources import write_raw
from toolkit.build.split import split_of
from toolkit.config import DatasetConfig
from toolkit.errors import InputError
from toolkit.features import arrow_schema
from toolkit.ids import content_id
from toolkit.release.changes import DIFF_RENDERERS, render_changes_markdown
from toolkit.release.diff import RecordChange, RecordRef, SchemaChange, SplitMove, diff_releases

RATIOS = DatasetConfig().split_ratios


A = make_record("Alpha", line=1)
B = make_record("Beta", line=2, publisher="Mother Jones")
C = make_record("Gamma", line=3)


def test_identical_releases(tmp_path: Path) -> None:
    old = minimal_release(tmp_path / "old", {"train": [A, B], "test": [C]})
    new = minimal_release(tmp_path / "new", {"train": [A, B], "test": [C]})
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
    old = minimal_release(tmp_path / "old", {"train": [A, B], "test": [C]})
    new = minimal_release(tmp_path / "new", {"train": [A, d], "test": [B]})
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
    old = minimal_release(tmp_path / "old", {"train": [A, B]})
    new = minimal_release(tmp_path / "new", {"train": [a2, b2]})
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
    old = minimal_release(tmp_path / "old", {"train": [A, B]})
    new = minimal_release(tmp_path / "new", {"train": [edited, B]})
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
    old = minimal_release(tmp_path / "old", {"train": [A]})
    new = minimal_release(tmp_path / "new", {"train": [edited]})
    [change] = diff_releases(old, new).changed
    assert (change.fields, change.provenance) == (["body"], ["provenance.span"])


def test_schema_changes(tmp_path: Path) -> None:
    base = arrow_schema("article")
    fields = [f for f in base if f.name != "dek"]
    fields = [pa.field("section", pa.int64()) if f.name == "section" else f for f in fields]
    schema = pa.schema([*fields, pa.field("topic", pa.string())])
    rows = [{**{k: v for k, v in A.items() if k != "dek"}, "section": None, "topic": "x"}]
    old = minimal_release(tmp_path / "old", {"train": [A]})
    new = minimal_release(tmp_path / "new", {"train": rows}, schema=schema)
    diff = diff_releases(old, new)
    assert diff.schema == [
        SchemaChange("section", "retyped", "string", "int64"),
        SchemaChange("dek", "removed", "string", None),
        SchemaChange("topic", "added", None, "string"),
    ]
    assert diff.changed == []


def test_not_a_release(tmp_path: Path) -> None:
    old = minimal_release(tmp_path / "old", {"train": [A]})
    with pytest.raises(InputError, match="is not a release"):
        diff_releases(old, tmp_path / "missing")


def test_markdown_changes_section(tmp_path: Path) -> None:
    edited = make_record("Alpha", "Body text, corrected.", line=1)
    d = make_record("Delta", source_file="b.jsonl", line=1)
    old = minimal_release(tmp_path / "old", {"train": [A, B]})
    new = minimal_release(tmp_path / "new", {"train": [edited, B, d]}, version="1.1.0")
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
    old = minimal_release(tmp_path / "old", {"train": [A, B]})
    new = minimal_release(tmp_path / "new", {"train": [A], "test": [C]}, version="2.0.0")
    result = run_dtk("diff", str(old), str(new), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == diff_releases(old, new).to_dict()
    assert sorted(DIFF_RENDERERS) == ["json", "markdown", "text"]


def test_cli_missing_release_exits_2(tmp_path: Path, run_dtk: Any) -> None:
    old = minimal_release(tmp_path / "old", {"train": [A]})
    result = run_dtk("diff", str(old), str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "is not a release" in result.output


def test_diff_of_two_builds_reports_exactly_the_added_file_and_the_edit(
    tmp_path: Path, run_dtk: Any
) -> None:
    build_version(write_raw(tmp_path / "raw", {"a.jsonl": SUBMISSIONS}), tmp_path / "v1", "1.0.0")
    edited = [*SUBMISSIONS]
    edited[1] = short_submission(
        "Kremlin announces partial mobilization",
        "Three hundred thousand reservists will be called up.",
    )
    raw2 = write_raw(tmp_path / "raw2", {"a.jsonl": edited, "b.jsonl": NEW_FILE})
    build_version(raw2, tmp_path / "v2", "1.1.0")

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
    old = minimal_release(tmp_path / "old", {"train": [A]})
    new = minimal_release(tmp_path / "new", {"train": [A]}, version="1.0.1")
    assert render_changes_markdown(diff_releases(old, new), heading=False) == (
        "Since version 1.0.0:\n\nNo changes to the records or the schema since 1.0.0.\n"
    )


def test_cli_format_choices_are_the_renderers() -> None:
    from toolkit.cli import diff as diff_command

    [option] = [p for p in diff_command.params if p.name == "output_format"]
    assert sorted(option.type.choices) == sorted(DIFF_RENDERERS)  # type: ignore[attr-defined]
