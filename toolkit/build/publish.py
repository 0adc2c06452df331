"""Crash-safe publishing of a release folder: one build at a time (an advisory lock the kernel
drops when the process dies), staging beside the target, and an atomic swap at the end, so a
build killed at any point leaves the previous release as it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from toolkit.errors import BuildLockedError, ReleaseError

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@contextlib.contextmanager
def release_lock(out: Path) -> Iterator[None]:
    """Hold ``<out>.lock`` for the duration; a second build is refused, not queued."""
    lock_path = out.with_name(out.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = lock_path.open("a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildLockedError(
                f"another dtk build is writing {out} (lock {lock_path} is held); "
                "wait for it to finish"
            ) from exc
        yield
    finally:
        handle.close()


def cleanup_stale(out: Path) -> None:
    """Remove staging folders of builds that died, and restore a release a crash left aside."""
    old = sorted(out.parent.glob(f"{out.name}.old-*"))
    if not out.exists() and old:
        os.rename(old[-1], out)
        old = old[:-1]
    for path in [*old, *out.parent.glob(f"{out.name}.tmp-*")]:
        shutil.rmtree(path, ignore_errors=True)


def staging_dir(out: Path) -> Path:
    """A fresh folder beside ``out`` (same filesystem, so the final rename is atomic)."""
    stage = out.with_name(f"{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
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
    """Make ``stage`` the release at ``out``; the old release is removed only afterwards."""
    fsync_tree(stage)
    if not out.exists():
        os.rename(stage, out)
        return
    if _exchange(stage, out):
        shutil.rmtree(stage)
        return
    aside = out.with_name(f"{out.name}.old-{os.getpid()}")
    os.rename(out, aside)  # a crash here is repaired by cleanup_stale on the next build
    os.rename(stage, out)
    shutil.rmtree(aside)
