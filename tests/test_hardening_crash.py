"""Issue 7, crash safety: ``dtk build`` killed at random points (SIGKILL, SIGTERM, SIGINT after a
random delay) leaves the previous release byte-for-byte intact and the next build correct; a
full disk (an injected ENOSPC in the writers) fails cleanly: a one-line error, a non-zero exit
code, no traceback, no staging folder left behind, the old release unchanged."""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from tests.test_release import add_jsonl_source, submission, tree_bytes
from toolkit.build import writers
from toolkit.build.release import build_release
from toolkit.release.check import check_release

ROOT = Path(__file__).resolve().parent.parent


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


def leftovers(out: Path) -> list[str]:
    return sorted(
        p.name
        for p in out.parent.iterdir()
        if p.name.startswith((f"{out.name}.tmp-", f"{out.name}.old-"))
    )


def test_builds_killed_at_random_points_leave_the_old_release_intact(released):
    raw, out, before = released
    rng = random.Random(7)
    command = [
        sys.executable,
        "-m",
        "toolkit",
        "build",
        "--raw",
        str(raw),
        "--out",
        str(out),
        "--workers",
        "1",
        "-q",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outcomes = []
    deadline = time.monotonic() + 25
    for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGKILL, signal.SIGTERM):
        if time.monotonic() > deadline:
            break
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        time.sleep(rng.uniform(0.2, 3.5))
        if proc.poll() is None:
            proc.send_signal(sig)
        _, stderr = proc.communicate()
        outcomes.append((sig.name, proc.returncode))
        assert b"Traceback" not in stderr or sig == signal.SIGINT
        if proc.returncode == 0:
            # The build won the race: the release is the new one; rebuild the old state is
            # not possible, so stop here (the later assertions still hold).
            break
        after = tree_bytes(out)
        if after != before:
            # The signal landed after the atomic swap (while DATASET_CARD.md was written):
            # the release is then the whole new one, never a mix of old and new.
            assert check_release(out, load=False).valid, f"half-written after {outcomes[-1]}"
            assert json.loads(after["manifest.json"])["version"] == "0.2.0"
            break
    assert any(code != 0 for _, code in outcomes), f"no build was interrupted: {outcomes}"
    summary = build_release(raw, out, workers=1)
    assert leftovers(out) == []
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["version"] == "0.2.0"
    assert summary.counts == {**summary.counts, "extracted": 3001, "rejected": 1}
    assert summary.counts["released"] + summary.counts["deduplicated"] == 3000
    assert tree_bytes(out) != before


def _fail_after(calls: int):
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
    global original
    raw, out, before = released
    cls_name, method = target.split(".")
    cls = getattr(writers, cls_name)
    original = getattr(cls, method)
    monkeypatch.setattr(cls, method, _fail_after(calls))
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


original = None
