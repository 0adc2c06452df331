"""toolkit.release.versioning: the bump each kind of change needs, and ``dtk build`` refusing to
publish a change under a version that is too small."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from tests.helpers.records import NEW_FILE, SUBMISSIONS, make_record
from tests.helpers.releases import build_version, minimal_release
from tests.helpers.sources import write_raw
from toolkit.errors import ReleaseError, VersionBumpError
from toolkit.features import arrow_schema
from toolkit.release.diff import diff_releases, enforce_version_bump
from toolkit.release.versioning import bump_level, check_version_bump, next_version

A = make_record("Alpha", line=1)
B = make_record("Beta", line=2)


@pytest.mark.parametrize(
    ("old", "new", "level"),
    [
        ("1.0.0", "1.0.0", "none"),
        ("1.0.0", "1.0.1", "patch"),
        ("1.0.9", "1.1.0", "minor"),
        ("1.4.2", "2.0.0", "major"),
        ("0.9.0", "1.0.0", "major"),
        ("1.2.0", "1.1.9", None),
    ],
)
def test_bump_level(old: str, new: str, level: str | None) -> None:
    assert bump_level(old, new) == level


def test_next_version() -> None:
    assert [next_version("1.2.3", lvl) for lvl in ("none", "patch", "minor", "major")] == [
        "1.2.3",
        "1.2.4",
        "1.3.0",
        "2.0.0",
    ]


def test_malformed_version() -> None:
    with pytest.raises(ReleaseError, match=r"'v1' is not MAJOR.MINOR.PATCH"):
        bump_level("1.0.0", "v1")


def _schema_with_int_section() -> pa.Schema:
    return pa.schema(
        [
            pa.field("section", pa.int64()) if f.name == "section" else f
            for f in arrow_schema("article")
        ]
    )


def _schema_without_dek() -> pa.Schema:
    return pa.schema([f for f in arrow_schema("article") if f.name != "dek"])


def _schema_with_topic() -> pa.Schema:
    return pa.schema([*arrow_schema("article"), pa.field("topic", pa.string())])


# (new release splits, schema, smallest accepted version, largest refused version)
SCENARIOS: dict[str, tuple[dict[str, list[dict[str, Any]]], pa.Schema | None, str, str]] = {
    "unchanged": ({"train": [A, B]}, None, "1.0.0", "0.9.9"),
    "provenance only": (
        {"train": [A, {**B, "provenance": {**B["provenance"], "toolkit_version": "9.9.9"}}]},
        None,
        "1.0.0",
        "0.9.9",
    ),
    "changed in place": ({"train": [A, {**B, "section": "World"}]}, None, "1.0.1", "1.0.0"),
    "added": ({"train": [A, B, make_record("Gamma", line=3)]}, None, "1.1.0", "1.0.1"),
    "removed": ({"train": [A]}, None, "1.1.0", "1.0.1"),
    "new split": ({"train": [A, B], "extra": []}, None, "1.0.0", "0.9.9"),
    "moved split": ({"train": [A], "test": [B]}, None, "2.0.0", "1.9.0"),
    "field added": (
        {"train": [{**A, "topic": None}, {**B, "topic": None}]},
        _schema_with_topic(),
        "1.1.0",
        "1.0.1",
    ),
    "field removed": ({"train": [A, B]}, _schema_without_dek(), "2.0.0", "1.1.0"),
    "field retyped": (
        {"train": [{**A, "section": None}, {**B, "section": None}]},
        _schema_with_int_section(),
        "2.0.0",
        "1.1.0",
    ),
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_required_bump(tmp_path: Path, scenario: str) -> None:
    splits, schema, accepted, refused = SCENARIOS[scenario]
    old = minimal_release(tmp_path / "old", {"train": [A, B]})
    ok = minimal_release(tmp_path / "ok", splits, version=accepted, schema=schema)
    bad = minimal_release(tmp_path / "bad", splits, version=refused, schema=schema)
    check_version_bump(diff_releases(old, ok))
    with pytest.raises(VersionBumpError):
        check_version_bump(diff_releases(old, bad))


def test_refusal_says_why_and_what_to_set(tmp_path: Path) -> None:
    old = minimal_release(tmp_path / "old", {"train": [A, B]})
    new = minimal_release(tmp_path / "new", {"train": [A], "test": [B]}, version="1.1.0")
    with pytest.raises(VersionBumpError) as info:
        enforce_version_bump(old, new)
    assert str(info.value) == (
        "version 1.1.0 is only a minor bump (published: 1.0.0), but this release needs a major "
        f'bump: 1 record moved split ({B["id"]} train -> test). Set version = "2.0.0" in the '
        "dataset config ([tool.dtk] version in pyproject.toml, or dataset.toml) and build again; "
        "dtk diff OLD NEW shows every change"
    )


def test_version_never_goes_backwards(tmp_path: Path) -> None:
    old = minimal_release(tmp_path / "old", {"train": [A, B]}, version="1.2.0")
    new = minimal_release(tmp_path / "new", {"train": [A, B]}, version="1.1.0")
    with pytest.raises(
        VersionBumpError,
        match=r"version 1.1.0 is older than the published "
        r"release 1.2.0; .* set version = \"1.2.0\"",
    ):
        enforce_version_bump(old, new)


def test_no_previous_release_is_fine(tmp_path: Path) -> None:
    new = minimal_release(tmp_path / "new", {"train": [A]})
    enforce_version_bump(tmp_path / "missing", new)


def test_build_refuses_a_too_small_bump_and_keeps_the_release(tmp_path: Path, run_dtk: Any) -> None:
    out = build_version(
        write_raw(tmp_path / "raw", {"a.jsonl": SUBMISSIONS}), tmp_path / "dist", "1.0.0"
    )
    published = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    build_version(tmp_path / "raw", out, "1.0.0")  # same data, same version: fine

    raw = write_raw(tmp_path / "raw", {"a.jsonl": SUBMISSIONS, "b.jsonl": NEW_FILE})
    with pytest.raises(
        VersionBumpError,
        match=r"version 1\.0\.1 is only a patch bump .* needs a "
        r"minor bump: 2 records added",
    ):
        build_version(raw, out, "1.0.1")
    assert {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} == published
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name or ".old-" in p.name]

    config = tmp_path / "dataset.toml"
    config.write_text('name = "test"\nversion = "1.0.0"\n', encoding="utf-8")
    result = run_dtk("build", "--raw", str(raw), "--out", str(out), "--config", str(config))
    assert result.exit_code == 1
    assert result.output.startswith(
        "error: version 1.0.0 is already published with other data (published: 1.0.0), but "
        "this release needs a minor bump: 2 records added ("
    )
    assert 'Set version = "1.1.0"' in result.output

    build_version(raw, out, "1.1.0")
