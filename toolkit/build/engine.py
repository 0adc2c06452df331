"""Where shard tasks run: in this process, in a local process pool (the default, using every
core), or on a Ray cluster. Every engine returns results in task order, so the release is
byte-identical whichever one ran it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from toolkit.errors import UsageError
from toolkit.parallel import default_workers, ordered_map

T = TypeVar("T")
R = TypeVar("R")


def run_local(fn: Callable[[T], R], tasks: Sequence[T], workers: int) -> Iterator[R]:
    """Run ``fn`` over ``tasks`` with up to ``workers`` spawned processes, in task order."""
    return ordered_map(fn, tasks, workers=min(workers, len(tasks)))


def run_ray(fn: Callable[[T], R], tasks: Sequence[T], address: str | None) -> Iterator[R]:
    """Run ``fn`` over ``tasks`` as Ray Data ``map`` stages, order preserved.

    On a cluster, raw/ and the output folder must be on storage every node sees."""
    try:
        import ray
    except ImportError as exc:
        raise UsageError("the ray engine needs Ray: pip install 'newsroom-dtk[ray]'") from exc
    from ray import cloudpickle

    with warnings.catch_warnings():
        # Ray's own internals raise DeprecationWarnings about Ray's own settings.
        warnings.simplefilter("ignore", DeprecationWarning)
        yield from _run_ray_data(ray, cloudpickle, fn, tasks, address)


def _run_ray_data(
    ray: Any, cloudpickle: Any, fn: Callable[[T], R], tasks: Sequence[T], address: str | None
) -> Iterator[R]:
    started = not ray.is_initialized()
    if started:
        ray.init(
            address=address,
            include_dashboard=False,
            log_to_driver=False,
            configure_logging=False,
            ignore_reinit_error=True,
        )
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    payloads = [{"i": i, "task": cloudpickle.dumps(t)} for i, t in enumerate(tasks)]

    def apply(row: dict[str, Any]) -> dict[str, Any]:
        from ray import cloudpickle as cp

        return {"i": row["i"], "result": cp.dumps(fn(cp.loads(row["task"])))}

    dataset = ray.data.from_items(payloads, override_num_blocks=max(1, len(payloads))).map(apply)
    try:
        rows = sorted(dataset.take_all(), key=lambda row: row["i"])
    finally:
        if started:  # a local Ray we started holds ~1 GB: give it back
            ray.shutdown()
    for row in rows:
        yield cloudpickle.loads(row["result"])


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
