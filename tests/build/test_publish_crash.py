"""Issue 7, crash safety: ``dtk build`` killed at any point (SIGKILL, SIGTERM, SIGINT) leaves the
previous release byte-for-byte intact, or, once the new release is swapped in, the whole new
one; the next build is correct and leaves nothing behind. A full disk (an injected ENOSPC in the
writers) fails cleanly: a one-line error, exit code 1, no traceback, no staging folder left
behind, the old release unchanged.

The build runs in a subprocess that signals itself when it reaches a named point (the n-th call
of a function), so every point is hit on every run, however fast or busy the machine is.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.helpers import ROOT
from tests.helpers.records import submission
from tests.helpers.releases import leftovers, tree_bytes
from tests.helpers.sources import add_jsonl_source
from toolkit.build import writers
from toolkit.build.release import build_release
from toolkit.release.check import check_release

#: Runs ``dtk`` after wrapping TARGET ("module:attribute.path") so that its N-th call sends
#: SIGNAL to the process BEFORE or AFTER the call.
_CRASH_RUNNER = """
import importlib, os, signal, sys
# A shell that starts a job in the background (CI runners, `nohup ... &`) starts it with SIGINT
# ignored, and Python then leaves it ignored: Ctrl-C is put back as a terminal user has it.
signal.signal(signal.SIGINT, signal.default_int_handler)
target, nth, when, signame, *args = sys.argv[1:]
module, _, path = target.partition(":")
owner = importlib.import_module(module)
*parents, name = path.split(".")
for parent in parents:
    owner = getattr(owner, parent)
original = getattr(owner, name)
calls = 0
def hooked(*a, **k):
    global calls
    calls += 1
    if calls == int(nth) and when == "before":
        os.kill(os.getpid(), getattr(signal, signame))
    result = original(*a, **k)
    if calls == int(nth) and when == "after":
        os.kill(os.getpid(), getattr(signal, signame))
    return result
setattr(owner, name, hooked)
from toolkit.cli import main
main(args, prog_name="dtk")
"""

#: Where the build is stopped, in order (the last one lands after the swap):
#: (target, n-th call, before/after it, signal, workers).
CRASH_POINTS = [
    ("toolkit.build.release:process_shard", 1, "after", "SIGINT", 1),  # extracting
    ("toolkit.build.release:process_shard", 2, "before", "SIGKILL", 1),
    ("toolkit.build.writers:JsonLinesWriter.write", 1, "before", "SIGTERM", 1),  # rejects
    ("toolkit.build.writers:SplitWriter._flush_group", 1, "before", "SIGKILL", 1),  # Parquet
    ("toolkit.build.writers:SplitWriter._flush_group", 2, "after", "SIGINT", 1),
    ("toolkit.build.publish:fsync_tree", 1, "before", "SIGTERM", 1),  # staged, not swapped
    ("toolkit.build.publish:fsync_tree", 1, "before", "SIGKILL", 2),  # with worker processes
    ("toolkit.build.release:swap_in", 1, "after", "SIGKILL", 1),  # swapped, card not written
]


@pytest.fixture
def released(tmp_path) -> tuple[Path, Path, dict[str, bytes]]:
    """raw/ with submissions, its release in dist/, then more raw data and a version bump, so
    that the next build would change dist/."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "sources.jsonl").write_text("")
    add_jsonl_source(
        raw,
        "a.jsonl",
        [orjson.dumps(submission(i)) + b"\n" for i in range(300)] + [b'{"title": "broken\n'],
    )
    out = tmp_path / "dist"
    build_release(raw, out, workers=1)
    before = tree_bytes(out)
    add_jsonl_source(
        raw, "b.jsonl", [orjson.dumps(submission(i)) + b"\n" for i in range(300, 3000)]
    )
    (tmp_path / "dataset.toml").write_text('version = "0.2.0"\n')
    return raw, out, before


def crash_build(
    raw: Path, out: Path, target: str, nth: int, when: str, signame: str, workers: int
) -> subprocess.CompletedProcess[bytes]:
    """``dtk build`` in a subprocess that sends itself ``signame`` at the given point."""
    command = [sys.executable, "-c", _CRASH_RUNNER, target, str(nth), when, signame]
    command += ["build", "--raw", str(raw), "--out", str(out), "--workers", str(workers), "-q"]
    return subprocess.run(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=out.parent,
        check=False,
    )


def test_builds_killed_at_every_stage_leave_a_whole_release(released):
    raw, out, before = released
    before_count = json.loads(before["manifest.json"])["counts"]["released"]
    for target, nth, when, signame, workers in CRASH_POINTS:
        point = f"{signame} {when} call {nth} of {target} ({workers} workers)"
        done = crash_build(raw, out, target, nth, when, signame, workers)
        # The signal stopped the build at that point: it never got to finish.
        assert done.returncode != 0, f"the build was not interrupted: {point}: {done.stderr!r}"
        if signame != "SIGINT":
            assert done.returncode == -getattr(signal, signame), (point, done.stderr.decode())
            assert b"Traceback" not in done.stderr, (point, done.stderr.decode())
        if target.endswith(":swap_in"):
            # Killed after the atomic swap (while DATASET_CARD.md was written): the release is
            # then the whole new one, never a mix of old and new.
            assert check_release(out, load=False).valid, f"half-written after {point}"
            assert json.loads((out / "manifest.json").read_text())["version"] == "0.2.0"
        else:
            assert tree_bytes(out) == before, f"release changed after {point}"
    summary = build_release(raw, out, workers=1)
    assert leftovers(out) == []
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["version"] == "0.2.0"
    assert summary.counts == {**summary.counts, "extracted": 3001, "rejected": 1}
    assert summary.counts["released"] + summary.counts["deduplicated"] == 3000
    assert summary.counts["released"] > before_count
    assert tree_bytes(out) != before


def _fail_after(original, calls: int):
    """``original``, failing with ENOSPC from its ``calls + 1``-th call on."""
    count = 0

    def fail(*args, **kwargs):
        nonlocal count
        count += 1
        if count > calls:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return original(*args, **kwargs)

    return fail


@pytest.mark.parametrize(
    ("target", "calls"),
    [
        ("JsonLinesWriter.write", 0),
        ("SplitWriter._flush_group", 0),
        ("SplitWriter._flush_group", 1),
    ],
)
def test_a_full_disk_fails_cleanly(target, calls, released, run_dtk, monkeypatch):
    raw, out, before = released
    cls_name, method = target.split(".")
    cls = getattr(writers, cls_name)
    monkeypatch.setattr(cls, method, _fail_after(getattr(cls, method), calls))
    result = run_dtk("build", "--raw", str(raw), "--out", str(out), "--workers", "1", "-q")
    assert result.exit_code == 1
    assert result.output == (
        f"error: cannot write the release beside {out}: No space left on device; nothing was "
        f"changed in {out} (free some space or fix permissions, then build again)\n"
    )
    assert leftovers(out) == []
    assert tree_bytes(out) == before
    monkeypatch.undo()
    summary = build_release(raw, out, workers=1)
    assert summary.counts["extracted"] == 3001
    assert leftovers(out) == []
