"""Where shard tasks run: in this process, in a local process pool (the default, using every
core), or on a Ray cluster. Every engine returns results in task order, so the release is
byte-identical whichever one ran it. On Ray, pass two runs as tasks too (``DISTRIBUTED``,
``build/distributed.py``), inside one :func:`engine_session` for the whole build.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import subprocess
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from toolkit.errors import UsageError, WorkerError
from toolkit.parallel import default_workers, ordered_map

T = TypeVar("T")
R = TypeVar("R")
#: Ray gets this many tries to start: on a busy machine its node can time out starting (Ray
#: waits 30 s for it), and a second try usually succeeds.
RAY_START_ATTEMPTS = 2


def run_local(fn: Callable[[T], R], tasks: Sequence[T], workers: int) -> Iterator[R]:
    """Run ``fn`` over ``tasks`` with up to ``workers`` spawned processes, in task order."""
    return ordered_map(fn, tasks, workers=min(workers, len(tasks)))


def _import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise UsageError("the ray engine needs Ray: pip install 'newsroom-dtk[ray]'") from exc
    return ray


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        # Ray's own internals raise DeprecationWarnings about Ray's own settings.
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def run_ray(fn: Callable[[T], R], tasks: Sequence[T], address: str | None) -> Iterator[R]:
    """Run ``fn`` over ``tasks`` as Ray tasks spread over the cluster's nodes, in task order.

    Each task returns its result (small metadata: the records themselves go to files), so the
    driver never receives record batches. On a cluster, raw/ and the output folder must be on
    storage every node sees. Ray is started (and shut down after) unless it already runs."""
    ray = _import_ray()
    with _quiet():
        started = not ray.is_initialized()
        before = start_ray(ray, address) if started else set()
    try:
        with _quiet():
            remote = ray.remote(fn).options(num_cpus=1, scheduling_strategy="SPREAD")
            refs = [remote.remote(task) for task in tasks]
        for ref in refs:
            with _quiet():
                result = ray.get(ref)
            yield result
    finally:
        if started:  # a local Ray we started holds ~1 GB and a dozen processes: give them back
            with _quiet():
                shutdown_ray(ray, before)


@contextlib.contextmanager
def engine_session(engine: str, address: str | None) -> Iterator[None]:
    """Keep the engine up for a whole build: Ray is started once for pass one and pass two's
    tasks (not once per stage) and always shut down, its processes reaped, when it was started
    here. Other engines need no session.

    Raises:
        WorkerError: Ray did not start (nothing was written).
    """
    if engine != "ray":
        yield
        return
    ray = _import_ray()
    with _quiet():
        started = not ray.is_initialized()
        before = start_ray(ray, address) if started else set()
    try:
        yield
    finally:
        if started:
            with _quiet():
                shutdown_ray(ray, before)


#: How long a Ray process killed after shutdown gets to exit before it is given up on.
REAP_SECONDS = 10.0


def _ray_children() -> set[int]:
    """Pids of this process's children that run Ray (Linux ``/proc``; empty elsewhere)."""
    found = set()
    me = os.getpid()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == me and b"ray" in command:
            found.add(int(entry.name))
    return found


def _ray_popens(before: set[int]) -> list[subprocess.Popen[Any]]:
    """Ray's ``Popen`` objects, still alive in this process, of processes started since
    ``before`` and not yet waited for (an exited one is a zombie, whose command line is gone)."""
    return [
        found
        for found in gc.get_objects()
        if isinstance(found, subprocess.Popen)
        and found.returncode is None
        and found.pid not in before
        and "ray" in str(found.args)
    ]


def _reap(before: set[int]) -> None:
    """Kill and reap the Ray processes this process started since ``before``.

    Ray keeps a ``subprocess.Popen`` for each process it starts; one collected while its
    ``returncode`` is unset warns "subprocess N is still running" (a ResourceWarning) even
    after the process was reaped by pid. So a process that has a live ``Popen`` is reaped
    through it (which sets its ``returncode``), and only the others by pid.
    """
    popens = _ray_popens(before)
    left = (_ray_children() - before) | {found.pid for found in popens}
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    for found in popens:
        with contextlib.suppress(subprocess.TimeoutExpired, OSError):
            found.wait(timeout=REAP_SECONDS)
            left.discard(found.pid)
    deadline = time.monotonic() + REAP_SECONDS
    while left and time.monotonic() < deadline:
        for pid in list(left):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:  # already reaped (by its Popen object)
                done = pid
            if done:
                left.discard(pid)
        time.sleep(0.05)


def shutdown_ray(ray: Any, before: set[int], *, failed_start: bool = False) -> None:
    """``ray.shutdown``, and no Ray process started since ``before`` left running. After a
    failed ``ray.init`` no node object knows the raylet and GCS it started: they are killed
    and reaped first, before their ``Popen`` objects are collected (a ResourceWarning, and
    processes holding ~1 GB, otherwise)."""
    if failed_start:
        _reap(before)
    ray.shutdown()
    _reap(before)


def start_ray(ray: Any, address: str | None) -> set[int]:
    """``ray.init``, tried ``RAY_START_ATTEMPTS`` times; after each failed try the raylet and GCS
    processes it started are shut down and reaped. Returns the Ray processes that ran before,
    for :func:`shutdown_ray`.

    Raises:
        WorkerError: Ray did not start (exit 2: nothing was written).
    """
    before = _ray_children()
    failure: Exception | None = None
    for _ in range(RAY_START_ATTEMPTS):
        try:
            ray.init(
                address=address,
                include_dashboard=False,
                log_to_driver=False,
                configure_logging=False,
                ignore_reinit_error=True,
            )
            return before
        except Exception as exc:  # Ray raises a bare Exception when its node times out
            failure = exc
            shutdown_ray(ray, before, failed_start=True)
    raise WorkerError(
        f"Ray did not start ({failure}); nothing was written; try again when the machine is "
        "less busy, check --ray-address, or build with --engine local"
    ) from failure


def run_tasks(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    *,
    engine: str = "local",
    workers: int | None = None,
    ray_address: str | None = None,
) -> Iterator[R]:
    """Results of ``fn`` over ``tasks``, in task order, on the chosen engine."""
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    return ENGINES[engine](fn, tasks, workers, ray_address)


def _local(
    fn: Callable[[T], R], tasks: Sequence[T], workers: int | None, address: str | None
) -> Iterator[R]:
    return run_local(fn, tasks, workers or default_workers())


def _ray(
    fn: Callable[[T], R], tasks: Sequence[T], workers: int | None, address: str | None
) -> Iterator[R]:
    return run_ray(fn, tasks, address)


#: ``dtk build --engine`` choices: each engine runs ``fn`` over tasks (workers, Ray address).
ENGINES: dict[str, Callable[..., Iterator[Any]]] = {"local": _local, "ray": _ray}
#: Engines on which pass two writes the release in tasks too (``build/distributed.py``): on a
#: cluster the driver must hold no more than per-shard metadata and a few bytes a record. The
#: local engine runs only the dedup stage's tasks and writes in one process, which on one
#: machine is cheaper.
DISTRIBUTED: frozenset[str] = frozenset({"ray"})
