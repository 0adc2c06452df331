"""Resource probes that a busy machine cannot fail: peak memory of a fresh interpreter, and the
number of function calls some work makes (a count of operations, never a clock)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from tests.helpers import ROOT

_PROLOGUE = """
import json, resource, sys, threading
import toolkit.validate.paths, toolkit.extract
calls = 0
def _count(frame, event, arg):
    global calls
    if event in ("call", "c_call"):
        calls += 1
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""


def measure(code: str, *, env: dict[str, str] | None = None, count_calls: bool = False) -> dict:
    """Run ``code`` (which sets ``result``) in a fresh interpreter; return ``result`` plus
    ``rss_growth_mb``, the peak RSS growth caused by the code after the imports it shares with
    the toolkit, and with ``count_calls`` the number of Python and C function calls it made
    (``calls``). Compare call counts as ratios between two sizes of input: they measure how the
    work grows, and unlike seconds they do not depend on the machine's load."""
    body = textwrap.dedent(code)
    if count_calls:
        body = "\n".join(
            [
                "threading.setprofile(_count)",
                "sys.setprofile(_count)",
                body,
                "sys.setprofile(None)",
                "threading.setprofile(None)",
            ]
        )
    script = "\n".join(
        [
            _PROLOGUE,
            body,
            "result['rss_growth_mb'] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base)"
            " / 1024",
            "result['calls'] = calls",
            "print(json.dumps(result))",
        ]
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=600,  # only against a hang: ten times what the slowest probe needs when idle
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])
