"""Throwaway git repositories for the CI tests, with a fixed identity and fixed dates."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "dtk",
    "GIT_AUTHOR_EMAIL": "dtk@example.invalid",
    "GIT_COMMITTER_NAME": "dtk",
    "GIT_COMMITTER_EMAIL": "dtk@example.invalid",
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00Z",
}


def git(repo: Path, *args: str) -> str:
    """Run ``git args`` in ``repo``; its stdout, stripped (a failure raises)."""
    return subprocess.run(
        ["git", *args],
        cwd=repo,
        env={**os.environ, **GIT_ENV},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
