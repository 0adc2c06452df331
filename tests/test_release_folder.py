"""The typed release folder (toolkit.release.folder): byte-identical writes, one clear error for
a damaged or foreign manifest, and verification that never opens a path outside the release."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from toolkit.errors import ManifestError
from toolkit.release.folder import ReleaseManifest

DIST = Path(__file__).resolve().parent.parent / "dist"


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """A copy of the committed release."""
    return Path(shutil.copytree(DIST, tmp_path / "dist"))


def test_write_gives_back_the_committed_bytes(release: Path, tmp_path: Path) -> None:
    ReleaseManifest.read(release).write(tmp_path)
    assert (tmp_path / "manifest.json").read_bytes() == (DIST / "manifest.json").read_bytes()


def test_the_committed_release_verifies_clean(release: Path) -> None:
    assert ReleaseManifest.read(release).verify(release) == []


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
def test_a_damaged_manifest_is_one_error_type(release: Path, damage, message: str) -> None:
    manifest = json.loads((release / "manifest.json").read_text())
    (release / "manifest.json").write_text(damage(manifest))
    with pytest.raises(ManifestError, match=message):
        ReleaseManifest.read(release)


def test_damaged_manifest_in_the_cli_is_a_message_not_a_traceback(release: Path, run_dtk) -> None:
    (release / "manifest.json").write_text('{"name": 1}')
    for args in (("card", str(release)), ("check", str(release), "--no-load")):
        result = run_dtk(*args)
        assert result.exit_code == 1
        assert "Traceback" not in result.output


def test_paths_outside_the_release_are_issues_and_never_read(release: Path) -> None:
    manifest = json.loads((release / "manifest.json").read_text())
    outside = release.parent / "secret"
    outside.write_text("x")
    manifest["files"] += [
        {"path": "../secret", "sha256": "0" * 64, "bytes": 1},
        {"path": str(outside), "sha256": "0" * 64, "bytes": 1},
    ]
    (release / "manifest.json").write_text(json.dumps(manifest))
    (release / "stray.txt").write_text("?")
    issues = ReleaseManifest.read(release).verify(release)
    assert [(i.rule, i.file) for i in issues] == [
        ("release.unsafe-path", "manifest.json"),
        ("release.unsafe-path", "manifest.json"),
        ("release.unlisted-file", "stray.txt"),
    ]
