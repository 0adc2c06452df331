"""Crash-safe publishing of a release folder: one build at a time (an advisory lock the kernel
drops when the process dies), staging beside the target, and an atomic swap at the end, so a
build killed at any point leaves the previous release as it was.

A build deletes only what it created: each staging folder (and a release set aside during the
swap) holds a marker file naming the folder, with a random nonce in the name; a folder without
it, such as a user's ``dist.old-1.0.0`` backup, is never touched (issue 12).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from toolkit.errors import BuildLockedError, OutputError, ReleaseError, UsageError

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


#: The file that marks a folder as made by a build; it holds the folder's own name.
STAGE_MARKER = ".dtk-build"


def check_target(out: Path) -> None:
    """Refuse, before anything changes, an output the swap would mishandle: a symlink (the swap
    would replace the link, not the folder it names), something that is not a folder, or a
    folder that holds files but no release.

    Raises:
        UsageError: with what to do instead.
    """
    if out.is_symlink():
        raise UsageError(
            f"{out} is a symbolic link; dtk build replaces the release folder itself and will not "
            f"follow a link; nothing was changed: pass the real folder (--out {out.resolve()}) "
            "or remove the link"
        )
    if out.exists() and not out.is_dir():
        raise UsageError(
            f"{out} exists and is not a folder; nothing was changed: pass another --out, or move "
            "that file away"
        )
    if out.is_dir() and not (out / "manifest.json").is_file() and any(out.iterdir()):
        raise UsageError(
            f"{out} is a folder that holds files but no release (no manifest.json); a build would "
            "replace it; nothing was changed: pass an empty or new folder to --out"
        )


def _cannot_write(out: Path, exc: OSError) -> OutputError:
    where = exc.filename or out.parent
    return OutputError(
        f"cannot write beside {out}: {exc.strerror or exc} ({where}); nothing was changed: make "
        "the folder writable, or pass --out a folder you can write to"
    )


@contextlib.contextmanager
def release_lock(out: Path) -> Iterator[None]:
    """Hold ``<out>.lock`` for the duration; a second build is refused, not queued.

    Raises:
        BuildLockedError: another build holds the lock.
        UsageError: the lock path is a symbolic link.
        OutputError: the folder cannot be written (read-only, permissions).
    """
    lock_path = out.with_name(out.name + ".lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UsageError(
                f"{lock_path} is a symbolic link; remove it (dtk build creates its own lock file)"
            ) from exc
        raise _cannot_write(out, exc) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildLockedError(
                f"another dtk build is writing {out} (lock {lock_path} is held); "
                "wait for it to finish"
            ) from exc
        yield
    finally:
        os.close(fd)


def _mark(folder: Path, name: str) -> None:
    (folder / STAGE_MARKER).write_text(name, encoding="utf-8")


def _made_by_a_build(path: Path) -> bool:
    """Whether ``path`` is a folder a build made: a real folder whose marker names it."""
    marker = path / STAGE_MARKER
    if path.is_symlink() or not path.is_dir() or marker.is_symlink() or not marker.is_file():
        return False
    try:
        return marker.read_text(encoding="utf-8") == path.name
    except (OSError, UnicodeDecodeError):
        return False


def cleanup_stale(out: Path) -> None:
    """Remove staging folders of builds that died, and restore a release a crash left aside.
    Only folders a build marked as its own are touched."""
    if out.is_dir() and not out.is_symlink():  # a crash just before the swap marked it
        (out / STAGE_MARKER).unlink(missing_ok=True)
    old = sorted(p for p in out.parent.glob(f"{out.name}.old-*") if _made_by_a_build(p))
    if not out.exists() and old:
        os.rename(old[-1], out)
        (out / STAGE_MARKER).unlink()
        old = old[:-1]
    stale = [p for p in out.parent.glob(f"{out.name}.tmp-*") if _made_by_a_build(p)]
    for path in [*old, *stale]:
        shutil.rmtree(path, ignore_errors=True)


def staging_dir(out: Path) -> Path:
    """A fresh folder beside ``out`` (same filesystem, so the final rename is atomic), marked
    as made by this build.

    Raises:
        OutputError: the folder cannot be created (read-only, permissions).
    """
    stage = out.with_name(f"{out.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        stage.mkdir(parents=True)
        _mark(stage, stage.name)
    except OSError as exc:
        raise _cannot_write(out, exc) from exc
    return stage


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with renameat2(RENAME_EXCHANGE); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    result = libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    if ctypes.get_errno() in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise ReleaseError(f"cannot swap {a} into {b}: {os.strerror(ctypes.get_errno())}")


def fsync_tree(root: Path) -> None:
    """Flush every file under ``root`` to disk before it becomes the release."""
    for path in sorted(root.rglob("*")):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def swap_in(stage: Path, out: Path) -> None:
    """Make ``stage`` the release at ``out``; the old release is removed only afterwards. The
    old release is marked before it moves, so a crash at any point leaves only folders the next
    build's :func:`cleanup_stale` recognises."""
    fsync_tree(stage)
    (stage / STAGE_MARKER).unlink()
    if not out.exists():
        os.rename(stage, out)
        return
    _mark(out, stage.name)
    try:
        exchanged = _exchange(stage, out)
    except BaseException:
        (out / STAGE_MARKER).unlink(missing_ok=True)
        raise
    if exchanged:
        shutil.rmtree(stage)
        return
    aside = out.with_name(f"{out.name}.old-{os.getpid()}-{secrets.token_hex(4)}")
    _mark(out, aside.name)
    os.rename(out, aside)  # a crash here is repaired by cleanup_stale on the next build
    os.rename(stage, out)
    shutil.rmtree(aside)
