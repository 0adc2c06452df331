"""Class 8 of issue 12, processes: workers (and so the resource tracker) die with their parent,
and a Ray that does not start is a clear error after one retry, its processes reaped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.helpers.records import submission
from toolkit.build import engine
from toolkit.errors import WorkerError

ROOT = Path(__file__).resolve().parents[2]
#: Generous bounds on waiting for processes to appear or go: events, not timings, decide.
PATIENCE_SECONDS = 120


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent has not reaped it yet


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + PATIENCE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what} after {PATIENCE_SECONDS} s")
        time.sleep(0.1)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
def test_workers_and_the_resource_tracker_die_with_their_parent(how, tmp_path):
    # The parent maps a task that never ends over two workers, as `dtk build --workers 2` does.
    script = tmp_path / "parent.py"
    script.write_text(
        textwrap.dedent(
            """
            import time
            from toolkit.parallel import ordered_map
            if __name__ == "__main__":
                for _ in ordered_map(time.sleep, [3600, 3600], workers=2):
                    pass
            """
        )
    )
    parent = subprocess.Popen(
        [sys.executable, str(script)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        # Two workers plus the resource tracker, and each worker past its initializer (its
        # watchdog thread is running, so it has two threads).
        def started() -> bool:
            kids = children_of(parent.pid)
            threaded = [k for k in kids if len(list(Path(f"/proc/{k}/task").glob("*"))) >= 2]
            return len(kids) >= 3 and len(threaded) >= 2

        wait_for(started, "two workers and the resource tracker")
        kids = children_of(parent.pid)
        parent.send_signal(getattr(signal, how))
        parent.wait()
        wait_for(lambda: not any(alive(k) for k in kids), "the workers to die with their parent")
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


class FakeRay:
    """Just enough of ``ray`` to watch starts and shutdowns."""

    def __init__(self, failures: int) -> None:
        self.failures, self.inits, self.shutdowns = failures, 0, 0

    def init(self, **options: object) -> None:
        self.inits += 1
        if self.inits <= self.failures:
            raise Exception("The current node timed out during startup.")

    def shutdown(self) -> None:
        self.shutdowns += 1


def test_ray_is_retried_once_and_each_failed_start_is_reaped():
    ray = FakeRay(failures=1)
    engine.start_ray(ray, None)
    assert (ray.inits, ray.shutdowns) == (2, 1)


def test_a_ray_that_does_not_start_is_a_clear_error():
    ray = FakeRay(failures=5)
    with pytest.raises(WorkerError, match="Ray did not start .*timed out during startup"):
        engine.start_ray(ray, None)
    assert (ray.inits, ray.shutdowns) == (engine.RAY_START_ATTEMPTS, engine.RAY_START_ATTEMPTS)


def test_dtk_build_with_a_ray_that_does_not_start_exits_2(project, run_dtk, monkeypatch):
    ray = pytest.importorskip("ray", reason="the ray extra is not installed")
    fake = FakeRay(failures=5)
    monkeypatch.setattr(ray, "init", fake.init)
    monkeypatch.setattr(ray, "shutdown", fake.shutdown)
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    project.add_jsonl("a.jsonl", [submission(1)])
    result = run_dtk(
        "build", "--raw", str(project.raw), "--out", str(project.out), "--engine", "ray", "-q"
    )
    assert result.exit_code == 2
    assert result.output.startswith("error: Ray did not start (The current node timed out")
    assert "Traceback" not in result.output
    assert not project.out.exists()
    assert not list(project.root.glob("dist.tmp-*"))
