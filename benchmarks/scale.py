"""Scaling of ``dtk build --engine ray`` on a Ray cluster simulated on this machine.

    python benchmarks/scale.py --records 20000 --nodes 1,2,3

Generates submissions (``generate.py``), builds them once with the local engine (one process)
and once per cluster size with ``--engine ray`` on ``ray.cluster_utils.Cluster`` (one CPU a
node), each run in a fresh interpreter, and prints records/s and peak memory per process: the
driver (``ru_maxrss``), the largest Ray worker and each kind of Ray service (``VmHWM`` of every
process under the run, read every ``--interval`` seconds and at the end; a worker that exits
between two reads is missed). Every release is compared with the local one (sha256 of each file).
Prints only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from run import raw_folder  # noqa: E402


def _peak_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _kind(pid: int) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "gone"
    for marker, kind in (("gcs_server", "gcs"), ("raylet", "raylet"), ("ray::", "worker")):
        if marker in command:
            return kind
    return "worker" if "default_worker" in command else "other"


def _descendants(root: int) -> list[int]:
    """Pids of every process under ``root`` (Linux ``/proc``)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            parents[int(entry.name)] = int(
                (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
            )
        except (OSError, IndexError, ValueError):
            continue
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        kids = [pid for pid, ppid in parents.items() if ppid == parent]
        found += kids
        frontier += kids
    return found


class PeakWatcher:
    """Peak RSS (``VmHWM``) of every process under this one, read every ``interval`` s."""

    def __init__(self, interval: float) -> None:
        self.interval, self.peaks, self.kinds = interval, {}, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.read()

    def read(self) -> None:
        for pid in _descendants(os.getpid()):
            peak = _peak_kb(pid)
            if peak:
                self.peaks[pid] = max(self.peaks.get(pid, 0), peak)
                kind = _kind(pid)
                if kind != "gone" and self.kinds.get(pid) != "worker":
                    self.kinds[pid] = kind

    def __enter__(self) -> PeakWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.read()
        self._stop.set()
        self._thread.join()

    def by_kind(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for pid, peak in self.peaks.items():
            out.setdefault(self.kinds.get(pid, "other"), []).append(peak)
        return out


class StageClock:
    """A ``Progress`` that keeps each stage's wall time, the size of the build's work folder
    (spills, facts, band keys) when the card stage starts (it is removed after), and the peak of
    the driver's allocations during pass two (``tracemalloc``, which NumPy reports to)."""

    def __init__(self, root: Path) -> None:
        self.root, self.seconds, self.work_mb, self.merge_mb = root, {}, 0.0, 0.0

    @contextlib.contextmanager
    def stage(self, name: str, total: int | None = None, unit: str = "records") -> Iterator[Any]:
        from toolkit.progress import Stage

        if name == "card":
            self.work_mb = (
                sum(p.stat().st_size for w in self.root.rglob(".work") for p in w.rglob("*"))
                / 2**20
            )
        if name == "dedup":
            tracemalloc.start()
        start = time.perf_counter()
        try:
            yield Stage()
        finally:
            self.seconds[name] = time.perf_counter() - start
            if name == "write":
                self.merge_mb = tracemalloc.get_traced_memory()[1] / 2**20
                tracemalloc.stop()


def _digest(dist: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(dist.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(dist).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def child(args: argparse.Namespace) -> dict[str, object]:
    """One build in this interpreter: ``--nodes 0`` is the local engine, else a Ray cluster."""
    import toolkit.build.release
    from toolkit.build import engine, writers
    from toolkit.build.release import build_release

    toolkit.build.release.JSONL_RANGE_BYTES = args.range_mb << 20
    writers.ROWS_PER_SHARD = args.rows_per_shard
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    os.environ["RAY_ENABLE_UV_RUN_RUNTIME_ENV"] = "0"
    work = Path(tempfile.mkdtemp(dir=args.tmp))
    raw = work / "raw"
    raw_folder(args.file, raw)
    cluster = None
    started = time.perf_counter()
    options: dict[str, object] = {"workers": 1}
    if args.nodes:
        import ray
        from ray.cluster_utils import Cluster

        node = {"num_cpus": 1, "object_store_memory": 100 << 20}
        cluster = Cluster(initialize_head=True, head_node_args=node)
        for _ in range(args.nodes - 1):
            cluster.add_node(**node)
        cluster.wait_for_nodes()
        options = {"engine": "ray", "ray_address": cluster.address}
    startup = time.perf_counter() - started
    before = engine._ray_children()
    try:
        clock = StageClock(work)
        with PeakWatcher(args.interval) as watcher:
            start = time.perf_counter()
            summary = build_release(raw, work / "dist", progress=clock, **options)  # type: ignore[arg-type]
            seconds = time.perf_counter() - start
    finally:
        if cluster is not None:
            cluster.shutdown()
            engine.shutdown_ray(ray, before)
    kinds = watcher.by_kind()
    records = summary.counts["extracted"]
    result = {
        "nodes": args.nodes,
        "records": records,
        "seconds": seconds,
        "startup": startup,
        "rate": records / seconds,
        "driver_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_mb": max(kinds.get("worker", [0])) / 1024,
        "workers": len(kinds.get("worker", [])),
        "raylet_mb": max(kinds.get("raylet", [0])) / 1024,
        "gcs_mb": max(kinds.get("gcs", [0])) / 1024,
        "other_mb": max(kinds.get("other", [0])) / 1024,
        "total_mb": sum(sum(v) for v in kinds.values()) / 1024
        + resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "digest": _digest(work / "dist"),
        "stages": clock.seconds,
        "work_mb": clock.work_mb,
        "merge_mb": clock.merge_mb,
        "release_mb": sum(p.stat().st_size for p in (work / "dist").rglob("*") if p.is_file())
        / 2**20,
    }
    import shutil

    shutil.rmtree(work, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--nodes", default="1,2,3", help="cluster sizes, comma-separated")
    parser.add_argument("--range-mb", type=int, default=4, help="JSONL byte range per task")
    parser.add_argument("--rows-per-shard", type=int, default=4000, help="Parquet rows a shard")
    parser.add_argument("--interval", type=float, default=0.2)
    parser.add_argument("--tmp", type=Path, default=None)
    parser.add_argument("--file", type=Path, default=None)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.nodes = int(args.nodes)
        print(json.dumps(child(args)))
        return
    from benchmarks.generate import generate

    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        path = Path(tmp) / "submissions.jsonl"
        generate(path, args.records, 0.01, 7)
        size = path.stat().st_size / 2**20
        print(
            f"{args.records:,} records, {size:.0f} MB, range {args.range_mb} MB, "
            f"{args.rows_per_shard} rows a Parquet shard, nproc {os.cpu_count()}"
        )
        print(
            "| engine | rec/s | build s | extract / dedup / write / card s | cluster start s "
            "| driver MB | driver pass two MB | largest worker MB | workers | raylet MB | gcs MB "
            "| all processes MB | work folder MB | release |"
        )
        print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for nodes in [0, *(int(n) for n in args.nodes.split(","))]:
            command = [
                sys.executable,
                __file__,
                "--child",
                "--nodes",
                str(nodes),
                "--file",
                str(path),
                "--range-mb",
                str(args.range_mb),
                "--rows-per-shard",
                str(args.rows_per_shard),
                "--interval",
                str(args.interval),
                "--tmp",
                tmp,
            ]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode:
                print(f"| {nodes} nodes | failed: {done.stderr.strip().splitlines()[-1:]} |")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            name = "local, 1 process" if not nodes else f"ray, {nodes} node(s) × 1 CPU"
            stages = " / ".join(
                f"{r['stages'].get(k, 0):.1f}" for k in ("extract", "dedup", "write", "card")
            )
            print(
                f"| {name} | {r['rate']:,.0f} | {r['seconds']:.1f} | {stages} | "
                f"{r['startup']:.1f} | {r['driver_mb']:.0f} | {r['merge_mb']:.1f} | "
                f"{r['worker_mb']:.0f} | {r['workers']} | {r['raylet_mb']:.0f} | "
                f"{r['gcs_mb']:.0f} | {r['total_mb']:.0f} | {r['work_mb']:.0f} | "
                f"{r['digest']} ({r['release_mb']:.0f} MB) |",
                flush=True,
            )


if __name__ == "__main__":
    main()
