"""Class 7 of issue 12, the file system around the release: an output that is a symlink, a
file, or a folder of someone else's files is refused before anything changes; a read-only
project folder is a clear error (exit 2); a build deletes only the folders it made itself."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers.records import submission
from toolkit.build import publish
from toolkit.build.publish import STAGE_MARKER, cleanup_stale


def tree(root: Path) -> dict[str, bytes | str]:
    """Every entry under ``root`` (links as their target), to compare before and after."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[key] = f"-> {os.readlink(path)}"
        elif path.is_file():
            found[key] = path.read_bytes()
        else:
            found[key] = "dir"
    return found


@pytest.fixture
def built(project):
    project.add_jsonl("a.jsonl", [submission(i) for i in range(3)])
    project.build()
    return project


def build_cli(project, run_dtk, *extra: str):
    return run_dtk(
        "build",
        "--raw",
        str(project.raw),
        "--out",
        str(project.out),
        "--workers",
        "1",
        "-q",
        *extra,
    )


def test_dist_as_a_symlink_is_refused_and_nothing_changes(built, run_dtk):
    real = built.root / "real-dist"
    built.out.rename(real)
    built.out.symlink_to(real, target_is_directory=True)
    before = tree(built.root)
    result = build_cli(built, run_dtk)
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {built.out} is a symbolic link;")
    assert "nothing was changed" in result.output
    assert tree(built.root) == before


def test_out_naming_a_regular_file_is_refused_and_the_file_kept(built, run_dtk):
    target = built.root / "notes.txt"
    target.write_text("my notes\n")
    before = tree(built.root)
    result = run_dtk("build", "--raw", str(built.raw), "--out", str(target), "-q")
    assert result.exit_code == 2
    assert "exists and is not a folder; nothing was changed" in result.output
    assert tree(built.root) == before


def test_out_naming_a_folder_of_user_files_is_refused(built, run_dtk):
    docs = built.root / "docs"
    docs.mkdir()
    (docs / "thesis.tex").write_text("\\documentclass{article}\n")
    before = tree(built.root)
    result = run_dtk("build", "--raw", str(built.raw), "--out", str(docs), "-q")
    assert result.exit_code == 2
    assert "holds files but no release" in result.output
    assert tree(built.root) == before


def test_a_lock_file_that_is_a_symlink_is_refused(built, run_dtk):
    victim = built.root / "victim.txt"
    victim.write_text("keep\n")
    lock = built.root / "dist.lock"
    lock.unlink(missing_ok=True)
    lock.symlink_to(victim)
    result = build_cli(built, run_dtk)
    assert result.exit_code == 2
    assert "dist.lock is a symbolic link" in result.output
    assert victim.read_text() == "keep\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through read-only permissions")
def test_a_read_only_project_folder_is_a_clear_error(built, run_dtk):
    (built.root / "dist.lock").unlink()
    before = tree(built.root)
    built.root.chmod(0o555)
    try:
        result = build_cli(built, run_dtk)
    finally:
        built.root.chmod(0o755)
    assert result.exit_code == 2
    assert result.output.startswith(f"error: cannot write beside {built.out}: Permission denied")
    assert "Traceback" not in result.output
    assert tree(built.root) == before


def test_a_folder_that_cannot_be_written_is_a_clear_error(built, run_dtk, monkeypatch):
    # The same as a read-only folder, for runs as root (which ignores permissions).
    def read_only(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", read_only)
    before = tree(built.root)
    result = build_cli(built, run_dtk)
    assert result.exit_code == 2
    assert result.output.startswith(f"error: cannot write beside {built.out}: Permission denied")
    assert tree(built.root) == before


@pytest.mark.parametrize("name", ["dist.old-1.0.0", "dist.tmp-keep", "dist.tmp-123", "dist.old-9"])
def test_user_folders_named_like_staging_folders_are_never_deleted(built, name):
    user = built.root / name
    user.mkdir()
    (user / "precious.txt").write_text("mine\n")
    built.build()
    assert (user / "precious.txt").read_text() == "mine\n"


def test_a_user_backup_is_not_restored_over_a_missing_release(built):
    backup = built.root / "dist.old-1.0.0"
    backup.mkdir()
    (backup / "precious.txt").write_text("mine\n")
    cleanup_stale(built.root / "other")
    built.out.rename(built.root / "moved")
    cleanup_stale(built.out)
    assert not built.out.exists()
    assert (backup / "precious.txt").read_text() == "mine\n"


def test_a_forged_marker_does_not_make_a_user_folder_deletable(built):
    user = built.root / "dist.tmp-forged"
    user.mkdir()
    (user / STAGE_MARKER).write_text("dist.tmp-other")  # names another folder
    cleanup_stale(built.out)
    assert user.is_dir()


def test_stages_of_killed_builds_are_removed_and_none_is_released(built, monkeypatch):
    # A build that dies after staging leaves a marked stage; the next build removes it.
    stage = publish.staging_dir(built.out)
    (stage / "partial.parquet").write_bytes(b"PAR1")
    built.build()
    assert not stage.exists()
    assert not (built.out / STAGE_MARKER).exists()
    assert sorted(p.name for p in built.root.iterdir()) == [
        "DATASET_CARD.md",
        "dist",
        "dist.lock",
        "raw",
    ]


def test_a_release_set_aside_by_a_crash_is_restored(built):
    before = tree(built.out)
    aside = built.root / "dist.old-77-abcd1234"
    (built.out / STAGE_MARKER).write_text(aside.name)
    built.out.rename(aside)
    cleanup_stale(built.out)
    assert tree(built.out) == before
    assert not aside.exists()


def test_the_swap_without_renameat2_leaves_no_marker(built, monkeypatch):
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    before = tree(built.out)
    built.build()
    assert tree(built.out) == before
    assert sorted(p.name for p in built.root.iterdir()) == [
        "DATASET_CARD.md",
        "dist",
        "dist.lock",
        "raw",
    ]
