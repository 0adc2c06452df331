"""The typed release folder (toolkit.release.folder): byte-identical writes, one clear error for
a damaged or foreign manifest, and verification that never opens a path outside the release."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import DIST
from toolkit.errors import ManifestError
from toolkit.release.folder import ReleaseManifest


@pytest.fixture
def committed(tmp_path: Path) -> Path:
    """A copy of the committed release."""
    return Path(shutil.copytree(DIST, tmp_path / "dist"))


def test_write_gives_back_the_committed_bytes(committed: Path, tmp_path: Path) -> None:
    ReleaseManifest.read(committed).write(tmp_path)
    assert (tmp_path / "manifest.json").read_bytes() == (DIST / "manifest.json").read_bytes()


def test_the_committed_release_verifies_clean(committed: Path) -> None:
    assert ReleaseManifest.read(committed).verify(committed) == []


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda m: "{not json", "cannot read"),
        (lambda m: json.dumps([m]), "expected an object"),
        (
            lambda m: json.dumps({k: v for k, v in m.items() if k != "counts"}),
            "'counts' is missing",
        ),
        (lambda m: json.dumps({**m, "files": [{"path": 3, "sha256": "x", "bytes": 1}]}), "'path'"),
        (lambda m: json.dumps({**m, "counts": {**m["counts"], "released": True}}), "wrong type"),
        (lambda m: json.dumps({**m, "config": {"name": 1}}), "config"),
    ],
    ids=["not-json", "not-object", "missing-field", "wrong-type", "bool-count", "bad-config"],
)
def test_a_damaged_manifest_is_one_error_type(committed: Path, damage, message: str) -> None:
    manifest = json.loads((committed / "manifest.json").read_text())
    (committed / "manifest.json").write_text(damage(manifest))
    with pytest.raises(ManifestError, match=message):
        ReleaseManifest.read(committed)


def test_damaged_manifest_in_the_cli_is_a_message_not_a_traceback(committed: Path, run_dtk) -> None:
    (committed / "manifest.json").write_text('{"name": 1}')
    for args in (("card", str(committed)), ("check", str(committed), "--no-load")):
        result = run_dtk(*args)
        assert result.exit_code == 1
        assert "Traceback" not in result.output


def test_paths_outside_the_release_are_issues_and_never_read(committed: Path) -> None:
    manifest = json.loads((committed / "manifest.json").read_text())
    outside = committed.parent / "secret"
    outside.write_text("x")
    manifest["files"] += [
        {"path": "../secret", "sha256": "0" * 64, "bytes": 1},
        {"path": str(outside), "sha256": "0" * 64, "bytes": 1},
    ]
    (committed / "manifest.json").write_text(json.dumps(manifest))
    (committed / "stray.txt").write_text("?")
    issues = ReleaseManifest.read(committed).verify(committed)
    assert [(i.rule, i.file) for i in issues] == [
        ("release.unsafe-path", "manifest.json"),
        ("release.unsafe-path", "manifest.json"),
        ("release.unlisted-file", "stray.txt"),
    ]
