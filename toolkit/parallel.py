"""Spreading per-shard work over processes: byte ranges of large line-oriented files, and an
ordered map that runs in-process for one worker and on a spawn-started pool for several.

Kept apart from ``validate.py`` because the build reuses the same mechanics. Results always come
back in task order, so whatever consumes them produces the same output for any worker count.
Processes are started with ``spawn`` (no fork of a process that holds threads, the same on every
platform), which costs about a second per worker to import the toolkit: small inputs stay
in-process. Workers die with their parent: a killed ``dtk`` must not leave them (and, through
them, the resource tracker) running and holding the caller's pipes (issue 12).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache
from pathlib import Path
from typing import TypeVar

from toolkit.errors import WorkerError

T = TypeVar("T")
R = TypeVar("R")

#: Inputs smaller than this in total are checked in-process: a pool costs more than it saves.
MIN_PARALLEL_BYTES = 8 << 20
#: Byte ranges of one file are never smaller than this (nor larger than ``MAX_RANGE_BYTES``).
MIN_RANGE_BYTES = 1 << 20
MAX_RANGE_BYTES = 64 << 20
_SCAN = 1 << 16


def default_workers() -> int:
    """Worker processes to use by default: one per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def range_size(file_bytes: int, workers: int) -> int:
    """Bytes per range for a file: at least four ranges per worker, so a slow range does not
    leave the other workers idle at the end, none much larger than ``MAX_RANGE_BYTES``, and as
    many ranges as a multiple of ``workers``, so that the last round keeps every worker busy
    (issue 14: 555 MB on 2 workers was 9 ranges, one worker idle for the last ~7%)."""
    count = max(4 * workers, -(-file_bytes // MAX_RANGE_BYTES))
    count = -(-count // workers) * workers
    return max(MIN_RANGE_BYTES, file_bytes // count + 1)


def split_ranges(path: Path | int, size: int) -> list[tuple[int, int]]:
    """``[start, end)`` byte ranges of ``path`` (or of the open descriptor ``path``) of about
    ``size`` bytes, each starting at the beginning of a line (just after a newline), together
    covering the whole file."""
    if isinstance(path, int):
        return _split_fd(path, size)
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        return _split_fd(fd, size)
    finally:
        os.close(fd)


def _split_fd(fd: int, size: int) -> list[tuple[int, int]]:
    total = os.fstat(fd).st_size
    bounds = [0]
    while bounds[-1] + size < total:
        position = bounds[-1] + size
        scan = position - 1
        while True:
            block = os.pread(fd, _SCAN, scan)
            if not block:
                position = total
                break
            found = block.find(b"\n")
            if found != -1:
                position = scan + found + 1
                break
            scan += len(block)
        if position >= total:
            break
        bounds.append(position)
    bounds.append(total)
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a] or [(0, total)]


_PR_SET_PDEATHSIG = 1


@cache
def _glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc (the one with ``malloc_trim``), found once."""
    try:
        found = ctypes.CDLL(None)
    except OSError:
        return None
    return found if hasattr(found, "malloc_trim") else None


def trim_heap() -> None:
    """Give the C heap's free memory back to the system (glibc's ``malloc_trim``; nothing
    elsewhere). ``malloc`` keeps what Python frees in large batches for reuse, so without this
    a process keeps its largest moment's RSS for good and the next stage starts on top of it
    (issue 14: about 70 MB after each pass-one task of a build). Results never depend on it."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


#: How often a worker checks that its parent is still alive (where the kernel cannot tell it).
WATCHDOG_SECONDS = 1.0


def _exit_with(parent: int) -> None:
    """Exit this worker as soon as ``parent`` is gone."""
    while os.getppid() == parent:
        time.sleep(WATCHDOG_SECONDS)
    os._exit(1)


def _worker_start(
    parent: int, initializer: Callable[..., object] | None, initargs: tuple[object, ...]
) -> None:
    """Worker initializer: tie the worker's life to ``parent``, then run the caller's one.

    On Linux the kernel sends SIGKILL when the parent dies (``PR_SET_PDEATHSIG``); everywhere a
    daemon thread watches the parent id, which also covers a parent that died before this ran.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the watchdog alone
        pass
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(
        target=_exit_with, args=(parent,), name="dtk-parent-watchdog", daemon=True
    ).start()
    if initializer is not None:
        initializer(*initargs)


def ordered_map(
    func: Callable[[T], R],
    tasks: Iterable[T],
    *,
    workers: int,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[object, ...] = (),
) -> Iterator[R]:
    """``func`` over ``tasks``, results in task order. With ``workers > 1`` the tasks run in
    spawned processes (``func`` and the tasks must pickle). Stopping the iteration early
    cancels the tasks not yet started and waits for the running ones: a process pool killed
    mid-task can deadlock its feeder thread, so nothing is ever terminated."""
    if workers <= 1:
        if initializer is not None:
            initializer(*initargs)
        yield from map(func, tasks)
        return
    context = multiprocessing.get_context("spawn")
    executor = ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_worker_start,
        initargs=(os.getpid(), initializer, initargs),
    )
    try:
        futures = [executor.submit(func, task) for task in tasks]
        for future in futures:
            try:
                result = future.result()
            except BrokenProcessPool as exc:
                raise WorkerError(
                    "a worker process died (killed, or out of memory); nothing was written; "
                    "try again with --workers 1 or with more memory"
                ) from exc
            yield result
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
